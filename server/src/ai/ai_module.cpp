#include "ai/ai_module.hpp"

#include <algorithm>
#include <stdexcept>

#include "ai/ai_routes.hpp"
#include "ai/builtin_provider.hpp"
#include "ai/openai_provider.hpp"
#include "core/log.hpp"
#include "core/random.hpp"

namespace meridian::ai {

ProviderRegistry AiModule::providers(const AiOptions& options) {
  ProviderRegistry registry;
  registry.add(std::make_unique<BuiltinProvider>());
  // Every [ai.providers.<name>] with a base_url is an OpenAI-compatible endpoint.
  for (const auto& [name, settings] : options.openai) registry.add(std::make_unique<OpenAiProvider>(name, settings));
  for (const auto& name : options.named_providers())
    if (!registry.find(name))
      throw std::runtime_error("ai: no provider named '" + name + "' (builtin, or an [ai.providers." + name +
                               "] table with base_url and model)");
  return registry;
}

AiModule::AiModule(const platform::ModuleContext& ctx, chat::ChatService& chat, identity::IdentityService& identity,
                   region::FeatureToggles& toggles, files::FilesService& files, IndexQueue& queue)
    : options_(load_ai_options(ctx.settings.config_file)),
      providers_(providers(options_)),
      conversations_(chat),
      exclusions_(identity),
      files_(files),
      index_(ctx.db, files, ctx.clock),
      usage_(ctx.db, ctx.clock),
      queue_(queue),
      backfill_(
          ctx.db, files, index_, ctx.clock, "ai:" + random_token(9),
          options_.backfill_files_per_second > 0 ? std::min<std::int64_t>(16, options_.backfill_files_per_second) : 16),
      ai_(ctx.policy, ctx.audit, toggles, providers_, options_,
          AiPorts{conversations_, exclusions_, files_, index_, usage_}),
      answers_(ctx.db, ai_, ctx.hub, ctx.clock),
      personal_data_(ctx.db) {
  index_.leave_out_restricted(exclusions_);
  add_ai_routes(ctx.router, ai_, queue_);
  add_answer_routes(ctx.router, ctx.hub, answers_);
  add_backfill_routes(ctx.router, ctx.policy, backfill_, options_.index_files);
}

void AiModule::start() {
  if (!options_.index_files) {
    // What is stored while indexing is off is not indexed: the next run walks every file.
    if (auto reset = backfill_.restart(); !reset)
      log::error("ai.index_unavailable", {{"message", reset.error().message}});
    log::info("ai.indexing_off", {});
  }
  auto unfinished = index_.unfinished();
  if (unfinished)
    for (auto id : *unfinished) queue_.push({IndexJob::Kind::index, id});
  else
    log::error("ai.index_unavailable", {{"message", unfinished.error().message}});
  if (auto failed = answers_.recover(); !failed)
    log::error("ai.answers_unavailable", {{"message", failed.error().message}});
  worker_ = std::thread([this] { work(); });
}

void AiModule::stop() {
  answers_.stop();
  queue_.close();
  if (worker_.joinable()) worker_.join();
  backfill_.release();
}

void AiModule::work() {
  using namespace std::chrono_literals;
  bool backfill = options_.index_files;
  auto next_try = std::chrono::steady_clock::now();
  for (;;) {
    // Uploads first; the backfill takes a batch whenever none waits.
    const auto now = std::chrono::steady_clock::now();
    const bool backfill_now = backfill && now >= next_try;
    auto wait = std::chrono::milliseconds(1s);
    if (backfill_now)
      wait = 0ms;
    else if (backfill)
      wait = std::min(wait, std::chrono::ceil<std::chrono::milliseconds>(next_try - now));
    auto job = queue_.next(wait);
    if (job) {
      if (options_.index_files || job->kind == IndexJob::Kind::remove) index_.run(*job);
      queue_.done(job->node_id);
      continue;
    }
    if (queue_.closed()) return;
    if (!backfill_now) continue;
    auto step = backfill_.step();
    if (!step) {
      log::error("ai.backfill_failed", {{"message", step.error().message}});
      next_try = std::chrono::steady_clock::now() + 10s;
    } else if (*step == IndexBackfill::Step::done) {
      backfill = false;
    } else if (*step == IndexBackfill::Step::more && options_.backfill_files_per_second > 0) {
      // Paced: a batch is at most the files of one second (see the constructor).
      const auto batch = std::min<std::int64_t>(16, options_.backfill_files_per_second);
      next_try = std::chrono::steady_clock::now() +
                 std::chrono::milliseconds(1000 * batch / options_.backfill_files_per_second);
    } else if (*step == IndexBackfill::Step::elsewhere) {
      next_try = std::chrono::steady_clock::now() + 10s;  // another node has it; look again later
    }
  }
}

}  // namespace meridian::ai
