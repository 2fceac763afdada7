// Accepts TCP connections and starts an HTTP session on its own strand for each.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>

#include "core/result.hpp"
#include "net/server_state.hpp"

namespace meridian::net {

class Listener final : public std::enable_shared_from_this<Listener> {
 public:
  Listener(boost::asio::io_context& ioc, std::shared_ptr<ServerState> state);

  // Binds; returns the bound port (useful with port 0).
  Result<std::uint16_t> open(const std::string& address, std::uint16_t port);
  void run();
  // Thread-safe: stops accepting; connections already accepted carry on.
  void stop();

 private:
  void accept();
  void on_accept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  std::shared_ptr<ServerState> state_;
};

}  // namespace meridian::net
