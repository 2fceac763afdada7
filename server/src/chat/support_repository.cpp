#include "chat/support_repository.hpp"

#include "core/names.hpp"
#include "storage/row_columns.hpp"

namespace meridian::chat {
namespace {

constexpr const char* kSupportSelect =
    "SELECT sc.conversation_id, sc.subject, sc.status, sc.customer_id, cu.display_name, sc.customer_country, "
    "sc.customer_region, sc.team_id, t.name, sc.assignee_id, au.display_name, sc.created_at, sc.updated_at, "
    "c.last_seq FROM support_conversations sc JOIN conversations c ON c.id = sc.conversation_id "
    "JOIN users cu ON cu.id = sc.customer_id JOIN teams t ON t.id = sc.team_id "
    "LEFT JOIN users au ON au.id = sc.assignee_id";

constexpr const char* kSupportStatuses[] = {"queued", "assigned", "closed"};

SupportConversation support_from(const storage::Row& r) {
  SupportConversation c;
  storage::read_columns(r, c.conversation_id, c.subject,
                        storage::text_as([&](const std::string& t) { parse_support_status(t, c.status); }),
                        c.customer_id, c.customer_name, c.customer_country, c.customer_region, c.team_id, c.team_name,
                        c.assignee_id, c.assignee_name, c.created_at, c.updated_at, c.last_seq);
  return c;
}

}  // namespace

const char* support_status_name(SupportStatus s) { return name_in(kSupportStatuses, s, "queued"); }
bool parse_support_status(std::string_view text, SupportStatus& out) { return parse_in(kSupportStatuses, text, out); }

Result<void> SupportRepository::insert(S& s, const SupportConversation& c) {
  return storage::exec(
      s,
      "INSERT INTO support_conversations (conversation_id, customer_id, team_id, assignee_id, status, subject, "
      "customer_country, customer_region, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {c.conversation_id, c.customer_id, c.team_id, storage::nullable(c.assignee_id),
       std::string(support_status_name(c.status)), c.subject, c.customer_country, c.customer_region, c.created_at,
       c.updated_at});
}

Result<std::optional<SupportConversation>> SupportRepository::get(S& s, std::int64_t conversation_id) {
  return storage::query_row(s, std::string(kSupportSelect) + " WHERE sc.conversation_id = ?", {conversation_id},
                            support_from);
}

Result<std::vector<SupportConversation>> SupportRepository::list(S& s, const SupportFilter& f) {
  std::string sql = std::string(kSupportSelect) + " WHERE 1 = 1";
  storage::Params params;
  if (f.customer_id) {
    sql += " AND sc.customer_id = ?";
    params.emplace_back(*f.customer_id);
  }
  if (f.teams_of_user) {
    sql += " AND sc.team_id IN (SELECT team_id FROM team_members WHERE user_id = ?)";
    params.emplace_back(*f.teams_of_user);
  }
  if (f.team_id) {
    sql += " AND sc.team_id = ?";
    params.emplace_back(*f.team_id);
  }
  if (f.status) {
    sql += " AND sc.status = ?";
    params.emplace_back(std::string(support_status_name(*f.status)));
  }
  // The queue is worked oldest first; lists show the latest activity first.
  sql += f.status == SupportStatus::queued ? " ORDER BY sc.created_at, sc.conversation_id LIMIT ?"
                                           : " ORDER BY sc.updated_at DESC, sc.conversation_id DESC LIMIT ?";
  params.emplace_back(std::int64_t{f.limit});
  return storage::query_rows(s, sql, params, support_from);
}

Result<bool> SupportRepository::claim(S& s, std::int64_t conversation_id, std::int64_t agent_id, UnixMillis now) {
  return storage::exec_changed(s,
                               "UPDATE support_conversations SET assignee_id = ?, status = 'assigned', updated_at = ? "
                               "WHERE conversation_id = ? AND assignee_id IS NULL AND status = 'queued'",
                               {agent_id, now, conversation_id});
}

Result<void> SupportRepository::set_assignee(S& s, std::int64_t conversation_id, std::optional<std::int64_t> agent_id,
                                             SupportStatus status, UnixMillis now) {
  return storage::exec(
      s, "UPDATE support_conversations SET assignee_id = ?, status = ?, updated_at = ? WHERE conversation_id = ?",
      {storage::nullable(agent_id), std::string(support_status_name(status)), now, conversation_id});
}

Result<void> SupportRepository::set_team(S& s, std::int64_t conversation_id, std::int64_t team_id, UnixMillis now) {
  return storage::exec(
      s,
      "UPDATE support_conversations SET team_id = ?, assignee_id = NULL, status = 'queued', updated_at = ? "
      "WHERE conversation_id = ?",
      {team_id, now, conversation_id});
}

Result<void> SupportRepository::set_status(S& s, std::int64_t conversation_id, SupportStatus status, UnixMillis now) {
  return storage::exec(s, "UPDATE support_conversations SET status = ?, updated_at = ? WHERE conversation_id = ?",
                       {std::string(support_status_name(status)), now, conversation_id});
}

Result<std::optional<std::string>> SupportRepository::team_agent(S& s, std::int64_t team_id, std::int64_t user_id) {
  return storage::query_row(s,
                            "SELECT u.display_name FROM users u JOIN team_members tm ON tm.user_id = u.id "
                            "JOIN user_roles r ON r.user_id = u.id AND r.role = 'agent' "
                            "WHERE tm.team_id = ? AND u.id = ? AND u.active = 1",
                            {team_id, user_id}, [](const storage::Row& r) { return r.text(0); });
}

