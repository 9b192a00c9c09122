#include "server/net/connection.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "server/acl/acl.h"
#include "server/aof/aof.h"
#include "server/batch_prefetch.h"
#include "server/net/endpoint_format.h"
#include "server/protected_mode.h"
#include "server/scripting/busy_reply.h"
#include "server/scripting/debug_session.h"

namespace kvd::net {
namespace {

constexpr std::string_view kMaxClientsErr = "-ERR max number of clients reached\r\n";

// The TCP address and port of `ep`, or nullopt for a Unix domain socket.
std::optional<asio::ip::tcp::endpoint> TcpEndpoint(const ClientStream::Socket::endpoint_type& ep) {
  const sockaddr* sa = ep.data();
  if (sa->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    return asio::ip::tcp::endpoint(asio::ip::address_v4(ntohl(in->sin_addr.s_addr)),
                                   ntohs(in->sin_port));
  }
  if (sa->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    asio::ip::address_v6::bytes_type bytes;
    std::memcpy(bytes.data(), &in6->sin6_addr, bytes.size());
    return asio::ip::tcp::endpoint(asio::ip::address_v6(bytes, in6->sin6_scope_id),
                                   ntohs(in6->sin6_port));
  }
  return std::nullopt;
}

// Redis's anetFormatAddr: "1.2.3.4:5", "[::1]:5", and "/unixsocket:0" for a Unix socket.
std::string FormatEndpoint(const ClientStream::Socket::endpoint_type& ep) {
  std::optional<asio::ip::tcp::endpoint> tcp = TcpEndpoint(ep);
  return tcp ? FormatTcpEndpoint(*tcp) : "/unixsocket:0";
}

}  // namespace

thread_local const Connection* Connection::InlineBatchScope::current = nullptr;

Connection::Connection(ClientStream::Socket socket, NetContext& net,
                       std::shared_ptr<asio::ssl::context> tls)
    : stream_(std::move(socket), std::move(tls)), net_(net) {}

Connection::~Connection() = default;

void Connection::Start() {
  ClientStream::Socket& socket = stream_.socket();
  std::error_code ec;
  auto remote = socket.remote_endpoint(ec);
  if (!ec) client_.addr = FormatEndpoint(remote);
  auto local = socket.local_endpoint(ec);
  if (!ec) client_.laddr = FormatEndpoint(local);
  if (!ec && TcpEndpoint(local)) socket.set_option(asio::ip::tcp::no_delay(true), ec);
  client_.fd = socket.native_handle();
  client_.tls = stream_.tls();
  if (client_.tls) return Handshake();
  Accepted();
}

void Connection::Handshake() {
  // Before registration the client is nowhere in ServerState: a failed handshake only
  // closes the socket. `timeout` is read off the store strand, as Accepted() reads
  // client-query-buffer-limit while a script is busy.
  std::chrono::seconds limit = kTlsHandshakeTimeout;
  if (int idle = net_.server.config.values().timeout; idle > 0) {
    limit = std::min(limit, std::chrono::seconds(idle));
  }
  handshake_timer_ = std::make_unique<asio::steady_timer>(stream_.socket().get_executor(), limit);
  handshake_timer_->async_wait([self = shared_from_this()](std::error_code ec) {
    // Closing the socket ends the handshake with an error, handled below.
    if (ec || self->handshake_done_) return;
    spdlog::debug("TLS handshake timed out: addr={}", self->client_.addr);
    self->stream_.socket().close(ec);
  });
  stream_.AsyncHandshake([self = shared_from_this()](std::error_code ec) {
    self->handshake_done_ = true;
    self->handshake_timer_->cancel();
    if (ec) {
      spdlog::debug("Error accepting a client connection: {} (addr={} laddr={})", ec.message(),
                    self->client_.addr, self->client_.laddr);
      self->closed_ = true;
      std::error_code ignored;
      self->stream_.socket().close(ignored);
      return;
    }
    self->Accepted();
  });
}

void Connection::Kill() {
  if (InForkedDebugSession()) return;  // this connection's thread is not in the process
  asio::post(stream_.socket().get_executor(), [weak = weak_from_this()] {
    if (auto self = weak.lock()) self->Close();
  });
}

void Connection::Resume(std::string reply) {
  FilterReply(client_, reply, 0);  // CLIENT REPLY OFF|SKIP applies to a late reply too
  auto deliver = [weak = weak_from_this(), strand = stream_.socket().get_executor(),
                  reply = std::move(reply)]() mutable {
    asio::post(strand, [weak, reply = std::move(reply)]() mutable {
      if (auto self = weak.lock()) self->OnUnblocked(std::move(reply));
    });
  };
  // appendfsync always: the served command's reply waits for the log too.
  Aof* aof = net_.server.aof;
  if (aof == nullptr || !aof->WhenDurable(deliver)) deliver();
}

void Connection::Accepted() {
  client_.link = this;
  asio::post(net_.store_strand, [self = shared_from_this()] { self->Register(); });
  // A busy script holds the store strand, so Register waits for its end: read at once, so
  // that the new client is answered -BUSY and may send SCRIPT KILL meanwhile.
  if (net_.server.script_run.busy.load()) {
    query_buffer_limit_ =
        static_cast<size_t>(net_.server.config.values().client_query_buffer_limit);
    asio::post(stream_.socket().get_executor(),
               [self = shared_from_this()] { self->StartReading(); });
  }
}

void Connection::StartReading() {
  if (reading_started_) return;
  reading_started_ = true;
  DoRead();
}

void Connection::Register() {
  ServerState& server = net_.server;
  const ConfigValues& cfg = server.config.values();
  if (server.clients.size() >= static_cast<size_t>(cfg.maxclients)) {
    server.stats.rejected_connections++;
    spdlog::debug("Error registering fd event for the new client: max number of clients reached");
    asio::post(stream_.socket().get_executor(), [self = shared_from_this()] {
      self->out_.assign(kMaxClientsErr);
      self->closing_ = true;
      self->MaybeWrite();
    });
    return;
  }
  std::error_code ec;
  // A Unix socket's client is local: protected mode lets it in, as Redis.
  const std::optional<asio::ip::tcp::endpoint> remote =
      TcpEndpoint(stream_.socket().remote_endpoint(ec));
  if (!ec && remote && ProtectedModeRefuses(server, remote->address().to_string())) {
    server.stats.rejected_connections++;
    spdlog::debug("Denied a client from {}: protected mode", client_.addr);
    asio::post(stream_.socket().get_executor(), [self = shared_from_this()] {
      self->out_.assign(kProtectedModeDenied);
      self->closing_ = true;
      self->MaybeWrite();
    });
    return;
  }
  if (cfg.tcp_keepalive > 0 && remote) {
    // As Redis's anetKeepAlive: probes after `tcp-keepalive` idle seconds, a third of that
    // between probes, 3 probes.
    int fd = stream_.socket().native_handle();
    int yes = 1, idle = cfg.tcp_keepalive, intvl = std::max(1, cfg.tcp_keepalive / 3), cnt = 3;
    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &yes, sizeof yes);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof intvl);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof cnt);
  }
  client_.created_ms = client_.last_interaction_ms = server.clock.NowMs();
  server.AddClient(client_);
  StageLimits();
  spdlog::debug("Accepted {}", client_.addr);
  asio::post(stream_.socket().get_executor(), [self = shared_from_this()] {
    self->parser_.set_limits(self->limits_);
    self->StartReading();
  });
}

