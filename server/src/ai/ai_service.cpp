#include "ai/ai_service.hpp"

#include <chrono>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/json_fields.hpp"

namespace meridian::ai {
namespace {

using Steady = std::chrono::steady_clock;

std::int64_t elapsed_ms(Steady::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - since).count();
}

}  // namespace

Result<AiStatus> AiService::check(const Subject& who) {
  MERIDIAN_TRY(policy_.require(who, policy::Action::use_ai_copilot));
  AiStatus st;
  MERIDIAN_ASSIGN_OR_RETURN(st.copilot, toggles_.enabled("ai.copilot", who.country));
  MERIDIAN_ASSIGN_OR_RETURN(st.external, toggles_.enabled("ai.external", who.country));
  MERIDIAN_ASSIGN_OR_RETURN(auto excluded, ports_.exclusions.excluded_from_ai({who.user_id}));
  st.excluded = excluded.contains(who.user_id);
  if (!st.copilot)
    st.reason = "The AI copilot is switched off for your country (" + who.country + ") by your organisation.";
  else if (st.excluded)
    st.reason = "You asked to be excluded from AI processing, so the copilot does not work for you.";
  for (auto feature : known_ai_features()) {
    auto chosen = choose(feature, who, st, {who.region});
    if (chosen.ok()) st.providers.emplace(std::string(feature), std::string(chosen->provider->name()));
  }
  return st;
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
    note = "answered by the built-in provider: external AI providers are switched off for your country";
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

}  // namespace meridian::ai
