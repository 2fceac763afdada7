// One authenticated WebSocket connection (/ws): reads envelopes into the hub; writes go
// through FrameStream, a bounded per-connection list of frames sent with one gathered
// write (one sendmsg) for all frames queued meanwhile. Small when idle: no buffers are kept.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/beast/websocket/teardown.hpp>

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

// The WebSocket's next layer. Every byte written to the connection goes through one ordered
// list of frames, written by one gathered write at a time:
// - the session appends its text frames itself (append_text: a 2-10 byte header and the
//   shared payload; no copy, no Beast write operation and no completion per frame);
// - Beast's own frames (pong, keep-alive ping, close) arrive through async_write_some and
//   are copied into the list in order, so they never interleave with a frame.
// Frames queued while a write is in flight leave together in the next one: under load a
// connection costs one system call per batch instead of one per frame.
// Only valid for a server stream without permessage-deflate (frames are not masked or compressed).
class FrameStream {
 public:
  using socket_type = boost::asio::ip::tcp::socket;
  using executor_type = socket_type::executor_type;
  using next_layer_type = socket_type;
  // After each gathered write: its error and how many text frames it carried.
  using WrittenFn = std::function<void(boost::beast::error_code, std::size_t text_frames)>;

  explicit FrameStream(socket_type&& socket) : socket_(std::move(socket)) {}

  executor_type get_executor() noexcept { return socket_.get_executor(); }
  socket_type& next_layer() noexcept { return socket_; }
  const socket_type& next_layer() const noexcept { return socket_; }

  // `owner` is kept alive while a write is in flight (the session owning this stream).
  void set_owner(std::weak_ptr<void> owner, WrittenFn written) {
    owner_ = std::move(owner);
    written_ = std::move(written);
  }

  // On the connection's strand. Appends one final, unmasked text frame; flush() starts
  // writing what is queued (when no write is in flight; otherwise once it completes).
  void append_text(SharedText payload);
  void flush() { pump(); }
  std::size_t queued_frames() const { return segments_.size(); }
  std::size_t queued_bytes() const { return queued_bytes_; }
  // Forgets the frames not yet handed to the socket (the ones in flight still go).
  void drop_unsent();

  template <class MutableBuffers, class Handler>
  auto async_read_some(const MutableBuffers& buffers, Handler&& handler) {
    return socket_.async_read_some(buffers, std::forward<Handler>(handler));
  }

  // Beast's writes: copied into the list; completes (posted) once queued.
  template <class ConstBuffers, class Handler>
  auto async_write_some(const ConstBuffers& buffers, Handler&& handler) {
    return boost::asio::async_initiate<Handler, void(boost::beast::error_code, std::size_t)>(
        [this](auto h, const ConstBuffers& b) {
          const std::size_t n = boost::asio::buffer_size(b);
          boost::beast::error_code ec = failed_;
          if (!ec) {
            std::string bytes(n, '\0');
            boost::asio::buffer_copy(boost::asio::buffer(bytes), b);
            append(Segment{share_text(std::move(bytes)), {}, 0, false});
            pump();
          }
          auto ex = boost::asio::get_associated_executor(h, get_executor());
          boost::asio::post(ex, boost::beast::bind_front_handler(std::move(h), ec, ec ? 0 : n));
        },
        handler, buffers);
  }

  // For async_teardown: runs `done` once everything queued has been written (or failed).
  template <class Fn>
  void when_flushed(Fn&& done) {
    if (!writing_ && segments_.empty()) return done();
    struct Holder final : Waiter {
      explicit Holder(Fn&& f) : fn(std::move(f)) {}
      void run() override { fn(); }
      std::decay_t<Fn> fn;
    };
    flushed_ = std::make_unique<Holder>(std::forward<Fn>(done));
  }

