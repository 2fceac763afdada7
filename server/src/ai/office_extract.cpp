#include "ai/office_extract.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ai/text.hpp"

namespace meridian::ai {
namespace {

// What an archive may unpack to, all parts read together: past it, or past kMaxRatio times
// the archive's own size (beyond kRatioFloor), it is refused as a ZIP bomb would be.
constexpr std::size_t kMaxUnpackedBytes = 64 * 1024 * 1024;
constexpr std::size_t kMaxRatio = 200;
constexpr std::size_t kRatioFloor = 4 * 1024 * 1024;
constexpr std::size_t kMaxParts = 4096;

Error unpacks_too_far() {
  return make_error(ErrorCode::invalid_argument, "the Office file unpacks to far more than its size (over " +
                                                     std::to_string(kMaxUnpackedBytes / (1024 * 1024)) + " MiB or " +
                                                     std::to_string(kMaxRatio) + " times): refused");
}

// The parts of the archive whose names `wanted` accepts, by name.
Result<std::map<std::string, std::string>> zip_parts(std::string_view bytes, bool (*wanted)(std::string_view)) {
  std::unique_ptr<archive, int (*)(archive*)> a(archive_read_new(), archive_read_free);
  if (!a) return make_error(ErrorCode::internal, "libarchive: out of memory");
  archive_read_support_format_zip(a.get());
  if (archive_read_open_memory(a.get(), bytes.data(), bytes.size()) != ARCHIVE_OK)
    return make_error(ErrorCode::invalid_argument, "not a readable Office file (not a ZIP archive)");
  std::map<std::string, std::string> out;
  archive_entry* entry = nullptr;
  std::size_t seen = 0;
  std::size_t unpacked = 0;
  const std::size_t ratio_limit = std::max(kRatioFloor, bytes.size() * kMaxRatio);
  for (;;) {
    const int r = archive_read_next_header(a.get(), &entry);
    if (r == ARCHIVE_EOF) break;
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
      return make_error(ErrorCode::invalid_argument, "not a readable Office file (a broken ZIP archive)");
    if (++seen > kMaxParts) return make_error(ErrorCode::invalid_argument, "too many parts in the Office file");
    const char* name = archive_entry_pathname(entry);
    if (!name || !wanted(name)) continue;
    std::string data;
    char buffer[16384];
    for (;;) {
      const auto n = archive_read_data(a.get(), buffer, sizeof buffer);
      if (n < 0) return make_error(ErrorCode::invalid_argument, "not a readable Office file (a broken part)");
      if (n == 0) break;
      data.append(buffer, static_cast<std::size_t>(n));
      unpacked += static_cast<std::size_t>(n);
      if (unpacked > kMaxUnpackedBytes || unpacked > ratio_limit) return unpacks_too_far();
    }
    out.emplace(name, std::move(data));
  }
  return out;
}

using XmlDoc = std::unique_ptr<xmlDoc, void (*)(xmlDocPtr)>;

// Parsed without the network, entity expansion or DTD loading.
Result<XmlDoc> parse_xml(const std::string& text) {
  XmlDoc doc(xmlReadMemory(text.data(), static_cast<int>(text.size()), nullptr, nullptr,
                           XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_COMPACT),
             xmlFreeDoc);
  if (!doc) return make_error(ErrorCode::invalid_argument, "not a readable Office file (broken XML)");
  return doc;
}

bool is(const xmlNode* n, const char* local) {
  return n && n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, reinterpret_cast<const xmlChar*>(local)) == 0;
}

std::string attribute(const xmlNode* n, const char* local) {
  for (auto* a = n->properties; a; a = a->next)
    if (xmlStrcmp(a->name, reinterpret_cast<const xmlChar*>(local)) == 0 && a->children && a->children->content)
      return reinterpret_cast<const char*>(a->children->content);
  return {};
}

std::string content(const xmlNode* n) {
  std::string out;
  for (auto* c = n->children; c; c = c->next)
    if (c->type == XML_TEXT_NODE && c->content) out += reinterpret_cast<const char*>(c->content);
  return out;
}

template <class F>
void each_element(xmlNode* n, F&& f) {
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    if (!f(n)) each_element(n->children, f);  // f returns true when it took the subtree
  }
}

// The words of a paragraph: <t> texts, tabs and breaks as spaces.
std::string paragraph_text(xmlNode* p) {
  std::string out;
  each_element(p->children, [&](xmlNode* n) {
    if (is(n, "t")) {
      out += content(n);
      return true;
    }
    if (is(n, "tab") || is(n, "br")) out += ' ';
    return false;
  });
  return out;
}