void Connection::StageLimits() {
  const ConfigValues& cfg = net_.server.config.values();
  limits_.max_bulk_len = cfg.proto_max_bulk_len;
  // Redis's smaller limits until the client authenticates (when it has to).
  limits_.auth_required = !client_.authenticated && net_.server.acl->AuthRequired();
  query_buffer_limit_ = static_cast<size_t>(cfg.client_query_buffer_limit);
}

asio::mutable_buffer Connection::ReadSpace() {
  std::span<char> space = input_.Space(parser_.BytesWanted());
  return asio::buffer(space.data(), space.size());
}

void Connection::DoRead() {
  if (closed_ || closing_) return;
  if (input_.size() >= query_buffer_limit_) return CloseForQueryBufferLimit();
  if (input_.filled() && !stream_.tls()) {
    // The last read filled the buffer, so more may be there already: read it after the
    // other connections' pending work, as Redis reads each client once a loop turn, so
    // that one big pipeline does not hold up everyone else's replies. Its own first
    // replies go out now, while the rest runs; later ones gather until it waits for input
    // (a write after every read cost ~30% of pipelined MSET 1 KB throughput: each loopback
    // send runs the receiving side of TCP too).
    if (!replied_in_burst_ && !out_.empty()) {
      replied_in_burst_ = true;
      MaybeWrite();
      if (closed_) return;
    }
    asio::post(stream_.socket().get_executor(), [self = shared_from_this()] {
      if (!self->closed_ && !self->closing_) self->ReadNow();
    });
    return;
  }
  // About to wait for the client: its replies go out first.
  MaybeWrite();
  if (closed_) return;
  replied_in_burst_ = false;
  if (stream_.tls()) {
    // TLS keeps its buffer: decrypted bytes may wait inside the TLS layer with nothing left
    // on the socket to wake a readiness wait.
    stream_.AsyncReadSome(ReadSpace(), [self = shared_from_this()](std::error_code ec, size_t n) {
      self->OnRead(ec, n);
    });
    return;
  }
  // Waiting for readiness, then reading, costs the same system calls as Asio's read (which
  // tries the socket first, in vain right after a reply), and lets an idle connection wait
  // without a buffer.
  input_.Release();
  stream_.socket().async_wait(ClientStream::Socket::wait_read,
                              [self = shared_from_this()](std::error_code ec) {
                                if (ec) return self->OnRead(ec, 0);
                                self->ReadNow();
                              });
}

