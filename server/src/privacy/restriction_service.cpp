#include "privacy/restriction_service.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace meridian::privacy {

const std::vector<std::string>& restriction_effects() {
  static const std::vector<std::string> kEffects{
      "The AI copilot does not work for you (summaries, catch-up, questions about files).",
      "Your messages are left out of AI summaries that others ask for.",
      "Your files are not indexed for AI answers, and files you uploaded before are not used in them.",
      "Your name is not sent to connected integrations (meeting recording webhooks).",
  };
  return kEffects;
}

RestrictionService::RestrictionService(storage::Database& db, const policy::Policy& policy, audit::AuditLog& audit,
                                       identity::IdentityService& identity)
    : db_(db), policy_(policy), audit_(audit), identity_(identity) {}

Result<void> RestrictionService::may(const Subject& who, std::int64_t user_id) const {
  if (who.user_id == user_id) return policy_.require(who, policy::Action::read_own_profile);
  return policy_.require(who, policy::Action::manage_users);
}

Result<Restriction> RestrictionService::get(const Subject& who, std::int64_t user_id) {
  MERIDIAN_TRY(may(who, user_id));
  MERIDIAN_ASSIGN_OR_RETURN(auto user, identity_.user(user_id));
  return Restriction{user.id, user.gdpr.restrict_processing};
}

Result<Restriction> RestrictionService::set(const Subject& who, std::int64_t user_id, bool restricted,
                                            const std::string& ip) {
  MERIDIAN_ASSIGN_OR_RETURN(auto now, get(who, user_id));
  if (now.restricted == restricted) return now;
  identity::UserChange change;
  change.gdpr_restrict_processing = restricted;
  const auto actor = audit::Actor::from(who, ip);
  MERIDIAN_ASSIGN_OR_RETURN(auto user, identity_.update_user(actor, user_id, change));
  MERIDIAN_TRY(db_.write([&](storage::Session& s) {
    return audit_.record(
        s, actor, restricted ? "privacy.restriction.set" : "privacy.restriction.lift",
        "user:" + std::to_string(user_id), "ok",
        boost::json::serialize(boost::json::object{{"by", who.user_id == user_id ? "person" : "administrator"}}));
  }));
  return Restriction{user.id, user.gdpr.restrict_processing};
}

}  // namespace meridian::privacy
