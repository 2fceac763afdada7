#include "privacy/erasure_service.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <regex>
#include <set>

#include "ai/ai_personal_data.hpp"
#include "ai/chat_source.hpp"
#include "alerts/alerts_personal_data.hpp"
#include "audit/audit_personal_data.hpp"
#include "availability/availability_personal_data.hpp"
#include "chat/chat_personal_data.hpp"
#include "files/files_personal_data.hpp"
#include "identity/identity_personal_data.hpp"
#include "meetings/meetings_personal_data.hpp"
#include "privacy/consent_service.hpp"
#include "privacy/export_service.hpp"
#include "privacy/restriction_service.hpp"
#include "privacy/zip_writer.hpp"
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
    ports_.push_back(std::make_unique<ConsentPersonalData>(*db_));
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
    ExportHooks export_hooks;
    export_hooks.archive_prefix = [this](std::int64_t id) -> Result<std::string> {
      MERIDIAN_ASSIGN_OR_RETURN(auto u, identity_->user(id));
      return files::region_prefix(u.region);
    };
    export_hooks.queued = [this] { ++queued_; };
    exports_ = std::make_unique<ExportService>(*db_, policy_, clock_, *audit_, ports, *store_, links_, export_hooks);
    hooks.erase_exports = [this](std::int64_t id) { return exports_->erase_of(id); };
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
  files::DownloadTokens links_{clock_, "privacy test links"};
  std::unique_ptr<ExportService> exports_;
  int queued_ = 0;
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

// Runs `command` and answers what it wrote (the archive checks use unzip, the real tool).
std::string run(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) return out;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, p)) > 0;) out.append(buffer, n);
  EXPECT_EQ(::pclose(p), 0) << command;
  return out;
}

TEST_P(ErasureServiceTest, ExportArchiveHoldsEveryModuleAndTheOriginalsAndIsDownloadedOnce) {
  auto group = chat_->create_conversation(ana_, {chat::ConversationKind::group, "Launch", "", {}, {ben_.user_id}});
  ASSERT_TRUE(group.ok());
  ASSERT_TRUE(chat_->post(ana_, group->conversation.id, "my plan for the launch", "a1").ok());
  auto anas = testing::caller_of(ana_, "192.0.2.7");
  auto spaces = files_->list_spaces(ana_);
  ASSERT_TRUE(spaces.ok());
  upload(anas, spaces->front().id, "cv.txt", "version one");
  upload(anas, spaces->front().id, "cv.txt", "version two");

  // Refusals first: another person neither asks for nor sees Ana's export.
  auto by_ben = exports_->request(ben_, ana_.user_id, "");
  ASSERT_FALSE(by_ben.ok());
  EXPECT_EQ(by_ben.error().code, ErrorCode::forbidden);
  auto unknown = exports_->request(admin_, 999999, "");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::not_found);

  auto e = exports_->request(ana_, ana_.user_id, "192.0.2.7");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->state, ExportState::queued);
  EXPECT_EQ(exports_->request(ana_, ana_.user_id, "")->id, e->id);  // one at a time
  EXPECT_EQ(queued_, 2);
  auto seen_by_ben = exports_->get(ben_, e->id);
  ASSERT_FALSE(seen_by_ben.ok());
  EXPECT_EQ(seen_by_ben.error().code, ErrorCode::not_found);
  EXPECT_FALSE(exports_->download_url(ana_, *e));  // not ready yet

  auto built = exports_->build_next();
  ASSERT_TRUE(built.ok()) << built.error().message;
  EXPECT_TRUE(*built);
  EXPECT_FALSE(*exports_->build_next());  // nothing more to do
  auto ready = exports_->get(ana_, e->id);
  ASSERT_TRUE(ready.ok());
  ASSERT_EQ(ready->state, ExportState::ready) << ready->error;
  EXPECT_EQ(ready->parts_done, ready->parts_total);
  EXPECT_EQ(ready->parts_total, static_cast<std::int64_t>(ports_.size()) + 2 + 1);  // ports, 2 versions, start
  EXPECT_FALSE(exports_->download_url(ben_, *ready));
  auto url = exports_->download_url(ana_, *ready);
  ASSERT_TRUE(url);
  const std::string token = url->substr(url->find("token=") + 6);

  auto forged = exports_->download(e->id, token + "x", "");
  ASSERT_FALSE(forged.ok());
  EXPECT_EQ(forged.error().code, ErrorCode::unauthenticated);
  auto d = exports_->download(e->id, token, "192.0.2.7");
  ASSERT_TRUE(d.ok()) << d.error().message;
  auto bytes = objectstore::read_all(*d->source);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(static_cast<std::int64_t>(bytes->size()), ready->bytes);
  auto again = exports_->download(e->id, token, "");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::conflict);

  const auto zip = store_.root() / ("export-" + std::to_string(e->id) + ".zip");
  {
    std::ofstream out(zip, std::ios::binary);
    out << *bytes;
  }
  run("unzip -tq " + zip.string());  // CRCs and sizes as unzip reads them
  const auto names = run("unzip -Z1 " + zip.string());
  for (const char* m : {"chat.json", "files.json", "meetings.json", "alerts.json", "retention.json", "ai.json",
                        "remote_support.json", "availability.json", "audit.json", "identity.json", "manifest.json"})
    EXPECT_NE(names.find(m), std::string::npos) << m << " in " << names;
  EXPECT_NE(run("unzip -p " + zip.string() + " chat.json").find("my plan for the launch"), std::string::npos);
  EXPECT_NE(run("unzip -p " + zip.string() + " identity.json").find("zelda.quintessa@example.test"), std::string::npos);
  std::vector<std::string> originals;
  std::istringstream lines(names);
  for (std::string line; std::getline(lines, line);)
    if (line.starts_with("files/")) originals.push_back(run("unzip -p " + zip.string() + " '" + line + "'"));
  std::sort(originals.begin(), originals.end());
  EXPECT_EQ(originals, (std::vector<std::string>{"version one", "version two"}));
  EXPECT_EQ(rows("SELECT action FROM audit_log WHERE action LIKE 'privacy.export%' ORDER BY id"),
            (std::vector<std::string>{"privacy.export.request|", "privacy.export.download|"}));
}

