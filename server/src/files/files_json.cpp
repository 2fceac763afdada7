#include "files/files_json.hpp"

#include <string>

namespace meridian::files {

boost::json::object to_json(const Space& s) {
  return boost::json::object{{"id", s.id},
                             {"kind", space_kind_name(s.kind)},
                             {"name", s.name},
                             {"owner_user_id", s.owner_user_id},
                             {"team_id", s.team_id},
                             {"conversation_id", s.conversation_id},
                             {"region", s.region},
                             {"quota_bytes", s.quota_bytes},
                             {"used_bytes", s.used_bytes},
                             {"my_role", file_role_name(s.role)},
                             {"owner_name", s.owner_name}};
}

boost::json::object to_json(const Node& n) {
  boost::json::object o{{"id", n.id},
                        {"space_id", n.space_id},
                        {"parent_id", n.parent_id},
                        {"kind", n.is_folder ? "folder" : "file"},
                        {"name", n.name},
                        {"created_by", n.created_by},
                        {"created_at", n.created_at},
                        {"updated_at", n.updated_at},
                        {"my_role", file_role_name(n.role)}};
  if (!n.is_folder) {
    o["size"] = n.size;
    o["content_type"] = n.content_type;
    o["sha256"] = n.sha256;
    o["version"] = n.version;
  }
  if (n.locked_by) {
    o["lock"] = boost::json::object{{"user_id", n.locked_by}, {"expires_at", n.lock_expires_at}};
  }
  return o;
}

boost::json::object to_json(const Version& v) {
  return boost::json::object{{"number", v.number},
                             {"size", v.size},
                             {"content_type", v.content_type},
                             {"sha256", v.sha256},
                             {"created_by", v.created_by},
                             {"created_at", v.created_at},
                             {"current", v.current}};
}

boost::json::object to_json(const Grant& g) {
  return boost::json::object{{"id", g.id},
                             {"space_id", g.space_id},
                             {"node_id", g.node_id},
                             {"grantee_kind", g.grantee_kind},
                             {"grantee_id", g.grantee_id},
                             {"role", file_role_name(g.role)},
                             {"created_by", g.created_by},
                             {"created_at", g.created_at},
                             {"grantee_name", g.grantee_name}};
}

boost::json::object to_json(const Activity& a) {
  boost::json::object o{{"id", a.id},
                        {"space_id", a.space_id},
                        {"node_id", a.node_id},
                        {"actor_user_id", a.actor_user_id},
                        {"link_id", a.link_id},
                        {"action", a.action},
                        {"detail", a.detail},
                        {"ip", a.ip},
                        {"country", a.country},
                        {"at", a.at},
                        {"actor_name", a.actor_name},
                        {"node_name", a.node_name}};
  if (!a.target_kind.empty()) {
    o["target_kind"] = a.target_kind;
    o["target_id"] = a.target_id;
    o["target_name"] = a.target_name;
    if (!a.role.empty()) o["role"] = a.role;
  }
  return o;
}

boost::json::object to_json(const Link& l) {
  boost::json::object o{{"id", l.id},
                        {"node_id", l.node_id},
                        {"created_by", l.created_by},
                        {"has_password", l.has_password},
                        {"expires_at", l.expires_at},
                        {"max_downloads", l.max_downloads},
                        {"download_count", l.download_count},
                        {"revoked", l.revoked_at != 0},
                        {"created_at", l.created_at}};
  if (!l.token.empty()) {
    o["token"] = l.token;
    o["url"] = "/api/v1/public/links/" + l.token + "/content";
  }
  return o;
}

boost::json::object to_json(const LinkPreview& p) {
  boost::json::object o{{"needs_password", p.needs_password}};
  if (!p.name.empty()) {
    o["name"] = p.name;
    o["size"] = p.size;
    o["content_type"] = p.content_type;
  }
  return o;
}

boost::json::object to_json(const SearchHit& hit) {
  boost::json::object o = to_json(hit.node);
  o["space"] = boost::json::object{{"id", hit.space.id},
                                   {"kind", space_kind_name(hit.space.kind)},
                                   {"name", hit.space.name},
                                   {"owner_name", hit.space.owner_name}};
  boost::json::array path;
  for (const auto& p : hit.path)
    path.push_back(boost::json::object{{"id", p.id}, {"name", p.name}, {"my_role", file_role_name(p.role)}});
  o["path"] = std::move(path);
  return o;
}

}  // namespace meridian::files
