#include "objectstore/s3_xml.hpp"

#include <gtest/gtest.h>

namespace meridian::objectstore {
namespace {

using Values = std::vector<std::string>;

TEST(S3Xml, ValuesOfEveryElementInOrderWithEntitiesDecoded) {
  const std::string xml =
      "<ListBucketResult><Contents><Key>a&amp;b</Key></Contents><Contents><Key>&lt;c&gt;&quot;&apos;</Key></Contents>"
      "<IsTruncated>false</IsTruncated></ListBucketResult>";
  EXPECT_EQ(xml_values(xml, "Key"), (Values{"a&b", "<c>\"'"}));
  EXPECT_EQ(xml_values(xml, "IsTruncated"), (Values{"false"}));
  EXPECT_EQ(xml_values(xml, "UploadId"), Values{});
}

TEST(S3Xml, UnknownEntitiesAndUnclosedElementsAreKeptOrDropped) {
  EXPECT_EQ(xml_values("<Code>&amp</Code>", "Code"), (Values{"&amp"}));
  EXPECT_EQ(xml_values("<Code>&#65;&</Code>", "Code"), (Values{"&#65;&"}));
  EXPECT_EQ(xml_values("<Code>a</Code><Code>b", "Code"), (Values{"a"}));
  EXPECT_EQ(xml_values("", "Code"), Values{});
}

}  // namespace
}  // namespace meridian::objectstore