TEST_P(ErasureServiceTest, ExportArchivesExpireAndGoWithAnErasure) {
  auto first = exports_->request(admin_, ana_.user_id, "");  // an administrator for Ana
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_TRUE(*exports_->build_next());
  EXPECT_EQ(exports_->get(ana_, first->id)->state, ExportState::ready);
  EXPECT_EQ(store_->list("")->size(), 1u);
  clock_.advance_ms(ExportOptions{}.keep_ms);
  auto swept = exports_->sweep();
  ASSERT_TRUE(swept.ok()) << swept.error().message;
  EXPECT_EQ(*swept, 1);
  EXPECT_EQ(exports_->get(ana_, first->id)->state, ExportState::expired);
  EXPECT_TRUE(store_->list("")->empty());

  auto second = exports_->request(ana_, ana_.user_id, "");
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(*exports_->build_next());
  EXPECT_EQ(store_->list("")->size(), 1u);
  auto e = erasures_->erase(admin_, ana_.user_id, "");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(count_in(*e, "privacy.exports", "erased"), 2);
  EXPECT_TRUE(store_->list("")->empty());
  EXPECT_EQ(rows("SELECT COUNT(*) FROM privacy_exports"), std::vector<std::string>{"0|"});
}

TEST_P(ErasureServiceTest, AnExportLinkExpiresAndAnArchivePastItsTimeIsRefused) {
  auto e = exports_->request(ana_, ana_.user_id, "");
  ASSERT_TRUE(e.ok()) << e.error().message;
  ASSERT_TRUE(*exports_->build_next());
  auto ready = exports_->get(ana_, e->id);
  ASSERT_TRUE(ready.ok());
  auto url = exports_->download_url(ana_, *ready);
  ASSERT_TRUE(url);
  const std::string stale_token = url->substr(url->find("token=") + 6);
  clock_.advance_ms(links_.ttl_ms() + 1);
  auto late = exports_->download(e->id, stale_token, "");
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, ErrorCode::unauthenticated);  // the link is short-lived

  // A fresh link for an export past its keeping time is refused too, and nothing is audited.
  clock_.advance_ms(ExportOptions{}.keep_ms);
  EXPECT_FALSE(exports_->download_url(ana_, *ready));                  // no link is offered any more
  EXPECT_EQ(exports_->get(ana_, e->id)->state, ExportState::expired);  // before the sweep too
  auto expired = exports_->download(e->id, links_.issue(ana_.user_id, e->id, 0).token, "");
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code, ErrorCode::conflict);
  EXPECT_NE(expired.error().message.find("expired"), std::string::npos) << expired.error().message;
  EXPECT_EQ(rows("SELECT COUNT(*) FROM audit_log WHERE action = 'privacy.export.download'"),
            std::vector<std::string>{"0|"});
  // An admin's link is not another export's.
  auto other = exports_->request(ben_, ben_.user_id, "");
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(*exports_->build_next());
  auto bens = exports_->download_url(ben_, *exports_->get(ben_, other->id));
  ASSERT_TRUE(bens);
  auto crossed = exports_->download(e->id, bens->substr(bens->find("token=") + 6), "");
  ASSERT_FALSE(crossed.ok());
  EXPECT_EQ(crossed.error().code, ErrorCode::forbidden);
}

