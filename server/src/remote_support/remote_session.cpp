#include "remote_support/remote_session.hpp"

#include "core/names.hpp"

namespace meridian::remote_support {
namespace {
constexpr const char* kStatusNames[] = {"waiting", "active", "ended"};
constexpr const char* kSideNames[] = {"agent", "customer"};
constexpr const char* kApprovalNames[] = {"none", "pending", "approved", "refused"};
}  // namespace

const char* session_status_name(SessionStatus s) { return name_in(kStatusNames, s, "unknown"); }
bool parse_session_status(std::string_view text, SessionStatus& out) { return parse_in(kStatusNames, text, out); }
const char* side_name(Side s) { return name_in(kSideNames, s, "unknown"); }
const char* approval_name(Approval a) { return name_in(kApprovalNames, a, "unknown"); }
bool parse_approval(std::string_view text, Approval& out) { return parse_in(kApprovalNames, text, out); }

std::string customer_actor(const RemoteSession& s) {
  return s.customer_user_id ? "customer:" + std::to_string(*s.customer_user_id) : "caller:" + std::to_string(s.id);
}

}  // namespace meridian::remote_support
