#include "ai/ai_json.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

#include "core/json_fields.hpp"
#include "core/json_values.hpp"

namespace meridian::ai {
namespace {

Result<std::optional<std::int64_t>> positive(const boost::json::object& o, std::string_view key) {
  MERIDIAN_ASSIGN_OR_RETURN(auto v, json::optional_int(o, key));
  if (v && *v <= 0) return make_error(ErrorCode::invalid_argument, std::string(key) + " must be a positive integer");
  return v;
}

boost::json::object point_json(const Point& p) {
  boost::json::array ids, seqs;
  for (auto id : p.message_ids) ids.push_back(id);
  for (auto seq : p.message_seqs) seqs.push_back(seq);
  boost::json::object o{{"kind", point_kind_name(p.kind)},
                        {"text", p.text},
                        {"message_ids", std::move(ids)},
                        {"message_seqs", std::move(seqs)}};
  if (p.kind == PointKind::action_item) {
    o["owner_user_id"] = json::nullable(p.owner_user_id);
    o["owner_name"] = p.owner_name.empty() ? boost::json::value(nullptr) : boost::json::value(p.owner_name);
  }
  return o;
}

}  // namespace

Result<ConversationScope> scope_from(const boost::json::object& body) {
  ConversationScope scope;
  MERIDIAN_ASSIGN_OR_RETURN(auto id, positive(body, "conversation_id"));
  if (!id) return make_error(ErrorCode::invalid_argument, "conversation_id is required");
  scope.conversation_id = *id;
  MERIDIAN_ASSIGN_OR_RETURN(scope.thread_root_id, positive(body, "thread_root_id"));
  MERIDIAN_ASSIGN_OR_RETURN(scope.since, json::optional_int(body, "since"));
  MERIDIAN_ASSIGN_OR_RETURN(scope.until, json::optional_int(body, "until"));
  if (scope.since && scope.until && *scope.since > *scope.until)
    return make_error(ErrorCode::invalid_argument, "since must not be after until");
  MERIDIAN_ASSIGN_OR_RETURN(auto unread, json::optional_bool(body, "unread_only"));
  scope.unread_only = unread.value_or(false);
  MERIDIAN_ASSIGN_OR_RETURN(scope.after_seq, json::optional_int(body, "after_seq"));
  if (scope.after_seq && *scope.after_seq < 0)
    return make_error(ErrorCode::invalid_argument, "after_seq must not be negative");
  if (scope.after_seq && scope.unread_only)
    return make_error(ErrorCode::invalid_argument, "give after_seq or unread_only, not both");
  return scope;
}

boost::json::object summary_json(const SummaryAnswer& a) {
  boost::json::array points, decisions, actions, questions;
  for (const auto& p : a.summary.points) {
    auto o = point_json(p);
    if (p.kind == PointKind::decision) decisions.push_back(o);
    if (p.kind == PointKind::action_item) actions.push_back(o);
    if (p.kind == PointKind::open_question) questions.push_back(o);
    points.push_back(std::move(o));
  }
  boost::json::object out{{"provider", a.provider},
                          {"language", a.summary.language},
                          {"summary", a.summary.summary},
                          {"points", std::move(points)},
                          {"decisions", std::move(decisions)},
                          {"action_items", std::move(actions)},
                          {"open_questions", std::move(questions)},
                          {"message_count", a.message_count},
                          {"excluded_messages", a.excluded_messages},
                          {"older_left_out", a.older_left_out}};
  if (!a.note.empty()) out["note"] = a.note;
  return out;
}

namespace {

boost::json::value one_budget(const Budget& b) {
  if (b.limit == 0) return nullptr;
  return boost::json::object{{"limit", b.limit}, {"used", b.used}, {"left", b.left()}, {"resets_at", b.resets_at}};
}

// Tokens on external providers; a budget not set is null. Built-in answers are not counted.
boost::json::object budget_json(const BudgetState& b) {
  return {{"counts", "tokens sent to and received from external providers; built-in answers are free"},
          {"person_day", one_budget(b.person_day)},
          {"organisation_month", one_budget(b.organisation_month)}};
}

}  // namespace

boost::json::object status_json(const AiStatus& s) {
  boost::json::object providers;
  for (const auto& [f, p] : s.providers) providers[f] = p;
  return {{"copilot", s.copilot},
          {"external", s.external},
          {"excluded", s.excluded},
          {"available", s.reason.empty()},
          {"reason", s.reason.empty() ? boost::json::value(nullptr) : boost::json::value(s.reason)},
          {"providers", std::move(providers)},
          {"budget", budget_json(s.budget)}};
}

Result<std::pair<std::string, FileScope>> question_from(const boost::json::object& body) {
  MERIDIAN_ASSIGN_OR_RETURN(auto question, json::required_string(body, "question", kMaxQuestionBytes));
  const auto* scope_value = body.if_contains("scope");
  if (!scope_value || !scope_value->is_object())
    return make_error(ErrorCode::invalid_argument,
                      "scope must be an object: {file_id | folder_id | space_id | all: true}");
  const auto& o = scope_value->as_object();
  MERIDIAN_TRY(json::reject_unknown_fields(o, {"file_id", "folder_id", "space_id", "all"}));
  FileScope scope;
  MERIDIAN_ASSIGN_OR_RETURN(scope.file_id, positive(o, "file_id"));
  MERIDIAN_ASSIGN_OR_RETURN(scope.folder_id, positive(o, "folder_id"));
  MERIDIAN_ASSIGN_OR_RETURN(scope.space_id, positive(o, "space_id"));
  MERIDIAN_ASSIGN_OR_RETURN(auto all, json::optional_bool(o, "all"));
  if (all && !*all) return make_error(ErrorCode::invalid_argument, "scope.all can only be true");
  scope.all = all.value_or(false);
  const int n = (scope.file_id ? 1 : 0) + (scope.folder_id ? 1 : 0) + (scope.space_id ? 1 : 0) + (scope.all ? 1 : 0);
  if (n != 1)
    return make_error(ErrorCode::invalid_argument, "scope needs exactly one of file_id, folder_id, space_id, all");
  return std::pair{std::move(question), scope};
}

boost::json::object answer_json(const AskAnswer& a) {
  boost::json::array citations, dropped;
  for (const auto& c : a.citations) {
    boost::json::object o{{"file_id", c.file_id},           {"version", c.version},     {"chunk_id", c.chunk_id},
                          {"page", json::nullable(c.page)}, {"file_name", c.file_name}, {"quote", c.quote}};
    o["section"] = c.section.empty() ? boost::json::value(nullptr) : boost::json::value(c.section);
    citations.push_back(std::move(o));
  }
  for (const auto& d : a.dropped)
    dropped.push_back(boost::json::object{{"chunk_id", d.chunk_id}, {"reason", d.reason}});
  boost::json::object out{{"provider", a.provider},
                          {"answer", a.answer},
                          {"citations", std::move(citations)},
                          {"dropped_citations", std::move(dropped)},
                          {"passages", a.passages}};
  if (!a.note.empty()) out["note"] = a.note;
  return out;
}

boost::json::object backfill_json(const BackfillProgress& p) {
  const auto& r = p.run;
  boost::json::object index;
  for (const auto& [status, n] : p.index) index[status] = n;
  auto at = [](UnixMillis t) { return t ? boost::json::value(t) : boost::json::value(nullptr); };
  return {
      {"state", p.indexing_on ? r.state : std::string("off")},
      {"handled", r.handled},
      {"indexed", r.indexed},
      {"failed", r.failed},
      {"remaining", p.remaining},
      {"total", r.handled + p.remaining},
      {"after_file_id", r.after_id},
      {"started_at", at(r.started_at)},
      {"finished_at", at(r.finished_at)},
      {"updated_at", at(r.updated_at)},
      {"working", p.holder.has_value()},
      {"skipped_restricted", r.skipped_restricted},
      {"skipped_unsupported", r.skipped_unsupported},
      {"last_error", r.last_error.empty()
                         ? boost::json::value(nullptr)
                         : boost::json::value(boost::json::object{
                               {"message", r.last_error}, {"file_id", r.last_error_file_id}, {"at", r.last_error_at}})},
      {"documents", std::move(index)}};
}

boost::json::object index_state_json(std::int64_t file_id, const std::optional<DocumentRecord>& d, bool waiting) {
  boost::json::object out{{"file_id", file_id}};
  if (!d) {
    out["status"] = waiting ? "queued" : "not_indexed";
    return out;
  }
  out["status"] = waiting && d->status != "indexing" ? "queued" : d->status;
  out["version"] = d->version;
  out["kind"] = d->kind;
  out["chunks"] = d->chunk_count;
  out["pages"] = d->pages;
  out["bytes"] = d->bytes;
  out["detail"] = d->detail.empty() ? boost::json::value(nullptr) : boost::json::value(d->detail);
  out["updated_at"] = d->updated_at;
  return out;
}

boost::json::object stored_answer_json(const StoredAnswer& a) {
  boost::json::value result = nullptr;
  if (!a.result.empty()) {
    boost::system::error_code ec;
    result = boost::json::parse(a.result, ec);
    if (ec) result = nullptr;
  }
  boost::json::object out{{"id", a.id},
                          {"status", a.status},
                          {"scope", a.scope},
                          {"question", a.question},
                          {"provider", a.provider},
                          {"text", a.text},
                          {"result", std::move(result)},
                          {"created_at", a.created_at},
                          {"updated_at", a.updated_at}};
  out["error"] = a.error.empty() ? boost::json::value(nullptr) : boost::json::value(a.error);
  return out;
}

boost::json::object catch_up_json(const CatchUpAnswer& a) {
  boost::json::array parts;
  for (const auto& p : a.conversations)
    parts.push_back(boost::json::object{{"conversation_id", p.conversation_id},
                                        {"name", p.name},
                                        {"unread", p.unread},
                                        {"summary", summary_json(p.summary)}});
  return {{"provider", a.provider}, {"conversations", std::move(parts)}, {"left_out", a.left_out}};
}

}  // namespace meridian::ai
