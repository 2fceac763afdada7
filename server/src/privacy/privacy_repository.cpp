#include "privacy/privacy_repository.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include "core/json_fields.hpp"
#include "core/names.hpp"

namespace meridian::privacy {
namespace {

constexpr const char* kColumns =
    "id, user_id, state, requested_by, requested_at, erased_by, finished_at, receipt FROM privacy_erasures";

Erasure erasure_from(const storage::Row& r) {
  Erasure e;
  e.id = r.integer(0);
  e.user_id = r.integer(1);
  parse_erasure_state(r.text(2), e.state);
  e.requested_by = r.optional_integer(3);
  e.requested_at = r.integer(4);
  e.erased_by = r.optional_integer(5);
  e.finished_at = r.optional_integer(6);
  e.receipt = receipt_from_text(r.text(7));
  return e;
}

}  // namespace

constexpr const char* kErasureStates[] = {"requested", "done", "failed"};

const char* erasure_state_name(ErasureState state) { return name_in(kErasureStates, state, "requested"); }

bool parse_erasure_state(std::string_view text, ErasureState& out) { return parse_in(kErasureStates, text, out); }

std::string receipt_text(const Receipt& r) {
  boost::json::array stores;
  for (const auto& l : r.stores)
    stores.push_back(
        boost::json::object{{"name", l.name}, {"module", l.module}, {"action", l.action}, {"count", l.count}});
  boost::json::array held;
  for (const auto& h : r.held) held.push_back(boost::json::string(h));
  boost::json::object o{{"stores", std::move(stores)}, {"held", std::move(held)}};
  if (!r.error.empty()) o["error"] = r.error;
  return json::serialize(o);
}

Receipt receipt_from_text(const std::string& text) {
  Receipt r;
  if (text.empty()) return r;
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return r;
  const auto& o = v.as_object();
  if (const auto* stores = o.if_contains("stores"); stores && stores->is_array()) {
    for (const auto& s : stores->as_array()) {
      const auto& so = s.as_object();
      r.stores.push_back(ReceiptLine{std::string(so.at("name").as_string()), std::string(so.at("module").as_string()),
                                     std::string(so.at("action").as_string()), so.at("count").as_int64()});
    }
  }
  if (const auto* held = o.if_contains("held"); held && held->is_array())
    for (const auto& h : held->as_array()) r.held.emplace_back(h.as_string());
  if (const auto* error = o.if_contains("error"); error && error->is_string()) r.error = error->as_string();
  return r;
}

Result<std::int64_t> PrivacyRepository::insert_erasure(S& s, const Erasure& e) {
  return storage::query_integer(
      s,
      "INSERT INTO privacy_erasures (user_id, state, requested_by, requested_at, erased_by, finished_at, receipt) "
      "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {e.user_id, std::string(erasure_state_name(e.state)), storage::nullable(e.requested_by), e.requested_at,
       storage::nullable(e.erased_by), storage::nullable(e.finished_at), receipt_text(e.receipt)});
}

Result<void> PrivacyRepository::finish_erasure(S& s, std::int64_t id, ErasureState state, std::int64_t erased_by,
                                               UnixMillis at, const Receipt& receipt) {
  return storage::exec(
      s, "UPDATE privacy_erasures SET state = ?, erased_by = ?, finished_at = ?, receipt = ? WHERE id = ?",
      {std::string(erasure_state_name(state)), erased_by, at, receipt_text(receipt), id});
}

Result<std::optional<Erasure>> PrivacyRepository::erasure(S& s, std::int64_t id) {
  return storage::query_row(s, std::string("SELECT ") + kColumns + " WHERE id = ?", {id}, erasure_from);
}

Result<std::optional<Erasure>> PrivacyRepository::latest_erasure_of(S& s, std::int64_t user_id) {
  return storage::query_row(s, std::string("SELECT ") + kColumns + " WHERE user_id = ? ORDER BY id DESC LIMIT 1",
                            {user_id}, erasure_from);
}

Result<std::optional<std::int64_t>> PrivacyRepository::open_request_of(S& s, std::int64_t user_id) {
  return storage::query_row(s, "SELECT id FROM privacy_erasures WHERE user_id = ? AND state = 'requested' ORDER BY id",
                            {user_id}, [](const storage::Row& r) { return r.integer(0); });
}

Result<std::vector<Erasure>> PrivacyRepository::erasures(S& s, std::optional<ErasureState> state, int limit) {
  if (state)
    return storage::query_rows(s, std::string("SELECT ") + kColumns + " WHERE state = ? ORDER BY id DESC LIMIT ?",
                               {std::string(erasure_state_name(*state)), std::int64_t{limit}}, erasure_from);
  return storage::query_rows(s, std::string("SELECT ") + kColumns + " ORDER BY id DESC LIMIT ?", {std::int64_t{limit}},
                             erasure_from);
}

}  // namespace meridian::privacy
