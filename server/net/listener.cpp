#include "server/net/listener.h"

#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "server/net/connection.h"

namespace kvd::net {

Listener::Listener(NetContext& net, std::shared_ptr<asio::ssl::context> tls)
    : net_(net),
      tls_(std::move(tls)),
      acceptor_(asio::make_strand(net.io)),
      retry_timer_(acceptor_.get_executor()) {}

std::string Listener::Bind(const std::string& address, int port, int backlog) {
  std::string host = address;
  if (host == "*") host = "0.0.0.0";
  if (host == "::*") host = "::";
  std::error_code ec;
  asio::ip::address ip = asio::ip::make_address(host, ec);
  if (ec) return "Invalid bind address '" + address + "'";
  const asio::generic::stream_protocol::endpoint endpoint(
      asio::ip::tcp::endpoint(ip, static_cast<unsigned short>(port)));
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  // "::" must not take the IPv4 addresses too, so that "*" and "::*" can both bind.
  if (!ec && ip.is_v6()) acceptor_.set_option(asio::ip::v6_only(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(backlog, ec);
  if (ec) {
    std::error_code ignored;
    acceptor_.close(ignored);
    return ec.message();
  }
  address_ = address;
  // The port bound (port 0 picks one): the same field of sockaddr_in and sockaddr_in6.
  const asio::generic::stream_protocol::endpoint bound = acceptor_.local_endpoint(ec);
  port_ = ntohs(reinterpret_cast<const sockaddr_in*>(bound.data())->sin_port);
  return "";
}

std::string Listener::BindUnix(const std::string& path, int perm, int backlog) {
  std::error_code ec;
  ::unlink(path.c_str());
  const asio::generic::stream_protocol::endpoint endpoint(
      asio::local::stream_protocol::endpoint{path});
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) unix_path_ = path;
  if (!ec && perm != 0 && ::chmod(path.c_str(), static_cast<mode_t>(perm)) != 0) {
    ec = std::error_code(errno, std::generic_category());
  }
  if (!ec) acceptor_.listen(backlog, ec);
  if (ec) {
    std::error_code ignored;
    acceptor_.close(ignored);
    return ec.message();
  }
  address_ = path;
  return "";
}

Listener::~Listener() {
  if (!unix_path_.empty()) ::unlink(unix_path_.c_str());
}

void Listener::StartAccepting() {
  asio::post(acceptor_.get_executor(), [this] { Accept(); });
}

asio::any_io_executor Listener::ConnectionExecutor() {
  // With one I/O thread no two handlers ever run at once, so a connection needs no strand
  // of its own: a strand costs 72 bytes a connection and a lock and queue per completion.
  if (net_.server.config.values().io_threads == 1) return net_.io.get_executor();
  return asio::make_strand(net_.io);
}

void Listener::Accept() {
  acceptor_.async_accept(
      ConnectionExecutor(),
      [this](std::error_code ec, ClientStream::Socket socket) { OnAccept(ec, std::move(socket)); });
}

void Listener::OnAccept(std::error_code ec, ClientStream::Socket socket) {
  if (ec == asio::error::operation_aborted) return;
  if (ec) {
    // Out of descriptors and the like: retry shortly instead of spinning.
    spdlog::warn("Accepting client connection: {}", ec.message());
    retry_timer_.expires_after(std::chrono::milliseconds(100));
    retry_timer_.async_wait([this](std::error_code e) {
      if (!e) Accept();
    });
    return;
  }
  std::make_shared<Connection>(std::move(socket), net_, tls_)->Start();
  Accept();
}

}  // namespace kvd::net
