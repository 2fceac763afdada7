// Schema part: see schema_parts.hpp for this part's version range.
#include "storage/migrations/schema_parts.hpp"

namespace meridian::storage {

std::span<const Migration> meetings_migrations() { return {}; }

}  // namespace meridian::storage