Result<bool> SupportRepository::in_team(S& s, std::int64_t team_id, std::int64_t user_id) {
  return storage::query_exists(s, "SELECT 1 FROM team_members WHERE team_id = ? AND user_id = ?", {team_id, user_id});
}

Result<std::vector<std::int64_t>> SupportRepository::team_agents(S& s, std::int64_t team_id) {
  return storage::query_integers(
      s,
      "SELECT u.id FROM users u JOIN team_members tm ON tm.user_id = u.id "
      "JOIN user_roles r ON r.user_id = u.id AND r.role = 'agent' WHERE tm.team_id = ? AND u.active = 1 ORDER BY u.id",
      {team_id});
}

Result<std::optional<std::string>> SupportRepository::team_name(S& s, std::int64_t team_id) {
  return storage::query_row(s, "SELECT name FROM teams WHERE id = ?", {team_id},
                            [](const storage::Row& r) { return r.text(0); });
}

Result<std::vector<SupportTeam>> SupportRepository::support_teams(S& s) {
  auto rows = s.query(
      "SELECT t.id, t.name, u.id, u.display_name FROM teams t JOIN team_members tm ON tm.team_id = t.id "
      "JOIN users u ON u.id = tm.user_id AND u.active = 1 "
      "JOIN user_roles r ON r.user_id = u.id AND r.role = 'agent' ORDER BY t.name, t.id, u.display_name, u.id",
      {});
  if (!rows.ok()) return rows.error();
  std::vector<SupportTeam> out;
  for (const auto& r : *rows) {
    if (out.empty() || out.back().id != r.integer(0)) {
      SupportTeam t;
      t.id = r.integer(0);
      t.name = r.text(1);
      out.push_back(std::move(t));
    }
    SupportAgent a;
    a.id = r.integer(2);
    a.display_name = r.text(3);
    out.back().agents.push_back(std::move(a));
  }
  return out;
}

Result<SupportNote> SupportRepository::insert_note(S& s, std::int64_t conversation_id, std::int64_t author_id,
                                                   const std::string& text, UnixMillis now) {
  auto rows = s.query(
      "INSERT INTO support_notes (conversation_id, author_id, text, created_at) VALUES (?, ?, ?, ?) RETURNING id",
      {conversation_id, author_id, text, now});
  if (!rows.ok()) return rows.error();
  SupportNote n;
  n.id = rows->front().integer(0);
  n.conversation_id = conversation_id;
  n.author_id = author_id;
  n.text = text;
  n.created_at = now;
  auto name = s.query("SELECT display_name FROM users WHERE id = ?", {author_id});
  if (!name.ok()) return name.error();
  if (!name->empty()) n.author_name = name->front().text(0);
  return n;
}

Result<std::vector<SupportNote>> SupportRepository::notes(S& s, std::int64_t conversation_id) {
  return storage::query_rows(
      s,
      "SELECT n.id, n.conversation_id, n.author_id, u.display_name, n.text, n.created_at FROM support_notes n "
      "JOIN users u ON u.id = n.author_id WHERE n.conversation_id = ? ORDER BY n.id",
      {conversation_id}, [](const storage::Row& r) {
        return SupportNote{r.integer(0), r.integer(1), r.integer(2), r.text(3), r.text(4), r.integer(5)};
      });
}

Result<std::optional<std::int64_t>> SupportRepository::route_for(S& s, const std::string& country,
                                                                 const std::string& region) {
  auto rows = s.query("SELECT scope, team_id FROM support_routes WHERE scope IN (?, ?, 'default')",
                      {"country:" + country, "region:" + region});
  if (!rows.ok()) return rows.error();
  std::optional<std::int64_t> by_country, by_region, by_default;
  for (const auto& r : *rows) {
    const std::string scope = r.text(0);
    if (scope.rfind("country:", 0) == 0)
      by_country = r.integer(1);
    else if (scope.rfind("region:", 0) == 0)
      by_region = r.integer(1);
    else
      by_default = r.integer(1);
  }
  if (by_country) return by_country;
  if (by_region) return by_region;
  return by_default;
}

Result<std::vector<SupportRoute>> SupportRepository::routes(S& s) {
  return storage::query_rows(s,
                             "SELECT r.scope, r.team_id, t.name FROM support_routes r JOIN teams t ON t.id = r.team_id "
                             "ORDER BY r.scope",
                             {}, [](const storage::Row& r) {
                               return SupportRoute{r.text(0), r.integer(1), r.text(2)};
                             });
}

Result<void> SupportRepository::set_route(S& s, const std::string& scope, std::int64_t team_id, UnixMillis now) {
  return storage::exec(s,
                       "INSERT INTO support_routes (scope, team_id, updated_at) VALUES (?, ?, ?) "
                       "ON CONFLICT (scope) DO UPDATE SET team_id = excluded.team_id, updated_at = excluded.updated_at",
                       {scope, team_id, now});
}

Result<bool> SupportRepository::delete_route(S& s, const std::string& scope) {
  return storage::exec_changed(s, "DELETE FROM support_routes WHERE scope = ?", {scope});
}

}  // namespace meridian::chat
