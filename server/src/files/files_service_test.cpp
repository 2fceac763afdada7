#include "files/files_service.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "core/random.hpp"
#include "identity/identity_service.hpp"
#include "storage/testing/test_database.hpp"
#include "testing/module_test.hpp"
#include "testing/temp_disk_store.hpp"
#include "testing/upload.hpp"

namespace meridian::files {
namespace {
namespace fs = std::filesystem;

class FilesServiceTest : public testing::ModuleTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ModuleTest::SetUp());
    FilesOptions options;
    options.personal_quota_bytes = 1000;
    options.space_quota_bytes = 5000;
    options.max_file_bytes = 2000;
    options.keep_versions = 3;
    files_ = std::make_unique<FilesService>(*db_, *store_, clock_, options);
    ana_ = caller("ana", UserKind::employee);
    ben_ = caller("ben", UserKind::employee);
    eve_ = caller("eve", UserKind::employee);
    carl_ = caller("carl", UserKind::customer);
    cora_ = caller("cora", UserKind::customer);
    team_id_ = team("Design", {ana_.subject.user_id, ben_.subject.user_id});
  }

  std::int64_t personal(const Caller& who) {
    auto spaces = files_->list_spaces(who.subject);
    EXPECT_TRUE(spaces.ok());
    for (const auto& s : *spaces)
      if (s.kind == SpaceKind::personal) return s.id;
    ADD_FAILURE() << "no personal space";
    return 0;
  }

  std::int64_t team_space() {
    NewSpace ns;
    ns.kind = SpaceKind::team;
    ns.name = "Design files";
    ns.team_id = team_id_;
    auto s = files_->create_space(ana_, ns);
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
    return s.ok() ? s->id : 0;
  }

  std::int64_t customer_space(const Caller& customer) {
    NewSpace ns;
    ns.kind = SpaceKind::customer;
    ns.name = "Shared with customer";
    ns.customer_user_id = customer.subject.user_id;
    auto s = files_->create_space(ana_, ns);
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
    return s.ok() ? s->id : 0;
  }

  Result<Node> upload(const Caller& who, std::int64_t space, std::int64_t parent, const std::string& name,
                      const std::string& bytes) {
    return testing::upload_bytes(*files_, *store_, who, space, parent, name, bytes);
  }

  std::string download(const Caller& who, std::int64_t node, std::int64_t version = 0) {
    auto d = files_->open_download(who, node, version, false);
    if (!d) {
      ADD_FAILURE() << d.error().message;
      return {};
    }
    auto source = store_->get(d->object_key, 0, std::nullopt);
    EXPECT_TRUE(source.ok());
    auto bytes = objectstore::read_all(**source);
    return bytes ? *bytes : std::string{};
  }

  std::vector<std::string> objects() {
    auto keys = store_->list("");
    EXPECT_TRUE(keys.ok());
    return keys ? *keys : std::vector<std::string>{};
  }

  testing::TempDiskStore store_{"meridian-files"};
  std::unique_ptr<FilesService> files_;
  Caller ana_, ben_, eve_, carl_, cora_;
  std::int64_t team_id_ = 0;
};

TEST_P(FilesServiceTest, PersonalSpaceIsMadeOnceAndItsOwnerManagesIt) {
  auto first = personal(ana_);
  EXPECT_EQ(personal(ana_), first);
  auto space = files_->get_space(ana_.subject, first);
  ASSERT_TRUE(space.ok());
  EXPECT_EQ(space->role, FileRole::manager);
  EXPECT_EQ(space->quota_bytes, 1000);
  // Nobody else sees it.
  EXPECT_EQ(files_->get_space(ben_.subject, first).error().code, ErrorCode::not_found);
}

