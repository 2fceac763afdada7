#include "net/http_session.hpp"

#include <sys/sendfile.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "core/log.hpp"
#include "net/websocket_session.hpp"

namespace meridian::net {
namespace beast = boost::beast;
namespace asio = boost::asio;

namespace {

constexpr unsigned kHttp11 = 11;
constexpr std::chrono::seconds kLingerTime{2};
constexpr std::size_t kLingerChunk = 4096;

bool is_parse_error(beast::error_code ec) {
  return ec.category() == beast::http::make_error_code(http::error::bad_target).category();
}

// With TLS on the server itself: browsers keep to HTTPS for a year.
constexpr std::string_view kHsts = "max-age=31536000";

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

HttpSession::HttpSession(asio::ip::tcp::socket&& socket, std::shared_ptr<ServerState> state, std::string remote_ip)
    : stream_(std::move(socket)), state_(std::move(state)), id_(state_->next_id()), remote_ip_(std::move(remote_ip)) {
  beast::error_code ec;
  auto endpoint = stream_.socket().remote_endpoint(ec);
  if (!ec && remote_ip_.empty()) remote_ip_ = endpoint.address().to_string();
  state_->metrics().http_connection_opened();
}

HttpSession::~HttpSession() {
  state_->metrics().http_connection_closed();
  state_->leave(id_);
}

void HttpSession::run() {
  if (!state_->join(id_, weak_from_this())) closing_ = true;
  // The socket's executor is a strand: everything below runs on it.
  asio::dispatch(stream_.get_executor(), beast::bind_front_handler(&HttpSession::read_request, shared_from_this()));
}

void HttpSession::shutdown() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] {
    self->closing_ = true;
    if (self->waiting_for_request_) self->close(false);
  });
}

void HttpSession::abort() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] {
    self->closing_ = true;
    beast::error_code ignored;
    self->stream_.socket().close(ignored);  // pending reads and writes end with operation_aborted
  });
}

void HttpSession::read_request() {
  if (closing_) return close(false);
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(state_->options().max_header_bytes));
  // Disabled until the route is known: answer_header() sets the route's own limit.
  parser_->body_limit(boost::none);
  waiting_for_request_ = true;
  stream_.expires_after(state_->options().http_idle_timeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&HttpSession::on_header, shared_from_this()));
}

void HttpSession::on_header(beast::error_code ec, std::size_t) {
  waiting_for_request_ = false;
  if (ec == http::error::end_of_stream) return close(false);
  started_ = std::chrono::steady_clock::now();
  if (ec) {
    if (!is_parse_error(ec)) return fail(ec, "read");
    request_id_ = request_id_for({});
    method_.clear();  // unknown: the request line did not parse
    plan_ = RequestPlan{};
    if (ec == http::error::header_limit)
      return reply(error_response(kHttp11, 431, "too_large", "request header too large"), true);
    return reply(error_response(kHttp11, 400, "invalid_argument", "malformed request"), true);
  }
  auto& req = parser_->get();
  request_id_ = request_id_for(req["X-Request-Id"]);
  method_ = std::string(req.method_string());
  if (beast::websocket::is_upgrade(req)) return upgrade_to_websocket();

  plan_ = plan_request(*state_, req);
  if (plan_.kind == RequestPlan::Kind::bad_target)
    return reply(error_response(req.version(), 400, "invalid_argument", "malformed request target"), true);
  if (auto length = parser_->content_length(); length && *length > plan_.body_limit)
    return reply(error_response(req.version(), 413, "too_large", "request body too large"), true);
  parser_->body_limit(plan_.body_limit);
  if (plan_.kind == RequestPlan::Kind::route && plan_.route->options.stream_body) return start_stream();

  if (!parser_->is_done() && beast::iequals(req[http::field::expect], "100-continue")) {
    auto interim = std::make_shared<http::response<http::empty_body>>(http::status::continue_, req.version());
    http::async_write(stream_, *interim, [self = shared_from_this(), interim](beast::error_code ec, std::size_t) {
      if (ec) return self->fail(ec, "write");
      self->read_body();
    });
    return;
  }
  read_body();
}

