// DOCX, XLSX and PPTX made here as what they are (ZIP archives of Office Open XML parts,
// test_office.hpp), read back by the extraction the index uses.
#include "ai/office_extract.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "ai/test_office.hpp"

namespace meridian::ai {
namespace {

using testing::joined;
using testing::kWordNamespace;
using testing::make_zip;
using testing::word_paragraph;

TEST(OfficeExtract, WordParagraphsStandUnderTheirHeadings) {
  const auto docx =
      make_zip({{"[Content_Types].xml", "<Types/>"},
                {"word/document.xml",
                 std::string("<w:document ") + kWordNamespace + "><w:body>" + word_paragraph("Travel policy", "Title") +
                     word_paragraph("Trains are preferred.") + word_paragraph("Refunds", "Heading1") +
                     "<w:p><w:r><w:t>Refunds within </w:t></w:r><w:r><w:t>30 "
                     "days</w:t><w:tab/><w:t>of purchase.</w:t></w:r></w:p>" +
                     word_paragraph("") + "</w:body></w:document>"}});
  auto t = from_docx(docx);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(joined(*t), "[Travel policy]Trains are preferred.\n[Refunds]Refunds within 30 days of purchase.\n");
}

TEST(OfficeExtract, ExcelRowsReadAsColumnValuePairsWithSharedStrings) {
  const std::string ns = R"(xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main")";
  const auto xlsx = make_zip(
      {{"xl/workbook.xml", "<workbook " + ns +
                               " xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
                               "<sheets><sheet name=\"Budget\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"},
       {"xl/_rels/workbook.xml.rels",
        "<Relationships><Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\"/></Relationships>"},
       {"xl/sharedStrings.xml",
        "<sst " + ns + "><si><t>item</t></si><si><t>euros</t></si><si><t>Laptops</t></si></sst>"},
       {"xl/worksheets/sheet1.xml",
        "<worksheet " + ns +
            "><sheetData>"
            "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>"
            "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>2</v></c><c r=\"B2\"><v>4200</v></c></row>"
            "<row r=\"5\"><c r=\"A5\" t=\"inlineStr\"><is><t>Desks</t></is></c></row>"
            "</sheetData></worksheet>"}});
  auto t = from_xlsx(xlsx);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(joined(*t), "[Budget, row 2]item: Laptops; euros: 4200.\n[Budget, row 5]item: Desks.\n");
}

TEST(OfficeExtract, SheetsAreNamedAndOrderedThroughTheWorkbooksRelationships) {
  const std::string ns = R"(xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main")";
  const std::string r = R"(xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships")";
  auto sheet = [&](const std::string& a, const std::string& b) {
    return "<worksheet " + ns + "><sheetData><row r=\"1\"><c t=\"inlineStr\"><is><t>" + a +
           "</t></is></c></row><row r=\"2\"><c t=\"inlineStr\"><is><t>" + b +
           "</t></is></c></row></sheetData></worksheet>";
  };
  // The tabs read Costs then Staff; their parts are numbered the other way round, and a
  // chart sheet's relationship points to no worksheet.
  const auto xlsx =
      make_zip({{"xl/workbook.xml", "<workbook " + ns + " " + r +
                                        "><sheets><sheet name=\"Costs\" sheetId=\"7\" r:id=\"rId3\"/>"
                                        "<sheet name=\"Chart\" sheetId=\"8\" r:id=\"rId9\"/>"
                                        "<sheet name=\"Staff\" sheetId=\"2\" r:id=\"rId1\"/></sheets></workbook>"},
                {"xl/_rels/workbook.xml.rels",
                 "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                 "<Relationship Id=\"rId1\" Type=\"worksheet\" Target=\"worksheets/sheet1.xml\"/>"
                 "<Relationship Id=\"rId9\" Type=\"chartsheet\" Target=\"chartsheets/sheet1.xml\"/>"
                 "<Relationship Id=\"rId3\" Type=\"worksheet\" Target=\"/xl/worksheets/sheet2.xml\"/></Relationships>"},
                {"xl/worksheets/sheet1.xml", sheet("name", "Ada")},
                {"xl/worksheets/sheet2.xml", sheet("item", "Rent")}});
  auto t = from_xlsx(xlsx);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(joined(*t), "[Costs, row 2]item: Rent.\n[Staff, row 2]name: Ada.\n");
}

