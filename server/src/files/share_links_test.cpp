#include "files/share_links.hpp"

#include <gtest/gtest.h>

#include "identity/identity_service.hpp"
#include "storage/testing/test_database.hpp"
#include "testing/module_test.hpp"
#include "testing/people.hpp"
#include "testing/temp_disk_store.hpp"

namespace meridian::files {
namespace {

class ShareLinksTest : public testing::ModuleTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ModuleTest::SetUp());
    toggles_ = std::make_unique<region::FeatureToggles>(*db_, *audit_, clock_, 0);
    files_ = std::make_unique<FilesService>(*db_, *store_, clock_);
    links_ = std::make_unique<ShareLinks>(*db_, *files_, *toggles_, hasher_, clock_);
    ana_ = person("ana", "PT");
    ben_ = person("ben", "DE");
    auto spaces = files_->list_spaces(ana_.subject);
    space_ = spaces->front().id;
    auto ticket = files_->begin_upload(ana_, space_, 0, "offer.txt", 11);
    auto writer = store_->put(ticket->object_key);
    ASSERT_TRUE((*writer)->write("hello world").ok());
    auto info = (*writer)->commit();
    auto node = files_->complete_upload(ana_, *ticket, *info, "text/plain");
    ASSERT_TRUE(node.ok());
    file_ = node->id;
  }

  // An employee of that country, acting from 198.51.100.1.
  Caller person(const std::string& name, const std::string& country) {
    auto c = testing::caller_of(
        testing::create_person(*identity_, testing::new_user(name, UserKind::employee, country, "Europe/Lisbon")),
        "198.51.100.1");
    c.country = country;
    return c;
  }

  void set_links_in(const std::string& country, bool on) {
    region::ToggleChange change;
    change.countries.emplace_back(country, on);
    ASSERT_TRUE(toggles_->change(audit::Actor{}, kExternalLinksFeature, change).ok());
  }

  testing::TempDiskStore store_{"meridian-links"};
  std::unique_ptr<region::FeatureToggles> toggles_;
  std::unique_ptr<FilesService> files_;
  std::unique_ptr<ShareLinks> links_;
  Caller ana_, ben_;
  std::int64_t space_ = 0;
  std::int64_t file_ = 0;
};

TEST_P(ShareLinksTest, ALinkOpensTheFileAndIsLogged) {
  auto link = links_->create(ana_, file_, {});
  ASSERT_TRUE(link.ok()) << link.error().message;
  EXPECT_EQ(link->token.size(), 43u);
  auto d = links_->open(link->token, "", "203.0.113.9", true);
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->node.name, "offer.txt");
  auto log = files_->activity(ana_.subject, space_, file_, {});
  ASSERT_TRUE(log.ok());
  EXPECT_EQ((*log)[0].action, "link_use");
  EXPECT_EQ((*log)[0].link_id, link->id);
  EXPECT_EQ((*log)[0].ip, "203.0.113.9");
  EXPECT_EQ((*log)[1].action, "link_create");
  EXPECT_EQ(links_->open("not-a-token", "", "x", true).error().code, ErrorCode::not_found);
}

TEST_P(ShareLinksTest, OnlyManagersMayCreateListOrRevoke) {
  auto g = files_->add_grant(ana_, space_, file_, "user", ben_.subject.user_id, FileRole::editor);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(links_->create(ben_, file_, {}).error().code, ErrorCode::forbidden);
  auto link = links_->create(ana_, file_, {});
  ASSERT_TRUE(link.ok());
  EXPECT_EQ(links_->list(ben_.subject, file_).error().code, ErrorCode::forbidden);
  EXPECT_EQ(links_->revoke(ben_, link->id).error().code, ErrorCode::forbidden);
  auto eve = person("eve", "PT");
  EXPECT_EQ(links_->create(eve, file_, {}).error().code, ErrorCode::not_found);
}

