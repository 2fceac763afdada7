// The AI copilot module (issue 12): the provider port and its registry, summaries of
// conversations, under the ai.copilot / ai.external toggles (docs/architecture.md, "AI").
#pragma once

#include "ai/ai_service.hpp"
#include "ai/chat_source.hpp"
#include "ai/provider.hpp"
#include "platform/module.hpp"

namespace meridian::ai {

class AiModule final : public platform::Module {
 public:
  AiModule(const platform::ModuleContext& ctx, chat::ChatService& chat, identity::IdentityService& identity,
           region::FeatureToggles& toggles);
  std::string_view name() const override { return "ai"; }

  AiService& service() { return ai_; }

 private:
  static ProviderRegistry providers(const AiOptions& options);

  AiOptions options_;
  ProviderRegistry providers_;
  ChatSource conversations_;
  IdentityExclusions exclusions_;
  AiService ai_;
};

}  // namespace meridian::ai
