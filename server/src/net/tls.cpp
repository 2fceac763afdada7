#include "net/tls.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include <array>
#include <chrono>
#include <utility>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "core/log.hpp"
#include "net/http_session.hpp"

namespace meridian::net {
namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

Result<std::shared_ptr<ssl::context>> TlsCredentials::read(const std::string& cert_file, const std::string& key_file) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  error_code ec;
  context->use_certificate_chain_file(cert_file, ec);
  if (ec)
    return make_error(ErrorCode::invalid_argument,
                      "cannot read the TLS certificate chain '" + cert_file + "': " + ec.message());
  context->use_private_key_file(key_file, ssl::context::pem, ec);
  const auto mismatch = [&] {
    return make_error(ErrorCode::invalid_argument,
                      "the TLS key '" + key_file + "' does not belong to the certificate '" + cert_file + "'");
  };
  if (ec && ec.category() == asio::error::get_ssl_category() &&
      ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == X509_R_KEY_VALUES_MISMATCH)
    return mismatch();
  if (ec) return make_error(ErrorCode::invalid_argument, "cannot read the TLS key '" + key_file + "': " + ec.message());
  if (SSL_CTX_check_private_key(context->native_handle()) != 1) return mismatch();
  return context;
}

Result<std::shared_ptr<TlsCredentials>> TlsCredentials::load(std::string cert_file, std::string key_file) {
  auto context = read(cert_file, key_file);
  if (!context) return context.error();
  std::shared_ptr<TlsCredentials> credentials(new TlsCredentials(std::move(cert_file), std::move(key_file)));
  credentials->context_ = std::move(*context);
  return credentials;
}

Result<void> TlsCredentials::reload() {
  auto context = read(cert_file_, key_file_);
  if (!context) return context.error();
  std::lock_guard lock(mutex_);
  context_ = std::move(*context);
  return {};
}

std::shared_ptr<ssl::context> TlsCredentials::current() const {
  std::lock_guard lock(mutex_);
  return context_;
}

namespace {

constexpr std::chrono::seconds kHandshakeTimeout{10};
// After the session closed its side: how long the client gets to answer our close_notify.
constexpr std::chrono::seconds kShutdownTimeout{2};
constexpr std::size_t kChunk = 16 * 1024;  // one TLS record

// One TLS connection. Everything runs on the accepted socket's strand; the HTTP session on
// the other end of the pair has its own. One read and one write at a time in each
// direction, so each side's backpressure reaches the other: a client that stops reading
// stalls the session's writes, as it would on a plain socket.
class TlsRelay final : public Session, public std::enable_shared_from_this<TlsRelay> {
 public:
  TlsRelay(tcp::socket&& socket, std::shared_ptr<ssl::context> context, std::shared_ptr<ServerState> state)
      : context_(std::move(context)),
        tls_(std::move(socket), *context_),
        inner_(tls_.get_executor()),
        timer_(tls_.get_executor()),
        state_(std::move(state)),
        id_(state_->next_id()) {
    error_code ec;
    auto endpoint = tls_.next_layer().remote_endpoint(ec);
    if (!ec) remote_ip_ = endpoint.address().to_string();
    tls_.next_layer().set_option(tcp::no_delay(true), ec);
  }
  ~TlsRelay() override { state_->leave(id_); }

  void run() {
    const bool open = state_->join(id_, weak_from_this());
    asio::dispatch(tls_.get_executor(), [self = shared_from_this(), open] {
      if (!open) return self->close_all();
      self->handshake();
    });
  }

  // A connection still in its handshake is dropped; one that is relaying winds down with
  // its HTTP session, which closes (WebSocket: 1001), and the relay passes that on.
  void shutdown() override {
    asio::post(tls_.get_executor(), [self = shared_from_this()] {
      if (!self->relaying_) self->close_all();
    });
  }
  void abort() override {
    asio::post(tls_.get_executor(), [self = shared_from_this()] { self->close_all(); });
  }

 private:
  void handshake() {
    timer_.expires_after(kHandshakeTimeout);
    timer_.async_wait([weak = weak_from_this()](error_code ec) {
      if (ec) return;
      if (auto self = weak.lock()) self->close_all();
    });
    tls_.async_handshake(ssl::stream_base::server,
                         [self = shared_from_this()](error_code ec) { self->on_handshake(ec); });
  }

