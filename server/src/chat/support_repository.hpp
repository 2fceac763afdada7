// Support conversations' storage: the queue row beside each support conversation, the
// agents' internal notes and the routing of customers to teams, as portable SQL.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "chat/support.hpp"
#include "core/result.hpp"
#include "storage/database.hpp"

namespace meridian::chat {

struct SupportFilter {
  std::optional<std::int64_t> customer_id;
  std::optional<std::int64_t> teams_of_user;  // only conversations of this person's teams
  std::optional<std::int64_t> team_id;
  std::optional<SupportStatus> status;
  int limit = 200;
};

class SupportRepository final {
 public:
  using S = storage::Session;

  Result<void> insert(S& s, const SupportConversation& c);
  Result<std::optional<SupportConversation>> get(S& s, std::int64_t conversation_id);
  Result<std::vector<SupportConversation>> list(S& s, const SupportFilter& f);
  // false when someone else claimed it first.
  Result<bool> claim(S& s, std::int64_t conversation_id, std::int64_t agent_id, UnixMillis now);
  Result<void> set_assignee(S& s, std::int64_t conversation_id, std::optional<std::int64_t> agent_id,
                            SupportStatus status, UnixMillis now);
  Result<void> set_team(S& s, std::int64_t conversation_id, std::int64_t team_id, UnixMillis now);
  Result<void> set_status(S& s, std::int64_t conversation_id, SupportStatus status, UnixMillis now);

  // The person's display name when they are an active agent in the team.
  Result<std::optional<std::string>> team_agent(S& s, std::int64_t team_id, std::int64_t user_id);
  Result<bool> in_team(S& s, std::int64_t team_id, std::int64_t user_id);
  Result<std::vector<std::int64_t>> team_agents(S& s, std::int64_t team_id);
  Result<std::optional<std::string>> team_name(S& s, std::int64_t team_id);
  // Teams with at least one active agent, by name, each with its agents.
  Result<std::vector<SupportTeam>> support_teams(S& s);

  Result<SupportNote> insert_note(S& s, std::int64_t conversation_id, std::int64_t author_id, const std::string& text,
                                  UnixMillis now);
  Result<std::vector<SupportNote>> notes(S& s, std::int64_t conversation_id);

  // Most specific first: country, region, default.
  Result<std::optional<std::int64_t>> route_for(S& s, const std::string& country, const std::string& region);
  Result<std::vector<SupportRoute>> routes(S& s);
  Result<void> set_route(S& s, const std::string& scope, std::int64_t team_id, UnixMillis now);
  Result<bool> delete_route(S& s, const std::string& scope);
};

}  // namespace meridian::chat
