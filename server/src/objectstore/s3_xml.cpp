#include "objectstore/s3_xml.hpp"

#include <utility>

namespace meridian::objectstore {

std::vector<std::string> xml_values(std::string_view xml, std::string_view tag) {
  std::vector<std::string> out;
  const std::string open = "<" + std::string(tag) + ">";
  const std::string close = "</" + std::string(tag) + ">";
  std::size_t pos = 0;
  while ((pos = xml.find(open, pos)) != std::string_view::npos) {
    pos += open.size();
    auto end = xml.find(close, pos);
    if (end == std::string_view::npos) break;
    std::string_view raw = xml.substr(pos, end - pos);
    std::string value;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '&') {
        value += raw[i];
        continue;
      }
      static const std::pair<std::string_view, char> kEntities[] = {
          {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
      bool matched = false;
      for (const auto& [entity, ch] : kEntities) {
        if (raw.substr(i, entity.size()) == entity) {
          value += ch;
          i += entity.size() - 1;
          matched = true;
          break;
        }
      }
      if (!matched) value += '&';
    }
    out.push_back(std::move(value));
    pos = end + close.size();
  }
  return out;
}

}  // namespace meridian::objectstore