// slideN / sheetN in N's order.
int number_in(std::string_view name) {
  auto dot = name.rfind('.');
  auto start = dot;
  while (start > 0 && name[start - 1] >= '0' && name[start - 1] <= '9') --start;
  return start == dot ? 0 : std::stoi(std::string(name.substr(start, dot - start)));
}

std::vector<std::pair<int, const std::string*>> numbered(const std::map<std::string, std::string>& parts,
                                                         std::string_view folder) {
  std::vector<std::pair<int, const std::string*>> out;
  for (const auto& [name, data] : parts)
    if (name.starts_with(folder) && name.find('/', folder.size()) == std::string::npos && name.ends_with(".xml"))
      out.emplace_back(number_in(name), &data);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

// A relationship's target as a part name: "worksheets/sheet1.xml" from xl/workbook.xml is
// "xl/worksheets/sheet1.xml", "/xl/x.xml" is "xl/x.xml"; "." and ".." are walked.
std::string part_name(std::string_view folder, std::string_view target) {
  const std::string path =
      target.starts_with('/') ? std::string(target.substr(1)) : std::string(folder) + std::string(target);
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    const auto segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  std::string out;
  for (const auto& seg : segments) out += (out.empty() ? "" : "/") + seg;
  return out;
}

// The relationship id (r:id) of a <sheet> or <sldId>: an "id" attribute in a namespace (a
// slide's plain "id" is its number, not a relationship).
std::string relationship_id(const xmlNode* n) {
  for (auto* a = n->properties; a; a = a->next)
    if (a->ns && xmlStrcmp(a->name, reinterpret_cast<const xmlChar*>("id")) == 0 && a->children && a->children->content)
      return reinterpret_cast<const char*>(a->children->content);
  return {};
}

struct Listed {
  std::string name;  // the sheet's name ("" for a slide)
  const std::string* part;
};

// The parts a main part lists in its own order (<sheet> in xl/workbook.xml, the tabs as
// people see them; <sldId> in ppt/presentation.xml, the slide order), each found through
// the relationship its r:id names in folder/_rels/<main>.rels. Empty without them.
Result<std::vector<Listed>> listed_parts(const std::map<std::string, std::string>& parts, std::string_view folder,
                                         std::string_view main_name, const char* element) {
  std::vector<Listed> out;
  const auto main = parts.find(std::string(folder) + std::string(main_name));
  const auto rels = parts.find(std::string(folder) + "_rels/" + std::string(main_name) + ".rels");
  if (main == parts.end() || rels == parts.end()) return out;
  std::map<std::string, std::string> targets;
  MERIDIAN_ASSIGN_OR_RETURN(auto rels_doc, parse_xml(rels->second));
  each_element(xmlDocGetRootElement(rels_doc.get()), [&](xmlNode* n) {
    if (!is(n, "Relationship")) return false;
    if (attribute(n, "TargetMode") != "External") targets[attribute(n, "Id")] = attribute(n, "Target");
    return true;
  });
  MERIDIAN_ASSIGN_OR_RETURN(auto doc, parse_xml(main->second));
  each_element(xmlDocGetRootElement(doc.get()), [&](xmlNode* n) {
    if (!is(n, element)) return false;
    auto target = targets.find(relationship_id(n));
    if (target == targets.end()) return true;
    auto part = parts.find(part_name(folder, target->second));
    if (part != parts.end()) out.push_back({attribute(n, "name"), &part->second});
    return true;
  });
  return out;
}
}  // namespace

Result<ExtractedText> from_docx(std::string_view bytes) {
  MERIDIAN_ASSIGN_OR_RETURN(auto parts, zip_parts(bytes, [](std::string_view n) { return n == "word/document.xml"; }));
  auto main = parts.find("word/document.xml");
  if (main == parts.end()) return make_error(ErrorCode::invalid_argument, "not a Word document (no word/document.xml)");
  MERIDIAN_ASSIGN_OR_RETURN(auto doc, parse_xml(main->second));
  ExtractedText out;
  std::string section;
  each_element(xmlDocGetRootElement(doc.get()), [&](xmlNode* n) {
    if (!is(n, "p")) return false;
    std::string style;
    each_element(n->children, [&](xmlNode* s) {
      if (is(s, "pStyle")) style = attribute(s, "val");
      return is(s, "r");  // runs hold no paragraph style
    });
    auto text = squeezed(paragraph_text(n));
    if (text.empty()) return true;
    const bool heading = style == "Title" || (style.starts_with("Heading") && style.size() <= 8);
    if (heading)
      section = text;
    else
      out.parts.push_back({std::nullopt, section, std::move(text)});
    return true;
  });
  return out;
}

