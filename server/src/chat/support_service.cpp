#include "chat/support_service.hpp"

#include <algorithm>
#include <cctype>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "core/json_values.hpp"
#include "core/text_rules.hpp"

namespace meridian::chat {
namespace {

Error no_such_support_conversation() { return make_error(ErrorCode::not_found, "no such support conversation"); }

// Claim, assign, transfer, close and reopen decide from the row they read and then change
// it and the conversation's members: the conversation row first (the chat lock order,
// docs/architecture.md), so that two of them on one conversation run one after the other
// on PostgreSQL instead of both acting on what they read before the other committed.
Result<void> lock_conversation(storage::Session& s, std::int64_t id) {
  auto locked = storage::lock_row(s, "conversations", id);
  if (!locked.ok() && locked.error().code == ErrorCode::not_found) return no_such_support_conversation();
  return locked;
}

bool blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
}

Result<void> check_text(const std::string& text, std::string_view what) {
  if (text.size() > kMaxMessageBytes)
    return make_error(ErrorCode::too_large,
                      std::string(what) + " is at most " + std::to_string(kMaxMessageBytes) + " bytes");
  if (blank(text)) return make_error(ErrorCode::invalid_argument, std::string(what) + " needs some text");
  return text::check(text, what, text::Lines::multi);
}

bool valid_scope(const std::string& scope) {
  if (scope == "default") return true;
  if (scope.rfind("country:", 0) == 0) {
    const std::string code = scope.substr(8);
    return code.size() == 2 && std::isupper(static_cast<unsigned char>(code[0])) &&
           std::isupper(static_cast<unsigned char>(code[1]));
  }
  if (scope.rfind("region:", 0) == 0) {
    const std::string name = scope.substr(7);
    return !name.empty() && name.size() <= 32 && std::all_of(name.begin(), name.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    });
  }
  return false;
}

void add_unique(std::vector<std::int64_t>& v, std::int64_t id) {
  if (std::find(v.begin(), v.end(), id) == v.end()) v.push_back(id);
}

}  // namespace

Result<bool> SupportService::may_work_on(storage::Session& s, const Subject& who, std::int64_t team_id) {
  return access_.may_work_on(s, who, team_id);
}

// Customers reach their own conversations only; agents those of their teams; anyone else
// learns nothing about whether it exists.
Result<SupportConversation> SupportService::load_for(storage::Session& s, const Subject& who, std::int64_t id,
                                                     Need need) {
  auto sc = repo_.get(s, id);
  if (!sc.ok()) return sc.error();
  if (!*sc) return no_such_support_conversation();
  if (who.kind == UserKind::customer && !who.has_role(Role::admin)) {
    if ((*sc)->customer_id != who.user_id) return no_such_support_conversation();
    if (need == Need::agent) return make_error(ErrorCode::forbidden, "only agents can do this");
    return **sc;
  }
  auto may = may_work_on(s, who, (*sc)->team_id);
  if (!may.ok()) return may.error();
  if (!*may) return no_such_support_conversation();
  return **sc;
}

Result<SupportUpdate> SupportService::updated(storage::Session& s, std::int64_t id,
                                              std::vector<std::int64_t> extra_agents,
                                              std::vector<std::int64_t> removed) {
  auto sc = repo_.get(s, id);
  if (!sc.ok()) return sc.error();
  if (!*sc) return no_such_support_conversation();
  SupportUpdate out;
  out.conversation = **sc;
  auto agents = repo_.team_agents(s, out.conversation.team_id);
  if (!agents.ok()) return agents.error();
  out.agents = std::move(*agents);
  for (std::int64_t a : extra_agents) add_unique(out.agents, a);
  if (out.conversation.assignee_id) add_unique(out.agents, *out.conversation.assignee_id);
  std::erase(out.agents, out.conversation.customer_id);
  out.removed = std::move(removed);
  return out;
}

