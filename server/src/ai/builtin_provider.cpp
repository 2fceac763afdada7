#include "ai/builtin_provider.hpp"

#include <algorithm>
#include <set>

#include "ai/text.hpp"

namespace meridian::ai {

Result<Completion> BuiltinProvider::complete(const CompletionRequest& request, const StreamCallback& on_piece) {
  // Only what people wrote (user turns) is material; the system turn is instructions to a
  // model, and the built-in provider follows none.
  std::vector<std::string> sentences;
  std::vector<std::vector<std::string>> words;
  int prompt_tokens = 0;
  for (const auto& m : request.messages) {
    prompt_tokens += estimate_tokens(m.content);
    if (m.role != ChatMessage::Role::user) continue;
    for (auto& s : split_sentences(m.content)) {
      words.push_back(content_words(s));
      sentences.push_back(std::move(s));
    }
  }
  std::vector<std::size_t> chosen;
  for (const auto& [i, score] : text_rank(words)) {
    if (chosen.size() >= 3) break;
    chosen.push_back(i);
  }
  std::sort(chosen.begin(), chosen.end());
  Completion out;
  out.finish_reason = "stop";
  out.prompt_tokens = prompt_tokens;
  for (auto i : chosen) {
    std::string piece = (out.text.empty() ? "" : " ") + sentences[i];
    out.text += piece;
    if (on_piece && !on_piece(piece)) {
      out.finish_reason = "stopped";
      break;
    }
  }
  out.output_tokens = estimate_tokens(out.text);
  return out;
}

Result<Summary> BuiltinProvider::summarise(const SummaryInput& input, const StreamCallback& on_piece) {
  auto summary = summarise_extractive(input, options_);
  if (on_piece) on_piece(summary.summary);
  return summary;
}

Result<Answer> BuiltinProvider::answer(const std::string& question, const std::vector<Passage>& passages,
                                       const StreamCallback& on_piece) {
  const auto asked_list = index_terms(question);
  const std::set<std::string> asked(asked_list.begin(), asked_list.end());
  struct Candidate {
    std::size_t passage = 0;
    std::size_t order = 0;
    std::string sentence;
    double score = 0;
  };
  std::vector<Candidate> candidates;
  for (std::size_t p = 0; p < passages.size(); ++p) {
    std::size_t order = 0;
    for (auto& sentence : split_sentences(passages[p].text)) {
      const auto terms = index_terms(sentence);
      const std::set<std::string> has(terms.begin(), terms.end());
      std::size_t shared = 0;
      for (const auto& t : asked) shared += has.count(t);
      if (shared == 0) {
        ++order;
        continue;
      }
      // Sharing more of the question counts most; among equals, the shorter sentence (more to the point).
      const double score = static_cast<double>(shared) + 1.0 / (1.0 + static_cast<double>(has.size()));
      candidates.push_back({p, order++, std::move(sentence), score});
    }
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
  Answer out;
  if (candidates.empty()) {
    out.text = "I found nothing about that in the files you can read.";
    if (on_piece) on_piece(out.text);
    return out;
  }
  const double best = candidates.front().score;
  std::vector<Candidate> chosen;
  std::set<std::string> said;
  for (auto& c : candidates) {
    if (chosen.size() >= 3 || c.score < best / 2) break;
    if (!said.insert(c.sentence).second) continue;
    chosen.push_back(std::move(c));
  }
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    const auto& c = chosen[i];
    std::string piece = (i ? " " : "") + c.sentence + " [" + std::to_string(i + 1) + "]";
    out.text += piece;
    out.citations.push_back({passages[c.passage].chunk_id, c.sentence});
    if (on_piece && !on_piece(piece)) break;
  }
  return out;
}

}  // namespace meridian::ai