  void on_handshake(error_code ec) {
    timer_.cancel();
    if (ec || closed_) {
      if (ec)
        log::debug("tls.handshake_failed",
                   {{"remote_ip", std::string_view(remote_ip_)}, {"error", std::string_view(ec.message())}});
      return close_all();
    }
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
      log::error("tls.socketpair_failed", {{"errno", static_cast<std::int64_t>(errno)}});
      return close_all();
    }
    // Asio does not look at the address family of an assigned descriptor: the session uses
    // its end like the TCP socket it would otherwise get (reads, writes, shutdown, sendfile).
    auto& ioc = static_cast<asio::io_context&>(asio::query(tls_.get_executor(), asio::execution::context));
    tcp::socket session_side(asio::make_strand(ioc));
    inner_.assign(tcp::v4(), fds[0], ec);
    if (!ec) session_side.assign(tcp::v4(), fds[1], ec);
    if (ec) {
      if (!inner_.is_open()) ::close(fds[0]);
      if (!session_side.is_open()) ::close(fds[1]);
      return close_all();
    }
    relaying_ = true;
    std::make_shared<HttpSession>(std::move(session_side), state_, remote_ip_)->run();
    from_client();
    to_client();
  }

  // Client -> session. The client's end (EOF, close_notify, reset) becomes the session's EOF.
  void from_client() {
    if (session_done_) return end_tls();
    reading_client_ = true;
    tls_.async_read_some(asio::buffer(in_), [self = shared_from_this()](error_code ec, std::size_t n) {
      self->reading_client_ = false;
      if (self->session_done_) return self->end_tls();
      if (ec) {
        error_code ignored;
        self->inner_.shutdown(tcp::socket::shutdown_send, ignored);
        return;
      }
      asio::async_write(self->inner_, asio::buffer(self->in_.data(), n), [self](error_code write_ec, std::size_t) {
        if (!write_ec) self->from_client();
      });
    });
  }

  // Session -> client. When the session has said everything, the TLS connection ends.
  void to_client() {
    inner_.async_read_some(asio::buffer(out_), [self = shared_from_this()](error_code ec, std::size_t n) {
      if (ec) {
        self->session_done_ = true;
        error_code ignored;
        // One operation per direction on a TLS stream: a read still waiting for the client
        // ends first (its handler then closes), else the close starts here.
        if (self->reading_client_) return void(self->tls_.next_layer().cancel(ignored));
        return self->end_tls();
      }
      asio::async_write(self->tls_, asio::buffer(self->out_.data(), n), [self](error_code write_ec, std::size_t) {
        if (write_ec) return self->close_all();  // the client is gone
        self->to_client();
      });
    });
  }

  // close_notify, the client's answer (bounded), then both sockets close.
  void end_tls() {
    if (ending_ || closed_) return;
    ending_ = true;
    timer_.expires_after(kShutdownTimeout);
    timer_.async_wait([weak = weak_from_this()](error_code ec) {
      if (ec) return;
      if (auto self = weak.lock()) self->close_all();
    });
    tls_.async_shutdown([self = shared_from_this()](error_code) { self->close_all(); });
  }

  void close_all() {
    if (closed_) return;
    closed_ = true;
    timer_.cancel();
    error_code ignored;
    tls_.next_layer().close(ignored);
    inner_.close(ignored);  // the session sees its peer gone
  }

  std::shared_ptr<ssl::context> context_;  // outlives the stream made from it
  ssl::stream<tcp::socket> tls_;
  tcp::socket inner_;  // this relay's end of the pair
  asio::steady_timer timer_;
  std::shared_ptr<ServerState> state_;
  std::uint64_t id_;
  std::string remote_ip_;
  std::array<char, kChunk> in_{};
  std::array<char, kChunk> out_{};
  bool relaying_ = false;
  bool reading_client_ = false;
  bool session_done_ = false;
  bool ending_ = false;
  bool closed_ = false;
};

}  // namespace

void start_tls_connection(tcp::socket&& socket, std::shared_ptr<ssl::context> context,
                          std::shared_ptr<ServerState> state) {
  std::make_shared<TlsRelay>(std::move(socket), std::move(context), std::move(state))->run();
}

}  // namespace meridian::net
