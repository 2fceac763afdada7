#include "ai/ai_service.hpp"

#include <algorithm>
#include <chrono>
#include <set>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "ai/text.hpp"
#include "core/log.hpp"
#include "core/json_fields.hpp"

namespace meridian::ai {
namespace {

using Steady = std::chrono::steady_clock;

std::int64_t elapsed_ms(Steady::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - since).count();
}

std::string source_of(const DocumentRecord& d, const StoredChunk& c) {
  std::string out = d.name;
  if (c.page) out += ", page " + std::to_string(*c.page);
  if (!c.section.empty()) out += ", " + c.section;
  return out;
}

}  // namespace

std::string scope_target(const FileScope& scope) {
  if (scope.file_id) return "file:" + std::to_string(*scope.file_id);
  if (scope.folder_id) return "folder:" + std::to_string(*scope.folder_id);
  if (scope.space_id) return "space:" + std::to_string(*scope.space_id);
  return "files:all";
}

Result<AiStatus> AiService::check(const Subject& who) {
  MERIDIAN_TRY(policy_.require(who, policy::Action::use_ai_copilot));
  AiStatus st;
  MERIDIAN_ASSIGN_OR_RETURN(st.copilot, toggles_.enabled("ai.copilot", who.country));
  MERIDIAN_ASSIGN_OR_RETURN(st.external, toggles_.enabled("ai.external", who.country));
  MERIDIAN_ASSIGN_OR_RETURN(auto excluded, ports_.exclusions.excluded_from_ai({who.user_id}));
  st.excluded = excluded.contains(who.user_id);
  if (!st.copilot)
    st.reason = "The AI copilot is switched off for your country (" + who.country + ") by your organisation.";
  else if (st.excluded) {
    MERIDIAN_ASSIGN_OR_RETURN(auto restricted, ports_.exclusions.restricted(who.user_id));
    st.reason = restricted ? "Processing of your data is restricted at your request (GDPR art. 18), so the AI "
                             "copilot does not work for you until the restriction is lifted."
                           : "You asked to be excluded from AI processing, so the copilot does not work for you.";
  }
  for (auto feature : known_ai_features()) {
    auto chosen = choose(feature, who, st, {who.region});
    if (chosen.ok()) st.providers.emplace(std::string(feature), std::string(chosen->provider->name()));
  }
  MERIDIAN_ASSIGN_OR_RETURN(
      st.budget, ports_.usage.state(who.user_id, options_.person_day_tokens, options_.organisation_month_tokens));
  return st;
}

Result<void> AiService::within_budget(const Subject& who, const Provider& provider) {
  if (!provider.external() || (options_.person_day_tokens == 0 && options_.organisation_month_tokens == 0)) return {};
  MERIDIAN_ASSIGN_OR_RETURN(
      auto b, ports_.usage.state(who.user_id, options_.person_day_tokens, options_.organisation_month_tokens));
  auto refuse = [](const Budget& spent, const std::string& whose, const std::string& when, UnixMillis now) {
    Error e = make_error(ErrorCode::rate_limited, whose + " is spent: " + std::to_string(spent.used) + " of " +
                                                      std::to_string(spent.limit) + " tokens used; it renews " + when);
    e.retry_after_seconds = static_cast<int>(std::max<std::int64_t>(1, (spent.resets_at - now + 999) / 1000));
    return e;
  };
  if (b.organisation_month.spent())
    return refuse(b.organisation_month, "Your organisation's AI budget for this month",
                  "on the first day of next month (00:00 UTC)", b.now);
  if (b.person_day.spent()) return refuse(b.person_day, "Your AI budget for today", "at 00:00 UTC", b.now);
  return {};
}

void AiService::charge(const Subject& who, const Provider& provider, std::int64_t tokens) {
  if (!provider.external()) return;
  if (auto r = ports_.usage.record(who.user_id, tokens); !r)
    log::error("ai.usage_not_recorded", {{"user_id", who.user_id}, {"message", r.error().message}});
}

Result<AiStatus> AiService::status(const Subject& who) { return check(who); }

