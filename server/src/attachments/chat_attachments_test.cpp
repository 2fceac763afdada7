#include "attachments/chat_attachments.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "chat/support_service.hpp"
#include "core/random.hpp"
#include "identity/identity_service.hpp"
#include "storage/testing/test_database.hpp"
#include "testing/module_test.hpp"
#include "testing/temp_disk_store.hpp"
#include "testing/upload.hpp"

namespace meridian::attachments {
namespace {
namespace fs = std::filesystem;
using chat::ConversationKind;
using chat::NewConversation;
using chat::Visibility;

class ChatAttachmentsTest : public testing::ModuleTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ModuleTest::SetUp());
    files::FilesOptions options;
    options.space_quota_bytes = 5000;
    options.max_file_bytes = 2000;
    access_ = std::make_unique<chat::ConversationAccess>(policy_);
    files_conversations_ = std::make_unique<ConversationsForFiles>(*access_);
    files_ = std::make_unique<files::FilesService>(*db_, *store_, clock_, options, files_conversations_.get());
    chat_files_ = std::make_unique<FilesForChat>(*files_);
    chat_ = std::make_unique<chat::ChatService>(*db_, policy_, clock_, *access_,
                                                chat::ChatPorts{nullptr, nullptr, chat_files_.get()});
    support_ = std::make_unique<chat::SupportService>(*db_, policy_, clock_, *access_);
    retention_ =
        std::make_unique<retention::RetentionService>(*db_, *audit_, policy_, clock_, retention::RetentionOptions{},
                                                      std::vector<retention::PurgeListener*>{chat_files_.get()});
    admin_ = caller("root", UserKind::employee, "192.0.2.7", std::vector<Role>{Role::admin});
    ana_ = caller("ana", UserKind::employee);
    ben_ = caller("ben", UserKind::employee);
    eve_ = caller("eve", UserKind::employee);
    ada_ = caller("ada", UserKind::agent);
    abe_ = caller("abe", UserKind::agent);
    carl_ = caller("carl", UserKind::customer);
    dora_ = caller("dora", UserKind::customer);
    const std::int64_t team_id = team("Support", {ada_.subject.user_id, abe_.subject.user_id});
    ASSERT_TRUE(support_->set_route(admin_.subject, "default", team_id).ok());
  }

  std::int64_t group(const files::Caller& owner, std::vector<std::int64_t> members) {
    auto c = chat_->create_conversation(owner.subject, NewConversation{ConversationKind::group, "launch", "",
                                                                       Visibility::private_, std::move(members)});
    EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
    return c.ok() ? c->conversation.id : 0;
  }

  // Uploads into the conversation's space the way the routes do.
  Result<files::Node> upload(const files::Caller& who, std::int64_t conversation_id, const std::string& name,
                             const std::string& bytes) {
    auto space = files_->conversation_space(who, conversation_id);
    if (!space) return space.error();
    return testing::upload_bytes(*files_, *store_, who, space->id, 0, name, bytes);
  }

  Result<chat::Posted> post(const files::Caller& who, std::int64_t conversation_id, std::vector<std::int64_t> ids,
                            std::string text = "see attached") {
    return chat_->post(who.subject, conversation_id, std::move(text), "c-" + random_token(8), std::nullopt, ids);
  }

  std::string read_all(const files::Download& d) {
    auto source = store_->get(d.object_key, 0, std::nullopt);
    EXPECT_TRUE(source.ok());
    auto bytes = objectstore::read_all(**source);
    EXPECT_TRUE(bytes.ok());
    return bytes.ok() ? *bytes : std::string();
  }

  std::size_t objects() {
    auto listed = store_->list("");
    EXPECT_TRUE(listed.ok());
    std::size_t n = 0;
    for (const auto& k : *listed)
      if (k.find("/objects/") != std::string::npos) ++n;
    return n;
  }

  testing::TempDiskStore store_{"meridian-attach"};
  std::unique_ptr<files::FilesService> files_;
  std::unique_ptr<chat::ConversationAccess> access_;
  std::unique_ptr<ConversationsForFiles> files_conversations_;
  std::unique_ptr<FilesForChat> chat_files_;
  std::unique_ptr<chat::ChatService> chat_;
  std::unique_ptr<chat::SupportService> support_;
  std::unique_ptr<retention::RetentionService> retention_;
  files::Caller admin_, ana_, ben_, eve_, ada_, abe_, carl_, dora_;
};

