#include "server/net/metrics_server.h"

#include <array>
#include <chrono>

#include <spdlog/spdlog.h>

#include "server/metrics_format.h"
#include "server/metrics_http.h"
#include "server/metrics_snapshot.h"

namespace kvd::net {
namespace {

// Scrapers open one connection at a time; more than this at once is a misbehaving client.
constexpr int kMaxOpenConnections = 32;
// A connection is closed this long after it opened, whatever it is doing: a request must
// arrive, and the client close after the response, within it.
constexpr auto kRequestTimeout = std::chrono::seconds(10);
constexpr const char* kTextPlain = "text/plain; charset=utf-8";

class MetricsConnection : public std::enable_shared_from_this<MetricsConnection> {
 public:
  MetricsConnection(asio::ip::tcp::socket socket, NetContext& net,
                    std::shared_ptr<std::atomic<int>> open)
      : socket_(std::move(socket)),
        timer_(socket_.get_executor()),
        net_(net),
        open_(std::move(open)) {
    ++*open_;
  }
  ~MetricsConnection() { --*open_; }

  void Start() {
    asio::post(socket_.get_executor(), [self = shared_from_this()] {
      self->timer_.expires_after(kRequestTimeout);
      self->timer_.async_wait([weak = self->weak_from_this()](std::error_code ec) {
        if (ec) return;
        if (auto me = weak.lock()) me->Close();
      });
      self->Read();
    });
  }

 private:
  void Read() {
    socket_.async_read_some(asio::buffer(buf_), [self = shared_from_this()](
                                                    std::error_code ec, size_t n) {
      self->OnRead(ec, n);
    });
  }

  void OnRead(std::error_code ec, size_t n) {
    if (ec) return Close();
    in_.append(buf_.data(), n);
    HttpRequest request;
    switch (ParseHttpRequest(in_, request)) {
      case HttpParseStatus::kNeedMore:
        return Read();
      case HttpParseStatus::kBad:
        spdlog::debug("Metrics endpoint: bad request from {}", Peer());
        return Send(HttpResponse(400, kTextPlain, "Bad Request\n"));
      case HttpParseStatus::kComplete:
        break;
    }
    const bool head = request.method == "HEAD";
    switch (RouteMetricsRequest(request)) {
      case MetricsRoute::kNotFound:
        return Send(HttpResponse(404, kTextPlain, "Not Found: the metrics are at /metrics\n",
                                 head));
      case MetricsRoute::kMethodNotAllowed:
        return Send(HttpResponse(405, kTextPlain, "Method Not Allowed\n"));
      case MetricsRoute::kMetrics:
        break;
    }
    asio::post(net_.store_strand, [self = shared_from_this(), head] {
      MetricsSnapshot snapshot = TakeMetricsSnapshot(self->net_.server);
      asio::post(self->socket_.get_executor(),
                 [self, head, snapshot = std::move(snapshot)] {
                   std::string body = FormatPrometheus(snapshot, TakeProcessMetrics());
                   self->Send(HttpResponse(200, kPrometheusContentType, body, head));
                 });
    });
  }

  void Send(std::string response) {
    out_ = std::move(response);
    asio::async_write(socket_, asio::buffer(out_),
                      [self = shared_from_this()](std::error_code ec, size_t) {
                        if (ec) return self->Close();
                        // Closing with unread input would reset the connection and could
                        // destroy the response before the client reads it: end our side,
                        // then discard what the client still sends until it closes (or the
                        // request timer fires).
                        std::error_code ignored;
                        self->socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
                        self->Drain();
                      });
  }

  void Drain() {
    socket_.async_read_some(asio::buffer(buf_), [self = shared_from_this()](
                                                    std::error_code ec, size_t) {
      if (ec) return self->Close();
      self->Drain();
    });
  }

  void Close() {
    std::error_code ignored;
    timer_.cancel();
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  std::string Peer() const {
    std::error_code ec;
    auto endpoint = socket_.remote_endpoint(ec);
    return ec ? std::string("?") : endpoint.address().to_string();
  }

  asio::ip::tcp::socket socket_;
  asio::steady_timer timer_;
  NetContext& net_;
  std::shared_ptr<std::atomic<int>> open_;
  std::array<char, 2048> buf_{};
  std::string in_;   // the request so far (at most kMaxHttpRequestHead + one read)
  std::string out_;  // the response being written
};

}  // namespace

MetricsServer::MetricsServer(NetContext& net)
    : net_(net), acceptor_(asio::make_strand(net.io)), retry_timer_(acceptor_.get_executor()) {}

std::string MetricsServer::Bind(const std::string& address, int port) {
  std::string host = address;
  if (host == "*") host = "0.0.0.0";
  if (host == "::*") host = "::";
  std::error_code ec;
  asio::ip::address ip = asio::ip::make_address(host, ec);
  if (ec) return "Invalid metrics-bind address '" + address + "'";
  asio::ip::tcp::endpoint endpoint(ip, static_cast<unsigned short>(port));
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    std::error_code ignored;
    acceptor_.close(ignored);
    return ec.message();
  }
  port_ = acceptor_.local_endpoint(ec).port();
  return "";
}

void MetricsServer::StartAccepting() {
  asio::post(acceptor_.get_executor(), [this] { Accept(); });
}

void MetricsServer::Accept() {
  acceptor_.async_accept(asio::make_strand(net_.io), [this](std::error_code ec,
                                                             asio::ip::tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (ec) {
      // Out of descriptors and the like: retry shortly instead of spinning.
      spdlog::warn("Accepting metrics connection: {}", ec.message());
      retry_timer_.expires_after(std::chrono::milliseconds(100));
      retry_timer_.async_wait([this](std::error_code e) {
        if (!e) Accept();
      });
      return;
    }
    if (*open_ >= kMaxOpenConnections) {
      std::error_code ignored;
      socket.close(ignored);
    } else {
      std::make_shared<MetricsConnection>(std::move(socket), net_, open_)->Start();
    }
    Accept();
  });
}

}  // namespace kvd::net