Result<AiService::Choice> AiService::choose(std::string_view feature, const Subject& who, const AiStatus& status,
                                            const std::vector<std::string>& source_regions) const {
  const auto name = options_.choose(feature, who.region);
  Provider* configured = providers_.find(name);
  Provider* builtin = providers_.find("builtin");
  if (!configured) return make_error(ErrorCode::unavailable, "the AI provider '" + name + "' is not available");
  if (!configured->external()) return Choice{configured, ""};
  std::string note;
  if (!status.external) {
    note = "answered by the built-in provider: external AI providers are switched off for your country (" +
           who.country + ")";
  } else if (!options_.allows(name, who.region)) {
    note = "answered by the built-in provider: '" + name + "' may not receive data of your region (" + who.region + ")";
  } else {
    for (const auto& r : source_regions)
      if (!options_.allows(name, r)) {
        note = "answered by the built-in provider: '" + name + "' may not receive data stored in region " + r;
        break;
      }
  }
  if (note.empty()) return Choice{configured, ""};
  if (!builtin) return make_error(ErrorCode::forbidden, note.substr(note.find(':') + 2));
  return Choice{builtin, note};
}

void AiService::audit_refusal(const Subject& who, const std::string& ip, std::string_view action,
                              const std::string& target, const Error& error) {
  boost::json::object detail{{"reason", error_code_name(error.code)}};
  const bool denied = error.code == ErrorCode::forbidden || error.code == ErrorCode::not_found;
  (void)audit_.record(audit::Actor::from(who, ip), action, target, denied ? "denied" : "failed",
                      json::serialize(detail));
}

Result<SummaryAnswer> AiService::summarise(const Subject& who, const ConversationScope& scope, const std::string& ip) {
  const auto started = Steady::now();
  const std::string target = "conversation:" + std::to_string(scope.conversation_id);
  auto answer = [&]() -> Result<SummaryAnswer> {
    MERIDIAN_ASSIGN_OR_RETURN(auto st, check(who));
    if (!st.reason.empty()) return make_error(ErrorCode::forbidden, st.reason);
    MERIDIAN_ASSIGN_OR_RETURN(auto text, ports_.conversations.read(who, scope, kMaxSummaryMessages));
    MERIDIAN_ASSIGN_OR_RETURN(auto choice, choose(kFeatureSummaries, who, st, {who.region, text.region}));
    MERIDIAN_TRY(within_budget(who, *choice.provider));

    std::set<std::int64_t> authors;
    for (const auto& m : text.messages) authors.insert(m.author_id);
    MERIDIAN_ASSIGN_OR_RETURN(auto excluded, ports_.exclusions.excluded_from_ai(authors));
    SummaryInput input;
    SummaryAnswer out;
    for (auto& m : text.messages) {
      if (excluded.contains(m.author_id)) {
        ++out.excluded_messages;
        continue;
      }
      input.messages.push_back(std::move(m));
    }
    // Nobody excluded is offered as an owner either: their name stays, their content is out.
    input.people = std::move(text.people);
    out.message_count = static_cast<std::int64_t>(input.messages.size());
    out.older_left_out = text.older_left_out;
    out.provider = std::string(choice.provider->name());
    out.note = choice.note;
    MERIDIAN_ASSIGN_OR_RETURN(out.summary, choice.provider->summarise(input, {}));
    {
      std::int64_t tokens = estimate_tokens(out.summary.summary);
      for (const auto& m : input.messages) tokens += estimate_tokens(m.text);
      for (const auto& p : out.summary.points) tokens += estimate_tokens(p.text);
      charge(who, *choice.provider, tokens);
    }

    std::size_t input_bytes = 0;
    for (const auto& m : input.messages) input_bytes += m.text.size();
    boost::json::object detail{{"feature", kFeatureSummaries},
                               {"provider", out.provider},
                               {"sources", boost::json::array{boost::json::value(target)}},
                               {"messages", out.message_count},
                               {"excluded_messages", out.excluded_messages},
                               {"input_bytes", input_bytes},
                               {"output_bytes", out.summary.summary.size()},
                               {"points", out.summary.points.size()},
                               {"latency_ms", elapsed_ms(started)}};
    if (scope.thread_root_id) detail["thread_root_id"] = *scope.thread_root_id;
    if (!input.messages.empty()) {
      detail["first_message_id"] = input.messages.front().id;
      detail["last_message_id"] = input.messages.back().id;
    }
    MERIDIAN_TRY(audit_.record(audit::Actor::from(who, ip), "ai.summary", target, "ok", json::serialize(detail)));
    return out;
  }();
  if (!answer.ok()) audit_refusal(who, ip, "ai.summary", target, answer.error());
  return answer;
}

