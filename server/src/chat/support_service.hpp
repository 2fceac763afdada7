// Support conversations between a customer and a support team. A customer opens one; it
// lands in the queue of the team routed to the customer's country, region, or the
// default; the team's agents claim it, assign it to each other, transfer it to another
// team and keep internal notes that the customer never sees. A customer sees only their
// own support conversations; an agent only those of their teams; admins all.
//
// The conversation itself is an ordinary chat conversation of kind `support` whose
// members are the customer and the agent working on it, so messages, history, read
// state and fan-out are chat's. Agents of the team read it before claiming as observers
// (chat/conversation_access.hpp decides).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.hpp"
#include "chat/chat_repository.hpp"
#include "chat/chat_service.hpp"
#include "chat/support.hpp"
#include "chat/support_repository.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/subject.hpp"
#include "policy/policy.hpp"
#include "storage/database.hpp"

namespace meridian::chat {

inline constexpr std::size_t kMaxSubjectBytes = 200;

struct OpenSupport {
  std::string subject;
  std::string text;       // the first message
  std::string client_id;  // its idempotency key
};

// A change that people must hear about: agents get the full record, the customer a view
// that names only the agent.
struct SupportUpdate {
  SupportConversation conversation;
  std::vector<std::int64_t> agents;      // agents of the team(s) involved
  std::optional<Message> first_message;  // open: the customer's first message
  std::vector<std::int64_t> removed;     // no longer members (reassigned or transferred away)
};

struct NoteAdded {
  SupportNote note;
  std::vector<std::int64_t> recipients;  // agents only
};

class SupportService final {
 public:
  // The agents of a support conversation's team (and admins) read it in chat without
  // being members (ConversationAccess); they write after claiming it. `events`: the
  // opening message goes live through chat's stream. `audit`: claim, assign, transfer,
  // close and reopen are recorded with the change, in its transaction.
  SupportService(storage::Database& db, const policy::Policy& policy, const Clock& clock,
                 const ConversationAccess& access, ChatEvents* events = nullptr, audit::AuditLog* audit = nullptr)
      : db_(db), policy_(policy), clock_(clock), access_(access), events_(events), audit_(audit) {}

  Result<SupportUpdate> open(const Subject& who, OpenSupport input);
  // Customer: their own; agent: their teams'; admin: all. Optional status filter.
  Result<std::vector<SupportConversation>> list(const Subject& who, std::optional<SupportStatus> status);
  // Unclaimed conversations of the agent's teams, oldest first (admins: all teams).
  Result<std::vector<SupportConversation>> queue(const Subject& who, std::optional<std::int64_t> team_id);
  Result<SupportConversation> get(const Subject& who, std::int64_t id);

  Result<SupportUpdate> claim(const Subject& who, std::int64_t id, const std::string& ip = "");
  Result<SupportUpdate> assign(const Subject& who, std::int64_t id, std::int64_t agent_id, const std::string& ip = "");
  Result<SupportUpdate> transfer(const Subject& who, std::int64_t id, std::int64_t team_id, const std::string& ip = "");
  Result<SupportUpdate> close(const Subject& who, std::int64_t id, const std::string& ip = "");
  Result<SupportUpdate> reopen(const Subject& who, std::int64_t id, const std::string& ip = "");
  // The opening message to the customer's live connections (their other tabs).
  void publish_opening(const SupportUpdate& opened) const;

  Result<NoteAdded> add_note(const Subject& who, std::int64_t id, std::string text);
  Result<std::vector<SupportNote>> notes(const Subject& who, std::int64_t id);

  // Agents and admins: the teams a conversation can go to and their agents (assign, transfer).
  Result<std::vector<SupportTeam>> teams(const Subject& who);

  Result<std::vector<SupportRoute>> routes(const Subject& who);
  // scope: "default", "country:DE" or "region:EU".
  Result<SupportRoute> set_route(const Subject& who, const std::string& scope, std::int64_t team_id);
  Result<void> delete_route(const Subject& who, const std::string& scope);

 private:
  enum class Need { read, agent };
  Result<SupportConversation> load_for(storage::Session& s, const Subject& who, std::int64_t id, Need need);
  Result<bool> may_work_on(storage::Session& s, const Subject& who, std::int64_t team_id);
  Result<SupportUpdate> updated(storage::Session& s, std::int64_t id, std::vector<std::int64_t> extra_agents,
                                std::vector<std::int64_t> removed);
  // "support.claim" etc. on support:<id>, with the state before and after (no contents).
  Result<void> audit(storage::Session& s, const Subject& who, const std::string& ip, std::string_view action,
                     const SupportConversation& before, const SupportUpdate& after);
  // Claim, assign and transfer: the conversation locked and loaded for an agent; conflict
  // when it is closed.
  Result<SupportConversation> open_for_agent(storage::Session& s, const Subject& who, std::int64_t id);
  // Takes the assignee (unless that is the customer) out of the members: whom it removed.
  Result<std::vector<std::int64_t>> remove_assignee(storage::Session& s, const SupportConversation& sc);
  // updated(), recorded in the audit log as `action`.
  Result<SupportUpdate> audited_update(storage::Session& s, const Subject& who, const std::string& ip,
                                       std::string_view action, const SupportConversation& before,
                                       std::vector<std::int64_t> extra_agents, std::vector<std::int64_t> removed);

  storage::Database& db_;
  const policy::Policy& policy_;
  const Clock& clock_;
  ChatRepository chat_repo_;
  const ConversationAccess& access_;
  ChatEvents* events_;
  audit::AuditLog* audit_;
  SupportRepository repo_;
};

}  // namespace meridian::chat
