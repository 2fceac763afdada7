// Priority alerts: what an alert is, who it reaches and the receipts each recipient
// leaves. One state machine per alert: open -> acknowledged -> resolved; resolve always
// wins (an acknowledgement after it is recorded as a receipt but changes no state). Per
// recipient, delivered, read and acknowledged are separate receipts (docs/architecture.md,
// "Alerts").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/subject.hpp"

namespace meridian::alerts {

enum class Priority { info, warning, critical };
enum class Category { system, announcement, compliance, emergency };
enum class Status { open, acknowledged, resolved };

const char* priority_name(Priority p);
bool parse_priority(std::string_view text, Priority& out);
const char* category_name(Category c);
bool parse_category(std::string_view text, Category& out);
const char* status_name(Status s);
bool parse_status(std::string_view text, Status& out);

inline constexpr std::size_t kMaxTitleBytes = 200;
inline constexpr std::size_t kMaxBodyBytes = 10'000;
inline constexpr std::size_t kMaxAudienceIds = 10'000;  // user ids (and exclusions) in one audience
inline constexpr std::size_t kMaxAudienceTerms = 200;   // teams, countries, regions or roles

// Who an alert is for: the union of these, minus the exclusions. Resolved once, when the
// alert is sent (the recipients are frozen then), to active staff only: customers and
// guests never receive internal alerts.
struct Audience {
  std::vector<std::int64_t> user_ids;
  std::vector<std::int64_t> team_ids;
  std::vector<std::string> countries;  // ISO 3166-1 alpha-2
  std::vector<std::string> regions;
  std::vector<std::string> roles;
  std::vector<std::int64_t> exclude_user_ids;

  bool empty() const { return user_ids.empty() && team_ids.empty() && countries.empty() && regions.empty() && roles.empty(); }
};

// N acknowledgements, optionally only those of recipients in these countries or teams.
struct Quorum {
  std::int64_t count = 0;
  std::vector<std::string> countries;
  std::vector<std::int64_t> team_ids;
};

struct NewAlert {
  std::string title;
  std::string body;  // the chat's safe Markdown subset, rendered by the client
  Priority priority = Priority::info;
  Category category = Category::announcement;
  Audience audience;
  bool require_ack = false;  // every recipient must acknowledge
  std::optional<Quorum> quorum;
  std::optional<std::string> dedup_key;  // a repeat of an open alert with this key updates it
  std::optional<UnixMillis> expires_at;
};

struct Alert {
  std::int64_t id = 0;
  std::string title;
  std::string body;
  Priority priority = Priority::info;
  Category category = Category::announcement;
  Status status = Status::open;
  std::optional<std::int64_t> sender_id;  // nullopt: an integration
  std::string sender_name;
  bool require_ack = false;
  std::optional<Quorum> quorum;
  std::optional<std::string> dedup_key;
  std::int64_t repeat_count = 1;
  std::int64_t recipient_count = 0;
  std::int64_t ack_count = 0;
  UnixMillis created_at = 0;
  UnixMillis updated_at = 0;
  std::optional<UnixMillis> expires_at;
  std::optional<UnixMillis> acknowledged_at;
  std::optional<UnixMillis> resolved_at;

  // Emergency alerts are delivered as critical: they interrupt, whatever the hour.
  bool interrupts() const { return priority == Priority::critical || category == Category::emergency; }
};

struct Receipt {
  std::int64_t user_id = 0;
  std::string display_name;
  std::string country;
  std::optional<UnixMillis> delivered_at;
  std::optional<UnixMillis> read_at;
  std::optional<UnixMillis> acknowledged_at;
  std::string comment;
};

}  // namespace meridian::alerts
