// The schema's parts, one per area, each with its own range of version numbers:
//   foundation 1-3 (identity, chat core)      chat features 4-9 (reactions, threads, mentions, settings)
//   chat operations 10-19 (support, presence, search, retention)
//   files 20-29                               meetings 30-39
// Modules after these take 100 versions each, from 100 up: region (the cross-country
// layer) 100-199, alerts 200-299, ai 300-399, remote_support 400-499 (docs/style.md).
// Inside region's range: availability (working hours, holidays) 110-129, privacy (GDPR rights) 140-159.
// Migrations apply by version, each once, so a part may add versions inside its range later.
#pragma once

#include <span>

#include "storage/migrations.hpp"

namespace meridian::storage {

std::span<const Migration> foundation_migrations();
std::span<const Migration> chat_feature_migrations();
std::span<const Migration> chat_operation_migrations();
std::span<const Migration> files_migrations();
std::span<const Migration> meetings_migrations();
std::span<const Migration> region_migrations();
std::span<const Migration> alerts_migrations();
std::span<const Migration> ai_migrations();
std::span<const Migration> remote_support_migrations();
std::span<const Migration> availability_migrations();  // 110-129
std::span<const Migration> privacy_migrations();  // 140-159

}  // namespace meridian::storage
