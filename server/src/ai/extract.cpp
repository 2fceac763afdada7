#include "ai/extract.hpp"

#include <algorithm>
#include <memory>

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-page.h>

#include "ai/office_extract.hpp"
#include "ai/text.hpp"
#include "core/log.hpp"

namespace meridian::ai {
namespace {

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && lower(s.substr(s.size() - tail.size())) == tail;
}

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// Paragraphs (blank-line separated) of plain text, each a part.
void add_paragraphs(ExtractedText& out, std::string_view text, const std::string& section,
                    std::optional<int> page = std::nullopt) {
  std::string paragraph;
  auto flush = [&] {
    auto t = squeezed(paragraph);
    if (!t.empty()) out.parts.push_back({page, section, std::move(t)});
    paragraph.clear();
  };
  for (auto line : lines_of(text)) {
    if (trim(line).empty()) {
      flush();
    } else {
      paragraph += line;
      paragraph += '\n';
    }
  }
  flush();
}

std::string markdown_inline(std::string_view line) {
  std::string out;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '`' || c == '*' || c == '_') continue;
    if (c == '!' && i + 1 < line.size() && line[i + 1] == '[') continue;
    if (c == '[') {  // [text](url) -> text
      auto close = line.find("](", i);
      auto end = close == std::string_view::npos ? close : line.find(')', close);
      if (end != std::string_view::npos) {
        out += line.substr(i + 1, close - i - 1);
        i = end;
        continue;
      }
    }
    out += c;
  }
  return out;
}

ExtractedText from_markdown(std::string_view bytes) {
  ExtractedText out;
  std::string section, body;
  bool fenced = false;
  auto flush = [&] {
    add_paragraphs(out, body, section);
    body.clear();
  };
  for (auto line : lines_of(bytes)) {
    auto t = trim(line);
    if (t.starts_with("```")) {
      fenced = !fenced;
      continue;
    }
    if (!fenced && t.starts_with('#')) {
      flush();
      section = trim(markdown_inline(std::string_view(t).substr(std::min(t.size(), t.find_first_not_of('#')))));
      continue;
    }
    if (!fenced) {
      // Quote and list markers are layout, not text.
      std::string_view rest = t;
      while (!rest.empty() && (rest[0] == '>' || ((rest[0] == '-' || rest[0] == '+' || rest[0] == '*') &&
                                                  rest.size() > 1 && rest[1] == ' '))) {
        rest.remove_prefix(1);
        while (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);
      }
      body += markdown_inline(rest);
    } else {
      body += t;
    }
    body += '\n';
  }
  flush();
  return out;
}

// One CSV record's fields (RFC 4180 quoting); `at` moves past the record.
std::vector<std::string> csv_record(std::string_view text, std::size_t& at) {
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false;
  for (; at < text.size(); ++at) {
    const char c = text[at];
    if (quoted) {
      if (c == '"' && at + 1 < text.size() && text[at + 1] == '"') {
        field += '"';
        ++at;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',' || c == ';' || c == '\t') {
      fields.push_back(trim(field));
      field.clear();
    } else if (c == '\n') {
      ++at;
      break;
    } else if (c != '\r') {
      field += c;
    }
  }
  fields.push_back(trim(field));
  return fields;
}

ExtractedText from_csv(std::string_view bytes) {
  ExtractedText out;
  std::size_t at = 0;
  const auto header = csv_record(bytes, at);
  int row = 1;
  while (at < bytes.size()) {
    auto fields = csv_record(bytes, at);
    ++row;
    std::string text;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (fields[i].empty()) continue;
      if (!text.empty()) text += "; ";
      if (i < header.size() && !header[i].empty()) text += header[i] + ": ";
      text += fields[i];
    }
    if (!text.empty()) out.parts.push_back({std::nullopt, "row " + std::to_string(row), text + "."});
  }
  return out;
}

