#include "privacy/export_service.hpp"

#include <utility>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "core/json_fields.hpp"
#include "core/random.hpp"
#include "privacy/zip_writer.hpp"

namespace meridian::privacy {
namespace {

Error no_export(std::int64_t id) { return make_error(ErrorCode::not_found, "no export with id " + std::to_string(id)); }

}  // namespace

ExportService::ExportService(storage::Database& db, const policy::Policy& policy, const Clock& clock,
                             audit::AuditLog& audit, std::vector<platform::PersonalDataPort*> ports,
                             objectstore::ObjectStore& store, const files::DownloadTokens& tokens, ExportHooks hooks,
                             ExportOptions options)
    : db_(db),
      policy_(policy),
      clock_(clock),
      audit_(audit),
      ports_(std::move(ports)),
      store_(store),
      tokens_(tokens),
      hooks_(std::move(hooks)),
      options_(std::move(options)) {}

Result<Export> ExportService::request(const Subject& who, std::int64_t user_id, const std::string& ip) {
  if (who.user_id == user_id) {
    MERIDIAN_TRY(policy_.require(who, policy::Action::read_own_profile));
  } else {
    MERIDIAN_TRY(policy_.require(who, policy::Action::manage_users));
  }
  MERIDIAN_TRY(hooks_.archive_prefix(user_id));  // not_found for an unknown person
  auto e = storage::write_value<Export>(db_, [&](storage::Session& s) -> Result<Export> {
    MERIDIAN_TRY(storage::lock_row(s, "users", user_id));
    MERIDIAN_ASSIGN_OR_RETURN(auto open, repo_.open_of(s, user_id));
    std::int64_t id = 0;
    if (open) {
      id = *open;
    } else {
      MERIDIAN_ASSIGN_OR_RETURN(id, repo_.insert(s, user_id, who.user_id, clock_.now_ms()));
      MERIDIAN_TRY(audit_.record(s, audit::Actor::from(who, ip), "privacy.export.request",
                                 "user:" + std::to_string(user_id), "ok",
                                 json::serialize(boost::json::object{{"export_id", id}})));
    }
    MERIDIAN_ASSIGN_OR_RETURN(auto found, repo_.find(s, id));
    if (!found.has_value()) return no_export(id);
    return std::move(found).value();
  });
  if (e) hooks_.queued();
  return e;
}

// A ready export past its time is expired as people see it, before the sweep removes it.
Export ExportService::as_seen(Export e) const {
  if (e.state == ExportState::ready && e.expires_at && *e.expires_at <= clock_.now_ms()) e.state = ExportState::expired;
  return e;
}

Result<Export> ExportService::get(const Subject& who, std::int64_t id) {
  const bool admin = policy_.require(who, policy::Action::manage_users).ok();
  MERIDIAN_ASSIGN_OR_RETURN(auto found, storage::read_value<std::optional<Export>>(
                                            db_, [&](storage::Session& s) { return repo_.find(s, id); }));
  if (!found || (!admin && found->user_id != who.user_id)) return no_export(id);
  return as_seen(*found);
}

Result<std::vector<Export>> ExportService::list(const Subject& who, std::optional<std::int64_t> user_id, int limit) {
  if (!user_id || *user_id != who.user_id) MERIDIAN_TRY(policy_.require(who, policy::Action::manage_users));
  MERIDIAN_ASSIGN_OR_RETURN(auto list, storage::read_value<std::vector<Export>>(
                                           db_, [&](storage::Session& s) { return repo_.list(s, user_id, limit); }));
  for (auto& e : list) e = as_seen(std::move(e));
  return list;
}

namespace {

// The archive is still kept for an administrator's copy: ready, or downloaded by the
// person and not removed yet, and not past its time.
bool kept_for_admin(const Export& e, UnixMillis now) {
  return (e.state == ExportState::ready || e.state == ExportState::downloaded) && !e.object_key.empty() &&
         e.expires_at && *e.expires_at > now;
}

}  // namespace

// The person's link spends their one download; an administrator's spends the one
// administrator's copy instead, so that checking an export on someone's behalf leaves the
// person's download to them.
std::optional<std::string> ExportService::download_url(const Subject& who, const Export& e) const {
  const UnixMillis now = clock_.now_ms();
  if (e.user_id == who.user_id) {
    if (e.state != ExportState::ready || (e.expires_at && *e.expires_at <= now)) return std::nullopt;
  } else {
    if (!policy_.require(who, policy::Action::manage_users).ok()) return std::nullopt;
    if (e.admin_downloaded_at || !kept_for_admin(e, now)) return std::nullopt;
  }
  const auto issued = tokens_.issue(who.user_id, e.id, 0);
  return "/api/v1/exports/" + std::to_string(e.id) + "/archive?token=" + issued.token;
}

Result<ExportDownload> ExportService::download(std::int64_t id, std::string_view token, const std::string& ip) {
  MERIDIAN_ASSIGN_OR_RETURN(auto claims, tokens_.verify(token, id));
  const UnixMillis now = clock_.now_ms();
  std::shared_ptr<net::BodySource> source;
  auto r = db_.write([&](storage::Session& s) -> Result<void> {
    MERIDIAN_ASSIGN_OR_RETURN(auto e, repo_.find(s, id));
    if (!e) return no_export(id);
    // Only the person's own link or an administrator's (download_url) names someone else.
    const bool own = claims.user_id == e->user_id;
    if (own && (e->state != ExportState::ready || (e->expires_at && *e->expires_at <= now)))
      return make_error(ErrorCode::conflict,
                        std::string("this export is ") +
                            (e->state == ExportState::ready ? "expired" : export_state_name(e->state)) +
                            ": an archive is downloaded once; ask for a new export");
    if (!own && (e->admin_downloaded_at || !kept_for_admin(*e, now)))
      return make_error(ErrorCode::conflict, e->admin_downloaded_at
                                                 ? "an administrator downloaded this export already"
                                                 : "this export's archive is no longer kept; ask for a new export");
    MERIDIAN_ASSIGN_OR_RETURN(auto opened, store_.get(e->object_key));
    source = std::move(opened);
    MERIDIAN_ASSIGN_OR_RETURN(auto marked,
                              own ? repo_.mark_downloaded(s, id, now) : repo_.mark_admin_downloaded(s, id, now));
    if (!marked) return make_error(ErrorCode::conflict, "this export was downloaded already");
    audit::Actor actor;
    actor.user_id = claims.user_id;
    actor.ip = ip;
    return audit_.record(s, actor, "privacy.export.download", "user:" + std::to_string(e->user_id), "ok",
                         json::serialize(boost::json::object{
                             {"export_id", id}, {"bytes", e->bytes}, {"copy", own ? "person" : "administrator"}}));
  });
  if (!r) return r.error();
  return ExportDownload{std::move(source), "meridian-export-" + std::to_string(id) + ".zip"};
}

Result<bool> ExportService::build_next() {
  const UnixMillis now = clock_.now_ms();
  MERIDIAN_ASSIGN_OR_RETURN(auto claimed, storage::write_value<std::optional<Export>>(db_, [&](storage::Session& s) {
                              return repo_.claim(s, options_.node_id, now, now + options_.lease_ms);
                            }));
  if (!claimed) return false;
  if (auto built = build(*claimed); !built) {
    const std::string why = built.error().message;
    (void)db_.write(
        [&](storage::Session& s) { return repo_.fail(s, claimed->id, options_.node_id, why, clock_.now_ms()); });
  }
  return true;
}

Result<void> ExportService::build(const Export& e) {
  MERIDIAN_ASSIGN_OR_RETURN(auto prefix, hooks_.archive_prefix(e.user_id));
  const std::string key = prefix + "/exports/" + std::to_string(e.id) + "-" + random_token(12);

  // What goes in: every port's part, then the originals.
  std::vector<platform::PersonalObject> originals;
  for (auto* port : ports_) {
    MERIDIAN_ASSIGN_OR_RETURN(auto objects, port->personal_objects(e.user_id));
    for (auto& o : objects) originals.push_back(std::move(o));
  }
  const auto total = static_cast<std::int64_t>(ports_.size() + originals.size() + 1);
  std::int64_t done = 0;

  MERIDIAN_ASSIGN_OR_RETURN(auto writer, store_.put(key));
  ZipWriter zip([&writer](std::string_view bytes) { return writer->write(bytes); }, clock_.now_ms());
  // Each part renews the lease and says how far it got; an erasure meanwhile ends it.
  auto step = [&]() -> Result<void> {
    ++done;
    MERIDIAN_ASSIGN_OR_RETURN(auto mine, storage::write_value<bool>(db_, [&](storage::Session& s) {
                                return repo_.progress(s, e.id, options_.node_id, done, total,
                                                      static_cast<std::int64_t>(zip.bytes_written()),
                                                      clock_.now_ms() + options_.lease_ms);
                              }));
    if (!mine) return make_error(ErrorCode::conflict, "the export was withdrawn while it was built");
    return {};
  };
  MERIDIAN_TRY(step());  // the count of parts is known

  boost::json::array modules;
  for (auto* port : ports_) {
    MERIDIAN_ASSIGN_OR_RETURN(auto part, port->export_personal_data(e.user_id));
    MERIDIAN_ASSIGN_OR_RETURN(auto summary, port->list_personal_data(e.user_id));
    const std::string file = std::string(port->module()) + ".json";
    MERIDIAN_TRY(zip.add(file, part.json));
    boost::json::object records;
    for (const auto& c : summary.records) records[c.kind] = c.count;
    modules.push_back(boost::json::object{{"module", port->module()}, {"file", file}, {"records", records}});
    MERIDIAN_TRY(step());
  }
  boost::json::array files;
  std::vector<char> buffer(256 * 1024);
  for (const auto& o : originals) {
    const std::string path = o.folder + "/" + zip_safe_name(o.name);
    MERIDIAN_ASSIGN_OR_RETURN(auto source, store_.get(o.object_key));
    MERIDIAN_TRY(zip.begin(path));
    for (;;) {
      MERIDIAN_ASSIGN_OR_RETURN(auto n, source->read(buffer.data(), buffer.size()));
      if (n == 0) break;
      MERIDIAN_TRY(zip.write(std::string_view(buffer.data(), n)));
    }
    files.push_back(boost::json::object{{"path", path}, {"size", o.size}});
    MERIDIAN_TRY(step());
  }
  const boost::json::object manifest{{"format", "meridian-export/1"}, {"export_id", e.id},
                                     {"user_id", e.user_id},          {"generated_at", clock_.now_ms()},
                                     {"modules", std::move(modules)}, {"files", std::move(files)}};
  MERIDIAN_TRY(zip.add("manifest.json", boost::json::serialize(manifest)));
  MERIDIAN_TRY(zip.finish());
  MERIDIAN_ASSIGN_OR_RETURN(auto info, writer->commit());

  const UnixMillis now = clock_.now_ms();
  auto finished = storage::write_value<bool>(db_, [&](storage::Session& s) {
    return repo_.ready(s, e.id, options_.node_id, key, static_cast<std::int64_t>(info.size), now,
                       now + options_.keep_ms);
  });
  if (!finished || !*finished) {
    (void)store_.remove(key);  // erased meanwhile (or the store failed): nothing stays
    if (!finished) return finished.error();
  }
  return {};
}

Result<std::int64_t> ExportService::sweep() {
  const UnixMillis now = clock_.now_ms();
  MERIDIAN_ASSIGN_OR_RETURN(auto stale, storage::read_value<std::vector<Export>>(db_, [&](storage::Session& s) {
                              return repo_.stale(s, now, now - options_.downloaded_grace_ms);
                            }));
  std::int64_t removed = 0;
  for (const auto& e : stale) {
    MERIDIAN_TRY(store_.remove(e.object_key));
    MERIDIAN_TRY(db_.write([&](storage::Session& s) { return repo_.forget_archive(s, e.id); }));
    ++removed;
  }
  return removed;
}

Result<std::int64_t> ExportService::erase_of(std::int64_t user_id) {
  std::vector<std::string> keys;
  MERIDIAN_ASSIGN_OR_RETURN(auto n,
                            storage::write_value<std::int64_t>(db_, [&](storage::Session& s) -> Result<std::int64_t> {
                              MERIDIAN_ASSIGN_OR_RETURN(keys, repo_.keys_of(s, user_id));
                              return repo_.erase_of(s, user_id);
                            }));
  for (const auto& k : keys) MERIDIAN_TRY(store_.remove(k));
  return n;
}

}  // namespace meridian::privacy