TEST_P(FilesServiceTest, UploadDownloadRoundTripAndActivity) {
  auto space = personal(ana_);
  auto node = upload(ana_, space, 0, "hello.txt", "hello world");
  ASSERT_TRUE(node.ok()) << node.error().message;
  EXPECT_EQ(node->size, 11);
  EXPECT_EQ(node->version, 1);
  EXPECT_EQ(download(ana_, node->id), "hello world");
  auto log = files_->activity(ana_.subject, space, 0, {});
  ASSERT_TRUE(log.ok());
  ASSERT_GE(log->size(), 2u);
  EXPECT_EQ((*log)[0].action, "download");
  EXPECT_EQ((*log)[0].ip, "192.0.2.7");
  EXPECT_EQ((*log)[0].country, "PT");
  EXPECT_EQ((*log)[1].action, "upload");
  ActivityFilter only_uploads;
  only_uploads.action = "upload";
  EXPECT_EQ(files_->activity(ana_.subject, space, 0, only_uploads)->size(), 1u);
}

TEST_P(FilesServiceTest, SameContentIsStoredOnceAndCollectedWithTheLastReference) {
  auto space = team_space();
  auto a = upload(ana_, space, 0, "a.txt", "same bytes");
  auto b = upload(ben_, space, 0, "b.txt", "same bytes");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(objects().size(), 1u);
  ASSERT_TRUE(files_->remove(ana_, a->id).ok());
  EXPECT_EQ(objects().size(), 1u);
  EXPECT_EQ(download(ben_, b->id), "same bytes");
  ASSERT_TRUE(files_->remove(ben_, b->id).ok());
  EXPECT_TRUE(objects().empty());
  EXPECT_EQ(files_->get_space(ana_.subject, space)->used_bytes, 0);
}

TEST_P(FilesServiceTest, EveryOverwriteIsAVersionAndOnlyTheLastNAreKept) {
  auto space = team_space();
  std::int64_t id = 0;
  for (int i = 1; i <= 5; ++i) {
    auto n = upload(ana_, space, 0, "plan.txt", "version " + std::to_string(i));
    ASSERT_TRUE(n.ok()) << n.error().message;
    id = n->id;
    EXPECT_EQ(n->version, i);
  }
  auto versions = files_->list_versions(ana_.subject, id);
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 3u);
  EXPECT_EQ((*versions)[0].number, 5);
  EXPECT_TRUE((*versions)[0].current);
  EXPECT_EQ((*versions)[2].number, 3);
  EXPECT_EQ(download(ana_, id, 3), "version 3");
  EXPECT_EQ(files_->open_download(ana_, id, 1, false).error().code, ErrorCode::not_found);
  EXPECT_EQ(objects().size(), 3u);  // pruned versions' objects are gone
  EXPECT_EQ(files_->get_space(ana_.subject, space)->used_bytes, 27);

  auto restored = files_->restore_version(ben_, id, 3);
  ASSERT_TRUE(restored.ok()) << restored.error().message;
  EXPECT_EQ(restored->version, 6);
  EXPECT_EQ(download(ana_, id), "version 3");
  EXPECT_EQ(objects().size(), 3u);  // v3's object is shared by v3 and v6; v4's went
}

TEST_P(FilesServiceTest, QuotaAndSizeAreRefusedBeforeAnyByte) {
  auto space = personal(ana_);  // quota 1000, file limit 2000
  auto over_quota = files_->begin_upload(ana_, space, 0, "big.bin", 1001);
  ASSERT_FALSE(over_quota.ok());
  EXPECT_EQ(over_quota.error().code, ErrorCode::too_large);
  EXPECT_EQ(over_quota.error().message.rfind("quota", 0), 0u);
  auto over_limit = files_->begin_upload(ana_, team_space(), 0, "huge.bin", 2001);
  ASSERT_FALSE(over_limit.ok());
  EXPECT_EQ(over_limit.error().code, ErrorCode::too_large);
  ASSERT_TRUE(upload(ana_, space, 0, "a.bin", std::string(900, 'a')).ok());
  EXPECT_FALSE(files_->begin_upload(ana_, space, 0, "b.bin", 101).ok());
  EXPECT_TRUE(files_->begin_upload(ana_, space, 0, "b.bin", 100).ok());
}