TEST_P(ErasureServiceTest, ACustomerNeitherAsksForNorSeesAStaffMembersExport) {
  auto cleo = person("cleo", UserKind::customer);
  auto staff = exports_->request(ana_, ana_.user_id, "");
  ASSERT_TRUE(staff.ok());
  auto asked = exports_->request(cleo, ana_.user_id, "");
  ASSERT_FALSE(asked.ok());
  EXPECT_EQ(asked.error().code, ErrorCode::forbidden);
  auto seen = exports_->get(cleo, staff->id);
  ASSERT_FALSE(seen.ok());
  EXPECT_EQ(seen.error().code, ErrorCode::not_found);
  auto all = exports_->list(cleo, std::nullopt, 20);
  ASSERT_FALSE(all.ok());
  EXPECT_EQ(all.error().code, ErrorCode::forbidden);
  // Her own is hers to ask for.
  auto own = exports_->request(cleo, cleo.user_id, "");
  ASSERT_TRUE(own.ok()) << own.error().message;
  EXPECT_EQ(own->user_id, cleo.user_id);
}

TEST_P(ErasureServiceTest, OneBuilderHoldsAnExportUntilItsLeaseRunsOut) {
  auto e = exports_->request(ana_, ana_.user_id, "");
  ASSERT_TRUE(e.ok());
  ExportRepository repo;
  const UnixMillis lease = ExportOptions{}.lease_ms;
  auto claim = [&](const std::string& node) {
    auto c = storage::write_value<std::optional<Export>>(
        *db_, [&](storage::Session& s) { return repo.claim(s, node, clock_.now_ms(), clock_.now_ms() + lease); });
    EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
    return c.ok() ? *c : std::optional<Export>{};
  };
  auto progress = [&](const std::string& node) {
    auto p = storage::write_value<bool>(
        *db_, [&](storage::Session& s) { return repo.progress(s, e->id, node, 1, 3, 10, clock_.now_ms() + lease); });
    EXPECT_TRUE(p.ok());
    return p.ok() && *p;
  };
  auto first = claim("node-a");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->id, e->id);
  EXPECT_FALSE(claim("node-b"));  // node-a holds it
  clock_.advance_ms(lease - 1);
  EXPECT_TRUE(progress("node-a"));  // renewing the lease
  clock_.advance_ms(lease - 1);
  EXPECT_FALSE(claim("node-b"));
  clock_.advance_ms(2);  // node-a stopped renewing: node-b takes over from the start
  auto second = claim("node-b");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->id, e->id);
  EXPECT_EQ(second->parts_done, 0);
  EXPECT_FALSE(progress("node-a"));  // no longer node-a's to build
  EXPECT_TRUE(progress("node-b"));
}

