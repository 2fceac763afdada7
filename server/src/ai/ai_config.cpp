#include "ai/ai_config.hpp"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

#include <toml++/toml.h>

namespace meridian::ai {
namespace {

std::map<std::string, std::string, std::less<>> feature_choices(const toml::table& t, const std::string& where) {
  std::map<std::string, std::string, std::less<>> out;
  for (const auto& [key, value] : t) {
    const std::string feature(key.str());
    const auto& known = known_ai_features();
    if (std::find(known.begin(), known.end(), feature) == known.end())
      throw std::runtime_error(where + feature + ": no such AI feature (summaries, ask)");
    auto provider = value.value<std::string>();
    if (!provider || provider->empty()) throw std::runtime_error(where + feature + " must name a provider");
    out.emplace(feature, *provider);
  }
  return out;
}

}  // namespace

const std::vector<std::string_view>& known_ai_features() {
  static const std::vector<std::string_view> features{kFeatureSummaries, kFeatureAsk};
  return features;
}

std::string AiOptions::choose(std::string_view feature, std::string_view region) const {
  if (auto r = regions.find(region); r != regions.end())
    if (auto f = r->second.find(feature); f != r->second.end()) return f->second;
  if (auto f = features.find(feature); f != features.end()) return f->second;
  return provider;
}

bool AiOptions::allows(std::string_view provider, std::string_view region) const {
  auto it = provider_regions.find(provider);
  if (it == provider_regions.end()) return false;
  return std::any_of(it->second.begin(), it->second.end(),
                     [&](const std::string& r) { return r == "*" || r == region; });
}

std::vector<std::string> AiOptions::named_providers() const {
  std::vector<std::string> out{provider};
  for (const auto& [f, p] : features) out.push_back(p);
  for (const auto& [r, choices] : regions)
    for (const auto& [f, p] : choices) out.push_back(p);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

namespace {

int positive(const toml::table& t, const char* key, int fallback, const std::string& where) {
  auto node = t[key];
  if (!node) return fallback;
  auto v = node.value<std::int64_t>();
  if (!v || *v < 0 || *v > 100'000'000) throw std::runtime_error(where + key + " must be a whole number >= 0");
  return static_cast<int>(*v);
}

OpenAiSettings openai_settings(const toml::table& t, const std::string& provider, const std::string& where) {
  const std::string at = where + "providers." + provider + ".";
  OpenAiSettings s;
  s.base_url = t["base_url"].value_or(std::string{});
  while (!s.base_url.empty() && s.base_url.back() == '/') s.base_url.pop_back();
  if (!s.base_url.starts_with("http://") && !s.base_url.starts_with("https://"))
    throw std::runtime_error(at + "base_url must be an http(s) URL");
  s.model = t["model"].value_or(std::string{});
  if (s.model.empty()) throw std::runtime_error(at + "model must name the model");
  s.api_key = t["api_key"].value_or(std::string{});
  std::string env_name = "MERIDIAN_AI_" + provider + "_API_KEY";
  for (auto& c : env_name) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : (c == '-' ? '_' : c);
  if (const char* k = std::getenv(env_name.c_str()); k && *k) s.api_key = k;
  s.context_tokens = positive(t, "context_tokens", s.context_tokens, at);
  s.output_tokens = positive(t, "output_tokens", s.output_tokens, at);
  if (s.context_tokens < 512 || s.output_tokens < 16 || s.output_tokens * 2 > s.context_tokens)
    throw std::runtime_error(at + "context_tokens must be >= 512 and at least twice output_tokens (>= 16)");
  s.timeout_ms = positive(t, "timeout_ms", s.timeout_ms, at);
  s.retries = positive(t, "retries", s.retries, at);
  s.backoff_ms = positive(t, "backoff_ms", s.backoff_ms, at);
  s.max_backoff_ms = positive(t, "max_backoff_ms", s.max_backoff_ms, at);
  s.stream = t["stream"].value_or(true);
  return s;
}

}  // namespace

AiOptions load_ai_options(const std::string& config_file) {
  AiOptions o;
  if (!config_file.empty()) {
    toml::table file;
    try {
      file = toml::parse_file(config_file);
    } catch (const toml::parse_error& e) {
      throw std::runtime_error("config file " + config_file + ": " + std::string(e.description()));
    }
    const std::string where = "config file " + config_file + ": ai.";
    const auto t = file["ai"];
    if (auto v = t["provider"].value<std::string>()) o.provider = *v;
    if (auto v = t["index_files"]) {
      auto b = v.value<bool>();
      if (!b) throw std::runtime_error(where + "index_files must be true or false");
      o.index_files = *b;
    }
    if (auto v = t["backfill_files_per_second"]) {
      auto n = v.value<std::int64_t>();
      if (!n || *n < 0 || *n > 1'000'000)
        throw std::runtime_error(where + "backfill_files_per_second must be a whole number >= 0 (0: no limit)");
      o.backfill_files_per_second = *n;
    }
    if (auto f = t["features"]) {
      auto tbl = f.as_table();
      if (!tbl) throw std::runtime_error(where + "features must be a table of feature = provider");
      o.features = feature_choices(*tbl, where + "features.");
    }
    if (auto r = t["regions"]) {
      auto tbl = r.as_table();
      if (!tbl) throw std::runtime_error(where + "regions must be a table per region ([ai.regions.EU])");
      for (const auto& [region, choices] : *tbl) {
        auto per = choices.as_table();
        const std::string name(region.str());
        if (!per) throw std::runtime_error(where + "regions." + name + " must be a table of feature = provider");
        o.regions.emplace(name, feature_choices(*per, where + "regions." + name + "."));
      }
    }
    if (auto b = t["budgets"]) {
      auto tbl = b.as_table();
      if (!tbl) throw std::runtime_error(where + "budgets must be a table ([ai.budgets])");
      for (const auto& [key, value] : *tbl) {
        const std::string k(key.str());
        auto n = value.value<std::int64_t>();
        if (k != "person_day_tokens" && k != "organisation_month_tokens")
          throw std::runtime_error(where + "budgets." + k +
                                   " is not a setting (person_day_tokens, organisation_month_tokens)");
        if (!n || *n < 0)
          throw std::runtime_error(where + "budgets." + k + " must be a whole number >= 0 (0: no limit)");
        (k == "person_day_tokens" ? o.person_day_tokens : o.organisation_month_tokens) = *n;
      }
    }
    if (auto p = t["providers"]) {
      auto tbl = p.as_table();
      if (!tbl) throw std::runtime_error(where + "providers must be a table per provider ([ai.providers.openai])");
      for (const auto& [name, settings] : *tbl) {
        const std::string provider(name.str());
        auto per = settings.as_table();
        if (!per) throw std::runtime_error(where + "providers." + provider + " must be a table");
        auto& regions = o.provider_regions[provider];
        if (auto list = (*per)["regions"]) {
          auto arr = list.as_array();
          if (!arr) throw std::runtime_error(where + "providers." + provider + ".regions must be a list of regions");
          for (const auto& r : *arr) {
            auto v = r.value<std::string>();
            if (!v || v->empty())
              throw std::runtime_error(where + "providers." + provider + ".regions must be a list of regions");
            regions.push_back(*v);
          }
        }
        if (auto url = (*per)["base_url"].value<std::string>())
          o.openai[provider] = openai_settings(*per, provider, where);
      }
    }
  }
  if (const char* v = std::getenv("MERIDIAN_AI_PROVIDER"); v && *v) o.provider = v;
  for (auto [name, field] : {std::pair{"MERIDIAN_AI_BUDGET_PERSON_DAY_TOKENS", &o.person_day_tokens},
                             std::pair{"MERIDIAN_AI_BUDGET_ORGANISATION_MONTH_TOKENS", &o.organisation_month_tokens},
                             std::pair{"MERIDIAN_AI_BACKFILL_FILES_PER_SECOND", &o.backfill_files_per_second}})
    if (const char* v = std::getenv(name); v && *v) {
      char* end = nullptr;
      const long long n = std::strtoll(v, &end, 10);
      if (*end || n < 0) throw std::runtime_error(std::string(name) + " must be a whole number >= 0 (0: no limit)");
      *field = n;
    }
  if (const char* v = std::getenv("MERIDIAN_AI_INDEX_FILES"); v && *v) {
    const std::string_view x(v);
    if (x != "true" && x != "false") throw std::runtime_error("MERIDIAN_AI_INDEX_FILES must be true or false");
    o.index_files = x == "true";
  }
  if (o.provider.empty()) throw std::runtime_error("ai.provider must name a provider");
  return o;
}

}  // namespace meridian::ai