TEST_P(ChatAttachmentsTest, MemberAttachesAndOtherMembersReadWhileTheyAreMembers) {
  const auto id = group(ana_, {ben_.subject.user_id});
  auto file = upload(ana_, id, "plan.txt", "the plan, byte for byte");
  ASSERT_TRUE(file.ok()) << file.error().message;
  auto posted = post(ana_, id, {file->id});
  ASSERT_TRUE(posted.ok()) << posted.error().message;
  ASSERT_EQ(posted->message.attachments.size(), 1u);
  EXPECT_EQ(posted->message.attachments[0].file_id, file->id);
  EXPECT_EQ(posted->message.attachments[0].name, "plan.txt");
  EXPECT_EQ(posted->message.attachments[0].size, 23);
  EXPECT_EQ(posted->message.attachments[0].content_type, "text/plain");

  // History, thread-less changes and the stream fill carry the attachment.
  auto history = chat_->history(ben_.subject, id, std::nullopt, std::nullopt, 50);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->items.back().attachments.size(), 1u);
  auto changes = chat_->changes(ben_.subject, id, 0, 50);
  ASSERT_EQ(changes->items.back().attachments.size(), 1u);
  auto fill = chat::ChangeReader(*db_, *access_).stream_fill(id, 0, 100, 50);
  ASSERT_EQ(fill->items.back().attachments.size(), 1u);

  auto d = files_->open_download(ben_, file->id, 0, false);
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(read_all(*d), "the plan, byte for byte");

  // Not a member: nothing, not even that it exists.
  EXPECT_EQ(files_->open_download(eve_, file->id, 0, false).error().code, ErrorCode::not_found);
  EXPECT_EQ(files_->conversation_space(eve_, id).error().code, ErrorCode::not_found);
  EXPECT_EQ(files_->open_download(admin_, file->id, 0, true).error().code, ErrorCode::not_found);

  // Removed: refused from then on.
  ASSERT_TRUE(chat_->remove_member(ana_.subject, id, ben_.subject.user_id).ok());
  EXPECT_EQ(files_->open_download(ben_, file->id, 0, false).error().code, ErrorCode::not_found);
  EXPECT_EQ(files_->get_node(ben_.subject, file->id).error().code, ErrorCode::not_found);

  // Uploads and downloads are in the space's activity log (kept by files).
  auto log = storage::read_value<std::int64_t>(*db_, [&](storage::Session& s) -> Result<std::int64_t> {
    auto rows =
        s.query("SELECT COUNT(*) FROM file_activity WHERE node_id = ? AND action IN ('upload', 'attach', 'download')",
                {file->id});
    if (!rows) return rows.error();
    return rows->front().integer(0);
  });
  EXPECT_EQ(*log, 3);
  // Admins audit the log (not the content); members, who manage nothing here, do not.
  const auto space = files_->conversation_space(ana_, id)->id;
  auto audited = files_->activity(admin_.subject, space, 0, files::ActivityFilter{});
  ASSERT_TRUE(audited.ok()) << audited.error().message;
  std::vector<std::string> actions;
  for (const auto& a : *audited) actions.push_back(a.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"download", "attach", "upload", "space"}));
  EXPECT_EQ(files_->activity(ana_.subject, space, 0, files::ActivityFilter{}).error().code, ErrorCode::forbidden);
}

