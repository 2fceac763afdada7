// The provider port: one interface for every AI backend (docs/architecture.md, "AI").
// A provider completes chats (streaming each piece of text through a callback), declares
// its model's limits, may embed texts, and does the copilot's tasks: the built-in one by
// its own deterministic means, a language model's by prompting through complete().
// Adding a provider is one class and one registration (ProviderRegistry).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ai/summary.hpp"
#include "core/result.hpp"

namespace meridian::ai {

struct Limits {
  int context_tokens = 0;  // prompt and answer together
  int output_tokens = 0;   // the most one answer may hold
};

struct ChatMessage {
  enum class Role { system, user, assistant };
  Role role = Role::user;
  std::string content;
};

struct CompletionRequest {
  std::vector<ChatMessage> messages;
  int max_output_tokens = 0;  // 0: the provider's own limit
};

struct Completion {
  std::string text;
  std::string finish_reason;  // "stop", "length", ...
  int prompt_tokens = 0;
  int output_tokens = 0;
};

// A passage of a file given to answer a question: quoted data, never instructions.
struct Passage {
  std::int64_t chunk_id = 0;
  std::string source;  // "handbook.pdf, page 2" (for the reader and the model)
  std::string text;
};

// The model says which passage (by chunk id) a quote comes from; the server checks it.
struct CitedPassage {
  std::int64_t chunk_id = 0;
  std::string quote;
};

struct Answer {
  std::string text;
  std::vector<CitedPassage> citations;
};

// Each piece of the answer as it arrives; answering false stops the completion.
using StreamCallback = std::function<bool(std::string_view piece)>;

class Provider {
 public:
  virtual ~Provider() = default;
  virtual std::string_view name() const = 0;
  // Whether a prompt leaves this server (then the ai.external toggle and the regions rule).
  virtual bool external() const = 0;
  virtual Limits limits() const = 0;

  virtual Result<Completion> complete(const CompletionRequest& request, const StreamCallback& on_piece) = 0;

  virtual bool embeds() const { return false; }
  virtual Result<std::vector<std::vector<float>>> embed(const std::vector<std::string>& texts);

  // The copilot's tasks.
  virtual Result<Summary> summarise(const SummaryInput& input, const StreamCallback& on_piece) = 0;
  // An answer from these passages only, citing them by chunk id.
  virtual Result<Answer> answer(const std::string& question, const std::vector<Passage>& passages,
                                const StreamCallback& on_piece) = 0;
};

// The providers by name, each registered once at start-up.
class ProviderRegistry final {
 public:
  // Refuses a second provider of the same name (a start-up error).
  void add(std::unique_ptr<Provider> provider);
  Provider* find(std::string_view name) const;
  std::vector<std::string> names() const;

 private:
  std::vector<std::unique_ptr<Provider>> providers_;
};

}  // namespace meridian::ai
