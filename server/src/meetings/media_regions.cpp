#include "meetings/media_regions.hpp"

#include <algorithm>
#include <set>

namespace meridian::meetings {
namespace {

struct DefaultRow {
  const char* country;
  int eu_central;  // Frankfurt
  int us_east;     // N. Virginia
  int ap_south;    // Mumbai
};

// Expected round trips (ms) from a country's main population centres to each region,
// rounded to 5 ms. Drawn from public inter-region / inter-city figures: the AWS
// inter-region latency grid published by CloudPing (https://www.cloudping.co/grid) and
// WonderNetwork's global ping statistics (https://wondernetwork.com/pings). They are
// planning estimates, not measurements of any particular network: operators should
// override them ([meetings.rtt] in the configuration) with their own figures.
constexpr DefaultRow kDefaults[] = {
    {"DE", 10, 90, 120},   {"FR", 15, 85, 115},   {"NL", 10, 85, 120},   {"BE", 10, 85, 120},   {"AT", 15, 100, 125},
    {"CH", 10, 95, 120},   {"PL", 20, 110, 130},  {"CZ", 15, 105, 130},  {"IT", 20, 105, 120},  {"ES", 30, 100, 135},
    {"PT", 40, 95, 145},   {"GB", 15, 75, 120},   {"IE", 25, 75, 130},   {"DK", 20, 95, 135},   {"SE", 25, 105, 140},
    {"NO", 30, 100, 145},  {"FI", 35, 115, 150},  {"RO", 35, 120, 130},  {"GR", 45, 125, 125},  {"TR", 50, 135, 120},
    {"UA", 40, 125, 140},  {"IL", 60, 135, 120},  {"EG", 65, 150, 110},  {"AE", 110, 190, 30},  {"SA", 100, 180, 50},
    {"ZA", 165, 230, 160}, {"NG", 115, 180, 180}, {"KE", 130, 220, 90},  {"IN", 120, 200, 25},  {"PK", 120, 210, 40},
    {"BD", 150, 230, 50},  {"LK", 140, 230, 35},  {"SG", 160, 220, 60},  {"MY", 170, 230, 70},  {"ID", 180, 240, 80},
    {"TH", 170, 230, 80},  {"VN", 190, 240, 100}, {"PH", 200, 210, 100}, {"HK", 190, 200, 90},  {"CN", 200, 220, 110},
    {"JP", 230, 160, 130}, {"KR", 240, 180, 140}, {"AU", 290, 200, 150}, {"NZ", 290, 200, 180}, {"US", 95, 30, 210},
    {"CA", 100, 30, 210},  {"MX", 140, 60, 250},  {"BR", 190, 120, 300}, {"AR", 230, 150, 330}, {"CL", 220, 140, 320},
    {"CO", 150, 70, 270},
};

}  // namespace

RttTable RttTable::builtin() {
  RttTable t;
  for (const auto& row : kDefaults) {
    t.set(row.country, "eu-central", row.eu_central);
    t.set(row.country, "us-east", row.us_east);
    t.set(row.country, "ap-south", row.ap_south);
  }
  return t;
}

void RttTable::set(std::string country, std::string region, int rtt_ms) {
  table_[std::move(country)][std::move(region)] = rtt_ms;
}

std::optional<int> RttTable::rtt(std::string_view country, std::string_view region) const {
  auto c = table_.find(country);
  if (c == table_.end()) return std::nullopt;
  auto r = c->second.find(region);
  if (r == c->second.end()) return std::nullopt;
  return r->second;
}

RegionChoice choose_region(const std::vector<MediaRegion>& regions, const RttTable& table,
                           const std::vector<std::string>& countries) {
  RegionChoice out;
  if (regions.empty()) return out;
  std::set<std::string> distinct;
  std::vector<std::string> known;  // one entry per participant: the mean weighs people, not countries
  for (const auto& c : countries) {
    if (c.empty()) continue;
    known.push_back(c);
    distinct.insert(c);
  }
  bool have_best = false;
  for (const auto& region : regions) {
    RegionChoice::Candidate cand{region.name, 0, 0};
    double sum = 0;
    for (const auto& c : known) {
      int rtt = table.rtt(c, region.name).value_or(kUnknownRttMs);
      cand.worst_ms = std::max(cand.worst_ms, rtt);
      sum += rtt;
    }
    cand.mean_ms = known.empty() ? 0 : sum / static_cast<double>(known.size());
    out.candidates.push_back(cand);
    if (!have_best || cand.worst_ms < out.worst_ms || (cand.worst_ms == out.worst_ms && cand.mean_ms < out.mean_ms)) {
      have_best = true;
      out.region = cand.region;
      out.worst_ms = cand.worst_ms;
      out.mean_ms = cand.mean_ms;
    }
  }
  for (const auto& c : distinct) out.per_country[c] = table.rtt(c, out.region).value_or(kUnknownRttMs);
  return out;
}

std::string nearest_region(const std::vector<MediaRegion>& regions, const RttTable& table, std::string_view country) {
  if (regions.empty()) return {};
  std::string best = regions.front().name;
  int best_rtt = kUnknownRttMs + 1;
  for (const auto& r : regions) {
    int rtt = country.empty() ? kUnknownRttMs : table.rtt(country, r.name).value_or(kUnknownRttMs);
    if (rtt < best_rtt) {
      best_rtt = rtt;
      best = r.name;
    }
  }
  return best;
}

}  // namespace meridian::meetings
