#include "chat/conversation.hpp"

namespace meridian::chat {

const char* kind_name(ConversationKind kind) {
  switch (kind) {
    case ConversationKind::direct: return "direct";
    case ConversationKind::group: return "group";
    case ConversationKind::channel: return "channel";
  }
  return "group";
}

bool parse_kind(std::string_view text, ConversationKind& out) {
  for (auto k : {ConversationKind::direct, ConversationKind::group, ConversationKind::channel}) {
    if (text == kind_name(k)) {
      out = k;
      return true;
    }
  }
  return false;
}

const char* visibility_name(Visibility v) { return v == Visibility::public_ ? "public" : "private"; }

const char* member_role_name(MemberRole role) {
  switch (role) {
    case MemberRole::owner: return "owner";
    case MemberRole::moderator: return "moderator";
    case MemberRole::member: return "member";
    case MemberRole::read_only: return "read_only";
  }
  return "member";
}

bool parse_member_role(std::string_view text, MemberRole& out) {
  for (auto r : {MemberRole::owner, MemberRole::moderator, MemberRole::member, MemberRole::read_only}) {
    if (text == member_role_name(r)) {
      out = r;
      return true;
    }
  }
  return false;
}

}  // namespace meridian::chat
