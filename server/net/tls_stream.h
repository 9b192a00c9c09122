#pragma once
// A client's byte stream: the accepted socket (TCP, or a Unix domain socket: `unixsocket`),
// or TLS over TCP (tls-port). Reads and writes pick the layer with one branch, so the plain
// path stays as it was; everything below the bytes (options, endpoints, readiness waits,
// close) uses socket() directly.
#include <asio.hpp>
#include <asio/ssl.hpp>
#include <memory>
#include <utility>

namespace kvd::net {

class ClientStream {
 public:
  // Generic, so that one type holds TCP and Unix domain sockets alike.
  using Socket = asio::generic::stream_protocol::socket;

  // `tls` null: plain TCP.
  ClientStream(Socket socket, std::shared_ptr<asio::ssl::context> tls)
      : socket_(std::move(socket)) {
    if (tls) tls_ = std::make_unique<Tls>(std::move(tls), socket_);
  }
  ClientStream(const ClientStream&) = delete;
  ClientStream& operator=(const ClientStream&) = delete;

  Socket& socket() { return socket_; }
  bool tls() const { return tls_ != nullptr; }

  // TLS only: the server side of the handshake.
  template <class Handler>
  void AsyncHandshake(Handler&& handler) {
    tls_->stream.async_handshake(asio::ssl::stream_base::server, std::forward<Handler>(handler));
  }

  template <class Handler>
  void AsyncReadSome(asio::mutable_buffer buffer, Handler&& handler) {
    if (tls_) {
      tls_->stream.async_read_some(buffer, std::forward<Handler>(handler));
    } else {
      socket_.async_read_some(buffer, std::forward<Handler>(handler));
    }
  }

  template <class Handler>
  void AsyncWrite(asio::const_buffer buffer, Handler&& handler) {
    if (tls_) {
      asio::async_write(tls_->stream, buffer, std::forward<Handler>(handler));
    } else {
      asio::async_write(socket_, buffer, std::forward<Handler>(handler));
    }
  }

  // Reads what is there without waiting (would_block when nothing is). Only while no
  // asynchronous read is in flight.
  size_t ReadAvailable(asio::mutable_buffer buffer, std::error_code& ec) {
    if (!NonBlocking(ec)) return 0;
    return tls_ ? tls_->stream.read_some(buffer, ec) : socket_.read_some(buffer, ec);
  }

  // Plain TCP only: sends what the socket takes now, without waiting (would_block when it
  // takes nothing). Only while no asynchronous write is in flight.
  size_t WriteAvailable(asio::const_buffer buffer, std::error_code& ec) {
    if (!NonBlocking(ec)) return 0;
    return socket_.write_some(buffer, ec);
  }

 private:
  bool NonBlocking(std::error_code& ec) {
    if (!socket_.non_blocking()) socket_.non_blocking(true, ec);  // once: it is a system call
    return !ec;
  }

  // On the heap: its ~380 bytes would otherwise sit in every plain connection too.
  struct Tls {
    Tls(std::shared_ptr<asio::ssl::context> c, Socket& socket)
        : context(std::move(c)), stream(socket, *context) {}
    std::shared_ptr<asio::ssl::context> context;  // outlives the stream that uses it
    asio::ssl::stream<Socket&> stream;
  };
  Socket socket_;
  std::unique_ptr<Tls> tls_;
};

}  // namespace kvd::net
