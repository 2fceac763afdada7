#include "presence/presence_service.hpp"

#include <gtest/gtest.h>

#include <map>
#include <atomic>
#include <set>
#include <thread>

#include <boost/json/parse.hpp>

namespace meridian::presence {
namespace {

Subject person(std::int64_t id, UserKind kind) {
  Subject s;
  s.user_id = id;
  s.kind = kind;
  return s;
}

TEST(PresenceTracker, AggregatesOverConnections) {
  PresenceTracker t;
  EXPECT_EQ(t.view(1).status, Status::offline);
  t.connect(person(1, UserKind::employee), 10);
  t.connect(person(1, UserKind::employee), 11);
  EXPECT_EQ(t.view(1).status, Status::online);
  t.set_idle(1, 10, true);
  EXPECT_EQ(t.view(1).status, Status::online) << "one active tab is enough";
  t.set_idle(1, 11, true);
  EXPECT_EQ(t.view(1).status, Status::away) << "all tabs idle";
  t.set_idle(1, 11, false);
  EXPECT_EQ(t.view(1).status, Status::online);
  t.set_mode(1, Mode::dnd);
  EXPECT_EQ(t.view(1).status, Status::dnd) << "dnd wins over activity";
  t.set_mode(1, Mode::away);
  EXPECT_EQ(t.view(1).status, Status::away);
  t.set_mode(1, Mode::automatic);
  t.disconnect(1, 11);
  EXPECT_EQ(t.view(1).status, Status::away) << "the remaining tab is idle";
  t.disconnect(1, 10);
  EXPECT_EQ(t.view(1).status, Status::offline);
  EXPECT_FALSE(t.connected(1));
  t.set_idle(1, 99, false);  // unknown connection: ignored
  EXPECT_EQ(t.view(1).status, Status::offline);
}

TEST(PresenceTracker, KeepsChosenModeAndTextAcrossReconnects) {
  PresenceTracker t;
  t.connect(person(1, UserKind::employee), 10);
  t.set_mode(1, Mode::dnd);
  t.set_status_text(1, "In a workshop");
  t.disconnect(1, 10);
  EXPECT_EQ(t.view(1).status, Status::offline);
  EXPECT_EQ(t.view(1).status_text, "In a workshop");
  t.connect(person(1, UserKind::employee), 12);
  EXPECT_EQ(t.view(1).status, Status::dnd);
}

TEST(PresenceTracker, CoalescesChangesBetweenFlushes) {
  PresenceTracker t;
  t.connect(person(1, UserKind::employee), 10);
  t.set_idle(1, 10, true);
  t.set_idle(1, 10, false);
  t.connect(person(2, UserKind::employee), 20);
  auto first = t.take_changes();
  ASSERT_EQ(first.size(), 2u) << "one entry per person, however many changes";
  for (const auto& v : first) EXPECT_EQ(v.status, Status::online);
  EXPECT_TRUE(t.take_changes().empty());

  // A reload: the tab closes and a new one opens before the next flush -> nothing to say.
  t.disconnect(1, 10);
  t.connect(person(1, UserKind::employee), 11);
  EXPECT_TRUE(t.take_changes().empty());

  // Someone who connects and leaves within one window was never announced.
  t.connect(person(3, UserKind::employee), 30);
  t.disconnect(3, 30);
  EXPECT_TRUE(t.take_changes().empty());

  t.disconnect(2, 20);
  auto gone = t.take_changes();
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0].user_id, 2);
  EXPECT_EQ(gone[0].status, Status::offline);
}

TEST(PresenceVisibility, FollowsKindAndMembership) {
  // 1 employee, 2 agent, 3 customer (in a conversation with 2), 4 other customer,
  // 5 guest (in a conversation with 1), 6 employee unrelated.
  std::set<std::pair<std::int64_t, std::int64_t>> shared{{2, 3}, {3, 2}, {1, 5}, {5, 1}};
  auto shares = [&](std::int64_t a, std::int64_t b) { return shared.count({a, b}) != 0; };
  using K = UserKind;
  EXPECT_TRUE(can_see(1, K::employee, 6, K::employee, shares)) << "staff see staff";
  EXPECT_TRUE(can_see(1, K::employee, 2, K::agent, shares));
  EXPECT_TRUE(can_see(3, K::customer, 2, K::agent, shares)) << "a customer sees their agent";
  EXPECT_FALSE(can_see(3, K::customer, 1, K::employee, shares)) << "but no other employee";
  EXPECT_FALSE(can_see(3, K::customer, 4, K::customer, shares)) << "nor other customers";
  EXPECT_TRUE(can_see(3, K::customer, 3, K::customer, shares)) << "themselves";
  EXPECT_TRUE(can_see(2, K::agent, 3, K::customer, shares)) << "an agent sees their customer";
  EXPECT_FALSE(can_see(6, K::employee, 3, K::customer, shares)) << "others do not";
  EXPECT_TRUE(can_see(5, K::guest, 1, K::employee, shares)) << "a guest sees members of their conversations";
  EXPECT_FALSE(can_see(5, K::guest, 6, K::employee, shares)) << "only those";
  EXPECT_FALSE(can_see(6, K::employee, 5, K::guest, shares));
}

