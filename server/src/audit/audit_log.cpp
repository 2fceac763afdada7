#include "audit/audit_log.hpp"

#include <algorithm>

namespace meridian::audit {

Actor Actor::from(const Subject& s, std::string ip) {
  return Actor{s.user_id, s.email, std::move(ip), s.country, s.region};
}

Actor Actor::anonymous(std::string email, std::string ip) {
  return Actor{std::nullopt, std::move(email), std::move(ip), "", ""};
}

Result<void> AuditLog::record(storage::Session& s, const Actor& actor, std::string_view action,
                              std::string_view target, std::string_view outcome, std::string_view detail_json) {
  storage::Params params;
  params.reserve(10);
  params.emplace_back(clock_.now_ms());
  if (actor.user_id)
    params.emplace_back(*actor.user_id);
  else
    params.emplace_back(nullptr);
  for (std::string_view text : {std::string_view(actor.email), action, target, outcome, std::string_view(actor.ip),
                                std::string_view(actor.country), std::string_view(actor.region), detail_json})
    params.emplace_back(std::string(text));
  return storage::exec(
      s,
      "INSERT INTO audit_log (at, actor_id, actor_email, action, target, outcome, ip, country, region, detail) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      params);
}

Result<void> AuditLog::record(const Actor& actor, std::string_view action, std::string_view target,
                              std::string_view outcome, std::string_view detail_json) {
  return db_.write([&](storage::Session& s) { return record(s, actor, action, target, outcome, detail_json); });
}

Result<AuditPage> AuditLog::query(const AuditQuery& q) {
  std::string sql =
      "SELECT id, at, actor_id, actor_email, action, target, outcome, ip, country, region, detail "
      "FROM audit_log WHERE 1 = 1";
  storage::Params params;
  if (q.action) {
    if (!q.action->empty() && q.action->back() == '*') {
      sql += " AND substr(action, 1, ?) = ?";
      std::string prefix = q.action->substr(0, q.action->size() - 1);
      params.emplace_back(static_cast<std::int64_t>(prefix.size()));
      params.emplace_back(prefix);
    } else {
      sql += " AND action = ?";
      params.emplace_back(*q.action);
    }
  }
  if (q.actor_id) {
    sql += " AND actor_id = ?";
    params.emplace_back(*q.actor_id);
  }
  if (q.target) {
    sql += " AND target = ?";
    params.emplace_back(*q.target);
  }
  if (q.since) {
    sql += " AND at >= ?";
    params.emplace_back(*q.since);
  }
  if (q.until) {
    sql += " AND at < ?";
    params.emplace_back(*q.until);
  }
  if (q.before_id) {
    sql += " AND id < ?";
    params.emplace_back(*q.before_id);
  }
  const int limit = std::clamp(q.limit, 1, 200);
  sql += " ORDER BY id DESC LIMIT ?";
  params.emplace_back(static_cast<std::int64_t>(limit + 1));  // one extra tells whether more exist

  return storage::read_value<AuditPage>(db_, [&](storage::Session& s) -> Result<AuditPage> {
    auto rows = s.query(sql, params);
    if (!rows.ok()) return rows.error();
    AuditPage page;
    for (const auto& row : *rows) {
      if (static_cast<int>(page.items.size()) == limit) {
        page.next_cursor = page.items.back().id;
        break;
      }
      page.items.push_back(AuditEvent{row.integer(0), row.integer(1), row.optional_integer(2), row.text(3),
                                      row.text(4), row.text(5), row.text(6), row.text(7), row.text(8), row.text(9),
                                      row.text(10)});
    }
    return page;
  });
}

}  // namespace meridian::audit
