// REST routes of files: spaces, folders, streamed uploads and downloads (Range, ETag),
// versions, grants, locks and the activity log (JSON or CSV).
#pragma once

#include "files/files_service.hpp"
#include "net/router.hpp"

namespace meridian::files {

void add_files_routes(net::Router& router, FilesService& files);

}  // namespace meridian::files
