// Ports one module answers for others, so that neither links the other.
#pragma once

#include <cstdint>

namespace meridian::platform {

// Is this person connected now, on any node (presence answers; chat asks for @here).
class OnlineCheck {
 public:
  virtual ~OnlineCheck() = default;
  virtual bool online(std::int64_t user_id) const = 0;
};

}  // namespace meridian::platform
