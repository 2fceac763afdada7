#include "privacy/erasure_service.hpp"

#include <set>
#include <utility>

#include <boost/json/object.hpp>

#include "core/json_fields.hpp"

namespace meridian::privacy {
namespace {

Error no_erasure(std::int64_t id) {
  return make_error(ErrorCode::not_found, "no erasure with id " + std::to_string(id));
}

void add_lines(Receipt& r, const platform::ErasureReport& report) {
  for (const auto& [records, action] :
       {std::pair{&report.erased, "erased"}, std::pair{&report.pseudonymised, "pseudonymised"},
        std::pair{&report.kept, "kept"}}) {
    for (const auto& c : *records) r.stores.push_back(ReceiptLine{c.kind, report.module, action, c.count});
  }
  for (const auto& why : report.reasons_kept) r.held.push_back(why);
  // A store with nothing of the person was checked all the same: the receipt says so.
  if (report.erased.empty() && report.pseudonymised.empty() && report.kept.empty())
    r.stores.push_back(ReceiptLine{report.module + ".records", report.module, "none found", 0});
}

}  // namespace

ErasureService::ErasureService(storage::Database& db, const policy::Policy& policy, const Clock& clock,
                               audit::AuditLog& audit, std::vector<platform::PersonalDataPort*> ports,
                               ErasureHooks hooks)
    : db_(db), policy_(policy), clock_(clock), audit_(audit), ports_(std::move(ports)), hooks_(std::move(hooks)) {}

std::vector<std::string> ErasureService::tables() const {
  std::set<std::string> all{"privacy_erasures", "privacy_exports"};
  for (auto* port : ports_)
    for (auto t : port->tables()) all.emplace(t);
  return {all.begin(), all.end()};
}

Result<Erasure> ErasureService::request(const Subject& who, const std::string& ip) {
  MERIDIAN_TRY(policy_.require(who, policy::Action::read_own_profile));
  return storage::write_value<Erasure>(db_, [&](storage::Session& s) -> Result<Erasure> {
    MERIDIAN_TRY(storage::lock_row(s, "users", who.user_id));
    MERIDIAN_ASSIGN_OR_RETURN(auto open, repo_.open_request_of(s, who.user_id));
    if (open) {
      MERIDIAN_ASSIGN_OR_RETURN(auto existing, repo_.erasure(s, *open));
      return *existing;
    }
    Erasure e;
    e.user_id = who.user_id;
    e.state = ErasureState::requested;
    e.requested_by = who.user_id;
    e.requested_at = clock_.now_ms();
    MERIDIAN_ASSIGN_OR_RETURN(e.id, repo_.insert_erasure(s, e));
    MERIDIAN_TRY(audit_.record(s, audit::Actor::from(who, ip), "privacy.erasure.request",
                               "user:" + std::to_string(who.user_id), "ok",
                               json::serialize(boost::json::object{{"erasure_id", e.id}})));
    return e;
  });
}

Result<std::optional<Erasure>> ErasureService::my_request(const Subject& who) {
  MERIDIAN_TRY(policy_.require(who, policy::Action::read_own_profile));
  return storage::read_value<std::optional<Erasure>>(
      db_, [&](storage::Session& s) { return repo_.latest_erasure_of(s, who.user_id); });
}

Result<Erasure> ErasureService::erase(const Subject& admin, std::int64_t user_id, const std::string& ip) {
  MERIDIAN_TRY(policy_.require(admin, policy::Action::manage_users));
  MERIDIAN_ASSIGN_OR_RETURN(auto is_admin, hooks_.is_active_admin(user_id));
  if (is_admin)
    return make_error(ErrorCode::conflict,
                      "user " + std::to_string(user_id) +
                          " is an active administrator: remove their admin role first, then erase them");

  Receipt receipt;
  std::string failure;
  // Their exports first: an archive being built for them is withdrawn and never stored.
  if (auto exports = hooks_.erase_exports(user_id); exports) {
    receipt.stores.push_back(ReceiptLine{"privacy.exports", "privacy", "erased", *exports});
  } else {
    failure = "privacy: " + exports.error().message;
  }
  for (auto* port : ports_) {
    if (!failure.empty()) break;
    auto report = port->erase_personal_data(user_id);
    if (!report) {
      failure = std::string(port->module()) + ": " + report.error().message;
      break;
    }
    add_lines(receipt, *report);
  }
  if (failure.empty()) {
    const std::int64_t closed = hooks_.disconnect(user_id);
    receipt.stores.push_back(ReceiptLine{"presence.connections", "presence", "closed", closed});
  }
  // The tables' deleted rows, free pages and write-ahead log: nothing of them stays.
  const auto touched = tables();
  if (auto scrubbed = db_.scrub(touched); !scrubbed) {
    if (failure.empty()) failure = "storage: " + scrubbed.error().message;
  } else {
    receipt.stores.push_back(
        ReceiptLine{"storage.deleted_content", "storage", "scrubbed", static_cast<std::int64_t>(touched.size())});
  }
  receipt.error = failure;
  const auto state = failure.empty() ? ErasureState::done : ErasureState::failed;

  auto saved = storage::write_value<Erasure>(db_, [&](storage::Session& s) -> Result<Erasure> {
    const UnixMillis now = clock_.now_ms();
    MERIDIAN_ASSIGN_OR_RETURN(auto open, repo_.open_request_of(s, user_id));
    std::int64_t id = 0;
    if (open) {
      id = *open;
      MERIDIAN_TRY(repo_.finish_erasure(s, id, state, admin.user_id, now, receipt));
    } else {
      Erasure e;
      e.user_id = user_id;
      e.state = state;
      e.requested_at = now;
      e.erased_by = admin.user_id;
      e.finished_at = now;
      e.receipt = receipt;
      MERIDIAN_ASSIGN_OR_RETURN(id, repo_.insert_erasure(s, e));
    }
    MERIDIAN_TRY(audit_.record(s, audit::Actor::from(admin, ip), "privacy.erase", "user:" + std::to_string(user_id),
                               failure.empty() ? "ok" : "failed",
                               json::serialize(boost::json::object{{"erasure_id", id}})));
    MERIDIAN_ASSIGN_OR_RETURN(auto e, repo_.erasure(s, id));
    return *e;
  });
  if (!saved) return saved.error();
  // The audit entry and the receipt are written after the scrub: checkpoint again so that
  // the write-ahead log holds nothing from before it either.
  (void)db_.flush();
  return saved;
}

Result<Erasure> ErasureService::get(const Subject& admin, std::int64_t erasure_id) {
  MERIDIAN_TRY(policy_.require(admin, policy::Action::manage_users));
  return storage::read_value<Erasure>(db_, [&](storage::Session& s) -> Result<Erasure> {
    MERIDIAN_ASSIGN_OR_RETURN(auto e, repo_.erasure(s, erasure_id));
    if (!e) return no_erasure(erasure_id);
    return *e;
  });
}

Result<std::vector<Erasure>> ErasureService::list(const Subject& admin, std::optional<ErasureState> state, int limit) {
  MERIDIAN_TRY(policy_.require(admin, policy::Action::manage_users));
  return storage::read_value<std::vector<Erasure>>(
      db_, [&](storage::Session& s) { return repo_.erasures(s, state, limit); });
}

}  // namespace meridian::privacy
