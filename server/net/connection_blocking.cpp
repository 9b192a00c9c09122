// Connection while a blocking command (BLPOP, XREAD BLOCK, WAIT, ...) holds it: input is
// only watched for a disconnect, and the reply or the timeout resumes it.
#include <algorithm>
#include <chrono>

#include "server/blocking.h"
#include "server/net/connection.h"

namespace kvd::net {

void Connection::WaitWhileBlocked() {
  MaybeWrite();  // the replies before the blocking command
  if (waiting_readable_ || closed_) return;
  waiting_readable_ = true;
  // Over TLS too: the TCP socket's readiness says TLS records (or the close) arrived.
  stream_.socket().async_wait(
      ClientStream::Socket::wait_read,
      [self = shared_from_this()](std::error_code ec) { self->OnReadableWhileBlocked(ec); });
}

void Connection::OnReadableWhileBlocked(std::error_code ec) {
  waiting_readable_ = false;
  if (closed_) return;
  if (ec) return Close();
  // Served meanwhile: reading is back to normal (DoRead).
  if (!blocked_) return;
  // Nothing is parsed or executing while blocked, so the buffer may grow here. Input keeps
  // being read (up to the query buffer limit, as Redis does) to see the disconnect.
  if (input_.size() >= query_buffer_limit_) return CloseForQueryBufferLimit();
  size_t n = stream_.ReadAvailable(ReadSpace(), ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again) return WaitWhileBlocked();
  net_.server.io_counts.CountRead();
  if (ec) return Close();  // the peer closed (eof) or the socket failed
  input_.Commit(n);
  unreported_input_ += n;
  client_.query_buffer_bytes = input_.size();
  WaitWhileBlocked();
}

void Connection::OnUnblocked(std::string reply) {
  blocked_ = false;
  if (closed_) return;
  out_.append(reply);
  MaybeWrite();
  if (closing_) return;
  if (PendingOutput() >= kOutputHighWater) {
    paused_ = true;  // OnWritten resumes once the output drains
    return;
  }
  if (!paused_) ProcessInput();
}

void Connection::ArmBlockTimer() {
  const BlockedClients::Waiter* waiter = net_.server.blocked.Find(client_);
  if (waiter == nullptr || waiter->deadline_ms == 0) return;
  const int64_t wait_ms = std::max<int64_t>(waiter->deadline_ms - net_.server.clock.NowMs(), 0);
  if (!block_timer_) block_timer_ = std::make_unique<asio::steady_timer>(net_.io);
  block_timer_->expires_after(std::chrono::milliseconds(wait_ms));  // cancels an earlier wait
  block_timer_->async_wait(
      asio::bind_executor(net_.store_strand, [self = shared_from_this()](std::error_code ec) {
        if (ec) return;  // re-armed, or the connection closed
        ExpireBlockedClients(self->net_.server);
        // The timer's clock and the server's may disagree by a millisecond: wait again.
        if (self->client_.blocked) self->ArmBlockTimer();
      }));
}

}  // namespace kvd::net
