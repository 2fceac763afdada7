#include "ai/extractive_summary.hpp"

#include <algorithm>
#include <cstdint>
#include <cmath>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>

#include "ai/text.hpp"

namespace meridian::ai {
namespace {

struct Sentence {
  std::size_t message = 0;  // index into the input's messages
  std::string text;
  std::string lowered;               // with a space at each end, for cue phrases
  std::vector<std::string> words;    // all words, lower-case
  std::vector<std::string> content;  // the ones that carry meaning
};

bool has_any(const std::string& lowered, std::initializer_list<std::string_view> cues) {
  for (auto cue : cues)
    if (lowered.find(cue) != std::string::npos) return true;
  return false;
}

const std::initializer_list<std::string_view> kDecisionCues{
    // English
    " we decided", " decided to ", " decision:", " the decision is", " we agreed", " agreed to ", " agreed on ",
    " we'll go with ", " we will go with ", " let's go with ", " lets go with ", " settled on ", " final decision",
    " it's decided", " it is decided", " approved:", " conclusion:",
    // German
    " entschieden", " beschlossen", " wir nehmen ", " haben uns geeinigt", " entscheidung:",
    // French
    " décidé", " décision :", " décision:", " on part sur ", " validé",
    // Spanish, Portuguese
    " decidimos", " hemos decidido", " decisión:", " acordamos", " decisão:", " ficou decidido", " combinamos"};

// The person who takes something on, said of themselves.
const std::initializer_list<std::string_view> kSelfCues{
    " i'll ",          " i will ",          " i can take ", " i'm on it",        " i am on it",
    " i'll take ",     " leave it with me", " ich mache ",  " ich kümmere mich", " ich übernehme",
    " je m'en occupe", " je vais ",         " me encargo",  " yo me encargo",    " voy a ",
    " eu fico com",    " vou fazer ",       " eu faço ",    " deixa comigo"};

// A task named as such.
const std::initializer_list<std::string_view> kTaskCues{
    " todo", " to-do", " action item", " action:", " aufgabe:", " à faire", " pendiente:", " pendente:", " tarefa:"};

// Asking someone to do something (with their @mention or name before or after).
const std::initializer_list<std::string_view> kRequestCues{
    " please ",  " can you ",     " could you ", " will you ", " would you ", " bitte ", " kannst du ", " könntest du ",
    " peux-tu ", " pourrais-tu ", " puedes ",    " podrías ",  " podes ",     " pode ",  " por favor "};

const std::initializer_list<std::string_view> kAssignCues{" will ",   " wird ",        " va ",    " vai ",
                                                          " to own ", " assigned to ", " takes ", " owns "};

struct Owner {
  std::optional<std::int64_t> user_id;
  std::string name;
};

// Who a sentence names: an @mention of a known person first, then a known first name.
std::optional<Owner> named_person(const Sentence& s, const SummaryInput& in) {
  for (const auto& w : s.words) {
    if (w.size() < 2 || w[0] != '@') continue;
    const std::string handle = w.substr(1);
    for (const auto& p : in.people)
      if (!p.handle.empty() && p.handle == handle) return Owner{p.user_id, p.display_name};
    // "@ben" for ben.stone: the handle's first part, or the first name, when only one fits.
    const Person* only = nullptr;
    int fits = 0;
    for (const auto& p : in.people)
      if (p.handle.starts_with(handle + ".") || lower(p.display_name.substr(0, p.display_name.find(' '))) == handle) {
        only = &p;
        ++fits;
      }
    if (fits == 1) return Owner{only->user_id, only->display_name};
    return Owner{std::nullopt, handle};
  }
  for (const auto& p : in.people) {
    auto first = lower(p.display_name.substr(0, p.display_name.find(' ')));
    if (first.size() < 2) continue;
    if (std::find(s.words.begin(), s.words.end(), first) != s.words.end()) return Owner{p.user_id, p.display_name};
  }
  return std::nullopt;
}

// An action item and its owner, or nothing.
std::optional<Owner> action_owner(const Sentence& s, const SourceMessage& m, const SummaryInput& in) {
  const Owner author{m.author_id, m.author_name};
  const auto named = named_person(s, in);
  if (has_any(s.lowered, kTaskCues)) return named ? *named : author;
  if (named && (has_any(s.lowered, kRequestCues) || has_any(s.lowered, kAssignCues))) return *named;
  if (has_any(s.lowered, kSelfCues)) return author;
  return std::nullopt;
}

bool is_question(const Sentence& s) { return !s.text.empty() && s.text.back() == '?'; }

// A question counts as answered when someone else replies within the next few messages
// with at least half of its meaningful words.
bool answered(const std::vector<Sentence>& sentences, std::size_t at, const SummaryInput& in) {
  const auto& q = sentences[at];
  std::set<std::string> asked(q.content.begin(), q.content.end());
  if (asked.empty()) return true;
  const std::size_t need = (asked.size() + 1) / 2;
  const auto asker = in.messages[q.message].author_id;
  for (std::size_t i = at + 1; i < sentences.size(); ++i) {
    const auto& r = sentences[i];
    if (r.message > q.message + 8) break;
    if (in.messages[r.message].author_id == asker) continue;
    std::size_t shared = 0;
    for (const auto& w : std::set<std::string>(r.content.begin(), r.content.end())) shared += asked.count(w);
    if (shared >= need) return true;
  }
  return false;
}

struct Headings {
  std::string_view messages, people, decisions, actions, questions, highlights, owner, none;
};

Headings headings(std::string_view lang) {
  if (lang == "de")
    return {"Nachrichten",   "Personen",          "Entscheidungen", "Aufgaben",
            "Offene Fragen", "Wichtigste Punkte", "zuständig",      "Nichts Wesentliches gefunden."};
  if (lang == "fr")
    return {"messages",           "personnes",   "Décisions",   "Actions",
            "Questions ouvertes", "Points clés", "responsable", "Rien d'important trouvé."};
  if (lang == "es")
    return {"mensajes",           "personas",     "Decisiones",  "Tareas",
            "Preguntas abiertas", "Puntos clave", "responsable", "No se encontró nada relevante."};
  if (lang == "pt")
    return {"mensagens",           "pessoas",           "Decisões",    "Tarefas",
            "Perguntas em aberto", "Pontos principais", "responsável", "Nada de relevante encontrado."};
  return {"messages",       "people",     "Decisions", "Action items",
          "Open questions", "Highlights", "owner",     "Nothing of note found."};
}

std::string key_of(const Sentence& s) {
  auto c = s.content;
  std::sort(c.begin(), c.end());
  std::string k;
  for (const auto& w : c) k += w + ' ';
  return k.empty() ? s.lowered : k;
}

}  // namespace

const char* point_kind_name(PointKind k) {
  switch (k) {
    case PointKind::highlight:
      return "highlight";
    case PointKind::decision:
      return "decision";
    case PointKind::action_item:
      return "action_item";
    case PointKind::open_question:
      return "open_question";
  }
  return "highlight";
}

std::vector<std::pair<std::size_t, double>> text_rank(const std::vector<std::vector<std::string>>& sentence_words,
                                                      int iterations) {
  const std::size_t n = sentence_words.size();
  std::vector<std::pair<std::size_t, double>> out;
  if (n == 0) return out;
  // Word -> the sentences that hold it, each sentence's words once.
  std::unordered_map<std::string, std::vector<std::size_t>> postings;
  std::vector<double> log_len(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::set<std::string> unique(sentence_words[i].begin(), sentence_words[i].end());
    for (const auto& w : unique) postings[w].push_back(i);
    log_len[i] = std::log(static_cast<double>(unique.size()) + 1.0);
  }
  // Overlap counts for every pair that shares a word, each sentence's neighbours in ascending
  // order. Up to kDense sentences (summaries rank at most max_ranked_sentences) they are
  // counted in a dense matrix: chat's short sentences share common words, so the graph is
  // nearly complete and a tree per sentence was most of a catch-up's time; above it, sparse.
  constexpr std::size_t kDense = 2048;
  std::vector<std::vector<std::pair<std::size_t, double>>> edges(n);
  if (n <= kDense) {
    std::vector<std::uint32_t> counts(n * n, 0);
    for (const auto& [w, list] : postings)
      for (std::size_t a = 0; a < list.size(); ++a)
        for (std::size_t b = a + 1; b < list.size(); ++b) {
          ++counts[list[a] * n + list[b]];
          ++counts[list[b] * n + list[a]];
        }
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j)
        if (const auto c = counts[i * n + j]; c > 0) edges[i].emplace_back(j, static_cast<double>(c));
  } else {
    std::vector<std::map<std::size_t, double>> sparse(n);
    for (const auto& [w, list] : postings)
      for (std::size_t a = 0; a < list.size(); ++a)
        for (std::size_t b = a + 1; b < list.size(); ++b) {
          sparse[list[a]][list[b]] += 1.0;
          sparse[list[b]][list[a]] += 1.0;
        }
    for (std::size_t i = 0; i < n; ++i) edges[i].assign(sparse[i].begin(), sparse[i].end());
  }
  std::vector<double> out_weight(n, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (auto& [j, overlap] : edges[i]) {
      overlap = overlap / (log_len[i] + log_len[j]);
      out_weight[i] += overlap;
    }
  constexpr double kDamping = 0.85;
  std::vector<double> score(n, 1.0), next(n);
  for (int it = 0; it < iterations; ++it) {
    for (std::size_t i = 0; i < n; ++i) {
      double sum = 0;
      for (const auto& [j, w] : edges[i])
        if (out_weight[j] > 0) sum += w / out_weight[j] * score[j];
      next[i] = (1.0 - kDamping) + kDamping * sum;
    }
    score.swap(next);
  }
  for (std::size_t i = 0; i < n; ++i) out.emplace_back(i, score[i]);
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  return out;
}

Summary summarise_extractive(const SummaryInput& in, const ExtractiveOptions& options) {
  std::vector<std::string_view> texts;
  for (const auto& m : in.messages) texts.push_back(m.text);
  const Language language = detect_language(texts);
  const Headings h = headings(language.code);

  std::vector<Sentence> sentences;
  for (std::size_t i = 0; i < in.messages.size(); ++i)
    for (auto& text : split_sentences(in.messages[i].text)) {
      Sentence s;
      s.message = i;
      s.lowered = " " + lower(text) + " ";
      s.words = words(text);
      s.content = content_words(text);
      s.text = std::move(text);
      sentences.push_back(std::move(s));
    }

  Summary out;
  out.language = std::string(language.code);
  std::map<std::string, std::size_t> seen;  // a point said again joins the first one
  auto add = [&](PointKind kind, const Sentence& s, std::optional<Owner> owner = std::nullopt) {
    const auto key = std::string(point_kind_name(kind)) + '|' + key_of(s);
    const auto id = in.messages[s.message].id;
    const auto seq = in.messages[s.message].seq;
    if (auto it = seen.find(key); it != seen.end()) {
      auto& point = out.points[it->second];
      if (std::find(point.message_ids.begin(), point.message_ids.end(), id) == point.message_ids.end()) {
        point.message_ids.push_back(id);
        point.message_seqs.push_back(seq);
      }
      return;
    }
    Point p;
    p.kind = kind;
    p.text = s.text;
    p.message_ids = {id};
    p.message_seqs = {seq};
    if (owner) {
      p.owner_user_id = owner->user_id;
      p.owner_name = owner->name;
    }
    seen.emplace(key, out.points.size());
    out.points.push_back(std::move(p));
  };

  std::vector<bool> used(sentences.size(), false);
  for (std::size_t i = 0; i < sentences.size(); ++i) {
    const auto& s = sentences[i];
    if (has_any(s.lowered, kDecisionCues)) {
      add(PointKind::decision, s);
      used[i] = true;
    }
  }
  for (std::size_t i = 0; i < sentences.size(); ++i) {
    const auto& s = sentences[i];
    if (auto owner = action_owner(s, in.messages[s.message], in)) {
      add(PointKind::action_item, s, owner);
      used[i] = true;
    }
  }
  for (std::size_t i = 0; i < sentences.size(); ++i) {
    const auto& s = sentences[i];
    if (used[i] || !is_question(s) || s.content.size() < 2 || answered(sentences, i, in)) continue;
    add(PointKind::open_question, s);
    used[i] = true;
  }

  // Highlights: the most central remaining sentences, told in the order they were said.
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i < sentences.size(); ++i)
    if (!used[i] && sentences[i].content.size() >= 3) candidates.push_back(i);
  if (static_cast<int>(candidates.size()) > options.max_ranked_sentences) {
    std::unordered_map<std::string, int> df;
    for (auto i : candidates)
      for (const auto& w : std::set<std::string>(sentences[i].content.begin(), sentences[i].content.end())) ++df[w];
    const double n = static_cast<double>(candidates.size());
    std::vector<std::pair<double, std::size_t>> weighted;
    for (auto i : candidates) {
      double weight = 0;
      for (const auto& w : sentences[i].content)
        if (df[w] > 1) weight += std::log(n / df[w]);  // a word said once links nothing
      weighted.emplace_back(weight / std::sqrt(static_cast<double>(sentences[i].content.size())), i);
    }
    std::stable_sort(weighted.begin(), weighted.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    weighted.resize(static_cast<std::size_t>(options.max_ranked_sentences));
    candidates.clear();
    for (const auto& [w, i] : weighted) candidates.push_back(i);
    std::sort(candidates.begin(), candidates.end());
  }
  std::vector<std::vector<std::string>> ranked_words;
  for (auto i : candidates) ranked_words.push_back(sentences[i].content);
  std::vector<std::size_t> chosen;
  std::set<std::string> chosen_keys;
  for (const auto& [at, score] : text_rank(ranked_words)) {
    if (static_cast<int>(chosen.size()) >= options.highlights) break;
    const auto i = candidates[at];
    if (!chosen_keys.insert(key_of(sentences[i])).second) continue;
    chosen.push_back(i);
  }
  std::sort(chosen.begin(), chosen.end());
  for (auto i : chosen) {
    add(PointKind::highlight, sentences[i]);
    auto& p = out.points.back();
    p.text = in.messages[sentences[i].message].author_name + ": " + p.text;
  }

  // Decisions, action items, open questions, then highlights; each in the order said.
  std::stable_sort(out.points.begin(), out.points.end(),
                   [](const Point& a, const Point& b) { return static_cast<int>(a.kind) < static_cast<int>(b.kind); });

  std::set<std::int64_t> authors;
  for (const auto& m : in.messages) authors.insert(m.author_id);
  std::string text = std::to_string(in.messages.size()) + " " + std::string(h.messages) + ", " +
                     std::to_string(authors.size()) + " " + std::string(h.people) + " (" + std::string(language.name) +
                     ").";
  auto section = [&](PointKind kind, std::string_view title) {
    std::string body;
    for (const auto& p : out.points) {
      if (p.kind != kind) continue;
      body += "\n- " + p.text;
      if (!p.owner_name.empty()) body += " (" + std::string(h.owner) + ": " + p.owner_name + ")";
    }
    if (!body.empty()) text += "\n\n" + std::string(title) + ":" + body;
  };
  section(PointKind::decision, h.decisions);
  section(PointKind::action_item, h.actions);
  section(PointKind::open_question, h.questions);
  section(PointKind::highlight, h.highlights);
  if (out.points.empty()) text += "\n\n" + std::string(h.none);
  out.summary = std::move(text);
  return out;
}

}  // namespace meridian::ai
