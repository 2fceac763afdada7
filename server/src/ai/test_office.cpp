#include "ai/test_office.hpp"

#include <archive.h>
#include <archive_entry.h>

namespace meridian::ai::testing {

const char* const kWordNamespace = R"(xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main")";

std::string joined(const ExtractedText& text) {
  std::string out;
  for (const auto& p : text.parts)
    out += (p.page ? "p" + std::to_string(*p.page) : "") + "[" + p.section + "]" + p.text + "\n";
  return out;
}

std::string make_zip(const std::map<std::string, std::string>& parts) {
  std::string out;
  archive* a = archive_write_new();
  archive_write_set_format_zip(a);
  archive_write_open(
      a, &out, nullptr,
      [](archive*, void* self, const void* data, size_t n) -> la_ssize_t {
        static_cast<std::string*>(self)->append(static_cast<const char*>(data), n);
        return static_cast<la_ssize_t>(n);
      },
      nullptr);
  for (const auto& [name, body] : parts) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, static_cast<la_int64_t>(body.size()));
    archive_write_header(a, e);
    archive_write_data(a, body.data(), body.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

std::string word_paragraph(const std::string& text, const std::string& style) {
  std::string p = "<w:p>";
  if (!style.empty()) p += "<w:pPr><w:pStyle w:val=\"" + style + "\"/></w:pPr>";
  return p + "<w:r><w:t xml:space=\"preserve\">" + text + "</w:t></w:r></w:p>";
}

std::string make_docx(const std::vector<std::pair<std::string, std::string>>& paragraphs) {
  std::string body = std::string("<w:document ") + kWordNamespace + "><w:body>";
  for (const auto& [style, text] : paragraphs) body += word_paragraph(text, style);
  body += "</w:body></w:document>";
  return make_zip({{"[Content_Types].xml", "<Types/>"}, {"word/document.xml", body}});
}

}  // namespace meridian::ai::testing
