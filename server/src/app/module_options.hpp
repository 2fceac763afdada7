// Each module's options, read from the one configuration (config.hpp): the settings
// that are still parsed centrally, handed to the module that owns them. Meetings reads
// its own sections of the config file itself.
#pragma once

#include "app/config.hpp"
#include "files/files_module.hpp"
#include "identity/identity_module.hpp"
#include "net/rate_limit.hpp"
#include "region/region_module.hpp"
#include "retention/retention_module.hpp"

namespace meridian::app {

region::RegionModuleOptions region_options(const Config& c);
identity::IdentityModuleOptions identity_options(const Config& c);
files::FilesModuleOptions files_options(const Config& c);
retention::RetentionModuleOptions retention_options(const Config& c);
net::WsLimits ws_limits(const Config& c);

}  // namespace meridian::app