TEST_P(ErasureServiceTest, ConsentIsRecordedWithItsTextVersionWithdrawableAndErasedWithThePerson) {
  ConsentService consents(*db_, policy_, clock_, *audit_);
  const std::string version(consent_purposes()[1].version);
  auto unknown = consents.set(ana_, "marketing", version, true, "");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::invalid_argument);
  auto outdated = consents.set(ana_, "ai_processing", "2020-01-01", true, "");
  ASSERT_FALSE(outdated.ok());
  EXPECT_EQ(outdated.error().code, ErrorCode::conflict);
  EXPECT_FALSE(*consents.granted(ana_.user_id, "ai_processing"));  // never asked: not granted

  auto yes = consents.set(ana_, "ai_processing", version, true, "192.0.2.7");
  ASSERT_TRUE(yes.ok()) << yes.error().message;
  EXPECT_TRUE(yes->granted_now());
  EXPECT_TRUE(*consents.granted(ana_.user_id, "ai_processing"));
  EXPECT_FALSE(*consents.granted(ben_.user_id, "ai_processing"));  // hers, not his
  clock_.advance_ms(1000);
  ASSERT_TRUE(consents.set(ana_, "ai_processing", "", false, "").ok());  // withdrawn
  EXPECT_FALSE(*consents.granted(ana_.user_id, "ai_processing"));
  auto history = consents.history(ana_, ana_.user_id);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);  // both answers kept, with their times
  EXPECT_TRUE((*history)[0].granted);
  EXPECT_FALSE((*history)[1].granted);
  EXPECT_EQ((*history)[1].at - (*history)[0].at, 1000);

  // Others do not read her answers; an administrator does.
  auto by_ben = consents.states(ben_, ana_.user_id);
  ASSERT_FALSE(by_ben.ok());
  EXPECT_EQ(by_ben.error().code, ErrorCode::forbidden);
  EXPECT_TRUE(consents.states(admin_, ana_.user_id).ok());
  EXPECT_EQ(rows("SELECT action FROM audit_log WHERE action LIKE 'privacy.consent%' ORDER BY id"),
            (std::vector<std::string>{"privacy.consent.grant|", "privacy.consent.withdraw|"}));

  // Her export carries them; her erasure deletes them.
  ConsentPersonalData port(*db_);
  auto exported = port.export_personal_data(ana_.user_id);
  ASSERT_TRUE(exported.ok());
  EXPECT_NE(exported->json.find("ai_processing"), std::string::npos);
  auto e = erasures_->erase(admin_, ana_.user_id, "");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(count_in(*e, "privacy.consents", "erased"), 2);
  EXPECT_EQ(rows("SELECT COUNT(*) FROM privacy_consents"), std::vector<std::string>{"0|"});
}

