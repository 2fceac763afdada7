// What ChatService's files (chat_service.cpp, chat_members.cpp) check and refuse alike
// (internal to chat).
#pragma once

#include <algorithm>
#include <string_view>

#include "chat/conversation.hpp"
#include "core/result.hpp"

namespace meridian::chat {

inline bool has_control_chars(std::string_view s, bool allow_newlines) {
  return std::any_of(s.begin(), s.end(), [&](char c) {
    auto u = static_cast<unsigned char>(c);
    if (allow_newlines && (c == '\n' || c == '\t' || c == '\r')) return false;
    return u < 0x20 || u == 0x7f;
  });
}

inline Error no_such_conversation() { return make_error(ErrorCode::not_found, "no such conversation"); }

// Said the same way whoever asks, so that it reveals nothing about the person.
inline Error customers_only_in_support() {
  return make_error(ErrorCode::forbidden, "customers can only be reached through support conversations");
}

inline bool can_manage(MemberRole role) { return role == MemberRole::owner || role == MemberRole::moderator; }

}  // namespace meridian::chat