Result<SupportUpdate> SupportService::open(const Subject& who, OpenSupport in) {
  MERIDIAN_TRY(policy_.require(who, policy::Action::open_support_conversation));
  MERIDIAN_TRY(access_.require_support_chat(who));
  while (!in.subject.empty() && std::isspace(static_cast<unsigned char>(in.subject.back()))) in.subject.pop_back();
  if (in.subject.empty() || in.subject.size() > kMaxSubjectBytes || !text::printable(in.subject, text::Lines::single))
    return make_error(ErrorCode::invalid_argument,
                      "subject must be 1 to " + std::to_string(kMaxSubjectBytes) + " printable characters");
  MERIDIAN_TRY(check_text(in.text, "a message"));
  if (in.client_id.empty() || in.client_id.size() > 64 || !text::printable(in.client_id, text::Lines::single))
    return make_error(ErrorCode::invalid_argument, "client_id must be 1 to 64 printable characters");
  const UnixMillis now = clock_.now_ms();
  return storage::write_value<SupportUpdate>(db_, [&](storage::Session& s) -> Result<SupportUpdate> {
    // A retry of the same request returns the conversation it opened.
    auto seen = chat_repo_.message_by_client_id(s, who.user_id, in.client_id);
    if (!seen.ok()) return seen.error();
    if (*seen) {
      auto existing = repo_.get(s, (*seen)->conversation_id);
      if (!existing.ok()) return existing.error();
      if (!*existing) return make_error(ErrorCode::conflict, "client_id was already used for a message elsewhere");
      return updated(s, (*seen)->conversation_id, {}, {});
    }
    auto team = repo_.route_for(s, who.country, who.region);
    if (!team.ok()) return team.error();
    if (!*team)
      return make_error(ErrorCode::conflict,
                        "support is not set up yet: an administrator must choose the support team");
    Conversation c;
    c.kind = ConversationKind::support;
    c.name = in.subject;
    c.visibility = Visibility::private_;
    c.region = who.region;
    c.created_by = who.user_id;
    c.created_at = now;
    auto cid = chat_repo_.insert_conversation(s, c, std::nullopt);
    if (!cid.ok()) return cid.error();
    if (!*cid) return make_error(ErrorCode::conflict, "could not open the conversation; try again");
    c.id = **cid;
    MERIDIAN_TRY(chat_repo_.add_member(s, c.id, who.user_id, MemberRole::member, now));
    auto seq = chat_repo_.next_seq(s, c.id);
    if (!seq.ok()) return seq.error();
    Message m;
    m.conversation_id = c.id;
    m.seq = *seq;
    m.author_id = who.user_id;
    m.client_id = in.client_id;
    m.text = in.text;
    m.created_at = now;
    m.change_seq = m.seq;
    auto mid = chat_repo_.insert_message(s, m, c.region);
    if (!mid.ok()) return mid.error();
    if (!*mid) return make_error(ErrorCode::conflict, "raced with a concurrent request; try again");
    m.id = **mid;
    if (events_) events_->seq_taken(c.id, m.seq);  // the live stream starts at this message
    MERIDIAN_TRY(chat_repo_.set_last_read(s, c.id, who.user_id, m.seq));
    SupportConversation sc;
    sc.conversation_id = c.id;
    sc.subject = in.subject;
    sc.status = SupportStatus::queued;
    sc.customer_id = who.user_id;
    sc.customer_country = who.country;
    sc.customer_region = who.region;
    sc.team_id = **team;
    sc.created_at = now;
    sc.updated_at = now;
    MERIDIAN_TRY(repo_.insert(s, sc));
    auto out = updated(s, c.id, {}, {});
    if (!out.ok()) return out.error();
    m.author_name = out->conversation.customer_name;
    out->first_message = std::move(m);
    return out;
  });
}

Result<std::vector<SupportConversation>> SupportService::list(const Subject& who, std::optional<SupportStatus> status) {
  SupportFilter f;
  f.status = status;
  if (who.has_role(Role::admin)) {
    // all of them
  } else if (who.kind == UserKind::customer) {
    f.customer_id = who.user_id;
  } else {
    MERIDIAN_TRY(policy_.require(who, policy::Action::work_support_queue));
    f.teams_of_user = who.user_id;
  }
  return storage::read_value<std::vector<SupportConversation>>(db_,
                                                               [&](storage::Session& s) { return repo_.list(s, f); });
}