// PostgreSQL (READ COMMITTED): two uploads that each fit the quota but not together. A
// test transaction holds the space row until both wait for a lock, then lets them run at
// once. Each takes the space row before its quota check, so the second sees the first's
// bytes; checked without that lock, both passed and the space went over its quota.
TEST_P(FilesServiceTest, TwoConcurrentUploadsCanNotBothPassTheQuota) {
  if (db_->dialect() != storage::Dialect::postgres) GTEST_SKIP() << "SQLite writes one transaction at a time";
  const auto space = personal(ana_);  // quota 1000
  struct Pending {
    UploadTicket ticket;
    objectstore::ObjectInfo info;
  };
  auto prepare = [&](const std::string& name, char fill) -> Pending {
    auto ticket = files_->begin_upload(ana_, space, 0, name, 600);
    EXPECT_TRUE(ticket.ok()) << (ticket.ok() ? "" : ticket.error().message);
    auto writer = store_->put(ticket->object_key);
    EXPECT_TRUE(writer.ok());
    EXPECT_TRUE((*writer)->write(std::string(600, fill)).ok());
    auto info = (*writer)->commit();
    EXPECT_TRUE(info.ok());
    return Pending{*ticket, *info};
  };
  Pending first = prepare("a.bin", 'a'), second = prepare("b.bin", 'b');  // each sees 1000 bytes free
  Result<Node> a = make_error(ErrorCode::internal, "not run"), b = a;
  {
    storage::testing::RowLockHolder holder(*db_, "SELECT 1 FROM file_spaces WHERE id = ? FOR NO KEY UPDATE", {space});
    std::thread ta([&] { a = files_->complete_upload(ana_, first.ticket, first.info, "text/plain"); });
    std::thread tb([&] { b = files_->complete_upload(ana_, second.ticket, second.info, "text/plain"); });
    EXPECT_TRUE(storage::testing::wait_for_lock_waiters(*db_, 2));
    EXPECT_TRUE(holder.release());
    ta.join();
    tb.join();
  }
  ASSERT_NE(a.ok(), b.ok()) << "exactly one upload fits";
  const Error& refused = a.ok() ? b.error() : a.error();
  EXPECT_EQ(refused.code, ErrorCode::too_large) << refused.message;
  auto after = files_->get_space(ana_.subject, space);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->used_bytes, 600);
}

// PostgreSQL: blobs are shared between spaces. Upload A puts content X into a file in one
// space and prunes that file's oldest version (content Y); upload B puts Y into a file in
// another space and prunes X there. A test transaction holds both files' rows, so each
// upload waits after it took its own blob and before it prunes. Each now locks every blob
// it touches first, ascending, so they queue; before, they locked them in opposite orders
// and one was a deadlock victim (503).
TEST_P(FilesServiceTest, UploadsPruningEachOthersSharedContentDoNotDeadlock) {
  if (db_->dialect() != storage::Dialect::postgres) GTEST_SKIP() << "SQLite writes one transaction at a time";
  const std::string x(40, 'x'), y(40, 'y');
  const auto s1 = team_space(), s2 = personal(ana_);
  std::int64_t n1 = 0, n2 = 0;
  for (const auto& content : {y, std::string("one"), std::string("two")}) {  // keep_versions = 3
    auto a = upload(ana_, s1, 0, "n1.txt", content);
    auto b = upload(ana_, s2, 0, "n2.txt", content == y ? x : content + "!");
    ASSERT_TRUE(a.ok() && b.ok());
    n1 = a->id;
    n2 = b->id;
  }
  struct Pending {
    UploadTicket ticket;
    objectstore::ObjectInfo info;
  };
  auto prepare = [&](std::int64_t space, const std::string& name, const std::string& bytes) -> Pending {
    auto ticket = files_->begin_upload(ana_, space, 0, name, static_cast<std::int64_t>(bytes.size()));
    EXPECT_TRUE(ticket.ok());
    auto writer = store_->put(ticket->object_key);
    EXPECT_TRUE((*writer)->write(bytes).ok());
    auto info = (*writer)->commit();
    EXPECT_TRUE(info.ok());
    return Pending{*ticket, *info};
  };
  Pending into1 = prepare(s1, "n1.txt", x), into2 = prepare(s2, "n2.txt", y);
  Result<Node> a = make_error(ErrorCode::internal, "not run"), b = a;
  {
    storage::testing::RowLockHolder holder(*db_, "SELECT 1 FROM file_nodes WHERE id IN (?, ?) FOR NO KEY UPDATE",
                                           {n1, n2});
    std::thread ta([&] { a = files_->complete_upload(ana_, into1.ticket, into1.info, "text/plain"); });
    std::thread tb([&] { b = files_->complete_upload(ana_, into2.ticket, into2.info, "text/plain"); });
    EXPECT_TRUE(storage::testing::wait_for_lock_waiters(*db_, 2));
    EXPECT_TRUE(holder.release());
    ta.join();
    tb.join();
  }
  EXPECT_TRUE(a.ok()) << a.error().message;
  EXPECT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(download(ana_, n1), x);
  EXPECT_EQ(download(ana_, n2), y);
}

