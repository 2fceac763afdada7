#include "ai/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <unordered_set>

namespace meridian::ai {
namespace {

struct StopWords {
  Language language;
  std::unordered_set<std::string_view> words;
};

const std::vector<StopWords>& stop_words() {
  static const std::vector<StopWords> lists{
      {{"en", "English"},
       {"the",   "a",      "an",    "and",  "or",    "but",  "is",    "are",  "was",   "were",  "be",     "been",
        "to",    "of",     "in",    "on",   "at",    "for",  "with",  "it",   "this",  "that",  "we",     "you",
        "i",     "he",     "she",   "they", "our",   "your", "my",    "will", "would", "can",   "could",  "should",
        "do",    "does",   "did",   "have", "has",   "had",  "not",   "no",   "so",    "if",    "as",     "by",
        "from",  "about",  "just",  "also", "then",  "than", "there", "here", "what",  "which", "who",    "when",
        "where", "how",    "all",   "any",  "me",    "us",   "them",  "its",  "let",   "lets",  "ll",     "ve",
        "re",    "s",      "t",     "up",   "out",   "now",  "ok",    "okay", "yes",   "yeah",  "get",    "got",
        "go",    "going",  "some",  "more", "very",  "too",  "one",   "into", "over",  "after", "before", "again",
        "still", "really", "think", "sure", "thanks"}},
      {{"de", "Deutsch"},
       {"der",   "die",    "das",  "und",    "oder", "aber",   "ist",  "sind", "war", "waren", "sein", "zu",
        "von",   "im",     "in",   "auf",    "für",  "mit",    "es",   "wir",  "ihr", "ich",   "er",   "sie",
        "unser", "nicht",  "kein", "keine",  "so",   "wenn",   "als",  "bei",  "aus", "über",  "auch", "dann",
        "noch",  "hier",   "was",  "wer",    "wie",  "wo",     "alle", "mich", "uns", "ein",   "eine", "einen",
        "dem",   "den",    "des",  "ja",     "nein", "schon",  "nur",  "doch", "mal", "haben", "hat",  "hatte",
        "wird",  "werden", "kann", "können", "soll", "sollen", "bis",  "zum",  "zur"}},
      {{"fr", "Français"},
       {"le",    "la",   "les", "un",  "une",   "des",   "et",    "ou",      "mais", "est",  "sont",  "était",
        "être",  "de",   "du",  "au",  "aux",   "en",    "dans",  "sur",     "pour", "avec", "il",    "elle",
        "nous",  "vous", "je",  "ils", "elles", "notre", "votre", "ne",      "pas",  "si",   "comme", "par",
        "aussi", "puis", "que", "qui", "quoi",  "quand", "où",    "comment", "tout", "tous", "ce",    "cette",
        "ces",   "on",   "oui", "non", "avoir", "fait",  "faire", "va"}},
      {{"es", "Español"},
       {"el",       "la",       "los",   "las",    "un",      "una",     "unos",  "y",     "o",    "pero",  "es",
        "son",      "era",      "ser",   "de",     "del",     "al",      "en",    "sobre", "para", "con",   "ella",
        "nosotros", "vosotros", "yo",    "ellos",  "nuestro", "vuestro", "no",    "si",    "como", "por",   "también",
        "luego",    "que",      "quien", "cuando", "donde",   "todo",    "todos", "este",  "esta", "estos", "sí",
        "hay",      "muy",      "ya",    "lo",     "le",      "se",      "su",    "sus",   "más",  "está",  "están"}},
      {{"pt", "Português"},
       {"o",      "a",      "os",  "as",   "um",     "uma",  "e",    "ou",    "mas",   "é",    "são",  "era",
        "ser",    "de",     "do",  "da",   "dos",    "das",  "em",   "no",    "na",    "nos",  "nas",  "para",
        "com",    "ele",    "ela", "nós",  "vocês",  "eu",   "eles", "nosso", "não",   "se",   "como", "por",
        "também", "depois", "que", "quem", "quando", "onde", "tudo", "todos", "este",  "esta", "isso", "sim",
        "há",     "muito",  "já",  "seu",  "sua",    "mais", "está", "estão", "vamos", "foi"}},
  };
  return lists;
}

bool word_byte(unsigned char c) { return std::isalnum(c) || c == '_' || c >= 0x80; }

}  // namespace

const std::vector<Language>& known_languages() {
  static const std::vector<Language> out = [] {
    std::vector<Language> v;
    for (const auto& l : stop_words()) v.push_back(l.language);
    return v;
  }();
  return out;
}

Language detect_language(const std::vector<std::string_view>& texts) {
  const auto& lists = stop_words();
  std::vector<std::size_t> hits(lists.size(), 0);
  for (auto text : texts)
    for (const auto& w : words(text))
      for (std::size_t i = 0; i < lists.size(); ++i)
        if (lists[i].words.contains(w)) ++hits[i];
  std::size_t best = 0;
  for (std::size_t i = 1; i < hits.size(); ++i)
    if (hits[i] > hits[best]) best = i;
  return lists[best].language;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::vector<std::string> split_sentences(std::string_view text) {
  std::vector<std::string> out;
  auto flush = [&out](std::string_view s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) return;
    const auto e = s.find_last_not_of(" \t\r\n");
    out.emplace_back(s.substr(b, e - b + 1));
  };
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool end_mark = c == '.' || c == '!' || c == '?';
    if (c == '\n') {
      flush(text.substr(start, i - start));
      start = i + 1;
    } else if (end_mark && (i + 1 == text.size() || text[i + 1] == ' ' || text[i + 1] == '\n')) {
      // "e.g. " and single letters ("A. Smith") do not end a sentence.
      const bool abbreviation = c == '.' && i >= 1 && (i < 2 || !word_byte(static_cast<unsigned char>(text[i - 2])));
      if (abbreviation) continue;
      flush(text.substr(start, i + 1 - start));
      start = i + 1;
    }
  }
  flush(text.substr(start));
  return out;
}

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < text.size()) {
    const bool mention = text[i] == '@';
    std::size_t j = mention ? i + 1 : i;
    while (j < text.size() && (word_byte(static_cast<unsigned char>(text[j])) ||
                               (mention && (text[j] == '.' || text[j] == '-') && j + 1 < text.size() &&
                                word_byte(static_cast<unsigned char>(text[j + 1])))))
      ++j;
    if (j > (mention ? i + 1 : i)) {
      out.push_back(lower(text.substr(i, j - i)));
      i = j;
    } else {
      i = j + 1;
    }
  }
  return out;
}

bool is_stop_word(std::string_view w) {
  for (const auto& l : stop_words())
    if (l.words.contains(w)) return true;
  return false;
}

std::vector<std::string> content_words(std::string_view text) {
  auto all = words(text);
  std::erase_if(all, [](const std::string& w) { return w.size() < 2 || w[0] == '@' || is_stop_word(w); });
  return all;
}

std::vector<std::string> index_terms(std::string_view text) {
  auto out = content_words(text);
  for (auto& w : out) {
    if (w.size() > 4 && w.back() == 's' && w[w.size() - 2] != 's' && w[w.size() - 2] != 'u' && w[w.size() - 2] != 'i')
      w.pop_back();
    if (w.size() > 64) w.resize(64);
  }
  return out;
}

int estimate_tokens(std::string_view text) { return std::max<int>(1, static_cast<int>((text.size() + 3) / 4)); }

std::string squeezed(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f') {
      space = !out.empty();
    } else {
      if (space) out += ' ';
      space = false;
      out += c;
    }
  }
  return out;
}

}  // namespace meridian::ai
