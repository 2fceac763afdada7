#include "privacy/erasure_service.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <set>

#include "ai/ai_personal_data.hpp"
#include "alerts/alerts_personal_data.hpp"
#include "audit/audit_personal_data.hpp"
#include "availability/availability_personal_data.hpp"
#include "chat/chat_personal_data.hpp"
#include "files/files_personal_data.hpp"
#include "identity/identity_personal_data.hpp"
#include "meetings/meetings_personal_data.hpp"
#include "remote_support/remote_support_personal_data.hpp"
#include "retention/retention_personal_data.hpp"
#include "storage/testing/test_database.hpp"
#include "testing/chat_test.hpp"
#include "testing/people.hpp"
#include "testing/temp_disk_store.hpp"

namespace meridian::privacy {
namespace {

// A column that names a person by account id. New tables follow these names (docs/style.md).
bool person_column(const std::string& column) {
  static const std::regex kNames(
      "(.*_)?user_id|author_id|owner_id|owner_user_id|created_by|updated_by|customer_id|assignee_id|host_id|"
      "sender_id|actor_id|actor_user_id|started_by|stopped_by|replaced_by|locked_by|grantee_id|requested_by|"
      "erased_by|uploaded_by|email|display_name");
  return std::regex_match(column, kNames);
}

class ErasureServiceTest : public testing::ChatTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ChatTest::SetUp());
    files_ = std::make_unique<files::FilesService>(*db_, *store_, clock_);
    ports_.push_back(std::make_unique<chat::ChatPersonalData>(*db_, clock_));
    ports_.push_back(std::make_unique<files::FilesPersonalData>(*db_, clock_, *files_));
    ports_.push_back(std::make_unique<meetings::MeetingsPersonalData>(*db_));
    ports_.push_back(std::make_unique<alerts::AlertsPersonalData>(*db_));
    ports_.push_back(std::make_unique<retention::RetentionPersonalData>(*db_));
    ports_.push_back(std::make_unique<ai::AiPersonalData>(*db_));
    ports_.push_back(std::make_unique<remote_support::RemoteSupportPersonalData>(*db_));
    ports_.push_back(std::make_unique<availability::AvailabilityPersonalData>(*db_));
    ports_.push_back(std::make_unique<audit::AuditPersonalData>(*db_));
    ports_.push_back(std::make_unique<identity::IdentityPersonalData>(*db_, clock_));
    std::vector<platform::PersonalDataPort*> ports;
    for (auto& p : ports_) ports.push_back(p.get());
    ErasureHooks hooks;
    hooks.is_active_admin = [this](std::int64_t id) -> Result<bool> {
      MERIDIAN_ASSIGN_OR_RETURN(auto u, identity_->user(id));
      return u.active && std::find(u.roles.begin(), u.roles.end(), Role::admin) != u.roles.end();
    };
    hooks.disconnect = [this](std::int64_t id) -> std::int64_t {
      disconnected_.push_back(id);
      return 0;
    };
    erasures_ = std::make_unique<ErasureService>(*db_, policy_, clock_, *audit_, ports, hooks);
    ana_ = person("zelda.quintessa");
    ben_ = person("ben");
  }

  // Every (table, column) of the live schema.
  std::vector<std::pair<std::string, std::string>> columns() {
    const bool pg = db_->dialect() == storage::Dialect::postgres;
    std::vector<std::pair<std::string, std::string>> out;
    auto r = db_->read([&](storage::Session& s) -> Result<void> {
      if (pg) {
        MERIDIAN_ASSIGN_OR_RETURN(auto rows, s.query("SELECT table_name, column_name FROM information_schema.columns "
                                                     "WHERE table_schema = current_schema() ORDER BY 1, 2"));
        for (const auto& r : rows) out.emplace_back(r.text(0), r.text(1));
        return {};
      }
      MERIDIAN_ASSIGN_OR_RETURN(
          auto tables, s.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                               "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY 1"));
      for (const auto& t : tables) {
        MERIDIAN_ASSIGN_OR_RETURN(auto cols, s.query("SELECT name FROM pragma_table_info(?)", {t.text(0)}));
        for (const auto& c : cols) out.emplace_back(t.text(0), c.text(0));
      }
      return {};
    });
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return out;
  }

  // Every text cell of every table, for looking for a person's name and address.
  std::vector<std::string> every_text_cell() {
    std::set<std::string> tables;
    for (const auto& [t, c] : columns()) tables.insert(t);
    std::vector<std::string> out;
    for (const auto& t : tables) {
      if (t == "schema_migrations") continue;
      for (auto& line : rows("SELECT * FROM " + t)) out.push_back(t + ": " + line);
    }
    return out;
  }

  std::int64_t upload(const files::Caller& who, std::int64_t space, const std::string& name, const std::string& bytes) {
    auto ticket = files_->begin_upload(who, space, 0, name, static_cast<std::int64_t>(bytes.size()));
    EXPECT_TRUE(ticket.ok()) << (ticket.ok() ? "" : ticket.error().message);
    auto writer = store_->put(ticket->object_key);
    EXPECT_TRUE((*writer)->write(bytes).ok());
    auto info = (*writer)->commit();
    auto node = files_->complete_upload(who, *ticket, *info, "text/plain");
    EXPECT_TRUE(node.ok()) << (node.ok() ? "" : node.error().message);
    return node.ok() ? node->id : 0;
  }

  static std::int64_t count_in(const Erasure& e, const std::string& name, const std::string& action) {
    for (const auto& l : e.receipt.stores)
      if (l.name == name && l.action == action) return l.count;
    return -1;
  }

  testing::TempDiskStore store_{"meridian-privacy"};
  std::unique_ptr<files::FilesService> files_;
  std::vector<std::unique_ptr<platform::PersonalDataPort>> ports_;
  std::unique_ptr<ErasureService> erasures_;
  std::vector<std::int64_t> disconnected_;
  Subject ana_, ben_;
};

