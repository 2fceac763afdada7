// REST routes of files: spaces, folders, streamed uploads and downloads (Range, ETag),
// versions and locks (files_routes.cpp); grants, the activity log (JSON or CSV) and share
// links (sharing_routes.cpp); tus (upload_routes.cpp); search and download tokens
// (access_routes.cpp). Their JSON codec: files_json.hpp.
#pragma once

#include <functional>

#include "files/download_tokens.hpp"
#include "files/file_search.hpp"
#include "files/files_service.hpp"
#include "files/resumable_uploads.hpp"
#include "files/share_links.hpp"
#include "net/router.hpp"

namespace meridian::files {

// Streams a version with Range/ETag and the safe-preview rules: inline only for types a
// browser shows without running scripts, every answer sandboxed (CSP) and nosniff.
net::HttpResponse serve_download(const net::HttpRequest& req, objectstore::ObjectStore& store, const Download& d,
                                 bool wants_inline);

void add_files_routes(net::Router& router, FilesService& files);

// Share links: managing them (managers) and the public download by token.
void add_link_routes(net::Router& router, ShareLinks& links);

// tus 1.0 (core, creation, termination, checksum, expiration) under /api/v1/uploads.
void add_upload_routes(net::Router& router, ResumableUploads& uploads);

// The current Subject of a user (kind, roles, country), for requests that carry a
// download token instead of a session; unauthenticated/not_found when deactivated or gone.
using SubjectLookup = std::function<Result<Subject>(std::int64_t user_id)>;

// GET /files/search (name, permission-filtered), POST /files/{id}/download-token and
// GET /files/{id}/download?token=... (no bearer header: a plain link can stream a file).
void add_access_routes(net::Router& router, FilesService& files, FileSearch& search, DownloadTokens& tokens,
                       SubjectLookup subject_of);

}  // namespace meridian::files