// The folder goes while the bytes of an upload into it come in: the upload is refused
// instead of leaving a file under a folder that no longer exists.
TEST_P(FilesServiceTest, AnUploadIntoAFolderDeletedMeanwhileIsRefused) {
  const auto space = team_space();
  auto folder = files_->create_folder(ana_, space, 0, "Drafts");
  ASSERT_TRUE(folder.ok());
  auto ticket = files_->begin_upload(ana_, space, folder->id, "late.txt", 5);
  ASSERT_TRUE(ticket.ok());
  auto writer = store_->put(ticket->object_key);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->write("hello").ok());
  auto info = (*writer)->commit();
  ASSERT_TRUE(info.ok());
  ASSERT_TRUE(files_->remove(ana_, folder->id).ok());
  auto done = files_->complete_upload(ana_, *ticket, *info, "text/plain");
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.error().code, ErrorCode::not_found);
  auto after = files_->get_space(ana_.subject, space);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->used_bytes, 0);
  EXPECT_TRUE(objects().empty()) << "the refused upload's object is removed";
}

TEST_P(FilesServiceTest, AbortedUploadsLeaveNoObjectAndGarbageCollectionFindsOrphans) {
  auto space = personal(ana_);
  {
    auto ticket = files_->begin_upload(ana_, space, 0, "cut.bin", 500);
    ASSERT_TRUE(ticket.ok());
    auto writer = store_->put(ticket->object_key);
    ASSERT_TRUE((*writer)->write(std::string(200, 'x')).ok());
    files_->abandon_upload(*ticket);
  }  // writer dropped mid-way
  EXPECT_TRUE(objects().empty());
  auto node = files_->list_children(ana_.subject, space, 0);
  ASSERT_TRUE(node.ok());
  EXPECT_TRUE(node->empty());

  // An object no row names (a crash between commit and record) is collected; one of
  // an upload in flight is not.
  auto orphan = store_->put("eu/objects/orphan");
  ASSERT_TRUE((*orphan)->write("lost").ok());
  ASSERT_TRUE((*orphan)->commit().ok());
  auto in_flight = files_->begin_upload(ana_, space, 0, "slow.bin", 4);
  ASSERT_TRUE(in_flight.ok());
  auto w = store_->put(in_flight->object_key);
  ASSERT_TRUE((*w)->write("slow").ok());
  ASSERT_TRUE((*w)->commit().ok());
  auto kept = upload(ana_, space, 0, "kept.txt", "kept");
  ASSERT_TRUE(kept.ok());
  auto removed = files_->collect_garbage();
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 1u);
  EXPECT_EQ(objects().size(), 2u);
  EXPECT_EQ(download(ana_, kept->id), "kept");
}

TEST_P(FilesServiceTest, ObjectsAreStoredUnderTheSpacesRegion) {
  auto node = upload(ana_, personal(ana_), 0, "r.txt", "resident");
  ASSERT_TRUE(node.ok());
  auto keys = objects();
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].rfind(region_prefix(ana_.subject.region) + "/objects/", 0), 0u) << keys[0];
}

TEST_P(FilesServiceTest, TraversalAndControlNamesAreRefused) {
  auto space = personal(ana_);
  for (const char* bad : {"..", "../x", "a/b", "a\\b", "x\ny", ""}) {
    EXPECT_EQ(files_->create_folder(ana_, space, 0, bad).error().code, ErrorCode::invalid_argument) << bad;
    EXPECT_EQ(files_->begin_upload(ana_, space, 0, bad, 1).error().code, ErrorCode::invalid_argument) << bad;
  }
  auto folder = files_->create_folder(ana_, space, 0, "docs");
  ASSERT_TRUE(folder.ok());
  auto file = upload(ana_, space, 0, "a.txt", "a");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(files_->rename_or_move(ana_, file->id, std::string("../../etc"), std::nullopt).error().code,
            ErrorCode::invalid_argument);
  EXPECT_EQ(files_->rename_or_move(ana_, folder->id, std::nullopt, folder->id).error().code,
            ErrorCode::invalid_argument);
}

