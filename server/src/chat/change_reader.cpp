#include "chat/change_reader.hpp"

#include <algorithm>
#include <string>
#include <utility>

namespace meridian::chat {
namespace {

Result<Conversation> load(ChatRepository& repo, storage::Session& s, std::int64_t id) {
  auto c = repo.conversation(s, id);
  if (!c.ok()) return c.error();
  if (!*c) return make_error(ErrorCode::not_found, "no such conversation");
  return **c;
}

}  // namespace

Result<StreamFill> ChangeReader::stream_fill(std::int64_t id, std::int64_t after, std::int64_t upto, int limit) {
  return storage::read_value<StreamFill>(db_, [&](storage::Session& s) -> Result<StreamFill> {
    auto c = load(repo_, s, id);
    if (!c.ok()) return c.error();
    auto page = read(s, *c, after, upto, limit);
    if (!page.ok()) return page.error();
    StreamFill out;
    static_cast<ChangePage&>(out) = std::move(*page);
    out.last_seq = c->last_seq;
    auto members = repo_.members(s, id);
    if (!members.ok()) return members.error();
    for (const auto& m : *members) out.members.push_back(m.user_id);
    return out;
  });
}

Result<ChangePage> ChangeReader::changes(const Subject& who, std::int64_t id, std::int64_t after, int limit,
                                         std::int64_t upto) {
  if (limit < 1 || limit > kMaxPage)
    return make_error(ErrorCode::invalid_argument, "limit must be between 1 and " + std::to_string(kMaxPage));
  if (after < 0) return make_error(ErrorCode::invalid_argument, "after must be 0 or more");
  return storage::read_value<ChangePage>(db_, [&](storage::Session& s) -> Result<ChangePage> {
    auto c = load(repo_, s, id);
    if (!c.ok()) return c.error();
    auto me = access_.require_member(s, *c, who);
    if (!me.ok()) return me.error();
    auto page = read(s, *c, after, upto, limit);
    if (!page.ok()) return page.error();
    // Complete: everything up to the last number taken when the conversation was read.
    if (!page->has_more) page->to = std::max(after, std::min(upto, c->last_seq));
    return page;
  });
}

Result<ChangePage> ChangeReader::read(storage::Session& s, const Conversation& c, std::int64_t after,
                                      std::int64_t upto, int limit) {
  ChangePage out;
  out.conversation = c;
  out.to = after;
  if (upto <= after) return out;
  auto rows = repo_.changes(s, c.id, after, limit + 1, upto);
  if (!rows.ok()) return rows.error();
  auto purges = repo_.purges(s, c.id, after, upto, limit + 1);
  if (!purges.ok()) return purges.error();
  auto members = repo_.member_changes(s, c.id, after, upto, limit + 1);
  if (!members.ok()) return members.error();
  std::vector<StreamNotice> notices;
  for (auto& p : *purges) {
    StreamNotice n;
    n.change_seq = p.change_seq;
    n.purge = std::move(p);
    notices.push_back(std::move(n));
  }
  for (auto& m : *members) {
    StreamNotice n;
    n.change_seq = m.change_seq;
    n.member = std::move(m);
    notices.push_back(std::move(n));
  }
  if (c.details_seq > after && c.details_seq <= upto) {
    StreamNotice n;
    n.change_seq = c.details_seq;
    n.details = true;
    notices.push_back(std::move(n));
  }
  std::sort(notices.begin(), notices.end(),
            [](const StreamNotice& a, const StreamNotice& b) { return a.change_seq < b.change_seq; });
  // The first `limit` of both lists together (each list was read one past `limit`, so
  // anything left over means there is more).
  std::size_t i = 0;
  std::size_t j = 0;
  for (int taken = 0; taken < limit && (i < rows->size() || j < notices.size()); ++taken) {
    const bool message = j == notices.size() || (i < rows->size() && (*rows)[i].change_seq < notices[j].change_seq);
    if (message) {
      out.to = (*rows)[i].change_seq;
      out.items.push_back(std::move((*rows)[i++]));
    } else {
      out.to = notices[j].change_seq;
      out.notices.push_back(std::move(notices[j++]));
    }
  }
  out.has_more = i < rows->size() || j < notices.size();
  MERIDIAN_TRY(repo_.decorate(s, out.items));
  return out;
}

}  // namespace meridian::chat
