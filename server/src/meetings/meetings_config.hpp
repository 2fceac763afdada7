// The [meetings] section of the TOML configuration (and its MERIDIAN_* environment
// overrides) as MeetingsOptions. Throws std::runtime_error naming the bad setting.
#pragma once

#include <string>

#include "meetings/meetings_service.hpp"

namespace meridian::meetings {

// config_file may be empty (defaults and environment only).
MeetingsOptions load_meetings_options(const std::string& config_file);

}  // namespace meridian::meetings
