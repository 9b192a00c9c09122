#pragma once
// One client connection. Its handlers run one at a time (the "connection strand" below: the
// one I/O thread, or a strand of its own when there are several, server/net/listener.cpp);
// it hands each batch of parsed commands to the store strand, where all commands run, and
// sends the batch's replies with one write.
//
// Buffers: `input_` holds unparsed input (server/read_buffer.h: it grows to fit a big bulk in
// one step, and an idle plain-TCP connection waits without it); `batch_out_` receives
// replies on the store strand while a batch runs; `out_` holds replies waiting to be sent;
// `wire_` the ones being sent (at most one write in flight). Reading pauses while out_ +
// wire_ exceed kOutputHighWater.
//
// Pub/sub messages (ClientLink::Push) come from the store strand at any time: those caused
// by the client's own command follow that command's reply in `batch_out_`; the others wait
// in `Pushes::queued` (under a mutex) until the connection strand moves them to `out_`.
// Replies and messages are whole frames there, so they never interleave.
//
// TLS (tls-port): the handshake runs first, under a deadline, and only a client that
// completes it is registered; from then on the connection reads and writes through
// ClientStream exactly as over plain TCP.
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "protocol/resp_parser.h"
#include "server/client_state.h"
#include "server/net/net_context.h"
#include "server/net/tls_stream.h"
#include "server/read_buffer.h"

namespace kvd::net {

class Connection final : public std::enable_shared_from_this<Connection>, private ClientLink {
 public:
  // Replies waiting for the socket beyond this stop the connection from reading more input:
  // a client that pipelines without reading cannot grow the server's memory without bound.
  // 1 MB keeps a fast client streaming (a batch's replies are produced in one go) while
  // bounding a slow one to about one batch of replies past it.
  static constexpr size_t kOutputHighWater = 1 << 20;
  // Commands handed to the store strand at once: bounds how long one client holds the store
  // and how much output one batch makes before backpressure is checked again.
  static constexpr size_t kMaxBatch = 1024;
  // Replies of consecutive batches gather until the connection waits for input, or until
  // this much is pending: then they are sent while reading goes on.
  static constexpr size_t kFlushAt = 64 * 1024;

  // A client that has not completed the TLS handshake by then is dropped (sooner under a
  // smaller `timeout`), so that it cannot hold a descriptor forever.
  static constexpr std::chrono::seconds kTlsHandshakeTimeout{10};

  // `tls` non-null: a tls-port connection, which starts with the TLS handshake.
  Connection(ClientStream::Socket socket, NetContext& net,
             std::shared_ptr<asio::ssl::context> tls = nullptr);
  ~Connection();

  // Registers the client on the store strand (or refuses it past maxclients), then reads;
  // over TLS, after the handshake.
  void Start();

