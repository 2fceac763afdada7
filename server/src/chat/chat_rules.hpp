// What ChatService's files (chat_service.cpp, chat_members.cpp) check and refuse alike
// (internal to chat).
#pragma once

#include <algorithm>
#include <string_view>

#include "chat/conversation.hpp"
#include "core/result.hpp"
#include "core/text_rules.hpp"

namespace meridian::chat {

// A single-line field (name, topic, client id) that breaks the text rules (core/text_rules.hpp).
inline bool unprintable_line(std::string_view s) { return !text::printable(s, text::Lines::single); }

inline Error no_such_conversation() { return make_error(ErrorCode::not_found, "no such conversation"); }

// Said the same way whoever asks, so that it reveals nothing about the person.
inline Error customers_only_in_support() {
  return make_error(ErrorCode::forbidden, "customers can only be reached through support conversations");
}

inline bool can_manage(MemberRole role) { return role == MemberRole::owner || role == MemberRole::moderator; }

}  // namespace meridian::chat
