#include "files/tus_headers.hpp"

#include <gtest/gtest.h>

namespace meridian::files::tus_headers {
namespace {

TEST(TusHeaders, LengthIsAPlainNonNegativeInteger) {
  EXPECT_EQ(parse_length("0"), 0);
  EXPECT_EQ(parse_length("1048576"), 1048576);
  EXPECT_EQ(parse_length(""), std::nullopt);
  EXPECT_EQ(parse_length("-1"), std::nullopt);
  EXPECT_EQ(parse_length(" 1"), std::nullopt);
  EXPECT_EQ(parse_length("1 "), std::nullopt);
  EXPECT_EQ(parse_length("0x10"), std::nullopt);
  EXPECT_EQ(parse_length("99999999999999999999"), std::nullopt);
}

TEST(TusHeaders, MetadataDecodesBase64ValuesAndKeepsKeysWithoutValue) {
  auto meta = parse_metadata("filename bXkgZmlsZS5wZGY=, space_id MTI=,parent_id");
  ASSERT_TRUE(meta);
  EXPECT_EQ((*meta)["filename"], "my file.pdf");
  EXPECT_EQ((*meta)["space_id"], "12");
  EXPECT_EQ(meta->count("parent_id"), 1u);
  EXPECT_EQ((*meta)["parent_id"], "");
  EXPECT_EQ(parse_metadata("name !!!"), std::nullopt);
  EXPECT_TRUE(parse_metadata(",,, ,")->empty());
}

TEST(TusHeaders, ChecksumNamesItsAlgorithmAndCarriesRawDigest) {
  auto none = parse_checksum("");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
  auto sha1 = parse_checksum("sha1 2jmj7l5rSw0yVb/vlWAYkK/YBwk=");
  ASSERT_TRUE(sha1 && sha1->has_value());
  EXPECT_EQ((*sha1)->algorithm, "sha1");
  EXPECT_EQ((*sha1)->digest.size(), 20u);
  auto md5 = parse_checksum("md5 1B2M2Y8AsgTpgAmY7PhCfg==");
  ASSERT_FALSE(md5);
  EXPECT_EQ(md5.error().code, ErrorCode::invalid_argument);
  EXPECT_FALSE(parse_checksum("sha256"));
  EXPECT_FALSE(parse_checksum("sha256 not*base64"));
}

}  // namespace
}  // namespace meridian::files::tus_headers