TEST_P(ChatAttachmentsTest, OnlyYourOwnUploadsInThisConversationCanBeAttachedOnce) {
  const auto id = group(ana_, {ben_.subject.user_id});
  const auto other = group(ana_, {eve_.subject.user_id});
  auto bens = upload(ben_, id, "b.txt", "ben's");
  auto elsewhere = upload(ana_, other, "x.txt", "other conversation");
  auto mine = upload(ana_, id, "a.txt", "ana's");
  ASSERT_TRUE(bens.ok() && elsewhere.ok() && mine.ok());
  EXPECT_EQ(post(ana_, id, {bens->id}).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(post(ana_, id, {elsewhere->id}).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(post(ana_, id, {mine->id, mine->id}).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(post(ana_, id, {999999}).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(post(eve_, id, {mine->id}).error().code, ErrorCode::not_found);
  // Nothing was stored by the refused posts.
  EXPECT_EQ(chat_->history(ana_.subject, id, std::nullopt, std::nullopt, 50)->items.size(), 0u);
  // Text may be empty when files go with it.
  auto ok = post(ana_, id, {mine->id}, "");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(post(ana_, id, {mine->id}).error().code, ErrorCode::conflict);
  EXPECT_EQ(post(ana_, id, {}, "").error().code, ErrorCode::invalid_argument);
  // Eleven is too many.
  std::vector<std::int64_t> many(11, mine->id);
  EXPECT_EQ(post(ana_, id, many).error().code, ErrorCode::invalid_argument);
  // A retry with the same client_id answers the stored message with its attachment.
  auto again = chat_->post(ana_.subject, id, "", ok->message.client_id, std::nullopt, {mine->id});
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->message.attachments.size(), 1u);
}

TEST_P(ChatAttachmentsTest, AttachmentsAreFixedAndTheSpaceIsNotAFileManagerSpace) {
  const auto id = group(ana_, {ben_.subject.user_id});
  auto first = upload(ana_, id, "report.pdf", "one");
  auto second = upload(ben_, id, "report.pdf", "two");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_NE(first->id, second->id);  // never a version of another message's file
  EXPECT_EQ(second->name, "report (2).pdf");
  ASSERT_TRUE(post(ana_, id, {first->id}).ok());
  EXPECT_EQ(files_->rename_or_move(ana_, first->id, std::string("x.pdf"), std::nullopt).error().code,
            ErrorCode::conflict);
  EXPECT_EQ(files_->begin_new_version(ana_, first->id, 3).error().code, ErrorCode::conflict);
  EXPECT_EQ(files_->lock(ana_, first->id, 60).error().code, ErrorCode::conflict);
  EXPECT_EQ(files_->remove(ana_, first->id).error().code, ErrorCode::conflict);
  // ben's upload is not attached yet: only ben may remove it.
  EXPECT_EQ(files_->remove(ana_, second->id).error().code, ErrorCode::forbidden);
  EXPECT_TRUE(files_->remove(ben_, second->id).ok());
  const auto space = files_->conversation_space(ana_, id)->id;
  EXPECT_EQ(files_->create_folder(ana_, space, 0, "folder").error().code, ErrorCode::conflict);
  EXPECT_EQ(files_->add_grant(ana_, space, 0, "user", eve_.subject.user_id, files::FileRole::viewer).error().code,
            ErrorCode::forbidden);
  for (const auto& who : {ana_, admin_}) {
    auto spaces = files_->list_spaces(who.subject);
    ASSERT_TRUE(spaces.ok());
    for (const auto& s : spaces.value()) EXPECT_NE(s.kind, files::SpaceKind::conversation);
  }
}

TEST_P(ChatAttachmentsTest, DeletingTheMessageRemovesItsFilesAndObjects) {
  const auto id = group(ana_, {ben_.subject.user_id});
  auto a = upload(ana_, id, "a.txt", "alpha");
  auto b = upload(ana_, id, "b.txt", "bravo");
  ASSERT_TRUE(a.ok() && b.ok());
  auto posted = post(ana_, id, {a->id, b->id});
  ASSERT_TRUE(posted.ok());
  EXPECT_EQ(objects(), 2u);
  auto removed = chat_->remove(ana_.subject, id, posted->message.id);
  ASSERT_TRUE(removed.ok()) << removed.error().message;
  EXPECT_TRUE(removed->message.attachments.empty());
  EXPECT_EQ(files_->get_node(ana_.subject, a->id).error().code, ErrorCode::not_found);
  EXPECT_EQ(files_->get_node(ana_.subject, b->id).error().code, ErrorCode::not_found);
  EXPECT_EQ(objects(), 0u);
  auto history = chat_->history(ben_.subject, id, std::nullopt, std::nullopt, 50);
  EXPECT_TRUE(history->items.back().attachments.empty());
  EXPECT_EQ(files_->conversation_space(ana_, id)->used_bytes, 0);
}

TEST_P(ChatAttachmentsTest, RetentionPurgeRemovesTheFilesOfPurgedMessages) {
  const auto id = group(ana_, {ben_.subject.user_id});
  auto a = upload(ana_, id, "old.txt", "old bytes");
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(post(ana_, id, {a->id}).ok());
  clock_.advance_ms(3LL * 24 * 3600 * 1000);
  auto fresh = upload(ana_, id, "new.txt", "new bytes");
  ASSERT_TRUE(fresh.ok());
  ASSERT_TRUE(post(ana_, id, {fresh->id}).ok());
  ASSERT_TRUE(retention_->set_policy(admin_.subject, "global", 1).ok());
  auto report = retention_->run_once();
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->messages_deleted, 1);
  EXPECT_EQ(files_->get_node(ana_.subject, a->id).error().code, ErrorCode::not_found);
  EXPECT_TRUE(files_->get_node(ana_.subject, fresh->id).ok());
  EXPECT_EQ(objects(), 1u);
}

TEST_P(ChatAttachmentsTest, UploadsNeverAttachedAreSweptAfterADay) {
  const auto id = group(ana_, {ben_.subject.user_id});
  auto pending = upload(ana_, id, "draft.txt", "never sent");
  auto sent = upload(ana_, id, "sent.txt", "sent");
  ASSERT_TRUE(pending.ok() && sent.ok());
  ASSERT_TRUE(post(ana_, id, {sent->id}).ok());
  EXPECT_EQ(*files_->sweep_conversation_files(), 0u);  // still within the day
  clock_.advance_ms(25LL * 3600 * 1000);
  EXPECT_EQ(*files_->sweep_conversation_files(), 1u);
  EXPECT_EQ(files_->get_node(ana_.subject, pending->id).error().code, ErrorCode::not_found);
  EXPECT_TRUE(files_->get_node(ana_.subject, sent->id).ok());
  EXPECT_EQ(objects(), 1u);
}

// PostgreSQL (READ COMMITTED): the sweep removes a day-old upload while its author
// attaches it to a message. A test transaction holds the conversation's file space until
// both wait (the sweep first in line). Both take that space row before deciding, so the
// sweep removes the file and the message is refused cleanly. Before, the attach did not
// wait: it went in while the sweep was deleting the file, and the sweep failed on the
// foreign key (or, the other way round, the message did).
TEST_P(ChatAttachmentsTest, TheSweepAndAnAttachOfTheSameUploadDoNotCollide) {
  if (db_->dialect() != storage::Dialect::postgres) GTEST_SKIP() << "SQLite writes one transaction at a time";
  const auto id = group(ana_, {ben_.subject.user_id});
  auto pending = upload(ana_, id, "late.txt", "sent a day later");
  ASSERT_TRUE(pending.ok());
  clock_.advance_ms(25LL * 3600 * 1000);
  Result<std::size_t> swept = make_error(ErrorCode::internal, "not run");
  Result<chat::Posted> posted = make_error(ErrorCode::internal, "not run");
  {
    storage::testing::RowLockHolder holder(*db_, "SELECT 1 FROM file_spaces WHERE id = ? FOR NO KEY UPDATE",
                                           {pending->space_id});
    std::thread sweep([&] { swept = files_->sweep_conversation_files(); });
    EXPECT_TRUE(storage::testing::wait_for_lock_waiters(*db_, 1));
    std::thread attach([&] { posted = post(ana_, id, {pending->id}); });
    EXPECT_TRUE(storage::testing::wait_for_lock_waiters(*db_, 2));
    EXPECT_TRUE(holder.release());
    sweep.join();
    attach.join();
  }
  ASSERT_TRUE(swept.ok()) << swept.error().message;
  EXPECT_EQ(*swept, 1u);
  ASSERT_FALSE(posted.ok());
  EXPECT_EQ(posted.error().code, ErrorCode::invalid_argument) << posted.error().message;
  EXPECT_EQ(objects(), 0u);
}

TEST_P(ChatAttachmentsTest, SupportCustomerReadsOwnConversationOnlyAndAgentsReadBeforeClaiming) {
  auto opened = support_->open(carl_.subject, chat::OpenSupport{"invoice", "Hello", "first-carl"});
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  const auto carls = opened->conversation.conversation_id;
  auto other = support_->open(dora_.subject, chat::OpenSupport{"refund", "Hi", "first-dora"});
  ASSERT_TRUE(other.ok());
  const auto doras = other->conversation.conversation_id;

  auto invoice = upload(carl_, carls, "invoice.txt", "invoice 42");
  ASSERT_TRUE(invoice.ok()) << invoice.error().message;
  ASSERT_TRUE(post(carl_, carls, {invoice->id}).ok());
  // Another customer: nothing.
  EXPECT_EQ(files_->open_download(dora_, invoice->id, 0, false).error().code, ErrorCode::not_found);
  EXPECT_EQ(files_->conversation_space(dora_, carls).error().code, ErrorCode::not_found);
  EXPECT_EQ(upload(carl_, doras, "x.txt", "x").error().code, ErrorCode::not_found);
  // The team's agents read before claiming, but only the claimer uploads.
  EXPECT_TRUE(files_->open_download(ada_, invoice->id, 0, true).ok());
  EXPECT_EQ(upload(ada_, carls, "answer.txt", "a").error().code, ErrorCode::forbidden);
  ASSERT_TRUE(support_->claim(ada_.subject, carls).ok());
  auto answer = upload(ada_, carls, "answer.txt", "here you go");
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  ASSERT_TRUE(post(ada_, carls, {answer->id}).ok());
  EXPECT_TRUE(files_->open_download(carl_, answer->id, 0, false).ok());
  // Conversation files live in the conversation's region.
  EXPECT_EQ(files_->conversation_space(carl_, carls)->region, carl_.subject.region);
}

TEST_P(ChatAttachmentsTest, QuotaOfTheConversationSpaceApplies) {
  const auto id = group(ana_, {ben_.subject.user_id});
  ASSERT_TRUE(upload(ana_, id, "a.bin", std::string(1900, 'a')).ok());
  ASSERT_TRUE(upload(ana_, id, "b.bin", std::string(1900, 'b')).ok());
  auto over = upload(ben_, id, "c.bin", std::string(1900, 'c'));
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, ErrorCode::too_large);
}

INSTANTIATE_TEST_SUITE_P(Stores, ChatAttachmentsTest, ::testing::ValuesIn(storage::testing::test_database_kinds()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace meridian::attachments