TEST(OfficeExtract, EachSlideIsASectionInItsOrder) {
  const std::string ns = R"(xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main")";
  auto slide = [&](const std::string& text) {
    return "<p:sld xmlns:p=\"http://schemas.openxmlformats.org/presentationml/2006/main\" " + ns +
           "><p:txBody><a:p><a:r><a:t>" + text + "</a:t></a:r></a:p></p:txBody></p:sld>";
  };
  const auto pptx = make_zip({{"ppt/slides/slide10.xml", slide("Questions?")},
                              {"ppt/slides/slide2.xml", slide("Revenue grew by 12 percent.")},
                              {"ppt/slides/slide1.xml", slide("Quarterly review")},
                              {"ppt/slides/_rels/slide1.xml.rels", "<Relationships/>"}});
  auto t = from_pptx(pptx);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->pages, 3);
  EXPECT_EQ(joined(*t), "[Slide 1]Quarterly review\n[Slide 2]Revenue grew by 12 percent.\n[Slide 3]Questions?\n");
}

TEST(OfficeExtract, SlidesGoInThePresentationsOrderNotTheirPartNumbers) {
  auto slide = [](const std::string& text) {
    return "<p:sld xmlns:p=\"http://schemas.openxmlformats.org/presentationml/2006/main\" "
           "xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\"><a:p><a:r><a:t>" +
           text + "</a:t></a:r></a:p></p:sld>";
  };
  // Moved in PowerPoint: slide2.xml is shown first. A slide's own id is no relationship.
  const auto pptx = make_zip(
      {{"ppt/presentation.xml",
        "<p:presentation xmlns:p=\"http://schemas.openxmlformats.org/presentationml/2006/main\" "
        "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><p:sldIdLst>"
        "<p:sldId id=\"257\" r:id=\"rId8\"/><p:sldId id=\"256\" r:id=\"rId7\"/></p:sldIdLst></p:presentation>"},
       {"ppt/_rels/presentation.xml.rels",
        "<Relationships><Relationship Id=\"rId7\" Target=\"slides/slide1.xml\"/>"
        "<Relationship Id=\"rId8\" Target=\"./slides/../slides/slide2.xml\"/></Relationships>"},
       {"ppt/slides/slide1.xml", slide("Then the plan")},
       {"ppt/slides/slide2.xml", slide("First the agenda")}});
  auto t = from_pptx(pptx);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(joined(*t), "[Slide 1]First the agenda\n[Slide 2]Then the plan\n");
}

TEST(OfficeExtract, AnArchiveThatUnpacksFarBeyondItsSizeIsRefused) {
  // 8 MiB of one letter packs to a few KiB: a ZIP bomb's shape.
  const auto bomb = make_zip(
      {{"word/document.xml", std::string("<w:document ") + kWordNamespace + "><w:body>" +
                                 word_paragraph(std::string(8 * 1024 * 1024, 'a')) + "</w:body></w:document>"}});
  ASSERT_LT(bomb.size(), 1024u * 1024u);
  auto t = from_docx(bomb);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(t.error().message.find("unpacks"), std::string::npos) << t.error().message;
}

TEST(OfficeExtract, WhatIsNotSuchAFileIsRefusedPlainly) {
  auto not_zip = from_docx("just some text");
  ASSERT_FALSE(not_zip.ok());
  EXPECT_EQ(not_zip.error().code, ErrorCode::invalid_argument);
  auto no_body = from_docx(make_zip({{"word/other.xml", "<x/>"}}));
  ASSERT_FALSE(no_body.ok());
  EXPECT_NE(no_body.error().message.find("word/document.xml"), std::string::npos);
  auto broken = from_pptx(make_zip({{"ppt/slides/slide1.xml", "<p:sld><unclosed>"}}));
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().code, ErrorCode::invalid_argument);
  // An external entity is never fetched nor expanded.
  auto entity = from_docx(
      make_zip({{"word/document.xml", std::string("<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY x SYSTEM "
                                                  "\"file:///etc/passwd\">]><w:document ") +
                                          kWordNamespace +
                                          "><w:body><w:p><w:r><w:t>&x;safe</w:t></w:r></w:p></w:body></w:document>"}}));
  if (entity.ok()) {
    EXPECT_EQ(joined(*entity).find("root:"), std::string::npos);
  }
}

}  // namespace
}  // namespace meridian::ai
