#include "presence/presence_service.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "core/log.hpp"
#include "core/text_rules.hpp"
#include "storage/row_columns.hpp"

namespace meridian::presence {

std::optional<UserKind> SqlDirectory::kind(std::int64_t user_id) {
  std::optional<UserKind> out;
  auto r = db_.read([&](storage::Session& s) -> Result<void> {
    auto rows = s.query("SELECT kind FROM users WHERE id = ? AND active = 1", {user_id});
    if (!rows.ok()) return rows.error();
    UserKind k{};
    if (!rows->empty() && parse_user_kind(rows->front().text(0), k)) out = k;
    return {};
  });
  if (!r.ok()) log::warn("presence.directory_failed", {{"message", r.error().message}});
  return out;
}

std::unordered_map<std::int64_t, UserKind> SqlDirectory::kinds(const std::vector<std::int64_t>& user_ids) {
  std::unordered_map<std::int64_t, UserKind> out;
  constexpr std::size_t kChunk = 250;  // well under SQLite's and PostgreSQL's parameter limits
  auto r = db_.read([&](storage::Session& s) -> Result<void> {
    for (std::size_t at = 0; at < user_ids.size(); at += kChunk) {
      const std::size_t n = std::min(kChunk, user_ids.size() - at);
      std::string sql = "SELECT id, kind FROM users WHERE active = 1 AND id IN (";
      storage::Params params;
      for (std::size_t i = 0; i < n; ++i) {
        sql += i ? ", ?" : "?";
        params.emplace_back(user_ids[at + i]);
      }
      sql += ")";
      auto rows = s.query(sql, params);
      if (!rows.ok()) return rows.error();
      for (const auto& row : *rows) {
        UserKind k{};
        if (parse_user_kind(row.text(1), k)) out.emplace(row.integer(0), k);
      }
    }
    return {};
  });
  if (!r.ok()) log::warn("presence.directory_failed", {{"message", r.error().message}});
  return out;
}

std::vector<std::int64_t> SqlDirectory::contacts(std::int64_t user_id) {
  std::vector<std::int64_t> out;
  auto r = db_.read([&](storage::Session& s) -> Result<void> {
    auto rows = s.query(
        "SELECT DISTINCT o.user_id FROM conversation_members m JOIN conversation_members o "
        "ON o.conversation_id = m.conversation_id WHERE m.user_id = ? AND o.user_id <> ?",
        {user_id, user_id});
    if (!rows.ok()) return rows.error();
    out.reserve(rows->size());
    for (const auto& row : *rows) out.push_back(row.integer(0));
    return {};
  });
  if (!r.ok()) log::warn("presence.directory_failed", {{"message", r.error().message}});
  return out;
}

std::optional<Locale> SqlDirectory::locale(std::int64_t user_id) {
  std::optional<Locale> out;
  auto r = db_.read([&](storage::Session& s) -> Result<void> {
    auto rows = s.query(
        "SELECT country, time_zone, work_start_minute, work_end_minute, work_days FROM users WHERE id = ?", {user_id});
    if (!rows.ok()) return rows.error();
    if (rows->empty()) return {};
    const auto& row = rows->front();
    Locale l;
    storage::read_columns(row, l.country, l.time_zone, l.work_start_minute, l.work_end_minute, l.work_days);
    out = std::move(l);
    return {};
  });
  if (!r.ok()) log::warn("presence.directory_failed", {{"message", r.error().message}});
  return out;
}

void LocalChanges::noted(std::int64_t user_id, bool settings) {
  std::lock_guard lock(mutex_);
  pending_.users.insert(user_id);
  if (settings) pending_.settings.insert(user_id);
}

LocalChanges::Taken LocalChanges::take() {
  std::lock_guard lock(mutex_);
  Taken out;
  std::swap(out, pending_);
  return out;
}

PresenceService::PresenceService(Directory& directory, Sender send, PresenceOptions options, LocalChanges* changes)
    : directory_(directory),
      send_(std::move(send)),
      options_(options),
      changes_(changes),
      flusher_(options_.flush_interval, [this] { flush_logged(); }) {}

PresenceService::~PresenceService() { stop(); }

void PresenceService::start() { flusher_.start(); }

void PresenceService::stop() { flusher_.stop(); }

void PresenceService::flush_logged() {
  try {
    flush();
  } catch (const std::exception& e) {
    log::error("presence.flush_failed", {{"message", std::string_view(e.what())}});
  }
}

void PresenceService::connected(const Subject& who, std::uint64_t connection_id) {
  std::lock_guard lock(mutex_);
  tracker_.connect(who, connection_id);
  if (changes_) changes_->noted(who.user_id, false);
}

void PresenceService::disconnected(std::int64_t user_id, std::uint64_t connection_id) {
  std::lock_guard lock(mutex_);
  tracker_.disconnect(user_id, connection_id);
  unsubscribe_locked(connection_id);
  if (changes_) changes_->noted(user_id, false);
}

PresenceService::LocalState PresenceService::local_state(std::int64_t user_id) {
  std::lock_guard lock(mutex_);
  LocalState out;
  out.user_id = user_id;
  out.active = tracker_.local_activity(user_id);
  if (auto k = tracker_.kind(user_id)) out.kind = *k;
  out.mode = tracker_.mode(user_id);
  out.status_text = tracker_.view(user_id).status_text;
  return out;
}

std::vector<PresenceService::LocalState> PresenceService::local_snapshot() {
  std::vector<std::int64_t> ids;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, kind] : tracker_.connected_users()) ids.push_back(id);
  }
  std::vector<LocalState> out;
  for (auto id : ids) {
    auto st = local_state(id);
    if (st.active) out.push_back(std::move(st));
  }
  return out;
}

