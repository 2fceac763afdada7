#include "ai/builtin_provider.hpp"

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

}  // namespace meridian::ai
