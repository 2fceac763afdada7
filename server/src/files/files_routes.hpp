// REST routes of files: spaces, folders, streamed uploads and downloads (Range, ETag),
// versions, grants, locks and the activity log (JSON or CSV).
#pragma once

#include "files/files_service.hpp"
#include "files/resumable_uploads.hpp"
#include "files/share_links.hpp"
#include "net/router.hpp"

namespace meridian::files {

void add_files_routes(net::Router& router, FilesService& files);

// Share links: managing them (managers) and the public download by token.
void add_link_routes(net::Router& router, ShareLinks& links);

// tus 1.0 (core, creation, termination, checksum, expiration) under /api/v1/uploads.
void add_upload_routes(net::Router& router, ResumableUploads& uploads);

}  // namespace meridian::files