void PresenceService::remote_connection(std::uint32_t node_key, std::int64_t user_id, UserKind kind,
                                        std::optional<bool> active) {
  const std::uint64_t pseudo = PresenceTracker::kRemoteBit | node_key;
  std::lock_guard lock(mutex_);
  if (!active) {
    tracker_.disconnect(user_id, pseudo);
    return;
  }
  Subject who;
  who.user_id = user_id;
  who.kind = kind;
  tracker_.connect(who, pseudo);
  tracker_.set_idle(user_id, pseudo, !*active);
}

void PresenceService::remote_settings(std::int64_t user_id, Mode mode, std::string status_text) {
  std::lock_guard lock(mutex_);
  tracker_.set_mode(user_id, mode);
  tracker_.set_status_text(user_id, std::move(status_text));
}

bool PresenceService::online(std::int64_t user_id) {
  std::lock_guard lock(mutex_);
  return tracker_.connected(user_id);
}

void PresenceService::unsubscribe_locked(std::uint64_t connection_id) {
  auto it = subscriptions_.find(connection_id);
  if (it == subscriptions_.end()) return;
  for (auto subject : it->second.subjects) {
    auto f = followers_.find(subject);
    if (f == followers_.end()) continue;
    f->second.erase(connection_id);
    if (f->second.empty()) followers_.erase(f);
  }
  subscriptions_.erase(it);
}

Result<std::vector<PresenceView>> PresenceService::subscribe(const Subject& who, std::uint64_t connection_id,
                                                             std::vector<std::int64_t> user_ids) {
  std::sort(user_ids.begin(), user_ids.end());
  user_ids.erase(std::unique(user_ids.begin(), user_ids.end()), user_ids.end());
  if (user_ids.size() > kMaxSubscriptions)
    return make_error(ErrorCode::invalid_argument, "at most 500 user_ids per presence.subscribe");
  for (auto id : user_ids)
    if (id <= 0) return make_error(ErrorCode::invalid_argument, "user_ids must be positive integers");
  {
    std::lock_guard lock(mutex_);
    unsubscribe_locked(connection_id);
    if (!user_ids.empty()) {
      for (auto id : user_ids) followers_[id].insert(connection_id);
      subscriptions_[connection_id] = Subscription{who.user_id, who.kind, user_ids};
    }
  }
  auto views = visible(who, user_ids, false);
  return views;
}

std::size_t PresenceService::subscriber_count(std::int64_t user_id) {
  std::lock_guard lock(mutex_);
  auto it = followers_.find(user_id);
  return it == followers_.end() ? 0 : it->second.size();
}

Result<PresenceView> PresenceService::set(const Subject& who, std::uint64_t connection_id, std::optional<Mode> mode,
                                          std::optional<std::string> status_text, std::optional<bool> idle) {
  if (status_text && status_text->size() > PresenceTracker::kMaxStatusText)
    return make_error(ErrorCode::invalid_argument, "status_text is longer than 100 bytes");
  if (status_text) MERIDIAN_TRY(text::check(*status_text, "status_text", text::Lines::single));
  std::lock_guard lock(mutex_);
  if (mode) tracker_.set_mode(who.user_id, *mode);
  if (status_text) tracker_.set_status_text(who.user_id, std::move(*status_text));
  if (idle) tracker_.set_idle(who.user_id, connection_id, *idle);
  if (changes_) changes_->noted(who.user_id, mode.has_value() || status_text.has_value());
  PresenceView v = tracker_.view(who.user_id);
  return v;
}

