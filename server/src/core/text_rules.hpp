// One rule set for the text people type (messages, names, topics, subjects, status texts,
// reasons, file names): what docs/openapi.yaml and docs/websocket.md promise, checked the
// same way in every module. Text is valid UTF-8 without control characters (carriage return
// included: a message's line break is "\n") and without the bidirectional embeddings,
// overrides and isolates that make "gpj.exe" read as "exe.jpg" on screen.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace meridian::text {

// Single-line fields (names, subjects, ids) allow no line break; multi-line text (messages,
// alert bodies) allows "\n" and "\t".
enum class Lines { single, multi };

// What is wrong with text under the rules, in words that finish "... cannot contain ":
// "control characters", "bidirectional override characters"; "invalid UTF-8" is said whole.
std::optional<std::string_view> refusal(std::string_view text, Lines lines);

// refusal() as an invalid_argument error naming the field: "a message cannot contain
// control characters", "the subject is not valid UTF-8".
Result<void> check(std::string_view text, std::string_view field, Lines lines);

// No refusal: the text keeps the rules.
inline bool printable(std::string_view text, Lines lines) { return !refusal(text, lines).has_value(); }

// The code point is refused in any text (for callers that walk code points themselves).
bool forbidden_code_point(char32_t c, Lines lines);

}  // namespace meridian::text
