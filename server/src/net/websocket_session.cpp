#include "net/websocket_session.hpp"

#include <chrono>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/string.hpp>
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

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

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

WebSocketSession::WebSocketSession(asio::ip::tcp::socket&& socket, std::shared_ptr<ServerState> state,
                                   Subject subject, std::string remote_ip)
    : ws_(std::move(socket)),
      state_(std::move(state)),
      subject_(std::move(subject)),
      id_(state_->next_id()),
      remote_ip_(std::move(remote_ip)) {}

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
  ws_.set_option(websocket::permessage_deflate{});  // off: its buffers cost memory per connection
  ws_.read_message_max(options.ws_max_frame_bytes);
  ws_.auto_fragment(false);
  ws_.set_option(websocket::stream_base::decorator([answer_subprotocol](websocket::response_type& res) {
    if (answer_subprotocol) res.set(http::field::sec_websocket_protocol, kSubprotocol);
  }));
  ws_.async_accept(req, beast::bind_front_handler(&WebSocketSession::on_accept, shared_from_this()));
}

void WebSocketSession::on_accept(beast::error_code ec) {
  if (ec) return fail(ec, "accept");
  open_ = true;
  state_->metrics().ws_connection_opened();
  state_->hub().attach(shared_from_this());
  log::debug("ws.open", {{"connection", static_cast<std::int64_t>(id_)}, {"user_id", subject_.user_id},
                         {"remote_ip", std::string_view(remote_ip_)}});
  if (closing_) {
    closing_ = false;  // a close was asked for during the handshake
    begin_close(close_code_, std::move(close_reason_));
  } else if (state_->shutting_down()) {
    begin_close(websocket::close_code::going_away, "server shutting down");
  }
  read();
}

void WebSocketSession::read() {
  ws_.async_read(buffer_, beast::bind_front_handler(&WebSocketSession::on_read, shared_from_this()));
}

void WebSocketSession::on_read(beast::error_code ec, std::size_t) {
  if (ec) return fail(ec, "read");
  state_->metrics().ws_message_received();
  if (!closing_) {
    if (ws_.got_text()) {
      std::string_view text(static_cast<const char*>(buffer_.data().data()), buffer_.size());
      try {
        state_->hub().dispatch(*this, text);
      } catch (const std::exception& e) {
        log::error("ws.dispatch_exception", {{"what", std::string_view(e.what())}});
      }
    } else {
      send(RealtimeHub::error_envelope({}, make_error(ErrorCode::invalid_argument, "binary frames are not supported")));
    }
  }
  buffer_.consume(buffer_.size());
  if (buffer_.capacity() > kKeptReadBufferBytes) buffer_.shrink_to_fit();
  read();
}

void WebSocketSession::send(std::string text) {
  asio::post(ws_.get_executor(), [self = shared_from_this(), text = std::move(text)]() mutable {
    self->enqueue(std::move(text));
  });
}

void WebSocketSession::close(std::uint16_t code, std::string reason) {
  asio::post(ws_.get_executor(), [self = shared_from_this(), code, reason = std::move(reason)]() mutable {
    self->begin_close(code, std::move(reason));
  });
}

void WebSocketSession::shutdown() { close(websocket::close_code::going_away, "server shutting down"); }

void WebSocketSession::enqueue(std::string text) {
  if (closing_ || !open_) return;
  const ServerOptions& options = state_->options();
  const std::size_t queued_messages = queue_.size() + (writing_ ? 1 : 0);
  if (queued_messages + 1 > options.ws_max_queued_messages || queued_bytes_ + text.size() > options.ws_max_queued_bytes) {
    log::warn("ws.send_queue_overflow", {{"connection", static_cast<std::int64_t>(id_)},
                                         {"user_id", subject_.user_id},
                                         {"queued_messages", static_cast<std::int64_t>(queued_messages)},
                                         {"queued_bytes", static_cast<std::int64_t>(queued_bytes_)}});
    begin_close(websocket::close_code::policy_error, "send queue overflow");
    return;
  }
  queued_bytes_ += text.size();
  queue_.push_back(std::move(text));
  if (!writing_) write_next();
}

void WebSocketSession::write_next() {
  // The message in flight lives outside the vector: growing the vector moves strings,
  // and a short string's characters move with it.
  writing_ = true;
  in_flight_ = std::move(queue_.front());
  queue_.erase(queue_.begin());
  ws_.text(true);
  ws_.async_write(asio::buffer(in_flight_), beast::bind_front_handler(&WebSocketSession::on_write, shared_from_this()));
}

void WebSocketSession::on_write(beast::error_code ec, std::size_t) {
  writing_ = false;
  queued_bytes_ -= in_flight_.size();
  std::string().swap(in_flight_);
  if (ec) {
    drop_queue();
    return fail(ec, "write");
  }
  state_->metrics().ws_message_sent();
  if (closing_) {
    if (!close_sent_) send_close();
    return;
  }
  if (!queue_.empty()) return write_next();
  if (queue_.capacity() > 16) queue_.shrink_to_fit();
}

void WebSocketSession::drop_queue() {
  queue_.clear();
  queue_.shrink_to_fit();
  queued_bytes_ = writing_ ? in_flight_.size() : 0;
}

void WebSocketSession::begin_close(std::uint16_t code, std::string reason) {
  if (closing_) return;
  closing_ = true;
  close_code_ = code;
  close_reason_ = std::move(reason);
  if (!open_) return;  // on_accept closes once the handshake is done
  drop_queue();
  close_deadline_ = std::make_unique<asio::steady_timer>(ws_.get_executor(), kCloseTimeout);
  close_deadline_->async_wait([weak = weak_from_this()](beast::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock()) beast::get_lowest_layer(self->ws_).close();
  });
  // One write at a time: the close frame goes out when the write in flight is done.
  if (!writing_) send_close();
}

void WebSocketSession::send_close() {
  close_sent_ = true;
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
  log::debug("ws.session_error", {{"connection", static_cast<std::int64_t>(id_)},
                                  {"op", what},
                                  {"error", std::string_view(ec.message())}});
}

}  // namespace meridian::net