Result<CatchUpAnswer> AiService::catch_up(const Subject& who, const std::string& ip) {
  MERIDIAN_ASSIGN_OR_RETURN(auto st, check(who));
  if (!st.reason.empty()) {
    auto e = make_error(ErrorCode::forbidden, st.reason);
    audit_refusal(who, ip, "ai.summary", "conversations:unread", e);
    return e;
  }
  MERIDIAN_ASSIGN_OR_RETURN(auto unread, ports_.conversations.unread(who));
  std::stable_sort(unread.begin(), unread.end(),
                   [](const UnreadConversation& a, const UnreadConversation& b) { return a.unread > b.unread; });
  CatchUpAnswer out;
  if (unread.size() > kMaxCatchUpConversations) {
    out.left_out = static_cast<std::int64_t>(unread.size() - kMaxCatchUpConversations);
    unread.resize(kMaxCatchUpConversations);
  }
  for (const auto& u : unread) {
    ConversationScope scope;
    scope.conversation_id = u.conversation_id;
    scope.after_seq = u.last_read_seq;
    auto one = summarise(who, scope, ip);  // reads it as I may read it now, audited each
    if (!one) {
      // Gone from my reach since it was listed (removed, deleted): left out, not an error.
      if (one.error().code == ErrorCode::not_found || one.error().code == ErrorCode::forbidden) continue;
      return one.error();
    }
    if (one->message_count == 0) continue;
    if (out.provider.empty()) out.provider = one->provider;
    out.conversations.push_back({u.conversation_id, u.name, u.unread, std::move(*one)});
  }
  if (out.provider.empty()) out.provider = options_.choose(kFeatureSummaries, who.region);
  return out;
}

Result<bool> AiService::in_folder(const Subject& who, std::int64_t folder_id, const FileFacts& file) {
  // Up the tree as the asker sees it; a folder they may not read ends the walk.
  auto parent = file.parent_id;
  for (int depth = 0; parent != 0 && depth < 64; ++depth) {
    if (parent == folder_id) return true;
    auto up = ports_.files.readable(who, parent);
    if (!up) return up.error().code == ErrorCode::not_found ? Result<bool>(false) : Result<bool>(up.error());
    parent = up->parent_id;
  }
  return false;
}

Result<AiService::Retrieved> AiService::retrieve(const Subject& who, const std::string& question,
                                                 const FileScope& scope) {
  const auto terms = index_terms(question);
  if (terms.empty()) return make_error(ErrorCode::invalid_argument, "the question has no words to look for");
  MERIDIAN_ASSIGN_OR_RETURN(auto hits, ports_.index.search(terms, scope.file_id, scope.space_id, 200));
  std::vector<std::int64_t> file_ids;
  for (const auto& h : hits)
    if (std::find(file_ids.begin(), file_ids.end(), h.file_id) == file_ids.end()) file_ids.push_back(h.file_id);
  MERIDIAN_ASSIGN_OR_RETURN(auto docs, ports_.index.documents(file_ids));
  Retrieved out;
  std::set<std::int64_t> uploaders;
  for (auto& d : docs) {
    uploaders.insert(d.uploaded_by);
    out.files.emplace(d.file_id, std::move(d));
  }
  MERIDIAN_ASSIGN_OR_RETURN(auto excluded, ports_.exclusions.excluded_from_ai(uploaders));

  // Each file is asked about once, as the asker may read it now.
  std::map<std::int64_t, bool> usable;
  std::vector<std::int64_t> chosen;
  for (const auto& h : hits) {
    if (chosen.size() >= kPassagesPerAnswer) break;
    auto known = usable.find(h.file_id);
    if (known == usable.end()) {
      bool ok = false;
      auto doc = out.files.find(h.file_id);
      if (doc != out.files.end() && !excluded.contains(doc->second.uploaded_by)) {
        auto facts = ports_.files.readable(who, h.file_id);
        if (facts) {
          ok = !scope.folder_id;
          if (scope.folder_id) {
            MERIDIAN_ASSIGN_OR_RETURN(ok, in_folder(who, *scope.folder_id, *facts));
          }
        } else if (facts.error().code != ErrorCode::not_found) {
          return facts.error();
        } else if (!ports_.index.file_exists(h.file_id)) {
          (void)ports_.index.forget({h.file_id});  // the file went without telling us
        }
      }
      known = usable.emplace(h.file_id, ok).first;
    }
    if (known->second) chosen.push_back(h.chunk_id);
  }
  MERIDIAN_ASSIGN_OR_RETURN(auto chunks, ports_.index.chunks(chosen));
  for (auto& c : chunks) out.chunks.emplace(c.id, std::move(c));
  for (auto id : chosen) {  // best first
    auto c = out.chunks.find(id);
    if (c == out.chunks.end()) continue;
    out.passages.push_back({id, source_of(out.files.at(c->second.file_id), c->second), c->second.body});
  }
  return out;
}

