#include "chat/conversation.hpp"

namespace meridian::chat {

const char* kind_name(ConversationKind kind) {
  switch (kind) {
    case ConversationKind::direct:
      return "direct";
    case ConversationKind::group:
      return "group";
    case ConversationKind::channel:
      return "channel";
    case ConversationKind::support:
      return "support";
  }
  return "group";
}

bool parse_kind(std::string_view text, ConversationKind& out) {
  for (auto k : {ConversationKind::direct, ConversationKind::group, ConversationKind::channel,
                 ConversationKind::support}) {
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
    case MemberRole::owner:
      return "owner";
    case MemberRole::moderator:
      return "moderator";
    case MemberRole::member:
      return "member";
    case MemberRole::read_only:
      return "read_only";
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

const char* broadcast_mentions_name(BroadcastMentions b) {
  switch (b) {
    case BroadcastMentions::everyone:
      return "everyone";
    case BroadcastMentions::moderators:
      return "moderators";
    case BroadcastMentions::nobody:
      return "nobody";
  }
  return "everyone";
}

bool parse_broadcast_mentions(std::string_view text, BroadcastMentions& out) {
  for (auto b : {BroadcastMentions::everyone, BroadcastMentions::moderators, BroadcastMentions::nobody}) {
    if (text == broadcast_mentions_name(b)) {
      out = b;
      return true;
    }
  }
  return false;
}

bool ChannelSettings::admits(const std::string& country, const std::string& region) const {
  if (allowed_countries.empty() && allowed_regions.empty()) return true;
  for (const auto& c : allowed_countries)
    if (c == country) return true;
  for (const auto& r : allowed_regions)
    if (r == region) return true;
  return false;
}

}  // namespace meridian::chat