void HttpSession::read_body() {
  if (parser_->is_done()) return answer();
  stream_.expires_after(state_->options().http_idle_timeout);
  http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&HttpSession::on_body, shared_from_this()));
}

void HttpSession::on_body(beast::error_code ec, std::size_t) {
  if (ec == http::error::body_limit)
    return reply(error_response(parser_->get().version(), 413, "too_large", "request body too large"), true);
  if (ec && is_parse_error(ec))
    return reply(error_response(parser_->get().version(), 400, "invalid_argument", "malformed request"), true);
  if (ec) return fail(ec, "read");
  answer();
}

void HttpSession::answer() {
  if (plan_.kind == RequestPlan::Kind::route && plan_.route && plan_.route->options.blocking) {
    // Nothing else runs on this session meanwhile: no read is pending until the reply.
    asio::post(state_->blocking_pool(), [self = shared_from_this(), home = tracked(stream_.get_executor())]() mutable {
      OutgoingResponse response =
          answer_request(*self->state_, self->plan_, self->parser_->get(), self->remote_ip_, self->request_id_);
      asio::dispatch(home, [self = std::move(self), response = std::move(response)]() mutable {
        self->finish_answer(std::move(response));
      });
    });
    return;
  }
  finish_answer(answer_request(*state_, plan_, parser_->get(), remote_ip_, request_id_));
}

void HttpSession::finish_answer(OutgoingResponse response) {
  bool keep_alive = parser_->get().keep_alive();
  parser_.reset();
  reply(std::move(response), !keep_alive);
}

void HttpSession::route_work(std::function<void()> work, std::function<void()> then) {
  if (!plan_.route->options.blocking) {
    work();
    then();
    return;
  }
  asio::post(state_->blocking_pool(), [self = shared_from_this(), home = tracked(stream_.get_executor()),
                                       work = std::move(work), then = std::move(then)]() mutable {
    work();
    asio::dispatch(home, std::move(then));
  });
}

void HttpSession::start_stream() {
  version_ = parser_->get().version();
  keep_alive_ = parser_->get().keep_alive();
  auto start = std::make_shared<BodyStart>();
  auto self = shared_from_this();
  route_work(
      [self, start] {
        *start = start_streaming(*self->state_, self->plan_, self->parser_->get(), self->remote_ip_, self->request_id_);
      },
      [self, start] { self->on_stream_started(std::move(*start)); });
}

void HttpSession::on_stream_started(BodyStart start) {
  if (!start.sink) {
    HttpResponse answer =
        start.answer ? std::move(*start.answer) : HttpResponse::error(500, "internal", "internal error");
    // Refused before the body: unread bytes must not be taken for the next request.
    const bool keep = keep_alive_ && parser_->is_done();
    parser_.reset();
    return reply(to_outgoing(std::move(answer), version_, false), !keep);
  }
  sink_ = std::move(start.sink);
  const bool expect_continue = beast::iequals(parser_->get()[http::field::expect], "100-continue");
  body_ = BodyStream{};
  const std::size_t chunk = std::max<std::size_t>(state_->options().stream_chunk_bytes, 4096);
  const auto length = parser_->content_length();
  if (length && !parser_->chunked()) {
    // The header told the length (checked against the route's limit already): the body
    // bytes are read from the socket into the chunk buffers, without the parser.
    body_.direct = true;
    body_.remaining = *length;
    body_.capacity = static_cast<std::size_t>(std::min<std::uint64_t>(chunk, std::max<std::uint64_t>(*length, 1)));
    body_.done = *length == 0;
    parser_.reset();
  } else {
    body_.capacity = chunk;
    stream_parser_.emplace(std::move(*parser_));
    parser_.reset();
    stream_parser_->body_limit(plan_.body_limit);
    body_.done = stream_parser_->is_done();
  }
  stream_.expires_never();  // the watchdog below replaces the per-read timeout
  body_.watchdog.emplace(stream_.get_executor());
  arm_watchdog();
  if (!body_.done && expect_continue) {
    auto interim = std::make_shared<http::response<http::empty_body>>(http::status::continue_, version_);
    http::async_write(stream_, *interim, [self = shared_from_this(), interim](beast::error_code ec, std::size_t) {
      if (ec) {
        self->sink_.reset();
        self->end_body();
        return self->fail(ec, "write");
      }
      self->stream_next();
    });
    return;
  }
  stream_next();
}

