#include "region/feature_toggles.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "region/countries.hpp"

namespace meridian::region {
namespace {

constexpr std::string_view kDefaultCountry = "*";  // the stored row that overrides the built-in default

// The one toggle table: every key here is enforced on the server by its module, and the
// integration test feature_matrix.test.mjs refuses a key it has no probe for.
constexpr FeatureDefinition kFeatures[] = {
    {"chat.support", "Customer support conversations", true, "Support chat"},
    {"meet.recording", "Recording of meetings (metadata and consent tracking)", true, "Meeting recording"},
    {"meet.guests", "Guests from outside the company joining meetings by link", true, "Guest access to meetings"},
    {"meet.screen_share", "Screen sharing in meetings", true, "Screen sharing in meetings"},
    {"files.external_links", "Share links to files for people outside the company", true, "Sharing files by link"},
    {"ai.copilot", "AI copilot: chat summaries, meeting notes, file Q&A", true, "The AI copilot"},
    {"remote_support.screen_share", "Screen sharing in remote support sessions", true,
     "Screen sharing in remote support"},
    {"ai.external", "AI copilot answers from an external (OpenAI-compatible) provider, not the built-in one", false,
     "An external AI provider"},
    {"alerts.system", "Alerts of category system", true, "Alert category system"},
    {"alerts.announcement", "Alerts of category announcement", true, "Alert category announcement"},
    {"alerts.compliance", "Alerts of category compliance", true, "Alert category compliance"},
    {"alerts.emergency", "Alerts of category emergency", true, "Alert category emergency"},
};

const FeatureDefinition* find_feature(std::string_view name) {
  for (const auto& f : kFeatures)
    if (f.name == name) return &f;
  return nullptr;
}

Result<std::vector<FeatureToggle>> load(storage::Session& s) {
  std::vector<FeatureToggle> out;
  for (const auto& f : kFeatures)
    out.push_back(FeatureToggle{std::string(f.name), std::string(f.description), f.default_enabled, {}});
  auto rows = s.query("SELECT feature, country, enabled FROM feature_toggles ORDER BY feature, country");
  if (!rows.ok()) return rows.error();
  for (const auto& row : *rows) {
    for (auto& t : out) {
      if (t.feature != row.text(0)) continue;
      if (row.text(1) == kDefaultCountry)
        t.default_enabled = row.integer(2) != 0;
      else
        t.countries[row.text(1)] = row.integer(2) != 0;
    }
  }
  return out;
}

bool evaluate(const FeatureToggle& t, std::string_view country) {
  if (auto it = t.countries.find(std::string(country)); it != t.countries.end()) return it->second;
  return t.default_enabled;
}

}  // namespace

std::span<const FeatureDefinition> known_features() { return kFeatures; }

Result<std::vector<FeatureToggle>> FeatureToggles::list() {
  const UnixMillis now = clock_.now_ms();
  {
    std::lock_guard lock(cache_mutex_);
    if (cached_ && now - cached_at_ < cache_ms_) return *cached_;
  }
  auto fresh = storage::read_value<std::vector<FeatureToggle>>(db_, load);
  if (!fresh.ok()) return fresh.error();
  std::lock_guard lock(cache_mutex_);
  cached_ = std::make_shared<const std::vector<FeatureToggle>>(*fresh);
  cached_at_ = now;
  return fresh;
}

Result<std::map<std::string, bool>> FeatureToggles::in_force_for(std::string_view country) {
  auto all = list();
  if (!all.ok()) return all.error();
  std::map<std::string, bool> out;
  for (const auto& t : *all) out[t.feature] = evaluate(t, country);
  return out;
}

Result<bool> FeatureToggles::enabled(std::string_view feature, std::string_view country) {
  if (!find_feature(feature)) return make_error(ErrorCode::not_found, "unknown feature '" + std::string(feature) + "'");
  auto all = in_force_for(country);
  if (!all.ok()) return all.error();
  return all->at(std::string(feature));
}

Result<FeatureToggle> FeatureToggles::change(const audit::Actor& actor, std::string_view feature,
                                             const ToggleChange& change) {
  if (!find_feature(feature)) return make_error(ErrorCode::not_found, "unknown feature '" + std::string(feature) + "'");
  for (const auto& [country, _] : change.countries) {
    if (!is_country_code(country))
      return make_error(ErrorCode::invalid_argument, "'" + country + "' is not an ISO 3166-1 alpha-2 country code");
  }
  const std::int64_t now = clock_.now_ms();
  auto upsert = [&](storage::Session& s, std::string_view country, bool enabled) -> Result<void> {
    return storage::exec(
        s,
        "INSERT INTO feature_toggles (feature, country, enabled, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (feature, country) DO UPDATE SET enabled = excluded.enabled, updated_at = excluded.updated_at",
        {std::string(feature), std::string(country), std::int64_t{enabled ? 1 : 0}, now});
  };
  auto forget_cache = [this] {
    std::lock_guard lock(cache_mutex_);
    cached_.reset();
  };
  auto result = storage::write_value<FeatureToggle>(db_, [&](storage::Session& s) -> Result<FeatureToggle> {
    boost::json::object detail;
    if (change.default_enabled) {
      MERIDIAN_TRY(upsert(s, kDefaultCountry, *change.default_enabled));
      detail["default_enabled"] = *change.default_enabled;
    }
    boost::json::object countries;
    for (const auto& [country, enabled] : change.countries) {
      if (enabled) {
        MERIDIAN_TRY(upsert(s, country, *enabled));
        countries[country] = *enabled;
      } else {
        MERIDIAN_TRY(storage::exec(s, "DELETE FROM feature_toggles WHERE feature = ? AND country = ?",
                                   {std::string(feature), country}));
        countries[country] = nullptr;
      }
    }
    if (!countries.empty()) detail["countries"] = std::move(countries);
    MERIDIAN_TRY(audit_.record(s, actor, "admin.feature_toggle.change", "feature:" + std::string(feature), "ok",
                               boost::json::serialize(detail)));
    auto all = load(s);
    if (!all.ok()) return all.error();
    for (auto& t : *all)
      if (t.feature == feature) return t;
    return make_error(ErrorCode::internal, "feature vanished");
  });
  forget_cache();
  return result;
}

Result<platform::FeatureRule> FeatureToggles::rule(std::string_view feature) {
  const FeatureDefinition* def = find_feature(feature);
  if (!def) return make_error(ErrorCode::not_found, "unknown feature '" + std::string(feature) + "'");
  auto all = list();
  if (!all.ok()) return all.error();
  for (const auto& t : *all) {
    if (t.feature != feature) continue;
    platform::FeatureRule out{t.feature, std::string(def->label), t.default_enabled, {}};
    for (const auto& [country, on] : t.countries) out.countries.emplace(country, on);
    return out;
  }
  return make_error(ErrorCode::internal, "feature vanished");
}

}  // namespace meridian::region
