#include "ai/provider.hpp"

#include <stdexcept>

namespace meridian::ai {

Result<std::vector<std::vector<float>>> Provider::embed(const std::vector<std::string>&) {
  return make_error(ErrorCode::invalid_argument, "the provider '" + std::string(name()) + "' does not embed texts");
}

void ProviderRegistry::add(std::unique_ptr<Provider> provider) {
  if (find(provider->name()))
    throw std::runtime_error("ai: provider '" + std::string(provider->name()) + "' registered twice");
  providers_.push_back(std::move(provider));
}

Provider* ProviderRegistry::find(std::string_view name) const {
  for (const auto& p : providers_)
    if (p->name() == name) return p.get();
  return nullptr;
}

std::vector<std::string> ProviderRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& p : providers_) out.emplace_back(p->name());
  return out;
}

}  // namespace meridian::ai