TEST_P(FilesServiceTest, RolesFromGrantsAreInheritedAndEnforced) {
  auto space = personal(ana_);
  auto folder = files_->create_folder(ana_, space, 0, "project");
  ASSERT_TRUE(folder.ok());
  auto file = upload(ana_, space, folder->id, "spec.txt", "spec");
  ASSERT_TRUE(file.ok());

  // No grant: ben does not even learn it exists.
  EXPECT_EQ(files_->open_download(ben_, file->id, 0, false).error().code, ErrorCode::not_found);

  // Viewer on the folder: reads the file inside, may not change it or share it.
  auto g = files_->add_grant(ana_, space, folder->id, "user", ben_.subject.user_id, FileRole::viewer);
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_EQ(download(ben_, file->id), "spec");
  EXPECT_EQ(files_->begin_upload(ben_, space, folder->id, "spec.txt", 3).error().code, ErrorCode::forbidden);
  EXPECT_EQ(files_->remove(ben_, file->id).error().code, ErrorCode::forbidden);
  EXPECT_EQ(files_->add_grant(ben_, space, folder->id, "user", eve_.subject.user_id, FileRole::viewer).error().code,
            ErrorCode::forbidden);
  EXPECT_EQ(files_->activity(ben_.subject, space, 0, {}).error().code, ErrorCode::not_found);
  // Only inside the folder: the space root stays closed.
  EXPECT_EQ(files_->create_folder(ben_, space, 0, "mine").error().code, ErrorCode::not_found);

  // Editor: may write, still not share.
  ASSERT_TRUE(files_->add_grant(ana_, space, folder->id, "user", ben_.subject.user_id, FileRole::editor).ok());
  EXPECT_TRUE(upload(ben_, space, folder->id, "spec.txt", "spec v2").ok());
  EXPECT_EQ(files_->add_grant(ben_, space, folder->id, "user", eve_.subject.user_id, FileRole::viewer).error().code,
            ErrorCode::forbidden);

  // Manager: may share.
  ASSERT_TRUE(files_->add_grant(ana_, space, folder->id, "user", ben_.subject.user_id, FileRole::manager).ok());
  EXPECT_TRUE(files_->add_grant(ben_, space, folder->id, "user", eve_.subject.user_id, FileRole::viewer).ok());
  EXPECT_EQ(download(eve_, file->id), "spec v2");

  // Revoking takes the access away.
  auto grants = files_->list_grants(ana_.subject, space, folder->id);
  ASSERT_TRUE(grants.ok());
  for (const auto& grant : *grants)
    if (grant.grantee_id == eve_.subject.user_id) {
      ASSERT_TRUE(files_->remove_grant(ana_, grant.id).ok());
    }
  EXPECT_EQ(files_->open_download(eve_, file->id, 0, false).error().code, ErrorCode::not_found);
}

TEST_P(FilesServiceTest, TeamGrantsReachTeamMembersOnly) {
  auto space = personal(eve_);
  auto file = upload(eve_, space, 0, "t.txt", "team");
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE(files_->add_grant(eve_, space, file->id, "team", team_id_, FileRole::viewer).ok());
  EXPECT_EQ(download(ana_, file->id), "team");
  EXPECT_EQ(files_->open_download(carl_, file->id, 0, false).error().code, ErrorCode::not_found);
}

