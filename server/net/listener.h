#pragma once
// One listening socket, TCP or Unix domain (`unixsocket`): accepts connections (each on a
// strand of its own when there are several I/O threads) and starts them; with a TLS context,
// as tls-port connections (which begin with the TLS handshake).
#include <memory>
#include <string>

#include "server/net/net_context.h"
#include "server/net/tls_stream.h"

namespace asio::ssl {
class context;
}  // namespace asio::ssl

namespace kvd::net {

class Listener {
 public:
  explicit Listener(NetContext& net, std::shared_ptr<asio::ssl::context> tls = nullptr);

  // Binds `address` ("127.0.0.1", "::1", "*" for every IPv4 address, "::*" for every IPv6
  // one) on `port` (0: any free port). Returns "" or the reason it failed.
  std::string Bind(const std::string& address, int port, int backlog);
  // Listens on a Unix domain socket at `path` (a stale file there is removed first, as
  // Redis does), with the file's permissions set to `perm` unless it is 0. The file is
  // removed when the listener goes.
  std::string BindUnix(const std::string& path, int perm, int backlog);
  ~Listener();
  int port() const { return port_; }
  const std::string& address() const { return address_; }

  void StartAccepting();

 private:
  void Accept();
  void OnAccept(std::error_code ec, ClientStream::Socket socket);
  // The executor a new connection's handlers run on.
  asio::any_io_executor ConnectionExecutor();

  NetContext& net_;
  std::shared_ptr<asio::ssl::context> tls_;
  // Generic: TCP or Unix domain, so that connections have one socket type.
  asio::basic_socket_acceptor<asio::generic::stream_protocol> acceptor_;
  asio::steady_timer retry_timer_;
  std::string address_;
  int port_ = 0;
  std::string unix_path_;  // the socket file to remove, for a Unix domain listener
};

}  // namespace kvd::net
