#include "ai/extract.hpp"

#include <gtest/gtest.h>

#include "ai/test_office.hpp"
#include "ai/test_pdf.hpp"

namespace meridian::ai {
namespace {

using testing::joined;

TEST(Extract, TheKindComesFromTheContentTypeThenTheName) {
  EXPECT_EQ(document_kind("application/pdf", "x.bin"), DocumentKind::pdf);
  EXPECT_EQ(document_kind("application/octet-stream", "Notes.MD"), DocumentKind::markdown);
  EXPECT_EQ(document_kind("text/csv; charset=utf-8", "x"), DocumentKind::csv);
  EXPECT_EQ(document_kind("", "page.htm"), DocumentKind::html);
  EXPECT_EQ(document_kind("text/plain", "a"), DocumentKind::text);
  EXPECT_EQ(document_kind("image/png", "photo.png"), DocumentKind::unsupported);
}

TEST(Extract, MarkdownSectionsComeFromItsHeadingsWithoutTheMarkup) {
  auto t = extract_text(DocumentKind::markdown,
                        "# Handbook\nWelcome **aboard**.\n\n## Refunds\n- Refunds within *30 days*, see "
                        "[the form](https://x.test/form).\n```\ncode stays\n```\n");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(joined(*t), "[Handbook]Welcome aboard.\n[Refunds]Refunds within 30 days, see the form. code stays\n");
}

TEST(Extract, CsvRowsReadAsColumnValuePairs) {
  auto t =
      extract_text(DocumentKind::csv, "product,price,notes\nLamp,30,\"bright, warm\"\n\nDesk,120,\"say \"\"hi\"\"\"\n");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(
      joined(*t),
      "[row 2]product: Lamp; price: 30; notes: bright, warm.\n[row 4]product: Desk; price: 120; notes: say \"hi\".\n");
}

TEST(Extract, HtmlLosesScriptsStylesAndTagsAndKeepsHeadings) {
  auto t = extract_text(DocumentKind::html,
                        "<html><head><title>t</title><style>p{}</style></head><body><h1>Travel &amp; costs</h1>"
                        "<p>Trains are <b>fine</b>.</p><script>alert('x')</script><p>Flights need approval.</p>"
                        "</body></html>");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(joined(*t), "[Travel & costs]Trains are fine.\n[Travel & costs]Flights need approval.\n");
}

TEST(Extract, APdfIsReadPageByPage) {
  const auto pdf =
      testing::make_pdf({{"Welcome to the handbook."}, {"Refunds are accepted within 30 days.", "Keep the receipt."}});
  auto t = extract_text(DocumentKind::pdf, pdf);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->pages, 2);
  ASSERT_EQ(t->parts.size(), 2u);
  EXPECT_EQ(t->parts[1].page, 2);
  EXPECT_NE(t->parts[1].text.find("Refunds are accepted within 30 days."), std::string::npos) << t->parts[1].text;
}

TEST(Extract, ABrokenPdfIsRefusedNotCrashedOn) {
  auto t = extract_text(DocumentKind::pdf, "%PDF-1.4 this is not really a pdf");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, ErrorCode::invalid_argument);
}

TEST(Chunks, StayInsideAPageAndASectionAndKeepWholeSentences) {
  ExtractedText t;
  t.parts = {{1, "", std::string(500, 'a') + ". " + std::string(500, 'b') + "."},
             {2, "", "Short one."},
             {2, "Other", "Another section."}};
  auto chunks = chunk_text(t, 700, 1'400);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0].page, 1);
  EXPECT_EQ(chunks[0].text.size(), 1'003u);  // two sentences: the first alone was under the target
  EXPECT_EQ(chunks[1].text, "Short one.");
  EXPECT_EQ(chunks[2].section, "Other");
}

}  // namespace
}  // namespace meridian::ai