TEST_P(FilesServiceTest, ACustomerSeesOnlyTheirSpaceAndWhatIsSharedWithThem) {
  auto team = team_space();
  auto team_file = upload(ana_, team, 0, "internal.txt", "internal");
  ASSERT_TRUE(team_file.ok());
  auto carls = customer_space(carl_);
  auto coras = customer_space(cora_);
  auto for_cora = upload(ana_, coras, 0, "cora.txt", "for cora");
  ASSERT_TRUE(for_cora.ok());

  auto spaces = files_->list_spaces(carl_.subject);
  ASSERT_TRUE(spaces.ok());
  ASSERT_EQ(spaces->size(), 1u);  // no personal space, no team space, not Cora's
  EXPECT_EQ((*spaces)[0].id, carls);
  EXPECT_EQ((*spaces)[0].role, FileRole::editor);

  EXPECT_TRUE(upload(carl_, carls, 0, "from-carl.txt", "hi").ok());
  EXPECT_EQ(files_->get_space(carl_.subject, team).error().code, ErrorCode::not_found);
  EXPECT_EQ(files_->get_space(carl_.subject, coras).error().code, ErrorCode::not_found);
  EXPECT_EQ(files_->list_children(carl_.subject, coras, 0).error().code, ErrorCode::not_found);
  EXPECT_EQ(files_->open_download(carl_, for_cora->id, 0, false).error().code, ErrorCode::not_found);
  EXPECT_EQ(files_->open_download(carl_, team_file->id, 0, false).error().code, ErrorCode::not_found);
  EXPECT_EQ(files_->begin_upload(carl_, team, 0, "x.txt", 1).error().code, ErrorCode::not_found);
  NewSpace ns;
  ns.kind = SpaceKind::customer;
  ns.name = "mine";
  ns.customer_user_id = carl_.subject.user_id;
  EXPECT_EQ(files_->create_space(carl_, ns).error().code, ErrorCode::forbidden);

  // Shared with him: visible, read-only; never as a manager.
  ASSERT_TRUE(files_->add_grant(ana_, team, team_file->id, "user", carl_.subject.user_id, FileRole::viewer).ok());
  EXPECT_EQ(download(carl_, team_file->id), "internal");
  EXPECT_EQ(files_->list_spaces(carl_.subject)->size(), 2u);
  EXPECT_EQ(files_->add_grant(ana_, team, 0, "user", carl_.subject.user_id, FileRole::manager).error().code,
            ErrorCode::invalid_argument);
  auto listing = files_->list_children(carl_.subject, team, 0);
  ASSERT_TRUE(listing.ok());
  ASSERT_EQ(listing->size(), 1u);
  EXPECT_EQ((*listing)[0].id, team_file->id);
}

TEST_P(FilesServiceTest, AnEditLockStopsOthersUntilItExpires) {
  auto space = team_space();
  auto file = upload(ana_, space, 0, "doc.txt", "v1");
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE(files_->lock(ana_, file->id, 60).ok());
  EXPECT_EQ(files_->begin_upload(ben_, space, 0, "doc.txt", 2).error().code, ErrorCode::conflict);
  EXPECT_EQ(files_->remove(ben_, file->id).error().code, ErrorCode::conflict);
  EXPECT_EQ(files_->rename_or_move(ben_, file->id, std::string("x.txt"), std::nullopt).error().code,
            ErrorCode::conflict);
  EXPECT_TRUE(upload(ana_, space, 0, "doc.txt", "v2").ok());  // the holder may
  clock_.advance_ms(61 * 1000);
  EXPECT_TRUE(upload(ben_, space, 0, "doc.txt", "v3").ok());
}

TEST_P(FilesServiceTest, NamesAreUniquePerFolderAndAFolderIsNotOverwritten) {
  auto space = personal(ana_);
  ASSERT_TRUE(files_->create_folder(ana_, space, 0, "docs").ok());
  EXPECT_EQ(files_->create_folder(ana_, space, 0, "docs").error().code, ErrorCode::conflict);
  EXPECT_EQ(files_->begin_upload(ana_, space, 0, "docs", 1).error().code, ErrorCode::conflict);
  // NFC: the decomposed spelling is the same name.
  ASSERT_TRUE(files_->create_folder(ana_, space, 0, "caf\xc3\xa9").ok());
  EXPECT_EQ(files_->create_folder(ana_, space, 0, "cafe\xcc\x81").error().code, ErrorCode::conflict);
}

INSTANTIATE_TEST_SUITE_P(Databases, FilesServiceTest, ::testing::ValuesIn(storage::testing::test_database_kinds()));

}  // namespace
}  // namespace meridian::files