Result<void> AiService::admit_question(const Subject& who, const std::string& question, const FileScope& scope) {
  MERIDIAN_ASSIGN_OR_RETURN(auto st, check(who));
  if (!st.reason.empty()) return make_error(ErrorCode::forbidden, st.reason);
  MERIDIAN_TRY(validate_question(who, question, scope));
  // A spent budget is said now, not after the answer was started.
  MERIDIAN_ASSIGN_OR_RETURN(auto choice, choose(kFeatureAsk, who, st, {who.region}));
  return within_budget(who, *choice.provider);
}

Result<void> AiService::validate_question(const Subject& who, const std::string& question, const FileScope& scope) {
  if (squeezed(question).empty()) return make_error(ErrorCode::invalid_argument, "question is required");
  if (question.size() > kMaxQuestionBytes)
    return make_error(ErrorCode::invalid_argument,
                      "question is longer than " + std::to_string(kMaxQuestionBytes) + " bytes");
  const int scopes =
      (scope.file_id ? 1 : 0) + (scope.folder_id ? 1 : 0) + (scope.space_id ? 1 : 0) + (scope.all ? 1 : 0);
  if (scopes != 1)
    return make_error(ErrorCode::invalid_argument, "scope needs exactly one of file_id, folder_id, space_id, all");
  if (scope.file_id || scope.folder_id) {
    MERIDIAN_ASSIGN_OR_RETURN(auto node, ports_.files.readable(who, scope.file_id ? *scope.file_id : *scope.folder_id));
    if (scope.file_id && node.is_folder)
      return make_error(ErrorCode::invalid_argument, "file_id names a folder: ask with folder_id");
    if (scope.folder_id && !node.is_folder)
      return make_error(ErrorCode::invalid_argument, "folder_id names a file: ask with file_id");
    if (scope.file_id) {  // a file the index could not read (at its current version) is said so, not answered
      MERIDIAN_ASSIGN_OR_RETURN(auto doc, ports_.index.document(*scope.file_id));
      if (doc && doc->version == node.version &&
          (doc->status == "failed" || doc->status == "unsupported" || doc->status == "too_large"))
        return make_error(ErrorCode::invalid_argument, "the assistant cannot read this file: " + doc->detail);
    }
  }
  if (scope.space_id) MERIDIAN_TRY(ports_.files.space_readable(who, *scope.space_id));
  return {};
}

