#include "chat/chat_stream.hpp"

#include <algorithm>

#include <utility>

#include <boost/json/object.hpp>

#include "chat/chat_json.hpp"
#include "core/json_fields.hpp"

namespace meridian::chat {
namespace {

// Calls on_message / on_notice for a page's changes in change_seq order.
template <typename OnMessage, typename OnNotice>
void for_each_change(const ChangePage& page, OnMessage on_message, OnNotice on_notice) {
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < page.items.size() || j < page.notices.size()) {
    if (j == page.notices.size() || (i < page.items.size() && page.items[i].change_seq < page.notices[j].change_seq))
      on_message(page.items[i++]);
    else
      on_notice(page.notices[j++]);
  }
}

boost::json::object error_object(const Error& e) {
  return boost::json::object{{"error", boost::json::object{{"code", error_code_name(e.code)}, {"message", e.message}}}};
}

// A message from storage as an event for someone whose stream stood at `base`.
ChatStream::Render render(const Message& m, std::int64_t base) {
  return [m, base](std::int64_t viewer) {
    return json::serialize(boost::json::object{{"type", m.seq > base ? "message.new" : "message.updated"},
                                               {"conversation_id", m.conversation_id},
                                               {"change_seq", m.change_seq},
                                               {"message", to_json(m, viewer)}});
  };
}

}  // namespace

void ChatStream::taken(std::int64_t conversation_id, std::int64_t seq) {
  auto e = entry(conversation_id);
  std::lock_guard init(e->init_mutex);
  if (!e->released) e->released = seq - 1;
}

void ChatStream::publish(std::int64_t conversation_id, const std::vector<std::int64_t>& recipients,
                         std::vector<Item> items) {
  if (items.empty()) return;
  auto e = entry(conversation_id);
  std::lock_guard lock(e->mutex);
  {
    std::lock_guard init(e->init_mutex);
    if (!e->released) e->released = items.front().change_seq - 1;
  }
  for (auto& item : items) {
    if (item.change_seq <= *released(*e)) continue;  // already sent from storage
    if (item.change_seq > *released(*e) + 1) fill(conversation_id, *e, item.change_seq - 1);
    if (item.change_seq <= *released(*e)) continue;
    deliver(recipients, item.render, item.per_viewer);
    set_released(*e, item.change_seq);
  }
}

void ChatStream::replay(net::RealtimeConnection& conn, const boost::json::value* request_id,
                        std::int64_t conversation_id, std::int64_t cursor) {
  const Subject& who = conn.subject();
  auto marker = [&](boost::json::object o) {
    o["type"] = "sync.replay";
    o["conversation_id"] = conversation_id;
    if (request_id) o["id"] = *request_id;
    conn.send(json::serialize(o));
  };
  // Membership (and existence) as the person sees it, before anything is created.
  auto check = source_.changes(who, conversation_id, 0, 1, 0);
  if (!check.ok()) return marker(error_object(check.error()));
  auto e = entry(conversation_id);
  std::lock_guard lock(e->mutex);
  if (!released(*e)) {
    auto first = source_.fill(conversation_id, 0, 0, 1);
    if (!first.ok()) return marker(error_object(first.error()));
    std::lock_guard init(e->init_mutex);
    if (!e->released) e->released = first->last_seq;
  }
  // A cursor ahead of what was published (the client saw its own ack first): those
  // numbers are committed, so they go to everyone now.
  if (cursor > *released(*e)) fill(conversation_id, *e, cursor);
  if (cursor > *released(*e))
    return marker(
        error_object(make_error(ErrorCode::invalid_argument,
                                "cursor " + std::to_string(cursor) + " is beyond the conversation's last change")));
  auto page = source_.changes(who, conversation_id, cursor, kReplayPage, *released(*e));
  if (!page.ok()) return marker(error_object(page.error()));
  const std::int64_t to = page->has_more ? page->to : *released(*e);
  marker(boost::json::object{{"from", cursor}, {"to", to}, {"complete", !page->has_more}});
  for_each_change(
      *page, [&](const Message& m) { conn.send(render(m, cursor)(who.user_id)); },
      [&](const StreamNotice& n) { conn.send(json::serialize(notice_event(page->conversation, n))); });
}

std::optional<std::int64_t> ChatStream::released(Entry& e) {
  std::lock_guard init(e.init_mutex);
  return e.released;
}

void ChatStream::set_released(Entry& e, std::int64_t v) {
  std::lock_guard init(e.init_mutex);
  e.released = v;
}

std::shared_ptr<ChatStream::Entry> ChatStream::entry(std::int64_t conversation_id) {
  std::lock_guard lock(mutex_);
  auto& e = entries_[conversation_id];
  if (!e) e = std::make_shared<Entry>();
  return e;
}

void ChatStream::deliver(const std::vector<std::int64_t>& recipients, const Render& render, bool per_viewer) {
  if (!per_viewer) {
    const std::string text = render(0);
    sink_.send_to_users(recipients, text);
    return;
  }
  for (std::int64_t user : recipients) sink_.send_to_user(user, render(user));
}

void ChatStream::fill(std::int64_t conversation_id, Entry& e, std::int64_t upto) {
  while (*released(e) < upto) {
    const std::int64_t base = *released(e);
    auto page = source_.fill(conversation_id, base, upto, kReplayPage);
    if (!page.ok()) return;  // storage trouble: the stream stays behind; the next publish retries
    for_each_change(
        *page, [&](const Message& m) { deliver(page->members, render(m, base), !m.reactions.empty()); },
        [&](const StreamNotice& n) {
          sink_.send_to_users(page->members, json::serialize(notice_event(page->conversation, n)));
        });
    // Never past the conversation's last change: a cursor beyond it (a client's mistake)
    // must not mark numbers not yet taken as sent, or their live events would be dropped.
    const std::int64_t covered = page->has_more ? page->to : std::min(upto, std::max(base, page->last_seq));
    set_released(e, covered);
    if (!page->has_more && covered < upto) return;
  }
}

Result<StreamFill> StoreStreamSource::fill(std::int64_t conversation_id, std::int64_t after,
                                                          std::int64_t upto, int limit) {
  return reader_.stream_fill(conversation_id, after, upto, limit);
}

Result<ChangePage> StoreStreamSource::changes(const Subject& who, std::int64_t conversation_id, std::int64_t after,
                                                int limit, std::int64_t upto) {
  return reader_.changes(who, conversation_id, after, limit, upto);
}

void HubStreamSink::send_to_user(std::int64_t user_id, const std::string& text) { hub_.send_to_user(user_id, text); }

void HubStreamSink::send_to_users(const std::vector<std::int64_t>& user_ids, const std::string& text) {
  hub_.send_to_users(user_ids, text);
}

}  // namespace meridian::chat
