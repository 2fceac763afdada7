#include "ai/ai_json.hpp"

#include <boost/json/array.hpp>

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
  boost::json::array ids;
  for (auto id : p.message_ids) ids.push_back(id);
  boost::json::object o{{"kind", point_kind_name(p.kind)}, {"text", p.text}, {"message_ids", std::move(ids)}};
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

boost::json::object status_json(const AiStatus& s) {
  boost::json::object providers;
  for (const auto& [f, p] : s.providers) providers[f] = p;
  return {{"copilot", s.copilot},
          {"external", s.external},
          {"excluded", s.excluded},
          {"available", s.reason.empty()},
          {"reason", s.reason.empty() ? boost::json::value(nullptr) : boost::json::value(s.reason)},
          {"providers", std::move(providers)}};
}

}  // namespace meridian::ai
