// Uploading a file in a module test the way the upload routes do it: a ticket from the files
// service, the bytes written to the object store under the ticket's key, then completion.
#pragma once

#include <cstdint>
#include <string>

#include "core/result.hpp"
#include "files/files_service.hpp"
#include "objectstore/object_store.hpp"

namespace meridian::testing {

// The new file (or new version), or the first refusal on the way (begin_upload's, the
// store's, complete_upload's).
inline Result<files::Node> upload_bytes(files::FilesService& files, objectstore::ObjectStore& store,
                                        const files::Caller& who, std::int64_t space_id, std::int64_t parent_id,
                                        const std::string& name, const std::string& bytes,
                                        const std::string& content_type = "text/plain") {
  auto ticket = files.begin_upload(who, space_id, parent_id, name, static_cast<std::int64_t>(bytes.size()));
  if (!ticket) return ticket.error();
  auto writer = store.put(ticket->object_key);
  if (!writer) return writer.error();
  MERIDIAN_TRY((*writer)->write(bytes));
  auto info = (*writer)->commit();
  if (!info) return info.error();
  return files.complete_upload(who, *ticket, *info, content_type);
}

}  // namespace meridian::testing
