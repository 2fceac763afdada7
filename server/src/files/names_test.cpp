#include "files/names.hpp"

#include <gtest/gtest.h>

#include "files/content_type.hpp"

namespace meridian::files {
namespace {

TEST(SanitizeName, KeepsOrdinaryNamesAndTrimsSpaces) {
  EXPECT_EQ(*sanitize_name("Report 2026.pdf"), "Report 2026.pdf");
  EXPECT_EQ(*sanitize_name("  notes.txt "), "notes.txt");
  EXPECT_EQ(*sanitize_name("..hidden"), "..hidden");
}

TEST(SanitizeName, NormalisesToNfc) {
  // "e" + combining acute becomes the single code point é.
  EXPECT_EQ(*sanitize_name("caf\x65\xcc\x81.txt"), "caf\xc3\xa9.txt");
}

TEST(SanitizeName, RefusesTraversalSeparatorsAndControls) {
  for (const char* bad :
       {"", "   ", ".", "..", "../etc/passwd", "a/b", "a\\b", "..\\..\\x", "a\nb", "a\rb", "tab\there", "nul\x01",
        "del\x7f", "c1\xc2\x85", "evil\xe2\x80\xaetxt.exe", "iso\xe2\x81\xa6x"}) {
    auto r = sanitize_name(bad);
    EXPECT_FALSE(r.ok()) << "accepted: " << bad;
    if (!r) {
      EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
    }
  }
}

TEST(SanitizeName, RefusesInvalidUtf8AndOverlongNames) {
  EXPECT_FALSE(sanitize_name("\xff\xfe").ok());
  EXPECT_FALSE(sanitize_name("\xc0\xaf").ok());  // overlong '/'
  EXPECT_FALSE(sanitize_name(std::string(256, 'a')).ok());
  EXPECT_TRUE(sanitize_name(std::string(255, 'a')).ok());
}

TEST(ContentType, SniffedFromBytesNotFromTheName) {
  EXPECT_EQ(sniff_content_type(std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0", 29)),
            "image/png");
  EXPECT_EQ(sniff_content_type("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), "application/pdf");
  EXPECT_EQ(sniff_content_type("<!DOCTYPE html><html><script>alert(1)</script></html>"), "text/html");
  EXPECT_EQ(sniff_content_type("just some words\n"), "text/plain");
}

TEST(ContentType, OnlyHarmlessTypesAreShownInline) {
  EXPECT_TRUE(is_safe_inline("image/png"));
  EXPECT_TRUE(is_safe_inline("application/pdf"));
  EXPECT_TRUE(is_safe_inline("text/plain"));
  EXPECT_FALSE(is_safe_inline("text/html"));
  EXPECT_FALSE(is_safe_inline("image/svg+xml"));
  EXPECT_FALSE(is_safe_inline("application/xhtml+xml"));
  EXPECT_FALSE(is_safe_inline("text/xml"));
}

}  // namespace
}  // namespace meridian::files
