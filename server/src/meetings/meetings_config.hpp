// The [meetings] section of the TOML configuration (and its MERIDIAN_* environment
// overrides) as MeetingsOptions. Throws std::runtime_error naming the bad setting.
#pragma once

#include <string>

#include "meetings/meetings_service.hpp"
#include "meetings/webhooks.hpp"

namespace meridian::meetings {

// config_file may be empty (defaults and environment only).
MeetingsOptions load_meetings_options(const std::string& config_file);
// [meetings] webhook_urls, webhook_secret (env MERIDIAN_WEBHOOK_SECRET), webhook_max_attempts,
// webhook_first_retry_ms.
WebhookOptions load_webhook_options(const std::string& config_file);

}  // namespace meridian::meetings