 private:
  void Handshake();  // TLS: then Accepted(), or the connection is dropped
  void Accepted();   // links the client to this connection and registers it
  void Register();   // store strand
  void DoRead();     // connection strand from here on
  void ReadNow();    // plain TCP: reads what the socket holds, or waits again
  void OnRead(std::error_code ec, size_t n);
  void ProcessInput();
  void ExecuteBatch();  // store strand
  void StageLimits();   // store strand: limits_ and query_buffer_limit_
  // While a script is busy (server/scripting/busy_reply.h): answers the parsed batch here,
  // without the store strand, and drops its `consumed` input bytes.
  void AnswerWhileScriptBusy(size_t consumed);
  void StartReading();  // DoRead once: after Register, or at once while a script is busy
  void OnBatchDone();   // connection strand: FinishBatch, then the next batch
  // The batch's replies go out and its input is dropped; false when no further batch
  // should start now (closing, or waiting for output to drain).
  bool FinishBatch();
  // Marks the connection whose ProcessInput is dispatching a batch on this thread, so that
  // ExecuteBatch, when it runs inline, leaves the rest of the batch to ProcessInput instead
  // of posting it.
  struct InlineBatchScope {
    explicit InlineBatchScope(const Connection* c) : saved(current) { current = c; }
    ~InlineBatchScope() { current = saved; }
    const Connection* saved;
    static thread_local const Connection* current;
  };
  void MaybeWrite();
  void Sent();  // wire_ went out whole
  void OnWritten(std::error_code ec);
  void Close();
  asio::mutable_buffer ReadSpace();  // room after the buffered input (ReadBuffer::Space)
  // Blocking commands: while the client waits, its input is not parsed but the socket is
  // still watched, so that a disconnect ends the wait.
  void WaitWhileBlocked();
  void OnReadableWhileBlocked(std::error_code ec);
  void OnUnblocked(std::string reply);  // the blocked command's reply; input resumes
  void ArmBlockTimer();                 // store strand: times the wait out at its deadline
  size_t PendingOutput() const { return out_.size() + wire_.size(); }
  // ClientLink, called on the store strand for a registered client, so the connection
  // lives (Close posts the client's removal to the store strand with the connection held).
  void Kill() override;
  void Resume(std::string reply) override;
  // Pub/sub: Push queues a frame (store strand); FlushPushes moves the queued frames to the
  // output (connection strand).
  void Push(std::string_view frame) override;
  size_t PendingOutputBytes() const override;
  void FlushPushes();
  // Store strand: counts bytes given to this client in INFO's output (or, to a replica, its
  // replication output) figures.
  void CountOutput(size_t bytes);
  // Store strand: closes the client once its pending output passes its class's
  // client-output-buffer-limit, as Redis does.
  void CheckOutputLimit(size_t pending);
  // Store strand: a client held over its soft limit is checked again when soft-seconds run
  // out, even if it sends nothing more (reading from it pauses under backpressure).
  void ArmSoftLimitTimer(const OutputBufferLimit& limit, int64_t now_ms);
  // Closes the client whose unparsed input reached client-query-buffer-limit, counting it.
  void CloseForQueryBufferLimit();

  ClientStream stream_;
  // Timers are made on first use: most connections never need one, and each is ~120 bytes.
  std::unique_ptr<asio::steady_timer> handshake_timer_;  // TLS; connection strand
  NetContext& net_;
  ClientState client_;
  RespParser parser_;

  ReadBuffer input_;
  size_t batch_consumed_ = 0;  // input bytes the batch being executed came from
  std::vector<std::vector<std::string_view>> batch_;
  std::vector<size_t> batch_ends_;               // input offset just past each command of the batch
  std::vector<const CommandSpec*> batch_specs_;  // each command's table entry (LookUpBatch)
  uint32_t batch_size_ = 0;                      // at most kMaxBatch
  uint32_t batch_executed_ = 0;  // a batch stops early once its replies pass the high water
  std::string protocol_error_;   // the batch ends with this protocol error, then the close
  uint64_t unreported_input_ = 0;

  std::string batch_out_;
  std::string out_;
  std::string wire_;

  // Limits from the config and the client's authentication, refreshed on the store strand
  // at every batch (StageLimits) and handed to the parser between batches.
  RespLimits limits_;
  size_t query_buffer_limit_ = 0;

  bool executing_ = false;
  bool batch_done_inline_ = false;  // ExecuteBatch ran inline and left the finish to us
  bool reading_started_ = false;    // connection strand
  bool writing_ = false;
  bool replied_in_burst_ = false;  // replies sent since the connection last waited for input
  bool paused_ = false;            // backpressure: waiting for output to drain
  bool closing_ = false;           // close once every reply is sent
  bool closed_ = false;
  bool blocked_ = false;           // a blocking command waits: later commands wait too
  bool waiting_readable_ = false;  // an async_wait for input is in flight
  bool handshake_done_ = false;    // TLS
  bool handed_off_ = false;  // a forked debugging session took the socket (SCRIPT DEBUG YES)
  // Pub/sub and the output limit (store strand, like the rest of this block).
  bool in_batch_ = false;          // this client's batch runs now
  bool output_limit_hit_ = false;  // closing for its output buffer limit: drop the rest
  bool soft_limit_timer_armed_ = false;
  int64_t soft_limit_since_ = 0;  // Unix seconds the soft limit was first reached
  std::unique_ptr<asio::steady_timer> soft_limit_timer_;
  std::unique_ptr<asio::steady_timer> block_timer_;
  // Made by the first push (store strand), as most clients never get one; FlushPushes, on
  // the connection strand, only runs after a push posted it.
  struct Pushes {
    std::string own;  // from the client's running command, to follow its reply
    std::mutex mutex;
    std::string queued;  // guarded by `mutex`
  };
  std::unique_ptr<Pushes> pushes_;
};

}  // namespace kvd::net
