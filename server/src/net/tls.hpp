// TLS on the server itself, for sites without a proxy in front (OpenSSL through Asio).
//
// A TLS connection is decrypted by a relay in this process and handed to the ordinary HTTP
// session over a local socket pair, so the sessions stay exactly as they are for plain TCP:
// sendfile(2) for downloads, gathered raw-socket writes for WebSocket frames, the lingering
// close. The price is one more copy of each byte through the relay; behind a proxy, leave
// TLS to the proxy.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "core/result.hpp"
#include "net/server_state.hpp"

namespace meridian::net {

// The certificate chain and key, reloadable (SIGHUP). A connection keeps the context it was
// accepted with; new connections get the reloaded one.
class TlsCredentials final {
 public:
  // PEM files: the certificate chain (leaf first) and its private key.
  static Result<std::shared_ptr<TlsCredentials>> load(std::string cert_file, std::string key_file);

  // Reads the files again. On any error the previous certificate stays in use.
  Result<void> reload();
  std::shared_ptr<boost::asio::ssl::context> current() const;

 private:
  TlsCredentials(std::string cert_file, std::string key_file)
      : cert_file_(std::move(cert_file)), key_file_(std::move(key_file)) {}
  static Result<std::shared_ptr<boost::asio::ssl::context>> read(const std::string& cert_file,
                                                                 const std::string& key_file);

  const std::string cert_file_;
  const std::string key_file_;
  mutable std::mutex mutex_;
  std::shared_ptr<boost::asio::ssl::context> context_;
};

// Accepted TCP connection -> TLS handshake -> an HttpSession over a socket pair, with the
// bytes relayed both ways. Registered as a session, so a graceful stop waits until the
// relay has passed on the last bytes (the WebSocket close frame, the last response).
void start_tls_connection(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<boost::asio::ssl::context> context,
                          std::shared_ptr<ServerState> state);

}  // namespace meridian::net
