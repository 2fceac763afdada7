#include "chat/mentions.hpp"

#include <algorithm>
#include <cctype>

namespace meridian::chat {
namespace {

bool handle_char(char c) {
  auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '.' || c == '_' || c == '-';
}

bool email_char(char c) {
  auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '.' || c == '_' || c == '-' || c == '+' || c == '%' || c == '@';
}

}  // namespace

MentionTokens parse_mentions(std::string_view text) {
  MentionTokens out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '@') continue;
    if (i > 0 && email_char(text[i - 1])) continue;
    std::size_t end = i + 1;
    while (end < text.size() && handle_char(text[end])) ++end;
    std::string handle(text.substr(i + 1, end - i - 1));
    while (!handle.empty() && (handle.back() == '.' || handle.back() == '-')) handle.pop_back();
    i = end - 1;
    if (handle.empty() || handle.size() > 64) continue;
    for (auto& c : handle) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (handle == "channel" || handle == "all" || handle == "everyone") {
      out.channel = true;
    } else if (handle == "here") {
      out.here = true;
    } else if (std::find(out.handles.begin(), out.handles.end(), handle) == out.handles.end()) {
      out.handles.push_back(std::move(handle));
    }
  }
  return out;
}

}  // namespace meridian::chat