Result<std::vector<SupportConversation>> SupportService::queue(const Subject& who,
                                                               std::optional<std::int64_t> team_id) {
  MERIDIAN_TRY(policy_.require(who, policy::Action::work_support_queue));
  return storage::read_value<std::vector<SupportConversation>>(
      db_, [&](storage::Session& s) -> Result<std::vector<SupportConversation>> {
        SupportFilter f;
        f.status = SupportStatus::queued;
        f.team_id = team_id;
        if (!who.has_role(Role::admin)) {
          f.teams_of_user = who.user_id;
          if (team_id) {
            auto mine = repo_.in_team(s, *team_id, who.user_id);
            if (!mine.ok()) return mine.error();
            if (!*mine) return make_error(ErrorCode::forbidden, "you can only see the queues of your own teams");
          }
        }
        return repo_.list(s, f);
      });
}

Result<std::vector<SupportTeam>> SupportService::teams(const Subject& who) {
  MERIDIAN_TRY(policy_.require(who, policy::Action::work_support_queue));
  return storage::read_value<std::vector<SupportTeam>>(db_,
                                                       [&](storage::Session& s) { return repo_.support_teams(s); });
}

Result<SupportConversation> SupportService::get(const Subject& who, std::int64_t id) {
  return storage::read_value<SupportConversation>(
      db_, [&](storage::Session& s) { return load_for(s, who, id, Need::read); });
}

Result<SupportUpdate> SupportService::claim(const Subject& who, std::int64_t id, const std::string& ip) {
  MERIDIAN_TRY(policy_.require(who, policy::Action::work_support_queue));
  const UnixMillis now = clock_.now_ms();
  return storage::write_value<SupportUpdate>(db_, [&](storage::Session& s) -> Result<SupportUpdate> {
    auto sc = open_for_agent(s, who, id);
    if (!sc.ok()) return sc.error();
    if (sc->assignee_id == who.user_id) return updated(s, id, {}, {});
    auto claimed = repo_.claim(s, id, who.user_id, now);
    if (!claimed.ok()) return claimed.error();
    if (!*claimed) return make_error(ErrorCode::conflict, "someone else is already working on it");
    MERIDIAN_TRY(chat_repo_.add_member(s, id, who.user_id, MemberRole::member, now));
    return audited_update(s, who, ip, "support.claim", *sc, {}, {});
  });
}

Result<SupportUpdate> SupportService::assign(const Subject& who, std::int64_t id, std::int64_t agent_id,
                                             const std::string& ip) {
  MERIDIAN_TRY(policy_.require(who, policy::Action::work_support_queue));
  const UnixMillis now = clock_.now_ms();
  return storage::write_value<SupportUpdate>(db_, [&](storage::Session& s) -> Result<SupportUpdate> {
    auto sc = open_for_agent(s, who, id);
    if (!sc.ok()) return sc.error();
    auto agent = repo_.team_agent(s, sc->team_id, agent_id);
    if (!agent.ok()) return agent.error();
    if (!*agent)
      return make_error(ErrorCode::invalid_argument,
                        "user " + std::to_string(agent_id) + " is not an agent of team " + sc->team_name);
    if (sc->assignee_id == agent_id) return updated(s, id, {}, {});
    MERIDIAN_ASSIGN_OR_RETURN(auto removed, remove_assignee(s, *sc));
    MERIDIAN_TRY(repo_.set_assignee(s, id, agent_id, SupportStatus::assigned, now));
    // Handed to someone else: they have not read it yet (and the customer sees no "Seen").
    MERIDIAN_TRY(chat_repo_.add_member(s, id, agent_id, MemberRole::member, now, agent_id != who.user_id));
    auto previous = removed;  // the previous assignee hears that it moved on
    return audited_update(s, who, ip, "support.assign", *sc, std::move(previous), std::move(removed));
  });
}