void HttpSession::arm_watchdog() {
  body_.watchdog->expires_after(state_->options().http_idle_timeout);
  body_.watchdog->async_wait([weak = weak_from_this()](beast::error_code ec) {
    if (ec) return;
    auto self = weak.lock();
    if (!self || self->body_.ended) return;
    auto& body = self->body_;
    if (body.reading && body.progress == body.progress_seen) {
      beast::error_code ignored;
      self->stream_.socket().cancel(ignored);  // the client stopped sending: give up
      return;
    }
    body.progress_seen = body.progress;
    self->arm_watchdog();
  });
}

void HttpSession::stream_next() {
  auto& body = body_;
  if (body.ended) return;
  if (body.refusal || body.failed) {
    if (body.reading || body.writing) return;  // the sink or the socket is still busy
    if (body.refusal) {
      HttpResponse answer = std::move(*body.refusal);
      return refuse_stream(std::move(answer));
    }
    sink_.reset();  // discards what it kept
    stream_parser_.reset();
    end_body();
    beast::error_code ignored;
    stream_.socket().close(ignored);
    return;
  }
  if (!body.writing && body.filled[body.write_slot] > 0) write_to_sink(body.write_slot);
  const int slot = body.read_slot;
  if (!body.reading && !body.done && body.filled[slot] == 0 && !(body.writing && body.write_slot == slot))
    read_into(slot);
  if (body.done && !body.reading && !body.writing && body.filled[0] == 0 && body.filled[1] == 0) finish_stream();
}

void HttpSession::read_into(int slot) {
  auto& body = body_;
  if (!body.buffer[slot]) body.buffer[slot] = std::make_unique<char[]>(body.capacity);
  body.reading = true;
  if (!body.direct) {
    // Beast's buffer_body advances `data` and shrinks `size` as the parser fills it.
    auto& parsed = stream_parser_->get().body();
    parsed.data = body.buffer[slot].get();
    parsed.size = body.capacity;
    return parse_into(slot);
  }
  const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(body.capacity, body.remaining));
  // Body bytes that came with the header first.
  std::size_t have = std::min(buffer_.size(), want);
  if (have > 0) {
    std::memcpy(body.buffer[slot].get(), buffer_.data().data(), have);
    buffer_.consume(have);
  }
  fill_direct(slot, have, want);
}

void HttpSession::fill_direct(int slot, std::size_t have, std::size_t want) {
  if (have == want) {
    asio::post(stream_.get_executor(),
               [self = shared_from_this(), slot, have] { self->on_read(slot, beast::error_code{}, have); });
    return;
  }
  stream_.socket().async_read_some(asio::buffer(body_.buffer[slot].get() + have, want - have),
                                   [self = shared_from_this(), slot, have, want](beast::error_code ec, std::size_t n) {
                                     self->body_.progress += n;
                                     if (!ec && have + n < want) return self->fill_direct(slot, have + n, want);
                                     self->on_read(slot, ec, have + n);
                                   });
}

void HttpSession::parse_into(int slot) {
  http::async_read_some(stream_, buffer_, *stream_parser_,
                        [self = shared_from_this(), slot](beast::error_code ec, std::size_t n) {
                          if (ec == http::error::need_buffer) ec = {};
                          self->body_.progress += n;
                          auto& parsed = self->stream_parser_->get().body();
                          const std::size_t filled = self->body_.capacity - parsed.size;
                          if (!ec && filled < self->body_.capacity && !self->stream_parser_->is_done())
                            return self->parse_into(slot);
                          self->on_read(slot, ec, filled);
                        });
}

