// The `openai` provider: any OpenAI-compatible Chat Completions endpoint (OpenAI, Azure
// OpenAI, Ollama, vLLM, llama.cpp server), spoken to over HTTP(S) with libcurl: streaming
// over SSE or one JSON answer, retries with exponential backoff and full jitter on 429,
// 5xx and network errors (Retry-After wins), a timeout per attempt. Prompts are fitted to
// the model's declared context, never cut silently: a conversation too long for it is
// summarised part by part and the parts' points summarised again (map-reduce). Retrieved
// passages go in as quoted data between fences the text cannot close, never as
// instructions; the model answers in JSON and cites chunk ids, which the server verifies.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "ai/ai_config.hpp"
#include "ai/provider.hpp"

namespace meridian::ai {

// A rough token count for fitting prompts: about three bytes a token (English is nearer
// four; less dense scripts fewer), so an estimate errs on the side of a smaller prompt.
int conservative_tokens(std::string_view text);

class OpenAiProvider final : public Provider {
 public:
  using Sleep = std::function<void(std::chrono::milliseconds)>;
  OpenAiProvider(std::string name, OpenAiSettings settings, Sleep sleep = {});
  ~OpenAiProvider() override;

  std::string_view name() const override { return name_; }
  bool external() const override { return true; }
  Limits limits() const override { return {settings_.context_tokens, settings_.output_tokens}; }

  Result<Completion> complete(const CompletionRequest& request, const StreamCallback& on_piece) override;
  Result<Summary> summarise(const SummaryInput& input, const StreamCallback& on_piece) override;
  Result<Answer> answer(const std::string& question, const std::vector<Passage>& passages,
                        const StreamCallback& on_piece) override;

  // The prompt budget: the context less the answer's room and the instructions.
  int prompt_budget() const;
  // How many completions the last summarise() made (1, or the map-reduce's calls).
  int last_calls() const { return last_calls_; }

  struct Attempt;  // one HTTP exchange (openai_provider.cpp)

 private:
  Result<Completion> attempt(const CompletionRequest& request, const StreamCallback& on_piece, Attempt& out);

  std::string name_;
  OpenAiSettings settings_;
  Sleep sleep_;
  int last_calls_ = 0;
};

// The user message of a question: the question, then each passage fenced as quoted data
// (exposed for tests: an instruction planted in a passage stays inside its fence).
std::string fenced_question(const std::string& question, const std::vector<Passage>& passages);

}  // namespace meridian::ai