void Connection::ReadNow() {
  std::error_code ec;
  const size_t n = stream_.ReadAvailable(ReadSpace(), ec);
  // Nothing after all: wait (Space() cleared `filled`).
  if (ec == asio::error::would_block || ec == asio::error::try_again) return DoRead();
  OnRead(ec, n);
}

void Connection::CloseForQueryBufferLimit() {
  spdlog::warn("Closing client that reached max query buffer length: addr={} qbuf={}", client_.addr,
               input_.size());
  asio::post(net_.store_strand, [self = shared_from_this()] {
    self->net_.server.stats.client_query_buffer_limit_disconnections++;
  });
  Close();
}

void Connection::OnRead(std::error_code ec, size_t n) {
  net_.server.io_counts.CountRead();
  if (ec) {
    // A TLS peer that closes without close_notify reads as stream_truncated: a disconnect.
    if (ec != asio::error::eof && ec != asio::error::operation_aborted &&
        ec != asio::ssl::error::stream_truncated) {
      spdlog::debug("Reading from client {}: {}", client_.addr, ec.message());
    }
    return Close();
  }
  input_.Commit(n);
  unreported_input_ += n;
  client_.query_buffer_bytes = input_.size();
  ProcessInput();
}

void Connection::ProcessInput() {
  // One batch per turn; a batch that ran inline (below) goes round again without recursion.
  while (!closed_ && !closing_ && !executing_) {
    if (blocked_) return WaitWhileBlocked();
    size_t pos = 0;
    batch_size_ = 0;
    while (batch_size_ < kMaxBatch) {
      if (batch_.size() <= batch_size_) batch_.emplace_back();
      std::vector<std::string_view>& args = batch_[batch_size_];
      ParseResult r = parser_.Parse({input_.data() + pos, input_.size() - pos}, args);
      if (r.status == ParseStatus::kNeedMore) break;
      if (r.status == ParseStatus::kError) {
        // Under the unauthenticated limits, an AUTH earlier in the batch may lift them: the
        // batch ends before the failed frame, which is parsed again after it.
        if (batch_size_ > 0 && parser_.limits().auth_required) break;
        protocol_error_.assign(r.error);
        spdlog::debug("Protocol error ({}) from client: addr={}", protocol_error_, client_.addr);
        break;
      }
      pos += r.consumed;
      if (!args.empty()) {  // empty requests are skipped, as Redis does
        if (batch_ends_.size() <= batch_size_) batch_ends_.resize(batch_size_ + 1);
        batch_ends_[batch_size_++] = pos;
      }
    }
    if (batch_size_ == 0 && protocol_error_.empty()) {
      // Only partial input (or empty requests): drop what was consumed and read more.
      if (pos) {
        input_.Consume(pos);
        client_.query_buffer_bytes = input_.size();
      }
      return DoRead();
    }
    // A script past busy-reply-threshold holds the store strand: answer here instead.
    if (net_.server.script_run.busy.load()) return AnswerWhileScriptBusy(pos);
    batch_consumed_ = pos;
    executing_ = true;
    batch_done_inline_ = false;
    {
      // dispatch runs the batch at once, on this thread, when the store strand is idle (as
      // it always is with one I/O thread); otherwise it queues it as post would. Running it
      // inline saves two trips through the scheduler per batch.
      InlineBatchScope scope(this);
      asio::dispatch(net_.store_strand, [self = shared_from_this()] { self->ExecuteBatch(); });
    }
    if (!batch_done_inline_ || !FinishBatch()) return;
  }
}

