#include "ai/file_index.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include "ai/extract.hpp"
#include "ai/text.hpp"
#include "core/log.hpp"
#include "objectstore/object_store.hpp"

namespace meridian::ai {
namespace {

// Object keys are "<region>/objects/<random>" (files/files_service.hpp).
std::string region_of(const std::string& object_key) { return object_key.substr(0, object_key.find('/')); }

NewChunk new_chunk(Chunk c) {
  NewChunk out;
  out.page = c.page ? std::optional<std::int64_t>(*c.page) : std::nullopt;
  out.section = std::move(c.section);
  // The section's words count for the chunk too: "Refunds" above a paragraph is what it is about.
  for (auto& t : index_terms(out.section + " " + c.text)) {
    ++out.terms[t];
    ++out.length;
  }
  out.body = std::move(c.text);
  return out;
}

}  // namespace

Result<void> FileIndex::record(DocumentRecord d, const std::vector<NewChunk>& chunks) {
  d.updated_at = clock_.now_ms();
  d.chunk_count = static_cast<std::int64_t>(chunks.size());
  return db_.write([&](storage::Session& s) -> Result<void> {
    MERIDIAN_TRY(repo_.replace_chunks(s, d.file_id, d.version, chunks));
    return repo_.put_document(s, d);
  });
}

Result<std::optional<DocumentRecord>> FileIndex::index_file(std::int64_t file_id) {
  auto download = files_.open_current(file_id);
  if (!download) {
    if (download.error().code != ErrorCode::not_found && download.error().code != ErrorCode::invalid_argument)
      return download.error();
    MERIDIAN_TRY(forget({file_id}));
    return std::optional<DocumentRecord>{};
  }
  DocumentRecord d;
  d.file_id = file_id;
  d.version = download->version.number;
  d.space_id = download->node.space_id;
  d.name = download->node.name;
  d.region = region_of(download->object_key);
  d.uploaded_by = download->version.created_by;
  d.bytes = download->version.size;
  const auto kind = document_kind(download->version.content_type, d.name);
  d.kind = document_kind_name(kind);
  if (exclusions_) {
    MERIDIAN_ASSIGN_OR_RETURN(auto restricted, exclusions_->restricted(d.uploaded_by));
    if (restricted) {  // nothing is read; chunks of an earlier version go
      d.status = "restricted";
      d.detail = "the person who uploaded it restricted the processing of their data";
      MERIDIAN_TRY(record(d, {}));
      return std::optional<DocumentRecord>(d);
    }
  }
  d.status = "indexing";
  d.updated_at = clock_.now_ms();
  MERIDIAN_TRY(db_.write([&](storage::Session& s) { return repo_.put_document(s, d); }));

  if (kind == DocumentKind::unsupported) {
    d.status = "unsupported";
    d.detail = "files of this kind are not indexed (text, Markdown, CSV, HTML, PDF, DOCX, XLSX and PPTX are)";
  } else if (d.bytes > options_.max_file_bytes) {
    d.status = "too_large";
    d.detail = "larger than " + std::to_string(options_.max_file_bytes) + " bytes";
  }
  if (d.status != "indexing") {
    MERIDIAN_TRY(record(d, {}));
    return std::optional<DocumentRecord>(d);
  }
  auto source = files_.store().get(download->object_key);
  if (!source) return source.error();
  auto bytes = objectstore::read_all(**source);
  if (!bytes) return bytes.error();
  auto text = extract_text(kind, *bytes);
  if (!text) {
    d.status = "failed";
    d.detail = text.error().message;
    MERIDIAN_TRY(record(d, {}));
    return std::optional<DocumentRecord>(d);
  }
  d.pages = text->pages;
  std::vector<NewChunk> chunks;
  for (auto& c : chunk_text(*text)) chunks.push_back(new_chunk(std::move(c)));
  d.status = "ready";
  MERIDIAN_TRY(record(d, chunks));
  return std::optional<DocumentRecord>(d);
}

void FileIndex::run(const IndexJob& job) {
  if (job.kind == IndexJob::Kind::index) {
    auto done = index_file(job.node_id);
    if (!done)
      log::error("ai.index_failed", {{"file_id", job.node_id}, {"message", done.error().message}});
    else if (*done)
      log::info("ai.indexed",
                {{"file_id", job.node_id}, {"status", (*done)->status}, {"chunks", (*done)->chunk_count}});
    return;
  }
  auto gone = forget({job.node_id});
  if (!gone) log::error("ai.forget_failed", {{"node_id", job.node_id}, {"message", gone.error().message}});
}

bool FileIndex::file_exists(std::int64_t file_id) {
  auto d = files_.open_current(file_id);
  return d.ok() || (d.error().code != ErrorCode::not_found && d.error().code != ErrorCode::invalid_argument);
}

Result<std::size_t> FileIndex::forget(const std::vector<std::int64_t>& node_ids) {
  std::size_t forgotten = 0;
  bool look_further = false;
  for (auto id : node_ids) {
    MERIDIAN_ASSIGN_OR_RETURN(
        auto was, storage::write_value<bool>(db_, [&](storage::Session& s) { return repo_.delete_document(s, id); }));
    if (was)
      ++forgotten;
    else
      look_further = true;  // a folder: its files went with it
  }
  if (!look_further) return forgotten;
  MERIDIAN_ASSIGN_OR_RETURN(auto ids, storage::read_value<std::vector<std::int64_t>>(
                                          db_, [&](storage::Session& s) { return repo_.document_ids(s); }));
  for (auto id : ids) {
    if (file_exists(id)) continue;
    MERIDIAN_ASSIGN_OR_RETURN(
        auto was, storage::write_value<bool>(db_, [&](storage::Session& s) { return repo_.delete_document(s, id); }));
    if (was) ++forgotten;
  }
  return forgotten;
}

Result<std::vector<ScoredChunk>> FileIndex::search(const std::vector<std::string>& terms,
                                                   std::optional<std::int64_t> file_id,
                                                   std::optional<std::int64_t> space_id, std::size_t limit) {
  std::vector<std::string> unique(terms.begin(), terms.end());
  std::sort(unique.begin(), unique.end());
  unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
  IndexStats stats;
  std::vector<PostingHit> hits;
  MERIDIAN_TRY(db_.read([&](storage::Session& s) -> Result<void> {
    MERIDIAN_ASSIGN_OR_RETURN(stats, repo_.stats(s));
    MERIDIAN_ASSIGN_OR_RETURN(hits, repo_.postings(s, unique, file_id, space_id));
    return {};
  }));
  if (hits.empty() || stats.chunks == 0) return std::vector<ScoredChunk>{};
  std::unordered_map<std::string, std::int64_t> df;
  for (const auto& h : hits) ++df[h.term];
  const double n = static_cast<double>(stats.chunks);
  const double avg = static_cast<double>(stats.total_length) / n;
  std::unordered_map<std::int64_t, ScoredChunk> scored;
  for (const auto& h : hits) {
    const double idf =
        std::log(1.0 + (n - static_cast<double>(df[h.term]) + 0.5) / (static_cast<double>(df[h.term]) + 0.5));
    const double tf = static_cast<double>(h.tf);
    const double norm = options_.k1 * (1.0 - options_.b + options_.b * static_cast<double>(h.length) / avg);
    auto& c = scored[h.chunk_id];
    c.chunk_id = h.chunk_id;
    c.file_id = h.file_id;
    c.score += idf * tf * (options_.k1 + 1.0) / (tf + norm);
  }
  std::vector<ScoredChunk> out;
  out.reserve(scored.size());
  for (auto& [id, c] : scored) out.push_back(c);
  std::sort(out.begin(), out.end(), [](const ScoredChunk& a, const ScoredChunk& b) {
    return a.score != b.score ? a.score > b.score : a.chunk_id < b.chunk_id;
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

Result<std::vector<StoredChunk>> FileIndex::chunks(const std::vector<std::int64_t>& ids) {
  return storage::read_value<std::vector<StoredChunk>>(db_, [&](storage::Session& s) { return repo_.chunks(s, ids); });
}

Result<std::optional<DocumentRecord>> FileIndex::document(std::int64_t file_id) {
  return storage::read_value<std::optional<DocumentRecord>>(
      db_, [&](storage::Session& s) { return repo_.document(s, file_id); });
}

Result<std::vector<DocumentRecord>> FileIndex::documents(const std::vector<std::int64_t>& file_ids) {
  return storage::read_value<std::vector<DocumentRecord>>(
      db_, [&](storage::Session& s) -> Result<std::vector<DocumentRecord>> {
        std::vector<DocumentRecord> out;
        for (auto id : file_ids) {
          MERIDIAN_ASSIGN_OR_RETURN(auto d, repo_.document(s, id));
          if (d) out.push_back(std::move(*d));
        }
        return out;
      });
}

Result<std::vector<std::int64_t>> FileIndex::unfinished() {
  return storage::read_value<std::vector<std::int64_t>>(
      db_, [&](storage::Session& s) { return repo_.document_ids(s, "indexing"); });
}

}  // namespace meridian::ai