// Files a person uploaded outside their own space (a team's space, a conversation's for
// chat attachments) are theirs too: their own versions go in their export, not the
// versions others uploaded of the same file; the other person's export holds theirs.
TEST_P(ErasureServiceTest, ExportCarriesTheVersionsAPersonUploadedIntoOtherSpacesAndOnlyThose) {
  auto team = identity_->create_team(audit::Actor::from(admin_, ""), "Launch crew", std::nullopt);
  ASSERT_TRUE(team.ok()) << team.error().message;
  for (auto* who : {&ana_, &ben_})
    ASSERT_TRUE(identity_->add_team_member(audit::Actor::from(admin_, ""), team->id, who->user_id).ok());
  auto anas = testing::caller_of(ana_, "192.0.2.7");
  auto bens = testing::caller_of(ben_, "192.0.2.8");
  files::NewSpace ns;
  ns.kind = files::SpaceKind::team;
  ns.name = "Launch files";
  ns.team_id = team->id;
  auto space = files_->create_space(anas, ns);
  ASSERT_TRUE(space.ok()) << space.error().message;
  auto personal = files_->list_spaces(ana_);
  ASSERT_TRUE(personal.ok());
  upload(anas, personal->front().id, "cv.txt", "ana's cv");
  upload(bens, space->id, "plan.txt", "ben's first plan");
  upload(anas, space->id, "plan.txt", "ana's second plan");  // her version of his file
  upload(anas, space->id, "budget.txt", "ana's budget");

  const auto originals_of = [&](const Subject& who) {
    auto e = exports_->request(who, who.user_id, "");
    EXPECT_TRUE(e.ok());
    EXPECT_TRUE(*exports_->build_next());
    auto url = exports_->download_url(who, *exports_->get(who, e->id));
    EXPECT_TRUE(url);
    auto d = exports_->download(e->id, url->substr(url->find("token=") + 6), "");
    EXPECT_TRUE(d.ok()) << d.error().message;
    const auto zip = store_.root() / ("export-" + std::to_string(e->id) + ".zip");
    {
      std::ofstream out(zip, std::ios::binary);
      out << *objectstore::read_all(*d->source);
    }
    std::vector<std::string> originals;
    std::istringstream lines(run("unzip -Z1 " + zip.string()));
    for (std::string line; std::getline(lines, line);)
      if (line.starts_with("files/")) originals.push_back(run("unzip -p " + zip.string() + " '" + line + "'"));
    std::sort(originals.begin(), originals.end());
    return std::make_pair(originals, run("unzip -p " + zip.string() + " files.json"));
  };
  const auto [hers, her_json] = originals_of(ana_);
  EXPECT_EQ(hers, (std::vector<std::string>{"ana's budget", "ana's cv", "ana's second plan"}));
  // The metadata says where each one is: the team's space, the version that is hers.
  EXPECT_NE(her_json.find("\"uploaded_elsewhere\""), std::string::npos) << her_json;
  EXPECT_NE(her_json.find("\"space_kind\":\"team\""), std::string::npos) << her_json;
  EXPECT_NE(her_json.find("\"version\":2"), std::string::npos) << her_json;
  const auto [his, his_json] = originals_of(ben_);
  EXPECT_EQ(his, (std::vector<std::string>{"ben's first plan"}));
  EXPECT_EQ(his_json.find("budget.txt"), std::string::npos) << his_json;
}

// An administrator checking a person's export takes their own copy: the person's one
// download is still theirs, and each side downloads once.
TEST_P(ErasureServiceTest, AnAdministratorsDownloadDoesNotUseUpThePersonsOwn) {
  auto e = exports_->request(admin_, ana_.user_id, "");  // asked for on her behalf
  ASSERT_TRUE(e.ok()) << e.error().message;
  ASSERT_TRUE(*exports_->build_next());
  auto ready = exports_->get(admin_, e->id);
  ASSERT_TRUE(ready.ok());
  EXPECT_FALSE(exports_->download_url(ben_, *ready));  // neither hers nor an administrator
  auto admins = exports_->download_url(admin_, *ready);
  ASSERT_TRUE(admins);
  auto copy = exports_->download(e->id, admins->substr(admins->find("token=") + 6), "203.0.113.9");
  ASSERT_TRUE(copy.ok()) << copy.error().message;
  EXPECT_EQ(static_cast<std::int64_t>(objectstore::read_all(*copy->source)->size()), ready->bytes);
  auto again = exports_->download(e->id, admins->substr(admins->find("token=") + 6), "");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::conflict);
  EXPECT_NE(again.error().message.find("administrator downloaded"), std::string::npos) << again.error().message;

  // Still ready for her; no second administrator's link is offered.
  auto after = exports_->get(ana_, e->id);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->state, ExportState::ready);
  EXPECT_TRUE(after->admin_downloaded_at);
  EXPECT_FALSE(exports_->download_url(admin_, *after));
  auto hers = exports_->download_url(ana_, *after);
  ASSERT_TRUE(hers);
  auto own = exports_->download(e->id, hers->substr(hers->find("token=") + 6), "192.0.2.7");
  ASSERT_TRUE(own.ok()) << own.error().message;
  EXPECT_EQ(exports_->get(ana_, e->id)->state, ExportState::downloaded);
  auto twice = exports_->download(e->id, hers->substr(hers->find("token=") + 6), "");
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, ErrorCode::conflict);
  EXPECT_EQ(rows("SELECT actor_id FROM audit_log WHERE action = 'privacy.export.download' ORDER BY id"),
            (std::vector<std::string>{std::to_string(admin_.user_id) + "|", std::to_string(ana_.user_id) + "|"}));

  // The other way round: after her download an administrator may still take one copy
  // while the archive is kept, then not again.
  auto second = exports_->request(ana_, ana_.user_id, "");
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(*exports_->build_next());
  auto mine = exports_->download_url(ana_, *exports_->get(ana_, second->id));
  ASSERT_TRUE(exports_->download(second->id, mine->substr(mine->find("token=") + 6), "").ok());
  auto late = exports_->download_url(admin_, *exports_->get(admin_, second->id));
  ASSERT_TRUE(late);
  ASSERT_TRUE(exports_->download(second->id, late->substr(late->find("token=") + 6), "").ok());
  EXPECT_FALSE(exports_->download_url(admin_, *exports_->get(admin_, second->id)));
}

