// Country latency awareness: media regions (each with its TURN servers), a table of
// expected round-trip times from countries to regions, and the choice of a region for a
// room: the one that minimises the worst, then the mean, expected round trip of its
// participants' countries.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace meridian::meetings {

struct MediaRegion {
  std::string name;                    // "eu-central"
  std::vector<std::string> turn_urls;  // "turn:turn-eu.example.com:3478?transport=udp"
};

// Expected round trip in milliseconds from a country (ISO alpha-2) to a region.
class RttTable final {
 public:
  // The shipped default for eu-central, us-east and ap-south (see the .cpp for sources).
  static RttTable builtin();
  void set(std::string country, std::string region, int rtt_ms);
  std::optional<int> rtt(std::string_view country, std::string_view region) const;

 private:
  std::map<std::string, std::map<std::string, int, std::less<>>, std::less<>> table_;
};

// Assumed for a country the table does not know for a region: pessimistic, so that
// a region nobody has figures for is not chosen by accident.
inline constexpr int kUnknownRttMs = 400;

struct RegionChoice {
  std::string region;  // empty when no region is configured
  int worst_ms = 0;
  double mean_ms = 0;
  // Expected round trip per country to the chosen region.
  std::map<std::string, int> per_country;
  // Every candidate's worst and mean, for the info panel.
  struct Candidate {
    std::string region;
    int worst_ms = 0;
    double mean_ms = 0;
  };
  std::vector<Candidate> candidates;
};

// Countries that are empty (guests) are left out; with no known country the first
// configured region is chosen. Ties go to the region configured first.
RegionChoice choose_region(const std::vector<MediaRegion>& regions, const RttTable& table,
                           const std::vector<std::string>& countries);

// The region with the lowest expected round trip for one country (first configured when
// the country is unknown).
std::string nearest_region(const std::vector<MediaRegion>& regions, const RttTable& table, std::string_view country);

}  // namespace meridian::meetings
