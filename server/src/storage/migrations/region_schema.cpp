// The cross-country layer's schema (versions 100-199).
#include "storage/migrations/schema_parts.hpp"

namespace meridian::storage {
namespace {

const Migration kMigrations[] = {
    // Feature keys are named by module (docs/architecture.md "Feature toggles"): remote
    // support is the module `remote_support`; today's support conversations stay chat's.
    {100, "feature toggle keys named by module", R"sql(
UPDATE feature_toggles SET feature = 'remote_support.screen_share' WHERE feature = 'support.screen_share';
)sql"},
};

}  // namespace

std::span<const Migration> region_migrations() { return kMigrations; }

}  // namespace meridian::storage