std::vector<PresenceView> PresenceService::visible(const Subject& viewer, const std::vector<std::int64_t>& user_ids,
                                                   bool with_locale) {
  std::unordered_set<std::int64_t> contacts;
  bool contacts_loaded = false;
  auto shares = [&](std::int64_t, std::int64_t subject) {
    if (!contacts_loaded) {
      for (auto id : directory_.contacts(viewer.user_id)) contacts.insert(id);
      contacts_loaded = true;
    }
    return contacts.count(subject) != 0;
  };
  // Connected people's kinds are known here; the others are read in one go.
  std::unordered_map<std::int64_t, UserKind> kinds;
  std::vector<std::int64_t> unknown;
  {
    std::lock_guard lock(mutex_);
    for (std::int64_t id : user_ids) {
      if (auto k = tracker_.kind(id))
        kinds.emplace(id, *k);
      else
        unknown.push_back(id);
    }
  }
  if (!unknown.empty())
    for (auto& [id, k] : directory_.kinds(unknown)) kinds.emplace(id, k);
  std::vector<PresenceView> out;
  for (std::int64_t id : user_ids) {
    auto found = kinds.find(id);
    if (found == kinds.end()) continue;
    const std::optional<UserKind> kind = found->second;
    if (!can_see(viewer.user_id, viewer.kind, id, *kind, shares)) continue;
    PresenceView view;
    {
      std::lock_guard lock(mutex_);
      view = tracker_.view(id);
    }
    if (with_locale) view.locale = directory_.locale(id);
    out.push_back(std::move(view));
  }
  return out;
}

std::string PresenceService::envelope(const std::vector<PresenceView>& views) {
  boost::json::array users;
  users.reserve(views.size());
  for (const auto& v : views)
    users.push_back(
        boost::json::object{{"user_id", v.user_id}, {"status", status_name(v.status)}, {"status_text", v.status_text}});
  return boost::json::serialize(boost::json::object{{"type", "presence"}, {"users", std::move(users)}});
}

std::size_t PresenceService::flush() {
  std::lock_guard flushing(flush_mutex_);
  struct Watcher {
    std::uint64_t connection_id;
    std::int64_t user_id;
    UserKind kind;
  };
  struct Change {
    PresenceView view;
    std::optional<UserKind> kind;  // of a connected subject
    std::vector<Watcher> watchers;
  };
  std::vector<Change> changes;
  {
    std::lock_guard lock(mutex_);
    for (auto& view : tracker_.take_changes()) {
      auto f = followers_.find(view.user_id);
      if (f == followers_.end()) continue;  // nobody follows them: nothing to send, nothing to read
      Change c;
      c.kind = tracker_.kind(view.user_id);
      c.watchers.reserve(f->second.size());
      for (auto conn : f->second) {
        const auto& sub = subscriptions_.at(conn);
        c.watchers.push_back(Watcher{conn, sub.user_id, sub.kind});
      }
      c.view = std::move(view);
      changes.push_back(std::move(c));
    }
  }
  if (changes.empty()) return 0;

  std::unordered_map<std::uint64_t, std::vector<std::size_t>> batches;  // connection -> change indexes
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const auto& change = changes[i];
    const std::int64_t subject = change.view.user_id;
    std::optional<UserKind> subject_kind = change.kind ? change.kind : directory_.kind(subject);
    if (!subject_kind) continue;
    // Membership is read only when a watcher could see the subject through it, once per subject.
    std::optional<std::unordered_set<std::int64_t>> contacts;
    auto shares = [&](std::int64_t viewer, std::int64_t) {
      if (!contacts) {
        contacts.emplace();
        for (auto id : directory_.contacts(subject)) contacts->insert(id);
      }
      return contacts->count(viewer) != 0;
    };
    for (const auto& w : change.watchers)
      if (can_see(w.user_id, w.kind, subject, *subject_kind, shares)) batches[w.connection_id].push_back(i);
  }
  for (auto& [connection, indexes] : batches) {
    std::vector<PresenceView> views;
    views.reserve(indexes.size());
    for (auto i : indexes) views.push_back(changes[i].view);
    send_(connection, envelope(views));
  }
  return batches.size();
}

}  // namespace meridian::presence