Result<SupportUpdate> SupportService::transfer(const Subject& who, std::int64_t id, std::int64_t team_id,
                                               const std::string& ip) {
  MERIDIAN_TRY(policy_.require(who, policy::Action::work_support_queue));
  const UnixMillis now = clock_.now_ms();
  return storage::write_value<SupportUpdate>(db_, [&](storage::Session& s) -> Result<SupportUpdate> {
    auto sc = open_for_agent(s, who, id);
    if (!sc.ok()) return sc.error();
    if (sc->team_id == team_id) return make_error(ErrorCode::invalid_argument, "it is already in that team's queue");
    auto name = repo_.team_name(s, team_id);
    if (!name.ok()) return name.error();
    if (!*name) return make_error(ErrorCode::not_found, "no team with id " + std::to_string(team_id));
    auto old_agents = repo_.team_agents(s, sc->team_id);
    if (!old_agents.ok()) return old_agents.error();
    MERIDIAN_ASSIGN_OR_RETURN(auto removed, remove_assignee(s, *sc));
    for (auto agent : removed) add_unique(*old_agents, agent);
    MERIDIAN_TRY(repo_.set_team(s, id, team_id, now));
    return audited_update(s, who, ip, "support.transfer", *sc, std::move(*old_agents), std::move(removed));
  });
}

Result<SupportUpdate> SupportService::close(const Subject& who, std::int64_t id, const std::string& ip) {
  const UnixMillis now = clock_.now_ms();
  return storage::write_value<SupportUpdate>(db_, [&](storage::Session& s) -> Result<SupportUpdate> {
    MERIDIAN_TRY(lock_conversation(s, id));
    auto sc = load_for(s, who, id, Need::read);  // the customer may close their own
    if (!sc.ok()) return sc.error();
    if (sc->status == SupportStatus::closed) return updated(s, id, {}, {});
    MERIDIAN_TRY(repo_.set_status(s, id, SupportStatus::closed, now));
    return audited_update(s, who, ip, "support.close", *sc, {}, {});
  });
}

// Customer or agent: a closed conversation goes back to its agent (or to the queue when
// nobody had claimed it). Posting in a closed conversation is refused until then.
Result<SupportUpdate> SupportService::reopen(const Subject& who, std::int64_t id, const std::string& ip) {
  const UnixMillis now = clock_.now_ms();
  return storage::write_value<SupportUpdate>(db_, [&](storage::Session& s) -> Result<SupportUpdate> {
    MERIDIAN_TRY(lock_conversation(s, id));
    auto sc = load_for(s, who, id, Need::read);
    if (!sc.ok()) return sc.error();
    if (sc->status != SupportStatus::closed) return updated(s, id, {}, {});
    MERIDIAN_TRY(repo_.set_status(s, id, sc->assignee_id ? SupportStatus::assigned : SupportStatus::queued, now));
    return audited_update(s, who, ip, "support.reopen", *sc, {}, {});
  });
}

Result<SupportConversation> SupportService::open_for_agent(storage::Session& s, const Subject& who, std::int64_t id) {
  MERIDIAN_TRY(lock_conversation(s, id));
  auto sc = load_for(s, who, id, Need::agent);
  if (!sc.ok()) return sc.error();
  if (sc->status == SupportStatus::closed) return make_error(ErrorCode::conflict, "the conversation is closed");
  return sc;
}

Result<std::vector<std::int64_t>> SupportService::remove_assignee(storage::Session& s, const SupportConversation& sc) {
  std::vector<std::int64_t> removed;
  if (sc.assignee_id && *sc.assignee_id != sc.customer_id) {
    MERIDIAN_TRY(chat_repo_.remove_member(s, sc.conversation_id, *sc.assignee_id));
    removed.push_back(*sc.assignee_id);
  }
  return removed;
}

Result<SupportUpdate> SupportService::audited_update(storage::Session& s, const Subject& who, const std::string& ip,
                                                     std::string_view action, const SupportConversation& before,
                                                     std::vector<std::int64_t> extra_agents,
                                                     std::vector<std::int64_t> removed) {
  auto after = updated(s, before.conversation_id, std::move(extra_agents), std::move(removed));
  if (!after.ok()) return after.error();
  MERIDIAN_TRY(audit(s, who, ip, action, before, *after));
  return after;
}

