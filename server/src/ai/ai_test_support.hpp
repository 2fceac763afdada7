// The fixture of the AI service tests, on each store kind: chat, files (on a temporary
// disk store) and identity as they are, the AI service over them with the built-in
// provider, and helpers to post, upload and index.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ai/ai_service.hpp"
#include "ai/builtin_provider.hpp"
#include "ai/chat_source.hpp"
#include "ai/file_index.hpp"
#include "testing/chat_test.hpp"
#include "testing/temp_disk_store.hpp"

namespace meridian::ai::testing {

// An external provider as the port sees one; it counts what reached it. (The real
// OpenAI-compatible one is tested against a fake server of that protocol.)
class RecordingExternal final : public Provider {
 public:
  std::string_view name() const override { return "outside"; }
  bool external() const override { return true; }
  Limits limits() const override { return {8'000, 1'000}; }
  Result<Completion> complete(const CompletionRequest&, const StreamCallback&) override { return Completion{}; }
  Result<Summary> summarise(const SummaryInput& in, const StreamCallback&) override;
  Result<Answer> answer(const std::string&, const std::vector<Passage>& passages, const StreamCallback&) override;
  int calls = 0;
};

// A local provider that does what the built-in one does, for tests that change one step
// (answer) around it: it derives and overrides answer().
class BuiltinBacked : public Provider {
 public:
  bool external() const override { return false; }
  Limits limits() const override { return builtin_.limits(); }
  Result<Completion> complete(const CompletionRequest& r, const StreamCallback& s) override {
    return builtin_.complete(r, s);
  }
  Result<Summary> summarise(const SummaryInput& in, const StreamCallback& s) override {
    return builtin_.summarise(in, s);
  }

 protected:
  BuiltinProvider builtin_;
};

class AiTest : public meridian::testing::ChatTest {
 protected:
  void SetUp() override;
  void rebuild(AiOptions options, ProviderRegistry* providers = nullptr);
  // Questions over files answered by `provider` (next to the built-in one); returns it.
  template <class P>
  P* ask_with(std::unique_ptr<P> provider) {
    auto* raw = provider.get();
    use_for_ask(std::move(provider));
    return raw;
  }

  std::int64_t group(const Subject& owner, std::vector<std::int64_t> members);
  chat::Message post(const Subject& who, std::int64_t conversation, const std::string& text,
                     std::optional<std::int64_t> root = std::nullopt);
  void toggle(std::string_view feature, const std::string& country, bool on);
  std::vector<std::string> audit_rows(const std::string& action);

  std::int64_t personal_space(const Subject& who);
  std::int64_t team_space(const Subject& creator, std::int64_t team_id);
  std::int64_t customer_space(const Subject& creator, const Subject& customer);
  // Uploads and indexes at once (the module's worker does it in the background).
  files::Node upload(const Subject& who, std::int64_t space, std::int64_t parent, const std::string& name,
                     const std::string& bytes, const std::string& content_type = "text/plain");
  // Uploads without indexing, as files stored before the index existed (its queued jobs dropped).
  files::Node store_unindexed(const Subject& who, std::int64_t space, std::int64_t parent, const std::string& name,
                              const std::string& bytes, const std::string& content_type = "text/plain");

  std::unique_ptr<region::FeatureToggles> toggles_;
  meridian::testing::TempDiskStore store_{"meridian-ai"};
  IndexQueue queue_;  // files' listener: tests run its jobs with drain()
  std::unique_ptr<files::FilesService> files_;
  std::unique_ptr<ChatSource> source_;
  std::unique_ptr<IdentityExclusions> exclusions_;
  std::unique_ptr<FilesAccess> file_access_;
  std::unique_ptr<FileIndex> index_;
  std::unique_ptr<UsageLedger> usage_;
  ProviderRegistry providers_;
  RecordingExternal* outside_ = nullptr;
  std::unique_ptr<ProviderRegistry> ask_providers_;  // ask_with's
  std::unique_ptr<AiService> ai_;
  int client_ = 0;

  // Runs every job files queued (what the module's worker does).
  void drain();

 private:
  void use_for_ask(std::unique_ptr<BuiltinBacked> provider);
};

}  // namespace meridian::ai::testing
