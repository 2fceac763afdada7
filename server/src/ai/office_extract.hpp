// Text out of Office Open XML files (DOCX, XLSX, PPTX): they are ZIP archives of XML parts,
// read with libarchive (from memory) and libxml2 (never from the network, no entities).
// An archive that unpacks to over 64 MiB, or to 200 times its size past 4 MiB, is refused.
//   DOCX: word/document.xml, a part per paragraph under the heading it stands under
//         (paragraph styles Heading1..9 and Title start a section);
//   XLSX: each sheet in the workbook's tab order, named there (xl/workbook.xml <sheet>, its
//         part found through xl/_rels/workbook.xml.rels), row by row as "column: value"
//         pairs under its first row (as CSV; section "Sheet, row N"), shared strings resolved;
//   PPTX: each slide in the presentation's order (ppt/presentation.xml <sldId> through
//         ppt/_rels/presentation.xml.rels), section "Slide N", a part per paragraph.
// Without those relationships, sheets and slides go by the numbers in their part names.
#pragma once

#include <string_view>

#include "ai/extract.hpp"
#include "core/result.hpp"

namespace meridian::ai {

// invalid_argument for bytes that are not such an archive or lack its main part.
Result<ExtractedText> from_docx(std::string_view bytes);
Result<ExtractedText> from_xlsx(std::string_view bytes);
Result<ExtractedText> from_pptx(std::string_view bytes);

}  // namespace meridian::ai
