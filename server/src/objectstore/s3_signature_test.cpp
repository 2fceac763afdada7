#include <gtest/gtest.h>

#include "objectstore/s3_store.hpp"

namespace meridian::objectstore {
namespace {

// AWS's published example ("GET Object" in "Signature Calculations for the
// Authorization Header: Transferring Payload in a Single Chunk").
TEST(SigV4, MatchesTheAwsGetObjectExample) {
  SigV4Input in;
  in.method = "GET";
  in.canonical_uri = "/test.txt";
  in.headers = {{"host", "examplebucket.s3.amazonaws.com"},
                {"range", "bytes=0-9"},
                {"x-amz-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
                {"x-amz-date", "20130524T000000Z"}};
  in.payload_hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  in.amz_date = "20130524T000000Z";
  in.region = "us-east-1";
  in.access_key = "AKIAIOSFODNN7EXAMPLE";
  in.secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  EXPECT_EQ(sigv4_authorization(in),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4, UriEncodingKeepsOnlyUnreserved) {
  EXPECT_EQ(aws_uri_encode("a b/c~d*é", false), "a%20b%2Fc~d%2A%C3%A9");
  EXPECT_EQ(aws_uri_encode("eu/ab-cd.bin", true), "eu/ab-cd.bin");
}

}  // namespace
}  // namespace meridian::objectstore
