#include "ai/ai_module.hpp"

#include <stdexcept>

#include "ai/ai_routes.hpp"
#include "ai/builtin_provider.hpp"

namespace meridian::ai {

ProviderRegistry AiModule::providers(const AiOptions& options) {
  ProviderRegistry registry;
  registry.add(std::make_unique<BuiltinProvider>());
  for (const auto& name : options.named_providers())
    if (!registry.find(name)) throw std::runtime_error("ai: no provider named '" + name + "' (known: builtin)");
  return registry;
}

AiModule::AiModule(const platform::ModuleContext& ctx, chat::ChatService& chat, identity::IdentityService& identity,
                   region::FeatureToggles& toggles)
    : options_(load_ai_options(ctx.settings.config_file)),
      providers_(providers(options_)),
      conversations_(chat),
      exclusions_(identity),
      ai_(ctx.policy, ctx.audit, toggles, providers_, options_, AiPorts{conversations_, exclusions_}) {
  add_ai_routes(ctx.router, ai_);
}

}  // namespace meridian::ai