// Export completeness: a new table with a person column fails here until some module's
// port answers for it (lists it in PersonalDataParts::tables).
TEST_P(ErasureServiceTest, EveryTableWithAPersonColumnIsCoveredByAPort) {
  const auto covered = erasures_->tables();
  std::set<std::string> missing;
  std::size_t person_tables = 0;
  std::set<std::string> seen;
  for (const auto& [table, column] : columns()) {
    if (!person_column(column)) continue;
    if (seen.insert(table).second) ++person_tables;
    if (std::find(covered.begin(), covered.end(), table) == covered.end()) missing.insert(table + "." + column);
  }
  EXPECT_GT(person_tables, 30u);  // the enumeration found the schema
  for (const auto& m : missing) ADD_FAILURE() << "no personal data port answers for " << m;
}

TEST_P(ErasureServiceTest, ErasureRemovesThePersonFromEveryTableAndKeepsTheReceipt) {
  auto group = chat_->create_conversation(ana_, {chat::ConversationKind::group, "Launch", "", {}, {ben_.user_id}});
  ASSERT_TRUE(group.ok()) << group.error().message;
  const auto c = group->conversation.id;
  ASSERT_TRUE(chat_->post(ana_, c, "my plan for the launch", "a1").ok());
  ASSERT_TRUE(chat_->post(ben_, c, "ask @zelda.quintessa or mail zelda.quintessa@example.test", "b1").ok());
  ASSERT_TRUE(chat_->post(ben_, c, "a banana for zelda.quintessafan", "b2").ok());
  auto anas = testing::caller_of(ana_, "192.0.2.7");
  auto spaces = files_->list_spaces(ana_);
  ASSERT_TRUE(spaces.ok());
  const auto space = spaces->front().id;
  upload(anas, space, "cv.txt", "version one");
  upload(anas, space, "cv.txt", "version two");
  auto request = erasures_->request(ana_, "192.0.2.7");
  ASSERT_TRUE(request.ok()) << request.error().message;
  EXPECT_EQ(request->state, ErasureState::requested);
  auto again = erasures_->request(ana_, "192.0.2.7");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id, request->id);  // one open request

  clock_.advance_ms(1000);
  auto e = erasures_->erase(admin_, ana_.user_id, "192.0.2.1");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->id, request->id);  // the request is fulfilled
  EXPECT_EQ(e->state, ErasureState::done) << e->receipt.error;
  EXPECT_EQ(count_in(*e, "chat.messages", "erased"), 1);
  EXPECT_EQ(count_in(*e, "chat.messages_naming_them", "pseudonymised"), 1);
  EXPECT_EQ(count_in(*e, "files.files", "erased"), 1);
  EXPECT_EQ(count_in(*e, "files.versions", "erased"), 2);
  EXPECT_EQ(count_in(*e, "identity.users", "pseudonymised"), 1);
  EXPECT_GT(count_in(*e, "storage.deleted_content", "scrubbed"), 0);
  for (const auto& why : e->receipt.held) EXPECT_EQ(why.find("legal hold"), std::string::npos) << why;
  EXPECT_EQ(disconnected_, std::vector<std::int64_t>{ana_.user_id});
  std::set<std::string> modules;
  for (const auto& l : e->receipt.stores) modules.insert(l.module);
  for (const char* m : {"chat", "files", "meetings", "alerts", "audit", "identity", "presence", "storage"})
    EXPECT_TRUE(modules.contains(m)) << m;

  for (const auto& cell : every_text_cell()) {
    EXPECT_EQ(cell.find("zelda.quintessa@"), std::string::npos) << cell;
    EXPECT_EQ(cell.find("@zelda.quintessa "), std::string::npos) << cell;
  }
  EXPECT_EQ(rows("SELECT text FROM messages WHERE author_id = ? ORDER BY id", {ben_.user_id}),
            (std::vector<std::string>{"ask @erased-" + std::to_string(ana_.user_id) + " or mail erased-" +
                                          std::to_string(ana_.user_id) + "@erased.invalid|",
                                      "a banana for zelda.quintessafan|"}));
  auto objects = store_->list("");
  ASSERT_TRUE(objects.ok());
  EXPECT_TRUE(objects->empty());

  // Readable later, audited; the person can no longer act.
  auto read = erasures_->get(admin_, e->id);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->receipt.stores.size(), e->receipt.stores.size());
  EXPECT_EQ(rows("SELECT outcome FROM audit_log WHERE action = 'privacy.erase'"), std::vector<std::string>{"ok|"});
  EXPECT_FALSE(identity_->login("zelda.quintessa@example.test", "a good password", "").ok());
}