void Connection::AnswerWhileScriptBusy(size_t consumed) {
  // -BUSY, or SCRIPT KILL / FUNCTION KILL / SHUTDOWN NOSAVE passed to the script through
  // ServerState::script_run's atomics (server/scripting/busy_reply.h); nothing here touches
  // the store.
  for (size_t i = 0; i < batch_size_ && !closing_; ++i) {
    BusyAnswer answer = AnswerWhileBusy(net_.server, batch_[i]);
    out_.append(answer.reply);
    closing_ = answer.close;
  }
  if (!protocol_error_.empty() && !closing_) {
    ReplyWriter(out_, client_.resp).Error(protocol_error_);
    closing_ = true;
  }
  protocol_error_.clear();
  parser_.ReleaseInlineStorage();
  input_.Consume(consumed);
  client_.query_buffer_bytes = input_.size();
  MaybeWrite();
  if (!closing_) ProcessInput();  // the rest of the input, or read more
}

void Connection::ExecuteBatch() {
  ServerState& server = net_.server;
  server.stats.total_net_input_bytes += unreported_input_;
  unreported_input_ = 0;
  batch_executed_ = 0;
  const std::span<const std::vector<std::string_view>> batch(batch_.data(), batch_size_);
  if (batch_specs_.size() < batch_size_) batch_specs_.resize(batch_size_);
  const std::span<const CommandSpec*> specs(batch_specs_.data(), batch_size_);
  LookUpBatch(server.commands, batch, specs);
  PrefetchBatchKeys(server, client_.db, batch, specs);
  // What other clients' commands pushed to this one before the batch (an invalidation, a
  // pub/sub message) goes out ahead of the batch's replies, not after them, as Redis orders
  // a client's output; their bytes were counted when they were pushed.
  size_t pushed = 0;
  if (pushes_) {
    std::lock_guard lock(pushes_->mutex);
    pushed = pushes_->queued.size();
    batch_out_.append(pushes_->queued);
    pushes_->queued.clear();
  }
  in_batch_ = true;
  while (batch_executed_ < batch_size_ && !client_.close_after_reply && !client_.blocked &&
         batch_out_.size() < kOutputHighWater) {
    net_.dispatcher.Execute(client_, batch_[batch_executed_], batch_out_,
                            batch_specs_[batch_executed_]);
    ++batch_executed_;
    if (pushes_ && !pushes_->own.empty()) {
      batch_out_.append(pushes_->own);
      pushes_->own.clear();
    }
  }
  in_batch_ = false;
  if (!output_limit_hit_) {
    CheckOutputLimit(batch_out_.size() +
                     client_.output_buffer_bytes.load(std::memory_order_relaxed));
  }
  // A command that blocked ends the batch: the rest waits until it is served.
  const bool blocked = client_.blocked;
  if (blocked) ArmBlockTimer();
  if (!protocol_error_.empty() && batch_executed_ == batch_size_ && !client_.close_after_reply &&
      !blocked) {
    ReplyWriter(batch_out_, client_.resp).Error(protocol_error_);
    server.CountError(client_, protocol_error_);
    client_.close_after_reply = true;
  }
  CountOutput(batch_out_.size() - pushed);
  StageLimits();
  bool close = client_.close_after_reply;
  const bool handed_off = client_.socket_handed_off;
  auto done = [self = shared_from_this(), close, blocked, handed_off] {
    self->closing_ = self->closing_ || close;
    self->blocked_ = blocked;
    self->handed_off_ = handed_off;
    self->OnBatchDone();
  };
  // appendfsync always: the replies wait until what the log holds so far is on disk.
  // (SyncsEveryWrite first: the callback allocates, and it is rarely needed.)
  if (server.aof != nullptr && server.aof->SyncsEveryWrite() &&
      server.aof->WhenDurable(
          [strand = stream_.socket().get_executor(), done] { asio::post(strand, done); })) {
    return;
  }
  if (InlineBatchScope::current == this) {
    // Called from ProcessInput, on the connection strand: it finishes the batch.
    closing_ = closing_ || close;
    blocked_ = blocked;
    handed_off_ = handed_off;
    batch_done_inline_ = true;
    return;
  }
  asio::post(stream_.socket().get_executor(), std::move(done));
}

