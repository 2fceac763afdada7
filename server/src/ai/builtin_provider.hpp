// The embedded default provider, "builtin": no network, no model, deterministic. Its
// summaries are extractive (ai/extractive_summary.hpp); its chat completion answers with
// the most central sentences of the text it was given, since it understands no
// instructions (which is also why instructions planted in a document change nothing).
#pragma once

#include "ai/extractive_summary.hpp"
#include "ai/provider.hpp"

namespace meridian::ai {

class BuiltinProvider final : public Provider {
 public:
  explicit BuiltinProvider(ExtractiveOptions options = {}) : options_(options) {}

  std::string_view name() const override { return "builtin"; }
  bool external() const override { return false; }
  // No model: the limits are those of the server's own request sizes.
  Limits limits() const override { return {1'000'000, 4'000}; }

  Result<Completion> complete(const CompletionRequest& request, const StreamCallback& on_piece) override;
  Result<Summary> summarise(const SummaryInput& input, const StreamCallback& on_piece) override;
  // The passages' sentences that share the most of the question's words (up to three, each
  // at least half as good as the best), quoted word for word with their chunk ids.
  Result<Answer> answer(const std::string& question, const std::vector<Passage>& passages,
                        const StreamCallback& on_piece) override;

 private:
  ExtractiveOptions options_;
};

}  // namespace meridian::ai
