// The AI copilot module (issue 12): the provider port and its registry, summaries of
// conversations, questions over files with their index kept current in the background,
// under the ai.copilot / ai.external toggles (docs/architecture.md, "AI").
#pragma once

#include <thread>

#include "ai/ai_personal_data.hpp"
#include "ai/ai_service.hpp"
#include "ai/answer_streams.hpp"
#include "ai/chat_source.hpp"
#include "ai/file_index.hpp"
#include "ai/index_backfill.hpp"
#include "ai/index_queue.hpp"
#include "ai/provider.hpp"
#include "platform/module.hpp"

namespace meridian::ai {

class AiModule final : public platform::Module {
 public:
  // `queue`: the files module's listener (built before it), whose jobs this module works off.
  AiModule(const platform::ModuleContext& ctx, chat::ChatService& chat, identity::IdentityService& identity,
           region::FeatureToggles& toggles, files::FilesService& files, IndexQueue& queue);
  std::string_view name() const override { return "ai"; }
  // The indexing worker: files interrupted by a restart first, then the queue, and the
  // backfill of files stored before (index_backfill.hpp) whenever the queue is empty;
  // answers left streaming by a node that went away are marked failed. With [ai]
  // index_files = false nothing is indexed and the backfill starts over when it is on again.
  void start() override;
  void stop() override;

  AiService& service() { return ai_; }
  // Its share of the GDPR rights (platform/personal_data.hpp).
  platform::PersonalDataPort& personal_data() { return personal_data_; }

 private:
  static ProviderRegistry providers(const AiOptions& options);
  void work();

  AiOptions options_;
  ProviderRegistry providers_;
  ChatSource conversations_;
  IdentityExclusions exclusions_;
  FilesAccess files_;
  FileIndex index_;
  UsageLedger usage_;
  IndexQueue& queue_;
  IndexBackfill backfill_;
  AiService ai_;
  AnswerStreams answers_;
  AiPersonalData personal_data_;
  std::thread worker_;
};

}  // namespace meridian::ai
