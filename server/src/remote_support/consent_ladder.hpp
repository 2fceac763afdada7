// The consent ladder of a remote support session: (1) chat, (2) viewing the customer's
// screen, (3) pointer highlights and annotations. The agent asks for each step on its
// own, and only once the step below it is granted; the customer grants or denies each;
// the customer revokes any granted or pending step at any moment, which takes every step
// above it along (no annotations without viewing, no viewing without chat). Nothing is
// relayed for a step unless allows() says so: the server asks this class before relaying.
#pragma once

#include <array>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace meridian::remote_support {

enum class Step { chat, view, annotate };
enum class ConsentState { not_asked, asked, granted, denied, revoked };

inline constexpr std::array<Step, 3> kSteps{Step::chat, Step::view, Step::annotate};

const char* step_name(Step s);
bool parse_step(std::string_view text, Step& out);
const char* consent_state_name(ConsentState s);
bool parse_consent_state(std::string_view text, ConsentState& out);

class ConsentLadder final {
 public:
  ConsentLadder() = default;
  // As stored: each step's state, and which steps were ever granted (for the summary).
  ConsentLadder(std::array<ConsentState, 3> states, std::array<bool, 3> ever_granted)
      : states_(states), ever_(ever_granted) {}

  ConsentState state(Step s) const { return states_[index(s)]; }
  bool ever_granted(Step s) const { return ever_[index(s)]; }
  const std::array<ConsentState, 3>& states() const { return states_; }
  const std::array<bool, 3>& ever() const { return ever_; }

  // The agent asks. conflict: a lower step is not granted, or this one is pending or
  // granted already. A denied or revoked step may be asked again.
  Result<void> ask(Step s);
  // Several neighbouring steps asked as one question (from..to, lowest first), where the
  // consent policy allows it: each as ask() would, the step below `from` granted.
  Result<void> ask_together(Step from, Step to);
  // The customer answers a pending question: the step and every step above it asked with
  // it get the answer. conflict when nothing is asked, or when `s` was asked together with
  // a step below it (the question is answered as asked, from its lowest step).
  Result<void> answer(Step s, bool grant);
  // The highest step asked in one question with `s` (s itself when asked alone).
  Step asked_with(Step s) const;
  // The customer takes back a granted or pending step; every step above it that was
  // granted or pending is revoked with it. Answers the steps revoked, lowest first.
  // conflict when there is nothing to take back.
  Result<std::vector<Step>> revoke(Step s);
  // Everything granted is revoked (the session ends): the steps revoked.
  std::vector<Step> revoke_all();

  // The step and every step below it are granted.
  bool allows(Step s) const;

 private:
  static std::size_t index(Step s) { return static_cast<std::size_t>(s); }
  std::array<ConsentState, 3> states_{ConsentState::not_asked, ConsentState::not_asked, ConsentState::not_asked};
  std::array<bool, 3> ever_{false, false, false};
};

}  // namespace meridian::remote_support