Result<void> SupportService::audit(storage::Session& s, const Subject& who, const std::string& ip,
                                   std::string_view action, const SupportConversation& before,
                                   const SupportUpdate& after) {
  if (!audit_) return {};
  const SupportConversation& now = after.conversation;
  const std::string detail =
      boost::json::serialize(boost::json::object{{"team_id", now.team_id},
                                                 {"from_team_id", before.team_id},
                                                 {"assignee_id", json::nullable(now.assignee_id)},
                                                 {"from_assignee_id", json::nullable(before.assignee_id)},
                                                 {"status", support_status_name(now.status)},
                                                 {"from_status", support_status_name(before.status)}});
  return audit_->record(s, audit::Actor::from(who, ip), action, "support:" + std::to_string(now.conversation_id), "ok",
                        detail);
}

void SupportService::publish_opening(const SupportUpdate& opened) const {
  if (!events_ || !opened.first_message) return;
  Posted posted;
  posted.message = *opened.first_message;
  posted.recipients.push_back(opened.conversation.customer_id);
  events_->posted(posted);
}

Result<NoteAdded> SupportService::add_note(const Subject& who, std::int64_t id, std::string text) {
  MERIDIAN_TRY(policy_.require(who, policy::Action::work_support_queue));
  MERIDIAN_TRY(check_text(text, "a note"));
  const UnixMillis now = clock_.now_ms();
  return storage::write_value<NoteAdded>(db_, [&](storage::Session& s) -> Result<NoteAdded> {
    auto sc = load_for(s, who, id, Need::agent);
    if (!sc.ok()) return sc.error();
    auto note = repo_.insert_note(s, id, who.user_id, text, now);
    if (!note.ok()) return note.error();
    auto agents = repo_.team_agents(s, sc->team_id);
    if (!agents.ok()) return agents.error();
    NoteAdded out{std::move(*note), std::move(*agents)};
    if (sc->assignee_id) add_unique(out.recipients, *sc->assignee_id);
    add_unique(out.recipients, who.user_id);
    std::erase(out.recipients, sc->customer_id);  // never, whatever the teams say
    return out;
  });
}

Result<std::vector<SupportNote>> SupportService::notes(const Subject& who, std::int64_t id) {
  MERIDIAN_TRY(policy_.require(who, policy::Action::work_support_queue));
  return storage::read_value<std::vector<SupportNote>>(db_,
                                                       [&](storage::Session& s) -> Result<std::vector<SupportNote>> {
                                                         auto sc = load_for(s, who, id, Need::agent);
                                                         if (!sc.ok()) return sc.error();
                                                         return repo_.notes(s, id);
                                                       });
}

Result<std::vector<SupportRoute>> SupportService::routes(const Subject& who) {
  MERIDIAN_TRY(policy_.require(who, policy::Action::manage_support));
  return storage::read_value<std::vector<SupportRoute>>(db_, [&](storage::Session& s) { return repo_.routes(s); });
}

Result<SupportRoute> SupportService::set_route(const Subject& who, const std::string& scope, std::int64_t team_id) {
  MERIDIAN_TRY(policy_.require(who, policy::Action::manage_support));
  if (!valid_scope(scope))
    return make_error(ErrorCode::invalid_argument,
                      "scope must be 'default', 'country:XX' (ISO 3166-1 alpha-2) or 'region:NAME'");
  const UnixMillis now = clock_.now_ms();
  return storage::write_value<SupportRoute>(db_, [&](storage::Session& s) -> Result<SupportRoute> {
    auto name = repo_.team_name(s, team_id);
    if (!name.ok()) return name.error();
    if (!*name) return make_error(ErrorCode::not_found, "no team with id " + std::to_string(team_id));
    MERIDIAN_TRY(repo_.set_route(s, scope, team_id, now));
    return SupportRoute{scope, team_id, **name};
  });
}

Result<void> SupportService::delete_route(const Subject& who, const std::string& scope) {
  MERIDIAN_TRY(policy_.require(who, policy::Action::manage_support));
  return db_.write([&](storage::Session& s) -> Result<void> {
    auto removed = repo_.delete_route(s, scope);
    if (!removed.ok()) return removed.error();
    if (!*removed) return make_error(ErrorCode::not_found, "no route for '" + scope + "'");
    return {};
  });
}

}  // namespace meridian::chat
