// Whom a grant or ungrant entry of the activity log names. The log stores "user 6 viewer";
// readers get the grantee's kind, id and role apart, and its name looked up as it is now.
#pragma once

#include "files/records.hpp"

namespace meridian::files {

// Fills target_kind, target_id and role from a grant or ungrant entry's detail ("user 6
// viewer", "team 2"); false, leaving the entry as it was, for any other entry.
bool read_grant_detail(Activity& entry);

}  // namespace meridian::files
