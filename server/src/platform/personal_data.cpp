#include "platform/personal_data.hpp"

#include <boost/json/object.hpp>

namespace meridian::platform {

Result<boost::json::array> export_rows(storage::Session& s, std::string_view sql, const storage::Params& params,
                                       std::initializer_list<const char*> keys) {
  auto rows = s.query(sql, params);
  if (!rows.ok()) return rows.error();
  boost::json::array out;
  for (const auto& r : *rows) {
    boost::json::object o;
    std::size_t i = 0;
    for (const char* key : keys) {
      const storage::Value& v = r.at(i++);
      if (auto n = std::get_if<std::int64_t>(&v))
        o[key] = *n;
      else if (auto d = std::get_if<double>(&v))
        o[key] = *d;
      else if (auto t = std::get_if<std::string>(&v))
        o[key] = *t;
      else
        o[key] = nullptr;
    }
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace meridian::platform
