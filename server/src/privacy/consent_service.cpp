#include "privacy/consent_service.hpp"

#include <algorithm>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace meridian::privacy {
namespace {

constexpr const char* kColumns = "SELECT id, purpose, text_version, granted, created_at FROM privacy_consents ";

ConsentRecord record_from(const storage::Row& r) {
  return ConsentRecord{r.integer(0), r.text(1), r.text(2), r.integer(3) != 0, r.integer(4)};
}

const ConsentPurpose* find_purpose(std::string_view key) {
  for (const auto& p : consent_purposes())
    if (p.key == key) return &p;
  return nullptr;
}

}  // namespace

const std::vector<ConsentPurpose>& consent_purposes() {
  static const std::vector<ConsentPurpose> kPurposes{
      {"recording", "Meeting recordings",
       "Meetings you take part in may be recorded when their host starts a recording; you are told each time.",
       "2026-12-01"},
      {"ai_processing", "AI assistance",
       "Your messages and files may be indexed and sent to the AI provider of your region to answer questions you "
       "and your colleagues ask.",
       "2026-12-01"},
      {"remote_support", "Remote support",
       "A support agent may see the screen you choose to share with them, only while you allow it.", "2026-12-01"},
  };
  return kPurposes;
}

ConsentService::ConsentService(storage::Database& db, const policy::Policy& policy, const Clock& clock,
                               audit::AuditLog& audit)
    : db_(db), policy_(policy), clock_(clock), audit_(audit) {}

Result<void> ConsentService::may_read(const Subject& who, std::int64_t user_id) const {
  if (who.user_id == user_id) return policy_.require(who, policy::Action::read_own_profile);
  return policy_.require(who, policy::Action::manage_users);
}

Result<std::vector<ConsentRecord>> ConsentService::history(const Subject& who, std::int64_t user_id) {
  MERIDIAN_TRY(may_read(who, user_id));
  return storage::read_value<std::vector<ConsentRecord>>(db_, [&](storage::Session& s) {
    return storage::query_rows(s, std::string(kColumns) + "WHERE user_id = ? ORDER BY id", {user_id}, record_from);
  });
}

Result<std::vector<ConsentState>> ConsentService::states(const Subject& who, std::int64_t user_id) {
  MERIDIAN_ASSIGN_OR_RETURN(auto all, history(who, user_id));
  std::vector<ConsentState> out;
  for (const auto& p : consent_purposes()) {
    ConsentState st{&p, std::nullopt};
    for (const auto& r : all)
      if (r.purpose == p.key) st.latest = r;  // oldest first: the last one is the newest
    out.push_back(std::move(st));
  }
  return out;
}

Result<ConsentState> ConsentService::set(const Subject& who, std::string_view purpose, std::string_view version,
                                         bool granted, const std::string& ip) {
  MERIDIAN_TRY(policy_.require(who, policy::Action::read_own_profile));
  const auto* p = find_purpose(purpose);
  if (!p)
    return make_error(ErrorCode::invalid_argument,
                      "purpose must be recording, ai_processing or remote_support, not '" + std::string(purpose) + "'");
  if (granted && version != p->version)
    return make_error(ErrorCode::conflict, "the text of '" + std::string(p->key) + "' is now version " +
                                               std::string(p->version) + ": read it again before agreeing");
  const UnixMillis now = clock_.now_ms();
  MERIDIAN_ASSIGN_OR_RETURN(
      auto id, storage::write_value<std::int64_t>(db_, [&](storage::Session& s) -> Result<std::int64_t> {
        MERIDIAN_ASSIGN_OR_RETURN(
            auto rid, storage::query_integer(s,
                                             "INSERT INTO privacy_consents (user_id, purpose, text_version, granted, "
                                             "created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
                                             {who.user_id, std::string(p->key), std::string(p->version),
                                              std::int64_t{granted ? 1 : 0}, now}));
        MERIDIAN_TRY(audit_.record(
            s, audit::Actor::from(who, ip), granted ? "privacy.consent.grant" : "privacy.consent.withdraw",
            "user:" + std::to_string(who.user_id), "ok",
            boost::json::serialize(boost::json::object{{"purpose", p->key}, {"version", p->version}})));
        return rid;
      }));
  return ConsentState{p, ConsentRecord{id, std::string(p->key), std::string(p->version), granted, now}};
}

Result<bool> ConsentService::granted(std::int64_t user_id, std::string_view purpose) {
  const auto* p = find_purpose(purpose);
  if (!p) return make_error(ErrorCode::invalid_argument, "unknown consent purpose");
  MERIDIAN_ASSIGN_OR_RETURN(
      auto latest, storage::read_value<std::optional<ConsentRecord>>(db_, [&](storage::Session& s) {
        return storage::query_row(s,
                                  std::string(kColumns) + "WHERE user_id = ? AND purpose = ? ORDER BY id DESC LIMIT 1",
                                  {user_id, std::string(p->key)}, record_from);
      }));
  return ConsentState{p, std::move(latest)}.granted_now();
}

ConsentPersonalData::ConsentPersonalData(storage::Database& db)
    : StoredPersonalData(
          db, {"privacy",
               [](storage::Session& s, std::int64_t user_id) -> Result<std::vector<platform::PersonalRecordCount>> {
                 MERIDIAN_ASSIGN_OR_RETURN(
                     auto n,
                     storage::query_integer(s, "SELECT COUNT(*) FROM privacy_consents WHERE user_id = ?", {user_id}));
                 return std::vector<platform::PersonalRecordCount>{{"privacy.consents", n}};
               },
               [](storage::Session& s, std::int64_t user_id) {
                 return platform::export_queries(
                     s, user_id,
                     {{"consents",
                       "SELECT purpose, text_version, granted, created_at FROM privacy_consents WHERE user_id = ? "
                       "ORDER BY id",
                       {"purpose", "text_version", "granted", "at"}}});
               },
               [](storage::Session& s, std::int64_t user_id, platform::ErasureReport& report) -> Result<void> {
                 MERIDIAN_ASSIGN_OR_RETURN(auto n,
                                           s.execute("DELETE FROM privacy_consents WHERE user_id = ?", {user_id}));
                 report.erased.push_back({"privacy.consents", n});
                 return {};
               },
               {"privacy_consents"}}) {}

}  // namespace meridian::privacy
