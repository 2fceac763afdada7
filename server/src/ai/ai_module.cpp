#include "ai/ai_module.hpp"

#include <stdexcept>

#include "ai/ai_routes.hpp"
#include "ai/builtin_provider.hpp"
#include "ai/openai_provider.hpp"
#include "core/log.hpp"

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
      ai_(ctx.policy, ctx.audit, toggles, providers_, options_,
          AiPorts{conversations_, exclusions_, files_, index_, usage_}),
      answers_(ctx.db, ai_, ctx.hub, ctx.clock),
      personal_data_(ctx.db) {
  index_.leave_out_restricted(exclusions_);
  add_ai_routes(ctx.router, ai_, queue_);
  add_answer_routes(ctx.router, ctx.hub, answers_);
}

void AiModule::start() {
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
}

void AiModule::work() {
  using namespace std::chrono_literals;
  for (;;) {
    auto job = queue_.next(1s);
    if (!job) {
      if (queue_.closed()) return;
      continue;
    }
    index_.run(*job);
    queue_.done(job->node_id);
  }
}

}  // namespace meridian::ai
