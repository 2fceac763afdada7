// A person's data export as people and administrators see it: asked for by the person or
// by an administrator on their behalf, built in the background part by part (every
// module's personal data port, then the original files), downloadable once through an
// expiring link, then gone.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace meridian::privacy {

// queued -> running -> ready -> downloaded | expired; running -> failed. An erasure of
// the person deletes their exports in any state.
enum class ExportState { queued, running, ready, downloaded, expired, failed };
const char* export_state_name(ExportState state);
bool parse_export_state(std::string_view text, ExportState& out);

struct Export {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::int64_t requested_by = 0;  // the person, or the administrator acting for them
  ExportState state = ExportState::queued;
  std::int64_t parts_done = 0;  // progress: modules and original files written so far
  std::int64_t parts_total = 0;
  std::int64_t bytes = 0;  // the archive's size so far
  UnixMillis created_at = 0;
  std::optional<UnixMillis> finished_at;
  std::optional<UnixMillis> expires_at;  // ready: the archive goes then
  std::string error;                     // failed: why
  std::string object_key;                // never shown: where the archive is stored
  // An administrator's one copy (their download leaves the person's own download alone).
  std::optional<UnixMillis> admin_downloaded_at;
};

}  // namespace meridian::privacy
