#include "audit/audit_personal_data.hpp"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <set>
#include <string>
#include <vector>

namespace meridian::audit {
namespace {

using platform::PersonalRecordCount;

// The address identity gives an erased account (identity::erased_email; audit sits below
// identity, so it spells the same rule here).
std::string pseudonym(std::int64_t user_id) { return "erased-" + std::to_string(user_id) + "@erased.invalid"; }
std::string user_target(std::int64_t user_id) { return "user:" + std::to_string(user_id); }
// An address as a JSON string in a detail: quoted, so that "ana@x.test" never matches
// inside "joana@x.test".
std::string quoted(const std::string& email) { return "\"" + email + "\""; }

// Every address the person is known by: the account's, the ones their own events were
// recorded with, and the one the account was created with (in that event's detail).
Result<std::vector<std::string>> addresses(storage::Session& s, std::int64_t user_id) {
  std::set<std::string> found;
  auto rows = s.query("SELECT email FROM users WHERE id = ?", {user_id});
  if (!rows.ok()) return rows.error();
  for (const auto& r : *rows) found.insert(r.text(0));
  rows = s.query("SELECT DISTINCT actor_email FROM audit_log WHERE actor_id = ?", {user_id});
  if (!rows.ok()) return rows.error();
  for (const auto& r : *rows) found.insert(r.text(0));
  rows = s.query("SELECT detail FROM audit_log WHERE target = ?", {user_target(user_id)});
  if (!rows.ok()) return rows.error();
  for (const auto& r : *rows) {
    boost::system::error_code ec;
    auto detail = boost::json::parse(r.text(0), ec);
    if (ec || !detail.is_object()) continue;
    if (auto* email = detail.as_object().if_contains("email"); email && email->is_string())
      found.insert(std::string(email->as_string()));
  }
  found.erase("");
  found.erase(pseudonym(user_id));
  return std::vector<std::string>(found.begin(), found.end());
}

// "(a OR b OR ...)" over the events that concern the person: theirs, those made with one
// of their addresses, and those that carry one in the detail.
std::string concerning(std::int64_t user_id, const std::vector<std::string>& emails, storage::Params& params) {
  std::string where = "(actor_id = ?";
  params.emplace_back(user_id);
  std::vector<std::string> all = emails;
  all.push_back(pseudonym(user_id));
  for (const auto& email : all) {
    where += " OR actor_email = ? OR target = ? OR detail LIKE ? ESCAPE '\\'";
    params.emplace_back(email);
    params.emplace_back("email:" + email);
    params.emplace_back(storage::contains_pattern(quoted(email)));
  }
  return where + ")";
}

struct Counts {
  std::int64_t events = 0;         // concern the person (theirs, or naming their address)
  std::int64_t about_account = 0;  // others' changes to the account, naming it by id only
};

Result<Counts> counts(storage::Session& s, std::int64_t user_id, const std::vector<std::string>& emails) {
  storage::Params params;
  const std::string mine = concerning(user_id, emails, params);
  MERIDIAN_ASSIGN_OR_RETURN(auto events,
                            storage::query_integer(s, "SELECT COUNT(*) FROM audit_log WHERE " + mine, params));
  params.insert(params.begin(), storage::Value(user_target(user_id)));
  MERIDIAN_ASSIGN_OR_RETURN(
      auto about, storage::query_integer(s, "SELECT COUNT(*) FROM audit_log WHERE target = ? AND NOT " + mine, params));
  return Counts{events, about};
}

constexpr const char* kReason =
    "audit: the security record is kept as the law allows (GDPR art. 17(3)); the person's events no longer carry "
    "their email or IP address, and changes others made to the account name it by id only";

Result<std::vector<PersonalRecordCount>> count_records(storage::Session& s, std::int64_t user_id) {
  MERIDIAN_ASSIGN_OR_RETURN(auto emails, addresses(s, user_id));
  MERIDIAN_ASSIGN_OR_RETURN(auto c, counts(s, user_id, emails));
  return std::vector<PersonalRecordCount>{{"audit.events", c.events}, {"audit.events_about_account", c.about_account}};
}

Result<boost::json::object> collect(storage::Session& s, std::int64_t user_id) {
  MERIDIAN_ASSIGN_OR_RETURN(auto emails, addresses(s, user_id));
  storage::Params params;
  const std::string mine = concerning(user_id, emails, params);
  auto rows =
      s.query("SELECT id, at, actor_email, action, target, outcome, ip, country, region, detail FROM audit_log WHERE " +
                  mine + " ORDER BY id",
              params);
  if (!rows.ok()) return rows.error();
  boost::json::array events;
  for (const auto& r : *rows)
    events.push_back(boost::json::object{{"id", r.integer(0)},
                                         {"at", r.integer(1)},
                                         {"actor_email", r.text(2)},
                                         {"action", r.text(3)},
                                         {"target", r.text(4)},
                                         {"outcome", r.text(5)},
                                         {"ip", r.text(6)},
                                         {"country", r.text(7)},
                                         {"region", r.text(8)},
                                         {"detail", r.text(9)}});
  return boost::json::object{{"events", std::move(events)}};
}

Result<void> erase_records(storage::Session& s, std::int64_t user_id, platform::ErasureReport& report) {
  MERIDIAN_ASSIGN_OR_RETURN(auto emails, addresses(s, user_id));
  const std::string alias = pseudonym(user_id);
  // Each statement changes only rows that still name the person, so a repeat changes nothing.
  MERIDIAN_TRY(s.execute("UPDATE audit_log SET actor_email = ? WHERE actor_id = ? AND actor_email <> ?",
                         {alias, user_id, alias}));
  MERIDIAN_TRY(s.execute("UPDATE audit_log SET ip = '' WHERE actor_id = ? AND ip <> ''", {user_id}));
  for (const auto& email : emails) {
    // Failed sign-ins with the address: no actor id, the address as actor and target.
    MERIDIAN_TRY(s.execute("UPDATE audit_log SET actor_email = ?, ip = '' WHERE actor_email = ?", {alias, email}));
    MERIDIAN_TRY(s.execute("UPDATE audit_log SET target = ? WHERE target = ?", {"email:" + alias, "email:" + email}));
    MERIDIAN_TRY(s.execute("UPDATE audit_log SET detail = replace(detail, ?, ?) WHERE detail LIKE ? ESCAPE '\\'",
                           {quoted(email), quoted(alias), storage::contains_pattern(quoted(email))}));
  }
  MERIDIAN_ASSIGN_OR_RETURN(auto c, counts(s, user_id, {}));
  report.pseudonymised.push_back(PersonalRecordCount{"audit.events", c.events});
  report.kept.push_back(PersonalRecordCount{"audit.events_about_account", c.about_account});
  if (c.events > 0 || c.about_account > 0) report.reasons_kept.emplace_back(kReason);
  return {};
}

}  // namespace

AuditPersonalData::AuditPersonalData(storage::Database& db)
    : StoredPersonalData(db, {"audit", count_records, collect, erase_records, {"audit_log"}}) {}

}  // namespace meridian::audit
