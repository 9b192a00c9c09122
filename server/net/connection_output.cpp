// Connection's output outside its batches: pushes (pub/sub messages, invalidations) that other
// clients' commands queue for it, and the client-output-buffer-limit checks.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <mutex>

#include "server/net/connection.h"
#include "server/pubsub.h"
#include "server/scripting/debug_session.h"

namespace kvd::net {

void Connection::Push(std::string_view frame) {
  // In a forked debugging session only the client being debugged is served.
  if (output_limit_hit_ || InForkedDebugSession()) return;
  if (!pushes_) pushes_ = std::make_unique<Pushes>();
  size_t pending;
  if (in_batch_) {
    pushes_->own.append(frame);  // counted with the batch's output
    pending = batch_out_.size() + pushes_->own.size();
  } else {
    CountOutput(frame.size());
    bool schedule;
    {
      std::lock_guard lock(pushes_->mutex);
      schedule = pushes_->queued.empty();
      pushes_->queued.append(frame);
      pending = pushes_->queued.size();
    }
    if (schedule) {
      asio::post(stream_.socket().get_executor(),
                 [self = shared_from_this()] { self->FlushPushes(); });
    }
  }
  CheckOutputLimit(pending + client_.output_buffer_bytes.load(std::memory_order_relaxed));
}

void Connection::CountOutput(size_t bytes) {
  // What goes to our replicas counts apart (Redis 7's stat_net_repl_output_bytes).
  ServerStats& stats = net_.server.stats;
  (client_.replica ? stats.total_net_repl_output_bytes : stats.total_net_output_bytes) += bytes;
}

size_t Connection::PendingOutputBytes() const {
  size_t queued = 0;
  if (pushes_) {
    std::lock_guard lock(pushes_->mutex);
    queued = pushes_->queued.size();
  }
  return queued + client_.output_buffer_bytes.load(std::memory_order_relaxed);
}

void Connection::FlushPushes() {
  std::string frames;
  {
    std::lock_guard lock(pushes_->mutex);
    frames.swap(pushes_->queued);
  }
  if (closed_) return;
  if (out_.empty()) {
    out_.swap(frames);
  } else {
    out_.append(frames);
  }
  MaybeWrite();
}

void Connection::CheckOutputLimit(size_t pending) {
  ServerState& server = net_.server;
  const OutputBufferLimit& limit =
      server.config.values().client_output_buffer_limit[OutputLimitClass(client_)];
  if (limit.hard == 0 && limit.soft == 0) return;
  const int64_t now_ms = server.clock.NowMs();
  if (!OutputLimitReached(limit, pending, now_ms / 1000, soft_limit_since_)) {
    if (soft_limit_since_ != 0) ArmSoftLimitTimer(limit, now_ms);
    return;
  }
  output_limit_hit_ = true;
  server.stats.client_output_buffer_limit_disconnections++;
  spdlog::warn("Client {} scheduled to be closed ASAP for overcoming of output buffer limits.",
               DescribeClient(client_));
  Kill();
}

void Connection::ArmSoftLimitTimer(const OutputBufferLimit& limit, int64_t now_ms) {
  if (soft_limit_timer_armed_) return;
  soft_limit_timer_armed_ = true;
  // The first second past soft-seconds at which OutputLimitReached can say yes.
  const int64_t due_ms = (soft_limit_since_ + limit.soft_seconds + 1) * 1000;
  if (!soft_limit_timer_) soft_limit_timer_ = std::make_unique<asio::steady_timer>(net_.io);
  soft_limit_timer_->expires_after(
      std::chrono::milliseconds(std::max<int64_t>(due_ms - now_ms, 1)));
  soft_limit_timer_->async_wait(
      asio::bind_executor(net_.store_strand, [self = shared_from_this()](std::error_code ec) {
        self->soft_limit_timer_armed_ = false;
        if (ec || self->output_limit_hit_) return;  // closed (cancelled) or already cut
        // The output still waiting: what the connection holds (pushes queued meanwhile
        // are counted when they come).
        self->CheckOutputLimit(self->client_.output_buffer_bytes.load(std::memory_order_relaxed));
      }));
}

}  // namespace kvd::net