void HttpSession::on_read(int slot, beast::error_code ec, std::size_t n) {
  auto& body = body_;
  body.reading = false;
  if (!body.direct) {
    // The next parse starts at the beginning of the other buffer.
    stream_parser_->get().body().data = nullptr;
    stream_parser_->get().body().size = 0;
  }
  if (body.refusal || body.failed) return stream_next();  // the sink refused meanwhile
  if (ec == http::error::body_limit) {
    body.refusal = HttpResponse::error(413, "too_large", "request body too large");
  } else if (ec && is_parse_error(ec)) {
    body.refusal = HttpResponse::error(400, "invalid_argument", "malformed request");
  } else if (ec) {
    body.failed = true;
    fail(ec, "read");
  } else {
    if (n > 0) {
      body.filled[slot] = n;
      body.read_slot = 1 - slot;
    }
    if (body.direct) {
      body.remaining -= n;
      body.done = body.remaining == 0;
    } else {
      body.done = stream_parser_->is_done();
    }
  }
  stream_next();
}

void HttpSession::write_to_sink(int slot) {
  body_.writing = true;
  auto self = shared_from_this();
  auto work = [self, slot]() -> std::optional<HttpResponse> {
    try {
      return self->sink_->write(std::string_view(self->body_.buffer[slot].get(), self->body_.filled[slot]));
    } catch (const std::exception& e) {
      log::error("http.handler_exception", {{"route", self->plan_.label}, {"what", std::string_view(e.what())}});
      return HttpResponse::error(500, "internal", "internal error");
    }
  };
  if (!plan_.route->options.blocking) {
    // Here, then back through the strand's queue: no recursion into stream_next().
    asio::post(stream_.get_executor(), [self, refusal = work()]() mutable { self->on_written(std::move(refusal)); });
    return;
  }
  // Only this slot's bytes are touched on the pool; the strand reads into the other one.
  asio::post(state_->blocking_pool(), [self, home = tracked(stream_.get_executor()), work = std::move(work)]() mutable {
    auto refusal = work();
    asio::dispatch(home, [self = std::move(self), refusal = std::move(refusal)]() mutable {
      self->on_written(std::move(refusal));
    });
  });
}

void HttpSession::on_written(std::optional<HttpResponse> refusal) {
  auto& body = body_;
  body.writing = false;
  body.filled[body.write_slot] = 0;
  body.write_slot = 1 - body.write_slot;
  if (refusal && !body.refusal && !body.failed) {
    body.refusal = std::move(refusal);
    if (body.reading) {
      beast::error_code ignored;
      stream_.socket().cancel(ignored);  // stop waiting for bytes nobody will take
    }
  }
  stream_next();
}

void HttpSession::end_body() {
  body_.ended = true;
  if (body_.watchdog) body_.watchdog->cancel();
  body_.buffer[0].reset();
  body_.buffer[1].reset();
}

void HttpSession::refuse_stream(HttpResponse answer) {
  sink_.reset();  // discards what it kept
  stream_parser_.reset();
  end_body();
  reply(to_outgoing(std::move(answer), version_, false), true);
}

void HttpSession::finish_stream() {
  body_.ended = true;  // nothing more to read or write; the finish may take a while
  if (body_.watchdog) body_.watchdog->cancel();
  auto response = std::make_shared<HttpResponse>();
  auto self = shared_from_this();
  route_work(
      [self, response] {
        try {
          *response = self->sink_->finish();
        } catch (const std::exception& e) {
          log::error("http.handler_exception", {{"route", self->plan_.label}, {"what", std::string_view(e.what())}});
          *response = HttpResponse::error(500, "internal", "internal error");
        }
      },
      [self, response] {
        self->sink_.reset();
        self->stream_parser_.reset();
        self->end_body();
        self->reply(to_outgoing(std::move(*response), self->version_, false), !self->keep_alive_);
      });
}

