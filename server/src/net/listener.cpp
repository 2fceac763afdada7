#include "net/listener.hpp"

#include <chrono>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include "core/log.hpp"
#include "net/http_session.hpp"
#include "net/tls.hpp"

namespace meridian::net {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {
// Out of file descriptors: wait a little instead of spinning on accept errors.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};
}  // namespace

Listener::Listener(asio::io_context& ioc, std::shared_ptr<ServerState> state)
    : ioc_(ioc), acceptor_(asio::make_strand(ioc)), retry_timer_(acceptor_.get_executor()), state_(std::move(state)) {}

Result<std::uint16_t> Listener::open(const std::string& address, std::uint16_t port) {
  boost::system::error_code ec;
  auto ip = asio::ip::make_address(address, ec);
  if (ec) return make_error(ErrorCode::invalid_argument, "invalid listen address '" + address + "'");
  tcp::endpoint endpoint{ip, port};
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return make_error(ErrorCode::unavailable,
                      "cannot listen on " + address + ":" + std::to_string(port) + ": " + ec.message());
  }
  return acceptor_.local_endpoint().port();
}

void Listener::run() {
  asio::post(acceptor_.get_executor(), [self = shared_from_this()] { self->accept(); });
}

void Listener::stop() {
  asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ec;
    self->acceptor_.close(ec);
    self->retry_timer_.cancel();
  });
}

void Listener::accept() {
  // Each connection gets its own strand: its handlers never run concurrently.
  acceptor_.async_accept(asio::make_strand(ioc_),
                         boost::beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(boost::beast::error_code ec, tcp::socket socket) {
  if (!acceptor_.is_open()) return;
  if (ec) {
    if (ec == asio::error::operation_aborted) return;
    log::warn("server.accept_failed", {{"error", std::string_view(ec.message())}});
    retry_timer_.expires_after(kAcceptRetryDelay);
    retry_timer_.async_wait([self = shared_from_this()](boost::system::error_code wait_ec) {
      if (!wait_ec && self->acceptor_.is_open()) self->accept();
    });
    return;
  }
  if (const auto& tls = state_->tls())
    start_tls_connection(std::move(socket), tls->current(), state_);
  else
    std::make_shared<HttpSession>(std::move(socket), state_)->run();
  accept();
}

}  // namespace meridian::net