class FakeDirectory final : public Directory {
 public:
  std::map<std::int64_t, UserKind> known;
  std::map<std::int64_t, std::set<std::int64_t>> members;  // conversation -> users
  int contact_queries = 0;
  int kind_queries = 0;  // reads of one kind or of a batch
  std::optional<UserKind> kind(std::int64_t id) override {
    ++kind_queries;
    auto it = known.find(id);
    if (it == known.end()) return std::nullopt;
    return it->second;
  }
  std::unordered_map<std::int64_t, UserKind> kinds(const std::vector<std::int64_t>& ids) override {
    ++kind_queries;
    std::unordered_map<std::int64_t, UserKind> out;
    for (auto id : ids)
      if (auto it = known.find(id); it != known.end()) out.emplace(id, it->second);
    return out;
  }
  std::vector<std::int64_t> contacts(std::int64_t id) override {
    ++contact_queries;
    std::set<std::int64_t> out;
    for (const auto& [c, users] : members)
      if (users.count(id))
        for (auto u : users)
          if (u != id) out.insert(u);
    return {out.begin(), out.end()};
  }
};

struct Sent {
  std::map<std::int64_t, std::vector<std::string>> frames;
  std::map<std::int64_t, std::set<std::int64_t>> seen(std::int64_t viewer) const {
    std::map<std::int64_t, std::set<std::int64_t>> out;
    auto it = frames.find(viewer);
    if (it == frames.end()) return out;
    for (const auto& f : it->second) {
      auto v = boost::json::parse(f).as_object();
      EXPECT_EQ(v.at("type").as_string(), "presence");
      for (const auto& u : v.at("users").as_array()) out[viewer].insert(u.as_object().at("user_id").as_int64());
    }
    return out;
  }
};