void HttpSession::upgrade_to_websocket() {
  auto& req = parser_->get();
  plan_ = RequestPlan{};
  plan_.label = std::string(kWebSocketPath);
  auto target = req.target();
  std::string_view path(target.data(), target.size());
  path = path.substr(0, path.find('?'));
  if (path != kWebSocketPath) return reply(error_response(req.version(), 404, "not_found", "no such endpoint"), true);
  if (!parser_->is_done())
    return reply(error_response(req.version(), 400, "invalid_argument", "malformed upgrade"), true);

  auto offer = websocket_offer_from(req);
  if (offer.token.empty()) {
    auto res = error_response(req.version(), 401, "unauthenticated", "a bearer token is required");
    res.set(http::field::www_authenticate, "Bearer");
    return reply(std::move(res), true);
  }
  // The token is looked up in the store: on the work pool, so that a burst of handshakes
  // does not stall the requests and frames of everyone else on this I/O thread. Nothing
  // else runs on this session meanwhile: no read is pending until the upgrade is answered.
  asio::post(state_->work_pool(), [self = shared_from_this(), home = tracked(stream_.get_executor()),
                                   offer = std::move(offer)]() mutable {
    auto subject = self->state_->authenticate(offer.token, self->remote_ip_);
    asio::dispatch(home, [self = std::move(self), offer = std::move(offer), subject = std::move(subject)]() mutable {
      self->finish_upgrade(offer.wants_meridian_v1, std::move(subject));
    });
  });
}

void HttpSession::finish_upgrade(bool wants_meridian_v1, Result<Subject> subject) {
  auto& req = parser_->get();
  if (!subject) {
    auto res = to_beast(HttpResponse::error(subject.error()), req.version());
    if (res.result_int() == 401) res.set(http::field::www_authenticate, "Bearer error=\"invalid_token\"");
    return reply(std::move(res), true);
  }
  state_->metrics().record_request(method_, plan_.label, 101, seconds_since(started_));
  log::info("http.request", {{"method", std::string_view(method_)},
                             {"route", std::string_view(plan_.label)},
                             {"status", std::int64_t{101}},
                             {"duration_ms", seconds_since(started_) * 1000.0},
                             {"request_id", std::string_view(request_id_)},
                             {"remote_ip", std::string_view(remote_ip_)}});
  stream_.expires_never();
  auto session =
      std::make_shared<WebSocketSession>(stream_.release_socket(), state_, std::move(subject.value()), remote_ip_);
  session->run(parser_->release(), wants_meridian_v1);
}

void HttpSession::reply(OutgoingResponse response, bool close_after) {
  if (closing_ || state_->shutting_down()) close_after = true;
  int status = std::visit([](const auto& res) { return static_cast<int>(res.result_int()); }, response);
  double seconds = seconds_since(started_);
  state_->metrics().record_request(method_, plan_.label, status, seconds);
  log::info("http.request", {{"method", std::string_view(method_)},
                             {"route", std::string_view(plan_.label)},
                             {"status", std::int64_t{status}},
                             {"duration_ms", seconds * 1000.0},
                             {"request_id", std::string_view(request_id_)},
                             {"remote_ip", std::string_view(remote_ip_)}});
  response_ = std::move(response);
  stream_.expires_after(state_->options().http_idle_timeout);
  if (auto* streamed = std::get_if<SourceResponse>(&response_); streamed && streamed->body()) {
    if (auto span = streamed->body()->file_span()) {
      // The header through Beast, the body by sendfile(2): one copy instead of two.
      apply_common_headers(*streamed, request_id_);
      if (state_->tls()) streamed->set(http::field::strict_transport_security, kHsts);
      streamed->keep_alive(!close_after);
      auto header = std::make_shared<http::response<http::empty_body>>(streamed->result(), streamed->version());
      for (const auto& field : *streamed) header->insert(field.name_string(), field.value());
      const std::uint64_t length = streamed->body()->size();
      http::async_write(
          stream_, *header,
          [self = shared_from_this(), header, close_after, span = *span, length](beast::error_code ec, std::size_t) {
            if (ec) return self->on_write(close_after, ec, 0);
            self->send_file(close_after, span.fd, span.offset, length);
          });
      return;
    }
  }
  std::visit(
      [&](auto& res) {
        apply_common_headers(res, request_id_);
        if (state_->tls()) res.set(http::field::strict_transport_security, kHsts);
        res.keep_alive(!close_after);
        http::async_write(stream_, res,
                          beast::bind_front_handler(&HttpSession::on_write, shared_from_this(), close_after));
      },
      response_);
}

