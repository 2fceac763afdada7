#include "net/websocket_session.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/websocket/error.hpp>
#include <boost/beast/websocket/option.hpp>

#include "core/log.hpp"

namespace meridian::net {
namespace beast = boost::beast;
namespace asio = boost::asio;
namespace websocket = beast::websocket;

namespace {

constexpr std::chrono::seconds kHandshakeTimeout{10};
// A peer that does not read cannot receive our close frame; give up on it after this.
constexpr std::chrono::seconds kCloseTimeout{10};
// Read buffers above this are given back after the message.
constexpr std::size_t kKeptReadBufferBytes = 4 * 1024;
// One gathered write carries at most this many frames / bytes (IOV_MAX is 1024).
constexpr std::size_t kMaxFramesPerWrite = 256;
constexpr std::size_t kMaxBytesPerWrite = 256 * 1024;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

void FrameStream::append_text(SharedText payload) {
  Segment s;
  const std::size_t n = payload->size();
  s.header[0] = static_cast<char>(0x81);  // FIN, text
  if (n < 126) {
    s.header[1] = static_cast<char>(n);
    s.header_size = 2;
  } else if (n <= 0xffff) {
    s.header[1] = 126;
    s.header[2] = static_cast<char>((n >> 8) & 0xff);
    s.header[3] = static_cast<char>(n & 0xff);
    s.header_size = 4;
  } else {
    s.header[1] = 127;
    for (int i = 0; i < 8; ++i)
      s.header[2 + i] = static_cast<char>((static_cast<std::uint64_t>(n) >> (56 - 8 * i)) & 0xff);
    s.header_size = 10;
  }
  s.data = std::move(payload);
  s.text = true;
  append(std::move(s));
}

void FrameStream::append(Segment segment) {
  if (failed_) return;
  queued_bytes_ += segment.size();
  segments_.push_back(std::move(segment));
}

void FrameStream::drop_unsent() {
  for (std::size_t i = in_flight_; i < segments_.size(); ++i) queued_bytes_ -= segments_[i].size();
  segments_.resize(in_flight_);
}

void FrameStream::pump() {
  if (writing_ || segments_.empty() || failed_) return;
  auto owner = owner_.lock();
  std::vector<asio::const_buffer> buffers;
  const std::size_t n = std::min(segments_.size(), kMaxFramesPerWrite);
  buffers.reserve(2 * n);
  // The headers are copied out of the segments: appending may move the vector's elements
  // while this write is in flight (the payloads live in their own shared buffers).
  headers_.clear();
  headers_.reserve(n * sizeof(Segment::header));
  std::size_t bytes = 0;
  std::size_t count = 0;
  for (; count < n && (count == 0 || bytes + segments_[count].size() <= kMaxBytesPerWrite); ++count) {
    const Segment& s = segments_[count];
    if (s.header_size) {
      buffers.emplace_back(headers_.data() + headers_.size(), s.header_size);
      headers_.append(s.header.data(), s.header_size);  // within the reserved capacity: never moves
    }
    buffers.emplace_back(s.data->data(), s.data->size());
    bytes += s.size();
  }
  writing_ = true;
  in_flight_ = count;
  asio::async_write(socket_, buffers, [this, owner = std::move(owner), count](beast::error_code ec, std::size_t) {
    on_written(ec, count);
  });
}

void FrameStream::on_written(beast::error_code ec, std::size_t count) {
  writing_ = false;
  std::size_t text_frames = 0;
  for (std::size_t i = 0; i < count; ++i) {
    queued_bytes_ -= segments_[i].size();
    if (segments_[i].text) ++text_frames;
  }
  segments_.erase(segments_.begin(), segments_.begin() + static_cast<std::ptrdiff_t>(count));
  in_flight_ = 0;
  if (ec) {
    failed_ = ec;
    segments_.clear();
    queued_bytes_ = 0;
  }
  if (segments_.empty() && segments_.capacity() > 16) std::vector<Segment>().swap(segments_);
  if (headers_.capacity() > 256) std::string().swap(headers_);
  if (written_) written_(ec, text_frames);
  if (!segments_.empty()) return pump();
  if (flushed_) {
    auto waiter = std::move(flushed_);
    waiter->run();
  }
}

void teardown(beast::role_type role, FrameStream& stream, beast::error_code& ec) {
  websocket::teardown(role, stream.next_layer(), ec);
}

namespace {

// How long a closing connection waits for the peer's EOF while discarding what it still sends.
constexpr std::chrono::seconds kLingerLimit{5};

struct Lingering : std::enable_shared_from_this<Lingering> {
  Lingering(FrameStream::socket_type& s, std::unique_ptr<LingeringClose::Done> d)
      : socket(s), deadline(s.get_executor(), kLingerLimit), done(std::move(d)) {}