 private:
  struct Segment {
    SharedText data;
    std::array<char, 10> header{};
    std::uint8_t header_size = 0;
    bool text = false;  // a session frame (counted), not one of Beast's
    std::size_t size() const { return header_size + data->size(); }
  };
  struct Waiter {
    virtual ~Waiter() = default;
    virtual void run() = 0;
  };

  void append(Segment segment);
  void pump();
  void on_written(boost::beast::error_code ec, std::size_t segments);

  socket_type socket_;
  std::weak_ptr<void> owner_;
  WrittenFn written_;
  std::vector<Segment> segments_;  // the first in_flight_ are being written
  std::string headers_;            // the frame headers of the write in flight
  std::size_t in_flight_ = 0;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  boost::beast::error_code failed_;
  std::unique_ptr<Waiter> flushed_;
};

// Beast's close handshake ends with a teardown of the next layer: after the queued frames.
void teardown(boost::beast::role_type role, FrameStream& stream, boost::beast::error_code& ec);

// The asynchronous teardown is our own. Beast's TCP teardown (Boost 1.81) stops reading after
// the first chunk it drains (its loop never counts what it read) and closes with the peer's
// bytes unread; the kernel answers those with RST, and a client still sending (a fragmented
// message over the size limit) loses the close frame before reading it and reports 1006
// instead of 1009. This one shuts down the sending side, reads and discards until the peer's
// EOF (for a few seconds at most), and only then closes.
struct LingeringClose {
  struct Done {
    virtual ~Done() = default;
    virtual void run(boost::beast::error_code ec) = 0;
  };
  static void start(FrameStream::socket_type& socket, std::unique_ptr<Done> done);
};

template <class Handler>
void async_teardown(boost::beast::role_type, FrameStream& stream, Handler&& handler) {
  struct Holder final : LingeringClose::Done {
    Holder(Handler&& h, FrameStream::executor_type ex) : handler(std::move(h)), fallback(std::move(ex)) {}
    void run(boost::beast::error_code ec) override {
      auto ex = boost::asio::get_associated_executor(handler, fallback);
      boost::asio::dispatch(ex, boost::beast::bind_front_handler(std::move(handler), ec));
    }
    std::decay_t<Handler> handler;
    FrameStream::executor_type fallback;
  };
  stream.when_flushed([&stream, h = std::forward<Handler>(handler)]() mutable {
    LingeringClose::start(stream.next_layer(), std::make_unique<Holder>(std::move(h), stream.get_executor()));
  });
}

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
  std::string_view remote_ip() const override { return remote_ip_; }
  using RealtimeConnection::send;
  void send(SharedText text) override;
  void close(std::uint16_t code, std::string reason) override;
  void shutdown() override;
  void abort() override;

 private:
  void on_accept(boost::beast::error_code ec);
  void read();
  // Frees the frame just handled and reads the next.
  void read_next();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void drain_inbox();
  bool enqueue(SharedText text);
  void on_written(boost::beast::error_code ec, std::size_t text_frames);
  void begin_close(std::uint16_t code, std::string reason);
  // The session it was opened with ends: close then, as logout does.
  void watch_expiry();
  bool expired() const;
  void send_close();
  void fail(boost::beast::error_code ec, std::string_view what);

  boost::beast::websocket::stream<FrameStream> ws_;
  boost::beast::flat_buffer buffer_;  // grows for a message, shrinks after a large one
  std::shared_ptr<ServerState> state_;
  Subject subject_;
  std::uint64_t id_;
  std::string remote_ip_;
  // Frames sent from any thread wait here until the strand takes them all at once (one
  // post per batch, not per frame).
  std::mutex inbox_mutex_;
  std::vector<SharedText> inbox_;
  bool drain_posted_ = false;
  std::unique_ptr<boost::asio::steady_timer> close_deadline_;  // only while closing
  std::unique_ptr<boost::asio::steady_timer> expiry_;          // only for a subject that expires
  std::string close_reason_;
  std::uint16_t close_code_ = 0;
  bool open_ = false;
  bool closing_ = false;
};

}  // namespace meridian::net
