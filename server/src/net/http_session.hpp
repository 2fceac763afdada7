// One HTTP/1.1 connection: reads a request (header first, so the body limit is the
// route's), answers it, keeps the connection alive, or hands it to a WebSocket session.
#pragma once

#include <chrono>
#include <functional>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>

#include "net/http_handler.hpp"
#include "net/server_state.hpp"

namespace meridian::net {

class HttpSession final : public Session, public std::enable_shared_from_this<HttpSession> {
 public:
  // `remote_ip`: the client's address when `socket` is not the client's own connection (TLS
  // arrives through a relay); empty means the socket's peer.
  HttpSession(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<ServerState> state, std::string remote_ip = {});
  ~HttpSession() override;

  void run();
  void shutdown() override;
  void abort() override;

 private:
  void read_request();
  void on_header(boost::beast::error_code ec, std::size_t bytes);
  void read_body();
  void on_body(boost::beast::error_code ec, std::size_t bytes);
  void answer();
  void finish_answer(OutgoingResponse response);
  void upgrade_to_websocket();
  // Back on the strand with the authentication's answer: accept or refuse the upgrade.
  void finish_upgrade(bool wants_meridian_v1, Result<Subject> subject);
  // Streaming routes (RouteOptions::stream_body): the handler sees the header, then the
  // body goes to its sink in chunks (ServerOptions::stream_chunk_bytes). Two buffers:
  // while the sink takes one chunk (on the blocking pool for blocking routes), the next
  // is read from the socket; nothing more is read until the sink took a chunk, so the
  // body never sits in memory. A body with a Content-Length is read straight from the
  // socket (no parser copy); a chunked one through Beast's parser. No timer per read: one
  // watchdog per body ticks every idle timeout and closes the connection when a read was
  // waiting and no byte arrived since the previous tick.
  void start_stream();
  void on_stream_started(BodyStart start);
  void stream_next();  // starts what can start now: a sink write, a read, the finish
  void read_into(int slot);
  void fill_direct(int slot, std::size_t have, std::size_t want);
  void parse_into(int slot);
  void on_read(int slot, boost::beast::error_code ec, std::size_t bytes);
  void write_to_sink(int slot);
  void on_written(std::optional<HttpResponse> refusal);
  void arm_watchdog();
  void finish_stream();
  void refuse_stream(HttpResponse answer);
  void end_body();  // frees the body's buffers and timer
  // Runs `work` on the blocking pool when the route asks for it (else right here), then
  // `then` on this session's strand.
  void route_work(std::function<void()> work, std::function<void()> then);
  // Records metrics, logs the request, adds the common headers and writes.
  void reply(OutgoingResponse response, bool close_after);
  void on_write(bool close, boost::beast::error_code ec, std::size_t bytes);
  // The body of a response whose source is a file span, after its header: sendfile(2)
  // while the socket takes bytes, then waits until it is writable (bounded by the idle
  // timeout); yields to other connections every few MiB.
  void send_file(bool close, int fd, std::uint64_t offset, std::uint64_t left);
  void close(bool linger);
  void drain();
  void fail(boost::beast::error_code ec, std::string_view what);

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<ServerState> state_;
  std::uint64_t id_;
  std::string remote_ip_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::request_parser<http::buffer_body>> stream_parser_;
  std::unique_ptr<BodySink> sink_;
  struct BodyStream {
    std::unique_ptr<char[]> buffer[2];
    std::size_t capacity = 0;        // of each buffer
    std::size_t filled[2] = {0, 0};  // bytes of a chunk waiting for the sink
    int read_slot = 0;               // the next chunk is read into this buffer
    int write_slot = 0;              // and the sink takes chunks in the same order
    bool reading = false;
    bool writing = false;         // the sink has a chunk (maybe on another thread)
    bool direct = false;          // Content-Length body read straight from the socket
    std::uint64_t remaining = 0;  // direct: body bytes not read yet
    bool done = false;            // every body byte was read
    std::uint64_t progress = 0;   // bytes read, for the watchdog
    std::uint64_t progress_seen = 0;
    std::optional<HttpResponse> refusal;  // answer once nothing is in flight
    bool failed = false;                  // connection error: close once nothing is in flight
    bool ended = false;
    std::optional<boost::asio::steady_timer> watchdog;
  };
  BodyStream body_;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  RequestPlan plan_;
  std::string request_id_;
  std::string method_;
  std::chrono::steady_clock::time_point started_;
  OutgoingResponse response_;
  std::optional<boost::asio::steady_timer> send_timer_;
  bool waiting_for_request_ = false;  // idle keep-alive: shutdown may close right away
  bool closing_ = false;              // answer the request in flight, then close
};

}  // namespace meridian::net
