// The AI copilot's rules: who may use it (the policy's use_ai_copilot, the ai.copilot toggle of their country, their
// own exclude-from-AI flag), what it may read (only what the asker may read, without the content of people excluded
// from AI), which provider gets the request (configured per feature and region; an external one only when ai.external
// is on for the asker's country and it is allowed for the asker's region and every source's), and the audit record of
// every call (who, feature, provider, sources, sizes, latency; never contents).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "ai/ai_config.hpp"
#include "ai/file_index.hpp"
#include "ai/provider.hpp"
#include "ai/sources.hpp"
#include "ai/usage_ledger.hpp"
#include "audit/audit_log.hpp"
#include "core/result.hpp"
#include "core/subject.hpp"
#include "policy/policy.hpp"
#include "region/feature_toggles.hpp"

namespace meridian::ai {

inline constexpr std::size_t kMaxSummaryMessages = 20'000;

struct SummaryAnswer {
  std::string provider;
  Summary summary;
  std::int64_t message_count = 0;      // messages summarised
  std::int64_t excluded_messages = 0;  // left out: their authors are excluded from AI
  bool older_left_out = false;         // the range held more than kMaxSummaryMessages
  std::string note;                    // why another provider than the configured one answered
};

inline constexpr std::size_t kMaxCatchUpConversations = 50;

// "Catch me up" over every conversation of mine with unread messages, one summary each.
struct CatchUpAnswer {
  std::string provider;
  struct Part {
    std::int64_t conversation_id = 0;
    std::string name;
    std::int64_t unread = 0;
    SummaryAnswer summary;
  };
  std::vector<Part> conversations;  // most unread first
  std::int64_t left_out = 0;        // conversations beyond kMaxCatchUpConversations
};

// What the copilot may do for this person now, for the assistant panel.
struct AiStatus {
  bool copilot = false;                          // the ai.copilot toggle of their country
  bool external = false;                         // the ai.external toggle of their country
  bool excluded = false;                         // their own exclude-from-AI flag
  std::string reason;                            // why they may not use it, in plain words; empty when they may
  std::map<std::string, std::string> providers;  // feature -> provider that would answer them
  BudgetState budget;                            // tokens on external providers: theirs today, everyone's this month
};

// Where a question looks: one file, a folder (all below it), a space, or everything.
struct FileScope {
  std::optional<std::int64_t> file_id;
  std::optional<std::int64_t> folder_id;
  std::optional<std::int64_t> space_id;
  bool all = false;
};

// The scope as one word: "file:12", "folder:3", "space:4", "files:all" (audit targets, stored answers).
std::string scope_target(const FileScope& scope);

inline constexpr std::size_t kMaxQuestionBytes = 2'000;
inline constexpr std::size_t kPassagesPerAnswer = 5;

struct AskCitation {
  std::int64_t file_id = 0;
  std::int64_t version = 0;
  std::int64_t chunk_id = 0;
  std::optional<std::int64_t> page;
  std::string section;
  std::string file_name;
  std::string quote;
};

// A citation the server refused to show as a source, and why (never with its quote).
struct DroppedCitation {
  std::int64_t chunk_id = 0;
  std::string reason;
};

struct AskAnswer {
  std::string provider;
  std::string answer;
  std::vector<AskCitation> citations;  // verified: each quote is in its file's passage
  std::vector<DroppedCitation> dropped;
  std::int64_t passages = 0;  // passages the provider was given
  std::string note;
};

// Where an answer's text goes as it is written: each piece, and a restart when the answer is
// made again (a cited file's access went meanwhile: what was shown so far is void).
struct AskStream {
  StreamCallback on_piece;
  std::function<void()> on_restart;
};

struct AiPorts {
  ConversationSource& conversations;
  AiExclusions& exclusions;
  FileAccess& files;
  FileIndex& index;
  UsageLedger& usage;
};

class AiService final {
 public:
  AiService(const policy::Policy& policy, audit::AuditLog& audit, region::FeatureToggles& toggles,
            const ProviderRegistry& providers, AiOptions options, AiPorts ports)
      : policy_(policy),
        audit_(audit),
        toggles_(toggles),
        providers_(providers),
        options_(std::move(options)),
        ports_(ports) {}

  Result<AiStatus> status(const Subject& who);
  Result<SummaryAnswer> summarise(const Subject& who, const ConversationScope& scope, const std::string& ip = "");
  // My unread messages across all my conversations in one call: each conversation read
  // as I may read it now (one I may no longer read is left out), summarised from my read
  // marker, each point linking to its messages.
  Result<CatchUpAnswer> catch_up(const Subject& who, const std::string& ip = "");
  // An answer from the passages of files the asker may read, found in the scope. Files are
  // checked at question time and the cited ones again just before answering (a file whose
  // access went meanwhile is taken out and the answer made again without it); a quote
  // that is not in the passage it cites is dropped and listed in `dropped`.
  Result<AskAnswer> ask(const Subject& who, const std::string& question, const FileScope& scope,
                        const std::string& ip = "", const AskStream* stream = nullptr);
  // The refusals ask() would answer before looking (the copilot off, a bad question or
  // scope, a file or space the asker may not read), for a streamed answer to give at once.
  Result<void> admit_question(const Subject& who, const std::string& question, const FileScope& scope);
  // The index state of a file the caller may read: its record, and whether it waits.
  Result<std::optional<DocumentRecord>> file_index_state(const Subject& who, std::int64_t file_id);

 private:
  // forbidden, in plain words, when the person may not use the copilot.
  Result<AiStatus> check(const Subject& who);
  Result<void> validate_question(const Subject& who, const std::string& question, const FileScope& scope);
  struct Choice {
    Provider* provider = nullptr;
    std::string note;
  };
  // The configured provider, or builtin when an external one may not get this request.
  Result<Choice> choose(std::string_view feature, const Subject& who, const AiStatus& status,
                        const std::vector<std::string>& source_regions) const;
  struct Retrieved {
    std::vector<Passage> passages;
    std::map<std::int64_t, StoredChunk> chunks;    // by chunk id
    std::map<std::int64_t, DocumentRecord> files;  // by file id
  };
  Result<Retrieved> retrieve(const Subject& who, const std::string& question, const FileScope& scope);
  Result<bool> in_folder(const Subject& who, std::int64_t folder_id, const FileFacts& file);
  // rate_limited, saying which budget is spent and when it renews, when an external
  // provider would answer and a budget is spent; built-in answers are never refused.
  Result<void> within_budget(const Subject& who, const Provider& provider);
  // Counts the tokens of a call to an external provider.
  void charge(const Subject& who, const Provider& provider, std::int64_t tokens);
  void audit_refusal(const Subject& who, const std::string& ip, std::string_view action, const std::string& target,
                     const Error& error);

  const policy::Policy& policy_;
  audit::AuditLog& audit_;
  region::FeatureToggles& toggles_;
  const ProviderRegistry& providers_;
  AiOptions options_;
  AiPorts ports_;
};

}  // namespace meridian::ai
