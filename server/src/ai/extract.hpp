// Text out of a file, kept with where it stands: plain text, Markdown (sections from its
// headings), CSV (each row as "column: value" pairs), HTML (no markup, scripts or styles;
// sections from its headings), PDF (page by page, through poppler) and DOCX/XLSX/PPTX
// (office_extract.hpp: their XML through libarchive and libxml2). Then chunks of it
// for the index, each inside one page and one section.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace meridian::ai {

enum class DocumentKind { text, markdown, csv, html, pdf, docx, xlsx, pptx, unsupported };
const char* document_kind_name(DocumentKind k);

// By content type first, then by the name's extension.
DocumentKind document_kind(std::string_view content_type, std::string_view name);

struct TextPart {
  std::optional<int> page;  // PDF: 1-based
  std::string section;      // the heading it stands under, "row 12" (CSV), or empty
  std::string text;
};

struct ExtractedText {
  std::vector<TextPart> parts;
  int pages = 0;  // PDF
};

// invalid_argument for a file that is not what its kind says (a broken or locked PDF).
Result<ExtractedText> extract_text(DocumentKind kind, std::string_view bytes);

struct Chunk {
  std::optional<int> page;
  std::string section;
  std::string text;
};

// Whole sentences, about `target` bytes a chunk (never above `max` unless one sentence is).
std::vector<Chunk> chunk_text(const ExtractedText& text, std::size_t target = 700, std::size_t max = 1'400);

}  // namespace meridian::ai