void HttpSession::send_file(bool close_after, int fd, std::uint64_t offset, std::uint64_t left) {
  constexpr std::uint64_t kTurnBytes = 8 * 1024 * 1024;  // then let other connections run
  auto& socket = stream_.socket();
  beast::error_code ec;
  socket.native_non_blocking(true, ec);
  if (ec) return on_write(close_after, ec, 0);
  std::uint64_t this_turn = 0;
  while (left > 0) {
    if (this_turn >= kTurnBytes) {
      asio::post(stream_.get_executor(), [self = shared_from_this(), close_after, fd, offset, left] {
        self->send_file(close_after, fd, offset, left);
      });
      return;
    }
    off_t at = static_cast<off_t>(offset);
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(left, kTurnBytes));
    ssize_t n = ::sendfile(socket.native_handle(), fd, &at, want);
    if (n > 0) {
      offset += static_cast<std::uint64_t>(n);
      left -= static_cast<std::uint64_t>(n);
      this_turn += static_cast<std::uint64_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!send_timer_) send_timer_.emplace(stream_.get_executor());
      send_timer_->expires_after(state_->options().http_idle_timeout);
      send_timer_->async_wait([weak = weak_from_this()](beast::error_code timer_ec) {
        if (timer_ec) return;
        if (auto self = weak.lock()) {
          beast::error_code ignored;
          self->stream_.socket().cancel(ignored);  // the client stopped reading: give up
        }
      });
      socket.async_wait(asio::ip::tcp::socket::wait_write,
                        [self = shared_from_this(), close_after, fd, offset, left](beast::error_code wait_ec) {
                          self->send_timer_->cancel();
                          if (wait_ec) return self->on_write(close_after, wait_ec, 0);
                          self->send_file(close_after, fd, offset, left);
                        });
      return;
    }
    // The file ended early or the connection broke: the client sees a short body.
    if (n == 0) log::warn("http.sendfile_short", {{"request_id", std::string_view(request_id_)}});
    return on_write(close_after,
                    n == 0 ? beast::error_code(asio::error::eof) : beast::error_code(errno, beast::system_category()),
                    0);
  }
  on_write(close_after, {}, 0);
}

void HttpSession::on_write(bool close_after, beast::error_code ec, std::size_t) {
  response_ = StringResponse{};  // frees the body, closes the file or releases the source
  if (ec) return fail(ec, "write");
  if (close_after) return close(true);
  read_request();
}

void HttpSession::close(bool linger) {
  beast::error_code ec;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  if (!linger || ec) {
    stream_.socket().close(ec);
    return;
  }
  // Closing with unread request bytes (a refused body) would reset the connection and
  // could destroy the response before the client reads it: drain for a moment first.
  stream_.expires_after(kLingerTime);
  drain();
}

void HttpSession::drain() {
  buffer_.clear();
  stream_.async_read_some(buffer_.prepare(kLingerChunk),
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                            if (!ec) return self->drain();
                            beast::error_code ignored;
                            self->stream_.socket().close(ignored);
                          });
}

void HttpSession::fail(beast::error_code ec, std::string_view what) {
  // The peer leaving or an idle timeout are ordinary; anything else is worth a line.
  if (ec == asio::error::operation_aborted || ec == beast::error::timeout || ec == asio::error::eof ||
      ec == asio::error::connection_reset || ec == asio::error::broken_pipe || ec == http::error::end_of_stream)
    return;
  log::debug("http.session_error", {{"op", what}, {"error", std::string_view(ec.message())}});
}

}  // namespace meridian::net
