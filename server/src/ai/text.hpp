// Plain-text tools the built-in provider works with: sentences, words, stop words and a
// guess of the language a text is written in. Deterministic and locale-free: bytes of
// UTF-8 beyond ASCII count as letters, ASCII letters are lower-cased.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace meridian::ai {

// The languages the built-in provider recognises (ISO 639-1), English first.
struct Language {
  std::string_view code;  // "en", "de", "fr", "es", "pt"
  std::string_view name;  // "English", ...
};
const std::vector<Language>& known_languages();

// The language whose stop words are most frequent in the texts; English when none is clear.
Language detect_language(const std::vector<std::string_view>& texts);

// Sentences of a text: split after '.', '!', '?' (or a line break) followed by space, with
// the surrounding space trimmed; empty ones dropped.
std::vector<std::string> split_sentences(std::string_view text);

// Lower-cased words (letters, digits, '_' and UTF-8 beyond ASCII); '@' starts a mention
// token kept with its '@'.
std::vector<std::string> words(std::string_view text);

// The words that carry meaning: no stop word of any known language, at least 2 bytes.
std::vector<std::string> content_words(std::string_view text);
bool is_stop_word(std::string_view lower_word);

// The words a text is indexed and searched by: its content words, English plurals folded
// ("refunds" -> "refund"), at most 64 bytes each.
std::vector<std::string> index_terms(std::string_view text);

// Lower-cased copy (ASCII only).
std::string lower(std::string_view text);

// Runs of white space (space, tab, line breaks, form feed) as one space, none at the ends.
std::string squeezed(std::string_view text);

// A rough count of tokens as language models count them (4 bytes a token, at least 1).
int estimate_tokens(std::string_view text);

}  // namespace meridian::ai
