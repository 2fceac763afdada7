#include "chat/conversation.hpp"

#include "core/names.hpp"

namespace meridian::chat {

namespace {

constexpr const char* kKinds[] = {"direct", "group", "channel", "support"};

constexpr const char* kMemberRoles[] = {"owner", "moderator", "member", "read_only"};

constexpr const char* kBroadcastMentions[] = {"everyone", "moderators", "nobody"};

}  // namespace

const char* kind_name(ConversationKind kind) { return name_in(kKinds, kind, "group"); }
bool parse_kind(std::string_view text, ConversationKind& out) { return parse_in(kKinds, text, out); }

const char* visibility_name(Visibility v) { return v == Visibility::public_ ? "public" : "private"; }

const char* member_role_name(MemberRole role) { return name_in(kMemberRoles, role, "member"); }
bool parse_member_role(std::string_view text, MemberRole& out) { return parse_in(kMemberRoles, text, out); }

const char* broadcast_mentions_name(BroadcastMentions b) { return name_in(kBroadcastMentions, b, "everyone"); }
bool parse_broadcast_mentions(std::string_view text, BroadcastMentions& out) {
  return parse_in(kBroadcastMentions, text, out);
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
