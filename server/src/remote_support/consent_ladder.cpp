#include "remote_support/consent_ladder.hpp"

#include <string>

#include "core/names.hpp"

namespace meridian::remote_support {
namespace {

constexpr const char* kStepNames[] = {"chat", "view", "annotate"};
constexpr const char* kStateNames[] = {"not_asked", "asked", "granted", "denied", "revoked"};

// What the customer is asked, in plain words (also in the refusals).
const char* step_words(Step s) {
  switch (s) {
    case Step::chat:
      return "chatting";
    case Step::view:
      return "viewing the screen";
    case Step::annotate:
      return "pointing and drawing on the screen";
  }
  return "this step";
}

}  // namespace

const char* step_name(Step s) { return name_in(kStepNames, s, "unknown"); }
bool parse_step(std::string_view text, Step& out) { return parse_in(kStepNames, text, out); }
const char* consent_state_name(ConsentState s) { return name_in(kStateNames, s, "unknown"); }
bool parse_consent_state(std::string_view text, ConsentState& out) { return parse_in(kStateNames, text, out); }

Result<void> ConsentLadder::ask(Step s) {
  const auto i = index(s);
  if (i > 0 && states_[i - 1] != ConsentState::granted)
    return make_error(ErrorCode::conflict, std::string("ask for ") + step_words(kSteps[i - 1]) +
                                               " first: " + step_words(s) + " needs it granted");
  if (states_[i] == ConsentState::asked)
    return make_error(ErrorCode::conflict, std::string("the customer is being asked about ") + step_words(s));
  if (states_[i] == ConsentState::granted)
    return make_error(ErrorCode::conflict, std::string("the customer already allowed ") + step_words(s));
  states_[i] = ConsentState::asked;
  return {};
}

Result<void> ConsentLadder::ask_together(Step from, Step to) {
  if (index(to) < index(from)) return make_error(ErrorCode::invalid_argument, "steps go from the lowest up");
  MERIDIAN_TRY(ask(from));
  for (auto j = index(from) + 1; j <= index(to); ++j) {
    // (On a refusal the caller drops this ladder: nothing of it is stored.)
    if (states_[j] == ConsentState::granted || states_[j] == ConsentState::asked)
      return make_error(ErrorCode::conflict,
                        std::string("the customer already allowed or is being asked about ") + step_words(kSteps[j]));
    states_[j] = ConsentState::asked;
  }
  return {};
}

Result<void> ConsentLadder::answer(Step s, bool grant) {
  const auto i = index(s);
  if (states_[i] != ConsentState::asked)
    return make_error(ErrorCode::conflict, std::string("nobody is asking about ") + step_words(s) + " now");
  if (i > 0 && states_[i - 1] == ConsentState::asked)
    return make_error(ErrorCode::conflict, std::string(step_words(s)) + " was asked together with " +
                                               step_words(kSteps[i - 1]) + ": answer that question");
  for (auto j = i; j < states_.size() && states_[j] == ConsentState::asked; ++j) {
    states_[j] = grant ? ConsentState::granted : ConsentState::denied;
    if (grant) ever_[j] = true;
  }
  return {};
}

Step ConsentLadder::asked_with(Step s) const {
  auto j = index(s);
  if (states_[j] != ConsentState::asked) return s;
  while (j + 1 < states_.size() && states_[j + 1] == ConsentState::asked) ++j;
  return kSteps[j];
}

Result<std::vector<Step>> ConsentLadder::revoke(Step s) {
  const auto i = index(s);
  if (states_[i] != ConsentState::granted && states_[i] != ConsentState::asked)
    return make_error(ErrorCode::conflict, std::string(step_words(s)) + " is not allowed or asked for now");
  std::vector<Step> out;
  for (auto j = i; j < states_.size(); ++j) {
    if (states_[j] != ConsentState::granted && states_[j] != ConsentState::asked) continue;
    states_[j] = ConsentState::revoked;
    out.push_back(kSteps[j]);
  }
  return out;
}

std::vector<Step> ConsentLadder::revoke_all() {
  std::vector<Step> out;
  for (std::size_t j = 0; j < states_.size(); ++j) {
    if (states_[j] != ConsentState::granted && states_[j] != ConsentState::asked) continue;
    states_[j] = ConsentState::revoked;
    out.push_back(kSteps[j]);
  }
  return out;
}

bool ConsentLadder::allows(Step s) const {
  for (std::size_t j = 0; j <= index(s); ++j)
    if (states_[j] != ConsentState::granted) return false;
  return true;
}

}  // namespace meridian::remote_support
