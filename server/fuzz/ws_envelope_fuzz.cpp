// The WebSocket envelope dispatcher (net::RealtimeHub::dispatch) with handlers written the
// way modules write theirs (net::answer_ws, the JSON field readers): one text frame per
// input line, on a full session or a scoped token (the first byte decides). Every frame the
// server sends back must be a JSON object with a string "type".
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/parse.hpp>

#include "core/json_fields.hpp"
#include "core/text_rules.hpp"
#include "core/log.hpp"
#include "fuzz_check.hpp"
#include "net/realtime.hpp"
#include "net/route_kit.hpp"

using namespace meridian;
using namespace meridian::net;

namespace {

class Connection final : public RealtimeConnection {
 public:
  explicit Connection(std::string scope) {
    subject_.user_id = 7;
    subject_.scope = std::move(scope);
  }
  std::uint64_t id() const override { return 1; }
  const Subject& subject() const override { return subject_; }
  void send(SharedText text) override {
    boost::system::error_code ec;
    auto v = boost::json::parse(*text, ec);
    FUZZ_CHECK(!ec && v.is_object());
    const auto* type = v.as_object().if_contains("type");
    FUZZ_CHECK(type && type->is_string());
  }
  void close(std::uint16_t code, std::string reason) override {
    FUZZ_CHECK(code >= 1000 && code < 5000);
    FUZZ_CHECK(reason.size() <= 123);  // a close frame's reason fits in 123 bytes
  }

 private:
  Subject subject_;
};

std::unique_ptr<RealtimeHub> make_hub() {
  log::set_level(log::Level::off);  // handler exceptions are expected here, by the thousand
  WsLimits limits;                  // frames are limited per second: the fuzzer sends faster than any person
  limits.frames_per_connection = {};
  limits.frames_per_person = {};
  limits.writes_per_person = {};
  auto hub = std::make_unique<RealtimeHub>(limits);
  hub->on("message.send", answer_ws([](RealtimeConnection& conn, const boost::json::object& e) -> Result<void> {
            MERIDIAN_ASSIGN_OR_RETURN(auto conversation, required_id_field(e, "conversation_id"));
            MERIDIAN_ASSIGN_OR_RETURN(auto text, json::required_string(e, "text", 4000));
            MERIDIAN_TRY(text::check(text, "a message", text::Lines::multi));
            MERIDIAN_ASSIGN_OR_RETURN(auto mentions, json::optional_string_array(e, "mentions", 50));
            boost::json::object ack{{"type", "message.ack"}, {"conversation_id", conversation}};
            if (auto id = e.if_contains("id")) ack["id"] = *id;
            ack["mentions"] = mentions ? mentions->size() : 0;
            conn.send(json::serialize(ack));
            return {};
          }),
          false, true);
  hub->on("typing", answer_ws([](RealtimeConnection&, const boost::json::object& e) -> Result<void> {
            MERIDIAN_ASSIGN_OR_RETURN(auto conversation, required_id_field(e, "conversation_id"));
            MERIDIAN_ASSIGN_OR_RETURN(auto on, json::optional_bool(e, "typing"));
            (void)conversation;
            (void)on;
            return {};
          }));
  hub->on("sync", answer_ws([](RealtimeConnection& conn, const boost::json::object& e) -> Result<void> {
            MERIDIAN_ASSIGN_OR_RETURN(auto after, json::optional_int(e, "after_seq"));
            if (after && *after < 0) return make_error(ErrorCode::invalid_argument, "after_seq must be 0 or more");
            conn.send(R"({"type":"sync.done"})");
            return {};
          }));
  hub->on("meeting.signal", answer_ws([](RealtimeConnection&, const boost::json::object& e) -> Result<void> {
            MERIDIAN_ASSIGN_OR_RETURN(auto to, required_id_field(e, "to"));
            MERIDIAN_ASSIGN_OR_RETURN(auto kind, json::required_string(e, "kind", 32));
            (void)to;
            if (kind != "offer" && kind != "answer" && kind != "ice")
              return make_error(ErrorCode::invalid_argument, "kind must be offer, answer or ice");
            return {};
          }),
          true);
  hub->on("throws", [](RealtimeConnection&, const boost::json::object&) { throw std::runtime_error("handler bug"); });
  return hub;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto hub = make_hub();
  if (size == 0) return 0;
  auto conn = std::make_shared<Connection>(data[0] & 1 ? "meeting:1" : "");
  hub->attach(conn);
  std::string_view frames(reinterpret_cast<const char*>(data) + 1, size - 1);
  while (!frames.empty()) {
    auto nl = frames.find('\n');
    hub->dispatch(*conn, frames.substr(0, nl));
    if (nl == std::string_view::npos) break;
    frames.remove_prefix(nl + 1);
  }
  hub->detach(conn->id());
  return 0;
}