Result<AskAnswer> AiService::ask(const Subject& who, const std::string& question, const FileScope& scope,
                                 const std::string& ip, const AskStream* stream) {
  const auto started = Steady::now();
  const std::string target = scope_target(scope);
  auto answer = [&]() -> Result<AskAnswer> {
    MERIDIAN_ASSIGN_OR_RETURN(auto st, check(who));
    if (!st.reason.empty()) return make_error(ErrorCode::forbidden, st.reason);
    MERIDIAN_TRY(validate_question(who, question, scope));
    MERIDIAN_ASSIGN_OR_RETURN(auto found, retrieve(who, question, scope));
    std::vector<std::string> regions{who.region};
    for (const auto& [id, d] : found.files) regions.push_back(d.region);
    MERIDIAN_ASSIGN_OR_RETURN(auto choice, choose(kFeatureAsk, who, st, regions));
    MERIDIAN_TRY(within_budget(who, *choice.provider));

    AskAnswer out;
    out.provider = std::string(choice.provider->name());
    out.note = choice.note;
    std::set<std::string> sources;
    // Answer; then check the cited files again, as the asker may read them now. A file
    // that went meanwhile is taken out of the passages and the answer is made again.
    for (;;) {
      out.passages = static_cast<std::int64_t>(found.passages.size());
      for (const auto& p : found.passages)
        sources.insert("file:" + std::to_string(found.chunks.at(p.chunk_id).file_id));
      MERIDIAN_ASSIGN_OR_RETURN(auto reply,
                                choice.provider->answer(question, found.passages, stream ? stream->on_piece : nullptr));
      {
        std::int64_t tokens = estimate_tokens(question) + estimate_tokens(reply.text);
        for (const auto& p : found.passages) tokens += estimate_tokens(p.text) + estimate_tokens(p.source);
        charge(who, *choice.provider, tokens);
      }
      out.answer = std::move(reply.text);
      out.citations.clear();
      out.dropped.clear();
      std::set<std::int64_t> revoked;
      std::map<std::int64_t, bool> still;
      for (const auto& c : reply.citations) {
        auto given = std::find_if(found.passages.begin(), found.passages.end(),
                                  [&](const Passage& p) { return p.chunk_id == c.chunk_id; });
        if (given == found.passages.end()) {
          out.dropped.push_back({c.chunk_id, "the cited passage was not among those given"});
          continue;
        }
        const auto& chunk = found.chunks.at(c.chunk_id);
        const auto quote = squeezed(c.quote);
        if (quote.empty() || squeezed(chunk.body).find(quote) == std::string::npos) {
          out.dropped.push_back({c.chunk_id, "the quote is not in the cited passage"});
          continue;
        }
        auto readable = still.find(chunk.file_id);
        if (readable == still.end()) {
          auto facts = ports_.files.readable(who, chunk.file_id);
          if (!facts && facts.error().code != ErrorCode::not_found) return facts.error();
          readable = still.emplace(chunk.file_id, facts.ok()).first;
        }
        if (!readable->second) {
          revoked.insert(chunk.file_id);
          continue;
        }
        const auto& doc = found.files.at(chunk.file_id);
        out.citations.push_back({chunk.file_id, chunk.version, chunk.id, chunk.page, chunk.section, doc.name, quote});
      }
      if (revoked.empty()) break;
      if (stream && stream->on_restart) stream->on_restart();
      std::erase_if(found.passages,
                    [&](const Passage& p) { return revoked.contains(found.chunks.at(p.chunk_id).file_id); });
    }

    boost::json::array source_list;
    for (const auto& s : sources) source_list.push_back(boost::json::value(s));
    boost::json::object detail{{"feature", kFeatureAsk},
                               {"provider", out.provider},
                               {"sources", std::move(source_list)},
                               {"passages", out.passages},
                               {"citations", out.citations.size()},
                               {"dropped_citations", out.dropped.size()},
                               {"input_bytes", question.size()},
                               {"output_bytes", out.answer.size()},
                               {"latency_ms", elapsed_ms(started)}};
    MERIDIAN_TRY(audit_.record(audit::Actor::from(who, ip), "ai.ask", target, "ok", json::serialize(detail)));
    return out;
  }();
  if (!answer.ok()) audit_refusal(who, ip, "ai.ask", target, answer.error());
  return answer;
}

Result<std::optional<DocumentRecord>> AiService::file_index_state(const Subject& who, std::int64_t file_id) {
  MERIDIAN_TRY(policy_.require(who, policy::Action::use_ai_copilot));
  MERIDIAN_ASSIGN_OR_RETURN(auto facts, ports_.files.readable(who, file_id));
  if (facts.is_folder) return make_error(ErrorCode::invalid_argument, "a folder is not indexed; its files are");
  return ports_.index.document(file_id);
}

}  // namespace meridian::ai
