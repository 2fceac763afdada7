// The [remote_support] section of the TOML configuration and its MERIDIAN_REMOTE_SUPPORT_*
// environment overrides. Throws std::runtime_error naming the bad setting.
#pragma once

#include <string>

#include "remote_support/remote_support_service.hpp"

namespace meridian::remote_support {

// config_file may be empty (defaults and environment only).
RemoteSupportOptions load_remote_support_options(const std::string& config_file);

}  // namespace meridian::remote_support
