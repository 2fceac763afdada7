// The privacy module's storage of exports (privacy_exports, migration 141).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "privacy/export.hpp"
#include "storage/database.hpp"

namespace meridian::privacy {

class ExportRepository final {
 public:
  using S = storage::Session;

  Result<std::int64_t> insert(S& s, std::int64_t user_id, std::int64_t requested_by, UnixMillis now);
  Result<std::optional<Export>> find(S& s, std::int64_t id);
  // The person's export still being built (queued or running), if any.
  Result<std::optional<std::int64_t>> open_of(S& s, std::int64_t user_id);
  // user_id: that person's only; newest first.
  Result<std::vector<Export>> list(S& s, std::optional<std::int64_t> user_id, int limit);

  // Takes the oldest queued export, or a running one whose builder's lease ran out, for
  // `node` until `lease_until`; none when there is nothing to do.
  Result<std::optional<Export>> claim(S& s, const std::string& node, UnixMillis now, UnixMillis lease_until);
  // false when the export is no longer this node's to build (erased meanwhile).
  Result<bool> progress(S& s, std::int64_t id, const std::string& node, std::int64_t done, std::int64_t total,
                        std::int64_t bytes, UnixMillis lease_until);
  Result<bool> ready(S& s, std::int64_t id, const std::string& node, const std::string& object_key, std::int64_t bytes,
                     UnixMillis now, UnixMillis expires_at);
  Result<void> fail(S& s, std::int64_t id, const std::string& node, const std::string& error, UnixMillis now);
  // ready -> downloaded, once; false when it was not ready or has expired.
  Result<bool> mark_downloaded(S& s, std::int64_t id, UnixMillis now);
  // An administrator's copy, once, while the archive is kept (ready, or downloaded by the
  // person and not yet removed); the person's state is left alone.
  Result<bool> mark_admin_downloaded(S& s, std::int64_t id, UnixMillis now);

  // Archives to remove: ready ones past their expiry, downloaded ones after `grace_before`.
  Result<std::vector<Export>> stale(S& s, UnixMillis now, UnixMillis downloaded_before);
  Result<void> forget_archive(S& s, std::int64_t id);

  // Erasure: the person's exports, with the keys of their archives.
  Result<std::vector<std::string>> keys_of(S& s, std::int64_t user_id);
  Result<std::int64_t> erase_of(S& s, std::int64_t user_id);
};

}  // namespace meridian::privacy