// Restriction of processing (GDPR art. 18): the person, or an administrator for them, and
// nobody else; each change audited, a repeat changes nothing; AI then leaves them out.
TEST_P(ErasureServiceTest, RestrictionOfProcessingIsThePersonsOrAnAdministratorsAuditedAndLeavesThemOutOfAi) {
  RestrictionService restrictions(*db_, policy_, *audit_, *identity_);
  ai::IdentityExclusions exclusions(*identity_);
  EXPECT_FALSE(restrictions.get(ana_, ana_.user_id)->restricted);
  for (bool on : {true, false}) {
    auto by_ben = restrictions.set(ben_, ana_.user_id, on, "");
    ASSERT_FALSE(by_ben.ok());
    EXPECT_EQ(by_ben.error().code, ErrorCode::forbidden);
  }
  auto read_by_ben = restrictions.get(ben_, ana_.user_id);
  ASSERT_FALSE(read_by_ben.ok());
  EXPECT_EQ(read_by_ben.error().code, ErrorCode::forbidden);
  auto unknown = restrictions.set(admin_, 999999, true, "");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::not_found);

  auto on = restrictions.set(ana_, ana_.user_id, true, "192.0.2.7");
  ASSERT_TRUE(on.ok()) << on.error().message;
  EXPECT_TRUE(on->restricted);
  EXPECT_TRUE(identity_->user(ana_.user_id)->gdpr.restrict_processing);
  EXPECT_TRUE(restrictions.set(ana_, ana_.user_id, true, "")->restricted);  // again: nothing new
  EXPECT_TRUE(*exclusions.restricted(ana_.user_id));
  EXPECT_FALSE(*exclusions.restricted(ben_.user_id));
  EXPECT_EQ(*exclusions.excluded_from_ai({ana_.user_id, ben_.user_id}), (std::set<std::int64_t>{ana_.user_id}));
  EXPECT_TRUE(restrictions.get(admin_, ana_.user_id)->restricted);

  auto off = restrictions.set(admin_, ana_.user_id, false, "");  // lifted on her behalf
  ASSERT_TRUE(off.ok()) << off.error().message;
  EXPECT_FALSE(off->restricted);
  EXPECT_TRUE(exclusions.excluded_from_ai({ana_.user_id})->empty());
  EXPECT_EQ(rows("SELECT action, target, detail FROM audit_log WHERE action LIKE 'privacy.restriction%' ORDER BY id"),
            (std::vector<std::string>{
                "privacy.restriction.set|user:" + std::to_string(ana_.user_id) + "|{\"by\":\"person\"}|",
                "privacy.restriction.lift|user:" + std::to_string(ana_.user_id) + "|{\"by\":\"administrator\"}|"}));
}

TEST(ZipSafeName, KeepsAnEntryInsideItsFolder) {
  EXPECT_EQ(zip_safe_name("../../etc/passwd"), "___.._etc_passwd");
  EXPECT_EQ(zip_safe_name("..\\boot.ini"), "___boot.ini");
  EXPECT_EQ(zip_safe_name(".profile"), "_profile");
  EXPECT_EQ(zip_safe_name(std::string("a\nb\x7f", 4)), "a_b_");
  EXPECT_EQ(zip_safe_name(""), "_");
  EXPECT_EQ(zip_safe_name("Relatório 2026.pdf"), "Relatório 2026.pdf");
}

INSTANTIATE_TEST_SUITE_P(Stores, ErasureServiceTest, ::testing::ValuesIn(storage::testing::test_database_kinds()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace meridian::privacy