  void read() {
    socket.async_read_some(asio::buffer(sink), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (!ec) return self->read();
      // EOF is the goal; a reset or the deadline's cancel end it just as well.
      const bool ended =
          ec == asio::error::eof || ec == asio::error::connection_reset || ec == asio::error::operation_aborted;
      self->finish(ended ? beast::error_code{} : ec);
    });
  }

  void finish(beast::error_code ec) {
    deadline.cancel();
    beast::error_code ignored;
    socket.close(ignored);
    if (auto d = std::move(done)) d->run(ec);
  }

  FrameStream::socket_type& socket;
  asio::steady_timer deadline;
  std::array<char, 4096> sink{};
  std::unique_ptr<LingeringClose::Done> done;
};

}  // namespace

void LingeringClose::start(FrameStream::socket_type& socket, std::unique_ptr<Done> done) {
  auto lingering = std::make_shared<Lingering>(socket, std::move(done));
  beast::error_code ec;
  socket.shutdown(FrameStream::socket_type::shutdown_send, ec);
  if (ec) {
    // Never complete inside the initiating call: post, as Beast's own teardown does.
    asio::post(socket.get_executor(), [lingering, ec] { lingering->finish(ec); });
    return;
  }
  lingering->deadline.async_wait([weak = std::weak_ptr<Lingering>(lingering)](beast::error_code ec) {
    if (ec) return;
    beast::error_code ignored;
    if (auto l = weak.lock()) l->socket.cancel(ignored);
  });
  lingering->read();
}

WebSocketOffer websocket_offer_from(const IncomingRequest& req) {
  WebSocketOffer offer;
  offer.token = std::string(bearer_token(req[http::field::authorization]));
  auto protocols = req[http::field::sec_websocket_protocol];
  std::string_view list(protocols.data(), protocols.size());
  while (!list.empty()) {
    auto comma = list.find(',');
    std::string_view item = trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    constexpr std::string_view kBearer = "bearer.";
    if (item == kSubprotocol) {
      offer.wants_meridian_v1 = true;
    } else if (offer.token.empty() && item.size() > kBearer.size() && item.substr(0, kBearer.size()) == kBearer) {
      offer.token = std::string(item.substr(kBearer.size()));
    }
  }
  return offer;
}

WebSocketSession::WebSocketSession(asio::ip::tcp::socket&& socket, std::shared_ptr<ServerState> state, Subject subject,
                                   std::string remote_ip)
    : ws_(std::move(socket)),
      state_(std::move(state)),
      subject_(std::move(subject)),
      id_(state_->next_id()),
      remote_ip_(std::move(remote_ip)) {
  beast::error_code ec;
  beast::get_lowest_layer(ws_).set_option(asio::ip::tcp::no_delay(true), ec);  // frames go out as written
}

WebSocketSession::~WebSocketSession() {
  if (open_) {
    state_->hub().detach(id_);
    state_->metrics().ws_connection_closed();
  }
  state_->leave(id_);
}

void WebSocketSession::run(IncomingRequest req, bool answer_subprotocol) {
  // Called on the socket's strand by the HTTP session that read the upgrade request.
  if (!state_->join(id_, weak_from_this())) {
    closing_ = true;
    close_code_ = websocket::close_code::going_away;
    close_reason_ = "server shutting down";
  }
  const ServerOptions& options = state_->options();
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = kHandshakeTimeout;
  timeouts.idle_timeout = options.ws_idle_timeout;
  timeouts.keep_alive_pings = true;
  ws_.set_option(timeouts);
  // Off: its buffers cost memory per connection, and FrameStream writes uncompressed frames.
  ws_.set_option(websocket::permessage_deflate{});
  ws_.read_message_max(options.ws_max_frame_bytes);
  ws_.auto_fragment(false);
  ws_.next_layer().set_owner(weak_from_this(),
                             [this](beast::error_code ec, std::size_t text_frames) { on_written(ec, text_frames); });
  ws_.set_option(websocket::stream_base::decorator([answer_subprotocol](websocket::response_type& res) {
    if (answer_subprotocol) res.set(http::field::sec_websocket_protocol, kSubprotocol);
  }));
  ws_.async_accept(req, beast::bind_front_handler(&WebSocketSession::on_accept, shared_from_this()));
}

void WebSocketSession::on_accept(beast::error_code ec) {
  if (ec) return fail(ec, "accept");
  open_ = true;
  state_->metrics().ws_connection_opened();
  log::debug("ws.open", {{"connection", static_cast<std::int64_t>(id_)},
                         {"user_id", subject_.user_id},
                         {"remote_ip", std::string_view(remote_ip_)}});
  if (closing_) {
    closing_ = false;  // a close was asked for during the handshake
    begin_close(close_code_, std::move(close_reason_));
  } else if (state_->shutting_down()) {
    begin_close(websocket::close_code::going_away, "server shutting down");
  }
  watch_expiry();
  // The greeting reads the store (who you are, what waits for you): on the work pool. The
  // first frame is read once it is queued, so that it is always the first to arrive.
  asio::post(state_->work_pool(), [self = shared_from_this(), home = tracked(ws_.get_executor())]() mutable {
    self->state_->hub().attach(self);
    asio::dispatch(home, [self = std::move(self)] { self->read(); });
  });
}

bool WebSocketSession::expired() const {
  if (subject_.expires_at <= 0) return false;
  const auto now =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  return now >= subject_.expires_at;
}

void WebSocketSession::watch_expiry() {
  if (subject_.expires_at <= 0 || closing_) return;
  const auto now = std::chrono::system_clock::now();
  const auto at = std::chrono::system_clock::time_point(std::chrono::milliseconds(subject_.expires_at));
  expiry_ = std::make_unique<asio::steady_timer>(ws_.get_executor());
  expiry_->expires_after(std::max(at - now, std::chrono::system_clock::duration::zero()));
  expiry_->async_wait([weak = weak_from_this()](beast::error_code ec) {
    if (ec) return;
    auto self = weak.lock();
    if (!self) return;
    // The system clock may have been set back meanwhile: wait for the rest.
    if (!self->expired()) return self->watch_expiry();
    self->begin_close(websocket::close_code::policy_error, "session expired");
  });
}

void WebSocketSession::read() {
  ws_.async_read(buffer_, beast::bind_front_handler(&WebSocketSession::on_read, shared_from_this()));
}

void WebSocketSession::on_read(beast::error_code ec, std::size_t) {
  if (ec) return fail(ec, "read");
  state_->metrics().ws_message_received();
  // Between the expiry and its timer: refused like a request with the expired token.
  if (!closing_ && expired()) begin_close(websocket::close_code::policy_error, "session expired");
  if (!closing_ && ws_.got_text()) {
    // Handlers wait for the store: on the work pool, never on this I/O thread, where they
    // would stall every other connection it serves. One frame at a time per connection, as
    // before: the next is read when this one is handled, so the order is kept and a client
    // that sends faster than it is served waits in its own TCP window. The buffer is left
    // alone until then (no read is pending).
    asio::post(state_->work_pool(), [self = shared_from_this(), home = tracked(ws_.get_executor())]() mutable {
      std::string_view text(static_cast<const char*>(self->buffer_.data().data()), self->buffer_.size());
      try {
        self->state_->hub().dispatch(*self, text);
      } catch (const std::exception& e) {
        log::error("ws.dispatch_exception", {{"what", std::string_view(e.what())}});
      }
      asio::dispatch(home, [self = std::move(self)] { self->read_next(); });
    });
    return;
  }
  if (!closing_)
    send(RealtimeHub::error_envelope({}, make_error(ErrorCode::invalid_argument, "binary frames are not supported")));
  read_next();
}

void WebSocketSession::read_next() {
  buffer_.consume(buffer_.size());
  if (buffer_.capacity() > kKeptReadBufferBytes) buffer_.shrink_to_fit();
  read();
}

void WebSocketSession::send(SharedText text) {
  {
    std::lock_guard lock(inbox_mutex_);
    inbox_.push_back(std::move(text));
    if (drain_posted_) return;  // the strand has not taken the inbox yet: it takes this one too
    drain_posted_ = true;
  }
  asio::post(ws_.get_executor(), [self = shared_from_this()] { self->drain_inbox(); });
}

void WebSocketSession::drain_inbox() {
  std::vector<SharedText> batch;
  {
    std::lock_guard lock(inbox_mutex_);
    batch.swap(inbox_);
    drain_posted_ = false;
  }
  for (auto& text : batch)
    if (!enqueue(std::move(text))) break;
  ws_.next_layer().flush();  // the whole batch in one write when the socket is idle
}

void WebSocketSession::close(std::uint16_t code, std::string reason) {
  asio::post(ws_.get_executor(), [self = shared_from_this(), code, reason = std::move(reason)]() mutable {
    self->begin_close(code, std::move(reason));
  });
}

void WebSocketSession::shutdown() { close(websocket::close_code::going_away, "server shutting down"); }

void WebSocketSession::abort() {
  asio::post(ws_.get_executor(), [self = shared_from_this()] {
    beast::error_code ignored;
    beast::get_lowest_layer(self->ws_).close(ignored);
  });
}

bool WebSocketSession::enqueue(SharedText text) {
  if (closing_ || !open_ || !ws_.is_open()) return false;
  const ServerOptions& options = state_->options();
  FrameStream& out = ws_.next_layer();
  if (out.queued_frames() + 1 > options.ws_max_queued_messages ||
      out.queued_bytes() + text->size() > options.ws_max_queued_bytes) {
    log::warn("ws.send_queue_overflow", {{"connection", static_cast<std::int64_t>(id_)},
                                         {"user_id", subject_.user_id},
                                         {"queued_messages", static_cast<std::int64_t>(out.queued_frames())},
                                         {"queued_bytes", static_cast<std::int64_t>(out.queued_bytes())}});
    begin_close(websocket::close_code::policy_error, "send queue overflow");
    return false;
  }
  out.append_text(std::move(text));
  return true;
}

void WebSocketSession::on_written(beast::error_code ec, std::size_t text_frames) {
  for (std::size_t i = 0; i < text_frames; ++i) state_->metrics().ws_message_sent();
  if (ec) fail(ec, "write");
}

void WebSocketSession::begin_close(std::uint16_t code, std::string reason) {
  if (closing_) return;
  closing_ = true;
  if (expiry_) expiry_->cancel();
  close_code_ = code;
  close_reason_ = std::move(reason);
  if (!open_) return;  // on_accept closes once the handshake is done
  ws_.next_layer().drop_unsent();
  close_deadline_ = std::make_unique<asio::steady_timer>(ws_.get_executor(), kCloseTimeout);
  close_deadline_->async_wait([weak = weak_from_this()](beast::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock()) beast::get_lowest_layer(self->ws_).close();
  });
  // Queued after the frames in flight (FrameStream keeps the order).
  send_close();
}

void WebSocketSession::send_close() {
  ws_.async_close(websocket::close_reason(static_cast<websocket::close_code>(close_code_), close_reason_),
                  [self = shared_from_this()](beast::error_code ec) {
                    if (ec) return self->fail(ec, "close");
                    if (self->close_deadline_) self->close_deadline_->cancel();
                  });
}

void WebSocketSession::fail(beast::error_code ec, std::string_view what) {
  if (ec == websocket::error::closed || ec == asio::error::operation_aborted || ec == beast::error::timeout ||
      ec == asio::error::eof || ec == asio::error::connection_reset || ec == asio::error::broken_pipe)
    return;
  log::debug("ws.session_error",
             {{"connection", static_cast<std::int64_t>(id_)}, {"op", what}, {"error", std::string_view(ec.message())}});
}

}  // namespace meridian::net