TEST_P(ErasureServiceTest, OnlyAdministratorsEraseAndTheLastWordIsARefusal) {
  auto by_ben = erasures_->erase(ben_, ana_.user_id, "");
  ASSERT_FALSE(by_ben.ok());
  EXPECT_EQ(by_ben.error().code, ErrorCode::forbidden);
  auto unknown = erasures_->erase(admin_, 999999, "");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::not_found);
  auto other_admin = person("root2", UserKind::employee, std::vector<Role>{Role::admin});
  auto admin = erasures_->erase(admin_, other_admin.user_id, "");
  ASSERT_FALSE(admin.ok());
  EXPECT_EQ(admin.error().code, ErrorCode::conflict);
  auto read = erasures_->get(ben_, 1);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, ErrorCode::forbidden);
  EXPECT_EQ(rows("SELECT COUNT(*) FROM privacy_erasures"), std::vector<std::string>{"0|"});
}

TEST_P(ErasureServiceTest, ALegalHoldKeepsWhatItHoldsAndTheReceiptSaysSo) {
  auto group = chat_->create_conversation(ana_, {chat::ConversationKind::group, "Case", "", {}, {ben_.user_id}});
  ASSERT_TRUE(group.ok());
  ASSERT_TRUE(chat_->post(ana_, group->conversation.id, "the contract is signed", "a1").ok());
  auto spaces = files_->list_spaces(ana_);
  auto anas = testing::caller_of(ana_, "192.0.2.7");
  upload(anas, spaces->front().id, "contract.txt", "signed");
  ASSERT_TRUE(db_->write([&](storage::Session& s) {
                   return storage::exec(s,
                                        "INSERT INTO legal_holds (scope, kind, target_id, reason, created_by, "
                                        "created_at) VALUES (?, 'user', ?, 'case 17', ?, 0)",
                                        {"user:" + std::to_string(ana_.user_id), ana_.user_id, admin_.user_id});
                 })
                  .ok());
  auto e = erasures_->erase(admin_, ana_.user_id, "");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->state, ErasureState::done);
  EXPECT_EQ(count_in(*e, "chat.messages", "kept"), 1);
  EXPECT_EQ(count_in(*e, "files.files", "kept"), 1);
  const std::string hold = "legal hold 'user:" + std::to_string(ana_.user_id) + "': case 17";
  EXPECT_NE(std::find(e->receipt.held.begin(), e->receipt.held.end(), hold), e->receipt.held.end());
  EXPECT_EQ(rows("SELECT text FROM messages WHERE author_id = ?", {ana_.user_id}),
            std::vector<std::string>{"the contract is signed|"});
}

INSTANTIATE_TEST_SUITE_P(Stores, ErasureServiceTest, ::testing::ValuesIn(storage::testing::test_database_kinds()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace meridian::privacy
