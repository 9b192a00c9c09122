#pragma once
// The Prometheus endpoint (metrics-port, metrics-bind): an HTTP listener on the server's
// Asio loop. A scrape copies the figures on the store strand, as INFO reads them, then
// formats and sends them on the connection's own strand, so the store is held only for the
// copy. One request per connection; a bad one gets 400 and the connection is closed.
#include <atomic>
#include <memory>
#include <string>

#include "server/net/net_context.h"

namespace kvd::net {

class MetricsServer {
 public:
  explicit MetricsServer(NetContext& net);

  // Binds `address` ("127.0.0.1", "::1", "*" or "::*" for every address) and `port` (0: a
  // free one). Returns "" or the reason it failed.
  std::string Bind(const std::string& address, int port);
  int port() const { return port_; }
  void StartAccepting();

 private:
  void Accept();

  NetContext& net_;
  asio::ip::tcp::acceptor acceptor_;
  asio::steady_timer retry_timer_;
  // Connections open now, shared with them: they may outlive the server while the loop
  // winds down.
  std::shared_ptr<std::atomic<int>> open_ = std::make_shared<std::atomic<int>>(0);
  int port_ = 0;
};

}  // namespace kvd::net
