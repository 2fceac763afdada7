// Support conversations as the chat module stores and returns them: a customer's
// conversation with a support team, its place in the team's queue, and internal notes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>
#include <string_view>

#include "core/clock.hpp"

namespace meridian::chat {

// queued: in the team's queue, nobody works on it; assigned: an agent does; closed: done.
enum class SupportStatus { queued, assigned, closed };

const char* support_status_name(SupportStatus s);
bool parse_support_status(std::string_view text, SupportStatus& out);

struct SupportConversation {
  std::int64_t conversation_id = 0;
  std::string subject;
  SupportStatus status = SupportStatus::queued;
  std::int64_t customer_id = 0;
  std::string customer_name;
  std::string customer_country;  // as when it was opened; routing and retention use them
  std::string customer_region;
  std::int64_t team_id = 0;
  std::string team_name;
  std::optional<std::int64_t> assignee_id;
  std::string assignee_name;
  UnixMillis created_at = 0;
  UnixMillis updated_at = 0;
  std::int64_t last_seq = 0;
};

// Visible to agents and admins only; never stored with the messages.
struct SupportNote {
  std::int64_t id = 0;
  std::int64_t conversation_id = 0;
  std::int64_t author_id = 0;
  std::string author_name;
  std::string text;
  UnixMillis created_at = 0;
};

// Which team's queue receives new conversations: scope "country:DE", "region:EU" or "default".
// A team that has agents, with them: whom a conversation can be assigned or transferred to.
struct SupportAgent {
  std::int64_t id = 0;
  std::string display_name;
};
struct SupportTeam {
  std::int64_t id = 0;
  std::string name;
  std::vector<SupportAgent> agents;
};

struct SupportRoute {
  std::string scope;
  std::int64_t team_id = 0;
  std::string team_name;
};

}  // namespace meridian::chat
