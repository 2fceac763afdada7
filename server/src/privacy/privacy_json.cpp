#include "privacy/privacy_json.hpp"

#include <boost/json/array.hpp>

#include "core/json_values.hpp"
#include "privacy/privacy_repository.hpp"

namespace meridian::privacy {

boost::json::object erasure_json(const Erasure& e) {
  boost::json::array stores;
  for (const auto& l : e.receipt.stores)
    stores.push_back(
        boost::json::object{{"name", l.name}, {"module", l.module}, {"action", l.action}, {"count", l.count}});
  boost::json::array held;
  for (const auto& h : e.receipt.held) held.push_back(boost::json::string(h));
  boost::json::object o{{"id", e.id},
                        {"user_id", e.user_id},
                        {"state", erasure_state_name(e.state)},
                        {"requested_by", json::nullable(e.requested_by)},
                        {"requested_at", e.requested_at},
                        {"erased_by", json::nullable(e.erased_by)},
                        {"finished_at", json::nullable(e.finished_at)},
                        {"stores", std::move(stores)},
                        {"held", std::move(held)}};
  if (!e.receipt.error.empty()) o["error"] = e.receipt.error;
  return o;
}

}  // namespace meridian::privacy