TEST_P(ShareLinksTest, ExpiredAndRevokedLinksAreGone) {
  NewLink spec;
  spec.expires_at = clock_.now_ms() + 60'000;
  auto expiring = links_->create(ana_, file_, spec);
  auto revoked = links_->create(ana_, file_, {});
  ASSERT_TRUE(expiring.ok() && revoked.ok());
  EXPECT_TRUE(links_->open(expiring->token, "", "x", true).ok());
  clock_.advance_ms(60'001);
  EXPECT_EQ(links_->open(expiring->token, "", "x", true).error().code, ErrorCode::not_found);
  ASSERT_TRUE(links_->revoke(ana_, revoked->id).ok());
  EXPECT_EQ(links_->open(revoked->token, "", "x", true).error().code, ErrorCode::not_found);
  spec.expires_at = clock_.now_ms() - 1;
  EXPECT_EQ(links_->create(ana_, file_, spec).error().code, ErrorCode::invalid_argument);
}

TEST_P(ShareLinksTest, APasswordIsNeededAndChecked) {
  NewLink spec;
  spec.password = "correct horse";
  auto link = links_->create(ana_, file_, spec);
  ASSERT_TRUE(link.ok());
  EXPECT_EQ(links_->open(link->token, "", "x", true).error().code, ErrorCode::unauthenticated);
  EXPECT_EQ(links_->open(link->token, "wrong password", "x", true).error().code, ErrorCode::forbidden);
  EXPECT_TRUE(links_->open(link->token, "correct horse", "x", true).ok());
  auto preview = links_->preview(link->token, "", "x");
  ASSERT_TRUE(preview.ok());
  EXPECT_TRUE(preview->needs_password);
  EXPECT_TRUE(preview->name.empty());  // nothing about the file before the password
  spec.password = "short";
  EXPECT_EQ(links_->create(ana_, file_, spec).error().code, ErrorCode::invalid_argument);
}

TEST_P(ShareLinksTest, WrongPasswordsAreSlowedThenLockedPerLinkAndPerAddress) {
  NewLink spec;
  spec.password = "correct horse";
  auto link = links_->create(ana_, file_, spec);
  auto other = links_->create(ana_, file_, spec);
  ASSERT_TRUE(link.ok() && other.ok());
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(links_->preview(link->token, "guess " + std::to_string(i), "10.0.0.1").error().code, ErrorCode::forbidden);
  // The third wrong password starts the slow-down, for every address: even the right one waits.
  auto slowed = links_->open(link->token, "correct horse", "10.0.0.2", true);
  ASSERT_FALSE(slowed.ok());
  EXPECT_EQ(slowed.error().code, ErrorCode::rate_limited);
  EXPECT_EQ(slowed.error().retry_after_seconds, 1);
  EXPECT_TRUE(links_->open(other->token, "correct horse", "10.0.0.2", true).ok()) << "other links are not slowed";
  for (int i = 3; i < 10; ++i) {
    clock_.advance_ms(70'000);
    ASSERT_EQ(links_->preview(link->token, "guess " + std::to_string(i), "10.0.0." + std::to_string(i)).error().code,
              ErrorCode::forbidden)
        << i;
  }
  clock_.advance_ms(60'000);
  auto locked = links_->preview(link->token, "correct horse", "10.0.0.99");
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.error().code, ErrorCode::rate_limited);
  EXPECT_GT(locked.error().retry_after_seconds, 13 * 60);
  clock_.advance_ms(15 * 60 * 1000);
  EXPECT_TRUE(links_->preview(link->token, "correct horse", "10.0.0.99").ok()) << "the lock ends";

  // One address guessing across many links is locked too, for every link.
  for (int i = 0; i < 30; ++i) {
    auto fresh = links_->create(ana_, file_, spec);
    ASSERT_TRUE(fresh.ok());
    ASSERT_EQ(links_->preview(fresh->token, "guess", "10.0.9.9").error().code, ErrorCode::forbidden) << i;
  }
  EXPECT_EQ(links_->preview(other->token, "correct horse", "10.0.9.9").error().code, ErrorCode::rate_limited);
  EXPECT_TRUE(links_->preview(other->token, "correct horse", "10.0.9.10").ok());
}

TEST_P(ShareLinksTest, TheDownloadLimitHolds) {
  NewLink spec;
  spec.max_downloads = 2;
  auto link = links_->create(ana_, file_, spec);
  ASSERT_TRUE(link.ok());
  EXPECT_TRUE(links_->open(link->token, "", "x", true).ok());
  EXPECT_TRUE(links_->open(link->token, "", "x", false).ok());  // a Range continuing one
  EXPECT_TRUE(links_->open(link->token, "", "x", true).ok());
  auto third = links_->open(link->token, "", "x", true);
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().code, ErrorCode::forbidden);
  EXPECT_EQ((*links_->list(ana_.subject, file_))[0].download_count, 2);
}

TEST_P(ShareLinksTest, TheCountryToggleIsEnforcedOnCreationAndOnUse) {
  auto link = links_->create(ana_, file_, {});
  ASSERT_TRUE(link.ok());
  set_links_in("PT", false);
  auto refused = links_->create(ana_, file_, {});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::forbidden);
  EXPECT_EQ(links_->open(link->token, "", "x", true).error().code, ErrorCode::forbidden);
  // A manager in a country where links are on may still make them.
  ASSERT_TRUE(files_->add_grant(ana_, space_, file_, "user", ben_.subject.user_id, FileRole::manager).ok());
  EXPECT_TRUE(links_->create(ben_, file_, {}).ok());
  set_links_in("PT", true);
  EXPECT_TRUE(links_->open(link->token, "", "x", true).ok());
}

TEST_P(ShareLinksTest, DeletingASharedFileTakesItsLinksAlong) {
  auto link = links_->create(ana_, file_, {});
  ASSERT_TRUE(link.ok());
  auto removed = files_->remove(ana_, file_);
  ASSERT_TRUE(removed.ok()) << removed.error().message;
  EXPECT_EQ(links_->open(link->token, "", "x", true).error().code, ErrorCode::not_found);
  EXPECT_EQ(links_->create(ana_, file_, {}).error().code, ErrorCode::not_found);
}

INSTANTIATE_TEST_SUITE_P(Databases, ShareLinksTest, ::testing::ValuesIn(storage::testing::test_database_kinds()));

}  // namespace
}  // namespace meridian::files
