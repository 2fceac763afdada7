#include "retention/retention.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace meridian::retention {
namespace {

bool positive_id(std::string_view text, std::int64_t& out) {
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && p == text.data() + text.size() && out > 0;
}

bool after(std::string_view scope, std::string_view prefix, std::string_view& rest) {
  if (scope.substr(0, prefix.size()) != prefix) return false;
  rest = scope.substr(prefix.size());
  return true;
}

}  // namespace

bool valid_policy_scope(std::string_view scope) {
  std::string_view rest;
  std::int64_t id = 0;
  if (scope == "global") return true;
  if (after(scope, "kind:", rest)) return rest == "direct" || rest == "group" || rest == "channel" || rest == "support";
  if (after(scope, "conversation:", rest)) return positive_id(rest, id);
  if (after(scope, "country:", rest))
    return rest.size() == 2 && std::isupper(static_cast<unsigned char>(rest[0])) &&
           std::isupper(static_cast<unsigned char>(rest[1]));
  if (after(scope, "region:", rest))
    return !rest.empty() && rest.size() <= 32 && std::all_of(rest.begin(), rest.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    });
  return false;
}

bool valid_hold_scope(std::string_view scope, std::string& kind, std::int64_t& target_id) {
  std::string_view rest;
  if (after(scope, "conversation:", rest) && positive_id(rest, target_id)) {
    kind = "conversation";
    return true;
  }
  if (after(scope, "user:", rest) && positive_id(rest, target_id)) {
    kind = "user";
    return true;
  }
  return false;
}

std::optional<RetentionPolicy> policy_in_force(const std::vector<RetentionPolicy>& policies,
                                               const ConversationFacts& c) {
  std::vector<std::string> candidates{"conversation:" + std::to_string(c.id)};
  if (c.kind == "support") {
    if (!c.customer_country.empty()) candidates.push_back("country:" + c.customer_country);
    if (!c.customer_region.empty()) candidates.push_back("region:" + c.customer_region);
  }
  candidates.push_back("kind:" + c.kind);
  candidates.push_back("global");
  for (const auto& scope : candidates)
    for (const auto& p : policies)
      if (p.scope == scope) return p;
  return std::nullopt;
}

}  // namespace meridian::retention