std::string decode_entities(std::string_view s) {
  static const std::pair<std::string_view, std::string_view> kNamed[] = {
      {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&apos;", "'"}, {"&nbsp;", " "}};
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    bool done = false;
    if (s[i] == '&')
      for (const auto& [name, value] : kNamed)
        if (s.substr(i, name.size()) == name) {
          out += value;
          i += name.size() - 1;
          done = true;
          break;
        }
    if (!done) out += s[i];
  }
  return out;
}

ExtractedText from_html(std::string_view bytes) {
  ExtractedText out;
  std::string section, body, heading;
  bool in_heading = false;
  auto flush = [&] {
    add_paragraphs(out, decode_entities(body), section);
    body.clear();
  };
  std::size_t i = 0;
  while (i < bytes.size()) {
    if (bytes[i] != '<') {
      (in_heading ? heading : body) += bytes[i++];
      continue;
    }
    auto close = bytes.find('>', i);
    if (close == std::string_view::npos) break;
    const std::string tag = lower(bytes.substr(i + 1, close - i - 1));
    const std::string name = tag.substr(0, tag.find_first_of(" \t\r\n/", tag.starts_with('/') ? 1 : 0));
    i = close + 1;
    if (name == "script" || name == "style" || name == "head") {
      auto end = lower(bytes.substr(i)).find("</" + name);
      i = end == std::string::npos ? bytes.size() : i + end;
      continue;
    }
    if (name == "h1" || name == "h2" || name == "h3" || name == "h4") {
      flush();
      in_heading = true;
      heading.clear();
    } else if (name == "/h1" || name == "/h2" || name == "/h3" || name == "/h4") {
      in_heading = false;
      section = squeezed(decode_entities(heading));
    } else if (name == "p" || name == "/p" || name == "br" || name == "div" || name == "/div" || name == "li" ||
               name == "tr" || name == "/tr" || name == "/li") {
      body += "\n\n";
    } else if (name == "td" || name == "th") {
      body += ' ';
    }
  }
  flush();
  return out;
}

// Poppler's complaints about a broken file go to the debug log, not to standard error.
void poppler_says(const std::string& message, void*) { log::debug("ai.pdf_warning", {{"message", message}}); }

Result<ExtractedText> from_pdf(std::string_view bytes) {
  static const bool quiet = (poppler::set_debug_error_function(poppler_says, nullptr), true);
  (void)quiet;
  std::vector<char> data(bytes.begin(), bytes.end());
  std::unique_ptr<poppler::document> doc(poppler::document::load_from_data(&data));
  if (!doc) return make_error(ErrorCode::invalid_argument, "not a readable PDF");
  if (doc->is_locked()) return make_error(ErrorCode::invalid_argument, "the PDF is locked with a password");
  ExtractedText out;
  out.pages = doc->pages();
  for (int p = 0; p < doc->pages(); ++p) {
    std::unique_ptr<poppler::page> page(doc->create_page(p));
    if (!page) continue;
    auto utf8 = page->text().to_utf8();
    add_paragraphs(out, std::string_view(utf8.data(), utf8.size()), "", p + 1);
  }
  return out;
}

}  // namespace

const char* document_kind_name(DocumentKind k) {
  switch (k) {
    case DocumentKind::text:
      return "text";
    case DocumentKind::markdown:
      return "markdown";
    case DocumentKind::csv:
      return "csv";
    case DocumentKind::html:
      return "html";
    case DocumentKind::pdf:
      return "pdf";
    case DocumentKind::docx:
      return "docx";
    case DocumentKind::xlsx:
      return "xlsx";
    case DocumentKind::pptx:
      return "pptx";
    case DocumentKind::unsupported:
      return "unsupported";
  }
  return "unsupported";
}

DocumentKind document_kind(std::string_view content_type, std::string_view name) {
  const auto type = lower(content_type.substr(0, content_type.find(';')));
  if (type == "application/pdf" || ends_with(name, ".pdf")) return DocumentKind::pdf;
  if (type == "text/markdown" || ends_with(name, ".md") || ends_with(name, ".markdown")) return DocumentKind::markdown;
  if (type == "text/csv" || ends_with(name, ".csv")) return DocumentKind::csv;
  if (type == "text/html" || ends_with(name, ".html") || ends_with(name, ".htm")) return DocumentKind::html;
  if (type == "text/plain" || ends_with(name, ".txt") || ends_with(name, ".log")) return DocumentKind::text;
  constexpr std::string_view office = "application/vnd.openxmlformats-officedocument.";
  if (type == std::string(office) + "wordprocessingml.document" || ends_with(name, ".docx")) return DocumentKind::docx;
  if (type == std::string(office) + "spreadsheetml.sheet" || ends_with(name, ".xlsx")) return DocumentKind::xlsx;
  if (type == std::string(office) + "presentationml.presentation" || ends_with(name, ".pptx"))
    return DocumentKind::pptx;
  return DocumentKind::unsupported;
}

Result<ExtractedText> extract_text(DocumentKind kind, std::string_view bytes) {
  switch (kind) {
    case DocumentKind::text: {
      ExtractedText out;
      add_paragraphs(out, bytes, "");
      return out;
    }
    case DocumentKind::markdown:
      return from_markdown(bytes);
    case DocumentKind::csv:
      return from_csv(bytes);
    case DocumentKind::html:
      return from_html(bytes);
    case DocumentKind::pdf:
      return from_pdf(bytes);
    case DocumentKind::docx:
      return from_docx(bytes);
    case DocumentKind::xlsx:
      return from_xlsx(bytes);
    case DocumentKind::pptx:
      return from_pptx(bytes);
    case DocumentKind::unsupported:
      break;
  }
  return make_error(ErrorCode::invalid_argument, "this kind of file is not indexed");
}

std::vector<Chunk> chunk_text(const ExtractedText& text, std::size_t target, std::size_t max) {
  std::vector<Chunk> out;
  Chunk current;
  auto flush = [&] {
    if (!current.text.empty()) out.push_back(current);
    current.text.clear();
  };
  for (const auto& part : text.parts) {
    if (part.page != current.page || part.section != current.section) {
      flush();
      current.page = part.page;
      current.section = part.section;
    }
    for (auto& sentence : split_sentences(part.text)) {
      if (!current.text.empty() && current.text.size() + sentence.size() + 1 > max) flush();
      if (!current.text.empty()) current.text += ' ';
      current.text += sentence;
      if (current.text.size() >= target) flush();
    }
  }
  flush();
  return out;
}

}  // namespace meridian::ai