TEST(PresenceService, SubscribersGetOneBatchPerFlushAndOnlyWhatTheyMaySee) {
  FakeDirectory dir;
  Sent sent;
  PresenceService service(dir, [&](std::uint64_t conn, const std::string& text) {
    sent.frames[static_cast<std::int64_t>(conn)].push_back(text);
  });
  dir.known = {{1, UserKind::employee}, {2, UserKind::agent}, {3, UserKind::customer}, {4, UserKind::customer}};
  dir.members[100] = {2, 3};  // a support conversation: agent 2 and customer 3
  // Connection of user N is N*10; everyone follows everyone.
  for (std::int64_t id : {1, 2, 3, 4}) {
    service.connected(person(id, dir.known[id]), static_cast<std::uint64_t>(id) * 10);
    auto now = service.subscribe(person(id, dir.known[id]), static_cast<std::uint64_t>(id) * 10, {1, 2, 3, 4, 99});
    ASSERT_TRUE(now.ok());
  }
  auto customer_now = service.subscribe(person(3, UserKind::customer), 30, {1, 2, 3, 4, 99});
  ASSERT_TRUE(customer_now.ok());
  std::set<std::int64_t> answered;
  for (const auto& v : *customer_now) answered.insert(v.user_id);
  EXPECT_EQ(answered, (std::set<std::int64_t>{2, 3})) << "the answer leaves out the invisible, without error";

  EXPECT_EQ(service.flush(), 4u) << "one envelope per subscribed connection";
  for (std::int64_t id : {10, 20, 30, 40}) EXPECT_EQ(sent.frames[id].size(), 1u);
  EXPECT_EQ(sent.seen(10)[10], (std::set<std::int64_t>{1, 2}));
  EXPECT_EQ(sent.seen(20)[20], (std::set<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(sent.seen(30)[30], (std::set<std::int64_t>{2, 3})) << "the customer sees their agent, not employee 1";
  EXPECT_EQ(sent.seen(40)[40], (std::set<std::int64_t>{4})) << "customer 4 has no conversation: only themselves";

  EXPECT_EQ(service.flush(), 0u) << "nothing changed";
  auto idle = service.set(person(1, UserKind::employee), 10, std::nullopt, std::nullopt, true);
  ASSERT_TRUE(idle.ok());
  EXPECT_EQ(idle->status, Status::away);
  sent.frames.clear();
  EXPECT_EQ(service.flush(), 2u);
  EXPECT_EQ(sent.frames.count(30), 0u) << "employee 1's presence never reaches a customer, subscribed or not";
  EXPECT_EQ(sent.frames.count(40), 0u);
}

TEST(PresenceService, OnlySubscribersHearOfAChange) {
  FakeDirectory dir;
  Sent sent;
  PresenceService service(dir, [&](std::uint64_t conn, const std::string& text) {
    sent.frames[static_cast<std::int64_t>(conn)].push_back(text);
  });
  for (std::int64_t id : {1, 2, 3}) dir.known[id] = UserKind::employee;
  service.connected(person(1, UserKind::employee), 10);
  service.connected(person(1, UserKind::employee), 11);  // a second tab of 1, following nobody
  service.connected(person(2, UserKind::employee), 20);
  ASSERT_TRUE(service.subscribe(person(1, UserKind::employee), 10, {3}).ok());
  service.flush();
  EXPECT_TRUE(sent.frames.empty()) << "1 and 2 came online, nobody follows them";
  service.connected(person(3, UserKind::employee), 30);
  EXPECT_EQ(service.flush(), 1u);
  EXPECT_EQ(sent.seen(10)[10], (std::set<std::int64_t>{3}));
  EXPECT_EQ(sent.frames.count(11), 0u) << "subscriptions are per connection";
  EXPECT_EQ(sent.frames.count(20), 0u);

  // A new subscription replaces the previous set.
  ASSERT_TRUE(service.subscribe(person(1, UserKind::employee), 10, {2}).ok());
  EXPECT_EQ(service.subscriber_count(3), 0u);
  EXPECT_EQ(service.subscriber_count(2), 1u);
  sent.frames.clear();
  service.disconnected(3, 30);
  EXPECT_EQ(service.flush(), 0u) << "no longer following 3";
  // Closing the connection drops its subscriptions.
  service.disconnected(1, 10);
  EXPECT_EQ(service.subscriber_count(2), 0u);
  service.disconnected(2, 20);
  EXPECT_EQ(service.flush(), 0u);
}

TEST(PresenceService, InvisibleSubscriptionsYieldNothing) {
  FakeDirectory dir;
  Sent sent;
  PresenceService service(dir, [&](std::uint64_t conn, const std::string& text) {
    sent.frames[static_cast<std::int64_t>(conn)].push_back(text);
  });
  dir.known = {{1, UserKind::employee}, {3, UserKind::customer}, {5, UserKind::guest}};
  service.connected(person(3, UserKind::customer), 30);
  service.connected(person(5, UserKind::guest), 50);
  auto c = service.subscribe(person(3, UserKind::customer), 30, {1});
  auto g = service.subscribe(person(5, UserKind::guest), 50, {1});
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(g.ok());
  EXPECT_TRUE(c->empty());
  EXPECT_TRUE(g->empty());
  service.connected(person(1, UserKind::employee), 10);
  EXPECT_EQ(service.flush(), 0u);
  EXPECT_TRUE(sent.frames.empty());
  // Visibility is checked at each flush: the guest joins a conversation with 1 and then hears of them.
  dir.members[7] = {1, 5};
  auto idle = service.set(person(1, UserKind::employee), 10, std::nullopt, std::nullopt, true);
  ASSERT_TRUE(idle.ok());
  EXPECT_EQ(service.flush(), 1u);
  EXPECT_EQ(sent.seen(50)[50], (std::set<std::int64_t>{1}));
  EXPECT_EQ(sent.frames.count(30), 0u) << "a customer never sees an employee";
}

TEST(PresenceService, RefusesTooManySubscriptions) {
  FakeDirectory dir;
  PresenceService service(dir, [](std::uint64_t, const std::string&) {});
  std::vector<std::int64_t> many;
  for (std::int64_t id = 1; id <= 501; ++id) many.push_back(id);
  auto refused = service.subscribe(person(1, UserKind::employee), 10, many);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(refused.error().message, "at most 500 user_ids per presence.subscribe");
  many.pop_back();
  many.push_back(1);  // duplicates count once
  EXPECT_TRUE(service.subscribe(person(1, UserKind::employee), 10, many).ok());
  EXPECT_EQ(service.subscriber_count(500), 1u);
  EXPECT_FALSE(service.subscribe(person(1, UserKind::employee), 10, {0}).ok());
}

TEST(PresenceService, ThousandConnectsWithoutSubscribersCostNothing) {
  FakeDirectory dir;
  std::size_t frames = 0;
  PresenceService service(dir, [&](std::uint64_t, const std::string&) { ++frames; });
  for (std::int64_t id = 1; id <= 1000; ++id) {
    dir.known[id] = UserKind::employee;
    service.connected(person(id, UserKind::employee), static_cast<std::uint64_t>(id));
  }
  EXPECT_EQ(service.flush(), 0u);
  EXPECT_EQ(frames, 0u) << "nobody subscribed: zero envelopes";
  EXPECT_EQ(dir.contact_queries, 0);
  EXPECT_EQ(dir.kind_queries, 0) << "no directory reads either";

  // Now every one of them follows 10 colleagues: a burst of 1,000 changes costs ~10,000
  // deliveries batched into one envelope per connection, not 1,000 x 1,000.
  for (std::int64_t id = 1; id <= 1000; ++id) {
    std::vector<std::int64_t> follows;
    for (std::int64_t k = 1; k <= 10; ++k) follows.push_back((id + k - 1) % 1000 + 1);
    ASSERT_TRUE(service.subscribe(person(id, UserKind::employee), static_cast<std::uint64_t>(id), follows).ok());
  }
  for (std::int64_t id = 1; id <= 1000; ++id)
    ASSERT_TRUE(
        service
            .set(person(id, UserKind::employee), static_cast<std::uint64_t>(id), Mode::away, std::nullopt, std::nullopt)
            .ok());
  EXPECT_EQ(service.flush(), 1000u);
  EXPECT_EQ(frames, 1000u);
  EXPECT_EQ(dir.contact_queries, 0) << "staff watching staff reads no membership";
}

TEST(PresenceService, SubscribingToManyOfflinePeopleReadsTheirKindsOnce) {
  FakeDirectory dir;
  PresenceService service(dir, [](std::uint64_t, const std::string&) {});
  std::vector<std::int64_t> follows;
  for (std::int64_t id = 2; id <= 401; ++id) {
    dir.known[id] = UserKind::employee;
    follows.push_back(id);
  }
  follows.push_back(999);  // no such person: left out
  auto views = service.subscribe(person(1, UserKind::employee), 10, follows);
  ASSERT_TRUE(views.ok());
  EXPECT_EQ(views->size(), 400u);
  EXPECT_EQ(dir.kind_queries, 1) << "one batch, not one read per id";
}

TEST(PresenceService, RestVisibilityLeavesOutWhatTheViewerMayNotSee) {
  FakeDirectory dir;
  PresenceService service(dir, [](std::uint64_t, const std::string&) {});
  dir.known = {{1, UserKind::employee}, {2, UserKind::agent}, {3, UserKind::customer}};
  dir.members[100] = {2, 3};
  service.connected(person(1, UserKind::employee), 10);
  service.connected(person(2, UserKind::agent), 20);
  auto for_customer = service.visible(person(3, UserKind::customer), {1, 2, 3, 99});
  ASSERT_EQ(for_customer.size(), 2u);
  EXPECT_EQ(for_customer[0].user_id, 2);
  EXPECT_EQ(for_customer[0].status, Status::online);
  EXPECT_EQ(for_customer[1].user_id, 3);
  EXPECT_EQ(for_customer[1].status, Status::offline);
  auto for_employee = service.visible(person(1, UserKind::employee), {1, 2, 3});
  ASSERT_EQ(for_employee.size(), 2u) << "employee 1 shares no conversation with customer 3";
}

TEST(PresenceService, RefusesBadStatusText) {
  FakeDirectory dir;
  PresenceService service(dir, [](std::uint64_t, const std::string&) {});
  service.connected(person(1, UserKind::employee), 10);
  EXPECT_FALSE(service.set(person(1, UserKind::employee), 10, std::nullopt, std::string(101, 'x'), std::nullopt).ok());
  EXPECT_FALSE(service.set(person(1, UserKind::employee), 10, std::nullopt, std::string("a\nb"), std::nullopt).ok());
  auto ok = service.set(person(1, UserKind::employee), 10, Mode::dnd, std::string("Focus time"), std::nullopt);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->status, Status::dnd);
  EXPECT_EQ(ok->status_text, "Focus time");
}

TEST(PresenceService, BackgroundThreadFlushesAndStops) {
  FakeDirectory dir;
  std::atomic<int> frames{0};
  PresenceService service(
      dir, [&](std::uint64_t, const std::string&) { ++frames; }, PresenceOptions{std::chrono::milliseconds(20)});
  dir.known[1] = UserKind::employee;
  service.start();
  service.connected(person(1, UserKind::employee), 10);
  ASSERT_TRUE(service.subscribe(person(1, UserKind::employee), 10, {1}).ok());
  for (int i = 0; i < 100 && frames.load() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(frames.load(), 1);
  service.stop();
}

}  // namespace
}  // namespace meridian::presence