Result<ExtractedText> from_xlsx(std::string_view bytes) {
  MERIDIAN_ASSIGN_OR_RETURN(auto parts, zip_parts(bytes, [](std::string_view n) {
                              return n == "xl/sharedStrings.xml" || n == "xl/workbook.xml" ||
                                     n == "xl/_rels/workbook.xml.rels" || n.starts_with("xl/worksheets/sheet");
                            }));
  // The sheets in the workbook's tab order, named there; without the workbook's
  // relationships, the sheet parts in their numbers' order.
  MERIDIAN_ASSIGN_OR_RETURN(auto sheets, listed_parts(parts, "xl/", "workbook.xml", "sheet"));
  if (sheets.empty())
    for (const auto& [number, data] : numbered(parts, "xl/worksheets/")) sheets.push_back({"", data});
  if (sheets.empty()) return make_error(ErrorCode::invalid_argument, "not an Excel workbook (no sheets)");
  std::vector<std::string> shared;
  if (auto s = parts.find("xl/sharedStrings.xml"); s != parts.end()) {
    MERIDIAN_ASSIGN_OR_RETURN(auto doc, parse_xml(s->second));
    each_element(xmlDocGetRootElement(doc.get()), [&](xmlNode* n) {
      if (!is(n, "si")) return false;
      shared.push_back(paragraph_text(n));
      return true;
    });
  }
  ExtractedText out;
  for (std::size_t i = 0; i < sheets.size(); ++i) {
    const std::string sheet = !sheets[i].name.empty() ? sheets[i].name : "Sheet " + std::to_string(i + 1);
    MERIDIAN_ASSIGN_OR_RETURN(auto doc, parse_xml(*sheets[i].part));
    std::vector<std::string> header;
    bool first = true;
    int row_number = 0;
    each_element(xmlDocGetRootElement(doc.get()), [&](xmlNode* row) {
      if (!is(row, "row")) return false;
      std::vector<std::string> cells;
      each_element(row->children, [&](xmlNode* c) {
        if (!is(c, "c")) return false;
        const auto type = attribute(c, "t");
        std::string value;
        each_element(c->children, [&](xmlNode* v) {
          if (is(v, "v")) {
            value = content(v);
            return true;
          }
          if (is(v, "is")) {
            value = paragraph_text(v);
            return true;
          }
          return false;
        });
        if (type == "s") {
          char* end = nullptr;
          const long k = std::strtol(value.c_str(), &end, 10);
          value = (end && !*end && k >= 0 && static_cast<std::size_t>(k) < shared.size()) ? shared[k] : std::string{};
        }
        cells.push_back(squeezed(value));
        return true;
      });
      ++row_number;
      if (auto r = attribute(row, "r"); !r.empty()) row_number = std::atoi(r.c_str());
      if (first) {
        header = cells;
        first = false;
        return true;
      }
      std::string line;
      for (std::size_t k = 0; k < cells.size(); ++k) {
        if (cells[k].empty()) continue;
        if (!line.empty()) line += "; ";
        line += (k < header.size() && !header[k].empty() ? header[k] + ": " : std::string{}) + cells[k];
      }
      if (!line.empty()) out.parts.push_back({std::nullopt, sheet + ", row " + std::to_string(row_number), line + "."});
      return true;
    });
  }
  return out;
}

Result<ExtractedText> from_pptx(std::string_view bytes) {
  MERIDIAN_ASSIGN_OR_RETURN(auto parts, zip_parts(bytes, [](std::string_view n) {
                              return n == "ppt/presentation.xml" || n == "ppt/_rels/presentation.xml.rels" ||
                                     n.starts_with("ppt/slides/slide");
                            }));
  // The slides in the presentation's order; without its relationships, by their numbers.
  MERIDIAN_ASSIGN_OR_RETURN(auto slides, listed_parts(parts, "ppt/", "presentation.xml", "sldId"));
  if (slides.empty())
    for (const auto& [number, data] : numbered(parts, "ppt/slides/")) slides.push_back({"", data});
  if (slides.empty()) return make_error(ErrorCode::invalid_argument, "not a PowerPoint presentation (no slides)");
  ExtractedText out;
  int number = 0;
  for (const auto& slide : slides) {
    const std::string section = "Slide " + std::to_string(++number);
    MERIDIAN_ASSIGN_OR_RETURN(auto doc, parse_xml(*slide.part));
    each_element(xmlDocGetRootElement(doc.get()), [&](xmlNode* n) {
      if (!is(n, "p")) return false;
      auto text = squeezed(paragraph_text(n));
      if (!text.empty()) out.parts.push_back({std::nullopt, section, std::move(text)});
      return true;
    });
  }
  out.pages = number;
  return out;
}

}  // namespace meridian::ai