void Connection::OnBatchDone() {
  if (FinishBatch()) ProcessInput();
}

bool Connection::FinishBatch() {
  executing_ = false;
  parser_.ReleaseInlineStorage();
  if ((batch_executed_ < batch_size_ || blocked_) && !closing_) {
    // Stopped early (output past the high water, or a command blocked): the rest of the
    // input is parsed again later, from the first command not run, by a parser with no
    // partial frame in progress.
    batch_consumed_ = batch_executed_ ? batch_ends_[batch_executed_ - 1] : 0;
    parser_ = RespParser(limits_);
    protocol_error_.clear();
  }
  parser_.set_limits(limits_);
  input_.Consume(batch_consumed_);
  batch_consumed_ = 0;
  client_.query_buffer_bytes = input_.size();
  input_.Shrink(parser_.BytesWanted());
  if (closed_) return false;
  if (handed_off_) {
    // A forked debugging session owns the socket now: everything owed goes from there.
    out_.clear();
    batch_out_.clear();
  }
  if (out_.empty()) {
    out_.swap(batch_out_);
  } else {
    out_.append(batch_out_);
  }
  batch_out_.clear();
  // Replies go out when the connection next waits for input (DoRead), so that a pipeline
  // arriving in several reads is answered with one write (one write a batch made the
  // client wake once per piece); sooner only when a lot is pending, or to close.
  client_.output_buffer_bytes = PendingOutput();
  if (out_.size() >= kFlushAt || closing_) MaybeWrite();
  if (closing_ || closed_) return false;
  if (PendingOutput() >= kOutputHighWater) {
    paused_ = true;  // OnWritten resumes once the output drains
    return false;
  }
  return true;  // more complete commands may be waiting past the batch limit
}

void Connection::MaybeWrite() {
  while (!writing_ && !closed_) {
    if (out_.empty()) {
      if (closing_ && !executing_) Close();
      break;
    }
    wire_.swap(out_);
    out_.clear();
    net_.server.io_counts.CountWrite();
    if (!stream_.tls()) {
      // Plain TCP: most replies fit the socket's send buffer, and sent here they need no
      // completion handler (Asio's write makes the same first attempt, then posts its
      // completion through the strand). What the socket does not take goes asynchronously.
      std::error_code ec;
      const size_t sent = stream_.WriteAvailable(asio::buffer(wire_), ec);
      if (ec && ec != asio::error::would_block && ec != asio::error::try_again) return Close();
      if (sent == wire_.size()) {
        Sent();
        continue;  // the next replies, or the close
      }
      wire_.erase(0, sent);
    }
    writing_ = true;
    stream_.AsyncWrite(
        asio::buffer(wire_),
        [self = shared_from_this()](std::error_code ec, size_t) { self->OnWritten(ec); });
    break;
  }
  client_.output_buffer_bytes = PendingOutput();
}

void Connection::Sent() {
  wire_.clear();
  if (wire_.capacity() > kOutputHighWater) std::string().swap(wire_);
}

void Connection::OnWritten(std::error_code ec) {
  writing_ = false;
  if (ec) return Close();
  Sent();
  MaybeWrite();
  if (paused_ && !closed_ && PendingOutput() < kOutputHighWater) {
    paused_ = false;
    ProcessInput();
  }
}

void Connection::Close() {
  if (closed_) return;
  closed_ = true;
  std::error_code ec;
  if (handed_off_) {
    // A debugging session's child still holds the socket: no shutdown, which would end the
    // connection for it too; and out of the reactor's epoll set before closing, as closing
    // a descriptor whose socket stays open elsewhere leaves it registered there.
    const auto fd = stream_.socket().release(ec);
    if (fd >= 0) ::close(fd);
  } else {
    stream_.socket().shutdown(ClientStream::Socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }
  asio::post(net_.store_strand, [self = shared_from_this()] {
    if (self->block_timer_) self->block_timer_->cancel();
    if (self->soft_limit_timer_) self->soft_limit_timer_->cancel();
    self->net_.server.RemoveClient(self->client_);
    spdlog::debug("Client closed connection id={} addr={}", self->client_.id, self->client_.addr);
  });
}

}  // namespace kvd::net
