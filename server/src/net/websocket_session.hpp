// One authenticated WebSocket connection (/ws): reads envelopes into the hub, writes a
// bounded queue with one async_write in flight. Small when idle: no buffers are kept.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "net/http_handler.hpp"
#include "net/realtime.hpp"
#include "net/server_state.hpp"

namespace meridian::net {

inline constexpr std::string_view kSubprotocol = "meridian.v1";

// What the client offered in its upgrade request.
struct WebSocketOffer {
  std::string token;  // from "Authorization: Bearer" or the subprotocol "bearer.<token>"
  bool wants_meridian_v1 = false;
};
WebSocketOffer websocket_offer_from(const IncomingRequest& req);

class WebSocketSession final : public RealtimeConnection,
                               public Session,
                               public std::enable_shared_from_this<WebSocketSession> {
 public:
  WebSocketSession(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<ServerState> state, Subject subject,
                   std::string remote_ip);
  ~WebSocketSession() override;

  // Completes the handshake for an already authenticated upgrade request.
  void run(IncomingRequest req, bool answer_subprotocol);

  std::uint64_t id() const override { return id_; }
  const Subject& subject() const override { return subject_; }
  void send(std::string text) override;
  void close(std::uint16_t code, std::string reason) override;
  void shutdown() override;

 private:
  void on_accept(boost::beast::error_code ec);
  void read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void enqueue(std::string text);
  void write_next();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void drop_queue();
  void begin_close(std::uint16_t code, std::string reason);
  void send_close();
  void fail(boost::beast::error_code ec, std::string_view what);

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;  // grows for a message, shrinks after a large one
  std::shared_ptr<ServerState> state_;
  Subject subject_;
  std::uint64_t id_;
  std::string remote_ip_;
  std::vector<std::string> queue_;  // waiting; the one being written is in_flight_
  std::string in_flight_;
  std::size_t queued_bytes_ = 0;
  std::unique_ptr<boost::asio::steady_timer> close_deadline_;  // only while closing
  std::string close_reason_;
  std::uint16_t close_code_ = 0;
  bool open_ = false;
  bool writing_ = false;
  bool closing_ = false;
  bool close_sent_ = false;
};

}  // namespace meridian::net
