// The privacy module's JSON: erasures with their receipts.
#pragma once

#include <boost/json/object.hpp>

#include "privacy/erasure.hpp"

namespace meridian::privacy {

// {id, user_id, state, requested_by, requested_at, erased_by, finished_at,
//  stores: [{name, module, action, count}], held: [..], error?}
boost::json::object erasure_json(const Erasure& e);

}  // namespace meridian::privacy
