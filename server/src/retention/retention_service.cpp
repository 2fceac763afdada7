#include "retention/retention_service.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "core/log.hpp"
#include "core/text_rules.hpp"
#include "platform/job_lease.hpp"

namespace meridian::retention {
Result<std::vector<RetentionPolicy>> RetentionService::policies(const Subject& who) {
  MERIDIAN_TRY(policy_.require(who, policy::Action::manage_retention));
  return storage::read_value<std::vector<RetentionPolicy>>(db_, [&](storage::Session& s) { return repo_.policies(s); });
}

Result<RetentionPolicy> RetentionService::set_policy(const Subject& who, const std::string& scope,
                                                     std::int64_t keep_days, const std::string& ip) {
  MERIDIAN_TRY(policy_.require(who, policy::Action::manage_retention));
  if (!valid_policy_scope(scope))
    return make_error(ErrorCode::invalid_argument,
                      "scope must be global, kind:<direct|group|channel|support>, conversation:<id>, "
                      "country:<XX> or region:<NAME>");
  if (keep_days < 0 || keep_days > kMaxKeepDays)
    return make_error(ErrorCode::invalid_argument,
                      "keep_days must be between 0 (keep forever) and " + std::to_string(kMaxKeepDays));
  const UnixMillis now = clock_.now_ms();
  return storage::write_value<RetentionPolicy>(db_, [&](storage::Session& s) -> Result<RetentionPolicy> {
    if (scope.rfind("conversation:", 0) == 0) {
      auto exists = repo_.target_exists(s, "conversation", std::stoll(scope.substr(13)));
      if (!exists.ok()) return exists.error();
      if (!*exists) return make_error(ErrorCode::not_found, "no such conversation");
    }
    MERIDIAN_TRY(repo_.set_policy(s, scope, keep_days, now, who.user_id));
    MERIDIAN_TRY(audit_.record(s, audit::Actor::from(who, ip), "retention.policy.set", scope, "ok",
                               boost::json::serialize(boost::json::object{{"keep_days", keep_days}})));
    return RetentionPolicy{scope, keep_days, now};
  });
}

Result<void> RetentionService::delete_policy(const Subject& who, const std::string& scope, const std::string& ip) {
  MERIDIAN_TRY(policy_.require(who, policy::Action::manage_retention));
  return db_.write([&](storage::Session& s) -> Result<void> {
    auto removed = repo_.delete_policy(s, scope);
    if (!removed.ok()) return removed.error();
    if (!*removed) return make_error(ErrorCode::not_found, "no retention policy for '" + scope + "'");
    return audit_.record(s, audit::Actor::from(who, ip), "retention.policy.delete", scope, "ok");
  });
}

Result<std::vector<LegalHold>> RetentionService::holds(const Subject& who) {
  MERIDIAN_TRY(policy_.require(who, policy::Action::manage_retention));
  return storage::read_value<std::vector<LegalHold>>(db_, [&](storage::Session& s) { return repo_.holds(s); });
}

Result<LegalHold> RetentionService::set_hold(const Subject& who, const std::string& scope, std::string reason,
                                             const std::string& ip) {
  MERIDIAN_TRY(policy_.require(who, policy::Action::manage_retention));
  std::string kind;
  std::int64_t target = 0;
  if (!valid_hold_scope(scope, kind, target))
    return make_error(ErrorCode::invalid_argument, "scope must be conversation:<id> or user:<id>");
  if (reason.size() > 500 || !text::printable(reason, text::Lines::single))
    return make_error(ErrorCode::invalid_argument, "reason must be at most 500 printable characters");
  const UnixMillis now = clock_.now_ms();
  return storage::write_value<LegalHold>(db_, [&](storage::Session& s) -> Result<LegalHold> {
    auto exists = repo_.target_exists(s, kind, target);
    if (!exists.ok()) return exists.error();
    if (!*exists) return make_error(ErrorCode::not_found, "no such " + kind);
    MERIDIAN_TRY(repo_.lock_hold_target(s, kind, target));
    MERIDIAN_TRY(repo_.set_hold(s, scope, kind, target, reason, who.user_id, now));
    MERIDIAN_TRY(audit_.record(s, audit::Actor::from(who, ip), "retention.hold.set", scope, "ok"));
    return LegalHold{scope, reason, who.user_id, now};
  });
}

Result<void> RetentionService::delete_hold(const Subject& who, const std::string& scope, const std::string& ip) {
  MERIDIAN_TRY(policy_.require(who, policy::Action::manage_retention));
  return db_.write([&](storage::Session& s) -> Result<void> {
    auto removed = repo_.delete_hold(s, scope);
    if (!removed.ok()) return removed.error();
    if (!*removed) return make_error(ErrorCode::not_found, "no legal hold on '" + scope + "'");
    return audit_.record(s, audit::Actor::from(who, ip), "retention.hold.release", scope, "ok");
  });
}

Result<InForce> RetentionService::in_force(std::int64_t conversation_id) {
  return storage::read_value<InForce>(db_, [&](storage::Session& s) -> Result<InForce> {
    auto facts = repo_.conversation(s, conversation_id);
    if (!facts.ok()) return facts.error();
    if (!*facts) return make_error(ErrorCode::not_found, "no such conversation");
    auto policies = repo_.policies(s);
    if (!policies.ok()) return policies.error();
    auto held = repo_.held(s, conversation_id);
    if (!held.ok()) return held.error();
    return InForce{policy_in_force(*policies, **facts), *held};
  });
}

Result<bool> RetentionService::claim_purge(const std::string& holder, std::chrono::milliseconds held_for) {
  return platform::claim_job_lease(db_, "retention.purge", holder, clock_.now_ms(), held_for);
}

Result<RunReport> RetentionService::run_once(std::optional<UnixMillis> as_of) {
  std::lock_guard lock(run_mutex_);
  RunReport report;
  report.started_at = clock_.now_ms();
  auto policies =
      storage::read_value<std::vector<RetentionPolicy>>(db_, [&](storage::Session& s) { return repo_.policies(s); });
  if (!policies.ok()) return policies.error();
  if (!policies->empty()) {
    std::int64_t after_id = 0;
    while (true) {
      auto page = storage::read_value<std::vector<ConversationFacts>>(
          db_, [&](storage::Session& s) { return repo_.conversations(s, after_id, 500); });
      if (!page.ok()) return page.error();
      if (page->empty()) break;
      after_id = page->back().id;
      for (const auto& c : *page) {
        auto p = policy_in_force(*policies, c);
        if (!p || p->keep_days == 0) continue;
        ++report.conversations_checked;
        const UnixMillis cutoff = as_of.value_or(report.started_at) - p->keep_days * kDayMs;
        // Each batch is its own transaction and re-checks the hold, so a hold placed
        // while the job runs stops it at the next batch.
        bool more = true;
        while (more) {
          std::optional<bool> held;
          BatchDeleted deleted;
          std::int64_t notes = 0;
          auto r = db_.write([&](storage::Session& s) -> Result<void> {
            auto h = repo_.held(s, c.id);
            if (!h.ok()) return h.error();
            held = *h;
            if (*h) return {};
            auto d = repo_.delete_expired_messages(s, c.id, cutoff, options_.batch_size, clock_.now_ms());
            if (!d.ok()) return d.error();
            deleted = *d;
            if (deleted.held) {
              held = true;
              return {};
            }
            if (deleted.messages < options_.batch_size) {
              auto n =
                  repo_.delete_expired_notes(s, c.id, cutoff, options_.batch_size - static_cast<int>(deleted.messages));
              if (!n.ok()) return n.error();
              notes = *n;
            }
            return {};
          });
          if (!r.ok()) return r.error();
          if (held.value_or(false)) {
            ++report.conversations_held;
            break;
          }
          if (deleted.messages + notes > 0) ++report.batches;
          if (!deleted.message_ids.empty())
            for (auto* l : listeners_)
              l->messages_purged(c.id, deleted.message_ids, deleted.purge_seq, deleted.roots_updated);
          report.messages_deleted += deleted.messages;
          report.versions_deleted += deleted.versions;
          report.notes_deleted += notes;
          more = deleted.messages + notes >= options_.batch_size;
        }
      }
    }
  }
  report.finished_at = clock_.now_ms();
  const std::string detail =
      boost::json::serialize(boost::json::object{{"conversations_checked", report.conversations_checked},
                                                 {"conversations_held", report.conversations_held},
                                                 {"messages_deleted", report.messages_deleted},
                                                 {"versions_deleted", report.versions_deleted},
                                                 {"notes_deleted", report.notes_deleted},
                                                 {"batches", report.batches}});
  audit::Actor system;
  system.email = "system:retention";
  MERIDIAN_TRY(audit_.record(system, "retention.run", "retention", "ok", detail));
  log::info("retention.run", {{"messages_deleted", report.messages_deleted},
                              {"notes_deleted", report.notes_deleted},
                              {"batches", report.batches}});
  if (report.messages_deleted > 0)
    for (auto* l : listeners_) l->run_purged();
  return report;
}

}  // namespace meridian::retention
