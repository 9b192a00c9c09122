// The replica's link to its master: the session's lifecycle (start, stop, status), the
// once-a-second tick, reading from the socket and handing the bytes to the current phase,
// writing, and losing the link. The phases themselves: master_handshake.cpp,
// master_transfer.cpp, master_stream.cpp (the class: master_session.h).
#include "server/net/master_link.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <span>

#include "server/aof/aof_format.h"
#include "server/config_params.h"
#include "server/net/logging.h"
#include "server/net/master_session.h"
#include "server/transaction.h"

namespace kvd::net {
namespace {

constexpr size_t kReadChunk = 64 * 1024;
// A handshake reply longer than this is not a master speaking the protocol.
constexpr size_t kMaxLine = 64 * 1024;

}  // namespace

MasterSession::MasterSession(NetContext& net, std::string host, int port)
    : net_(net),
      server_(net.server),
      host_(std::move(host)),
      port_(port),
      resolver_(net.store_strand),
      socket_(net.store_strand),
      tick_(net.store_strand),
      read_buf_(kReadChunk) {
  RespLimits limits;
  // The master's stream is trusted, as Redis trusts its master client.
  limits.max_bulk_len = INT64_MAX;
  limits.max_multibulk_len = INT32_MAX;
  parser_.set_limits(limits);
}

void MasterSession::Start() {
  ArmTick();
  if (!server_.loading) Connect();
}

void MasterSession::Stop() {
  if (stopped_) return;
  if (state_ == State::kConnected) spdlog::info("Connection with master lost.");
  Close();
  stopped_ = true;
  tick_.cancel();
}

MasterLinkStatus MasterSession::Status() const {
  MasterLinkStatus s;
  s.host = host_;
  s.port = port_;
  switch (state_) {
    case State::kConnect:
      s.state = "connect";
      break;
    case State::kConnecting:
      s.state = "connecting";
      break;
    case State::kPong:
    case State::kReplconf:
    case State::kPsync:
      s.state = "handshake";
      break;
    case State::kPayloadHeader:
    case State::kTransfer:
      s.state = "sync";
      break;
    case State::kConnected:
      s.state = "connected";
      break;
  }
  s.link_up = link_up();
  s.last_io_ms = last_io_ms_;
  s.link_down_since_ms = link_down_since_ms_;
  s.sync_in_progress = state_ == State::kPayloadHeader || state_ == State::kTransfer;
  s.sync_total_bytes = sync_total_;
  s.sync_read_bytes = payload_ ? payload_->received() : 0;
  s.sync_last_io_ms = last_io_ms_;
  s.read_offset = link_up() ? read_offset_ : server_.replication->offset();
  return s;
}

std::string MasterSession::Multibulk(std::initializer_list<std::string_view> args) {
  std::string out;
  AppendAofCommand(out, std::span<const std::string_view>(args.begin(), args.size()));
  return out;
}

int64_t MasterSession::TimeoutMs() const {
  return RedisOnlyNumber(server_.config.values(), "repl-timeout") * 1000;
}

// ---- Once a second (Redis's replicationCron) ----

void MasterSession::ArmTick() {
  tick_.expires_after(std::chrono::seconds(1));
  tick_.async_wait([self = shared_from_this()](std::error_code ec) {
    if (ec || self->stopped_) return;
    self->Tick();
    self->ArmTick();
  });
}

void MasterSession::Tick() {
  const int64_t now = NowMs();
  switch (state_) {
    case State::kConnect:
      if (!server_.loading) Connect();
      return;
    case State::kConnecting:
    case State::kPong:
    case State::kReplconf:
    case State::kPsync:
    case State::kPayloadHeader:
      if (now - last_io_ms_ > TimeoutMs()) Drop("Timeout connecting to the MASTER...");
      return;
    case State::kTransfer:
      if (now - last_io_ms_ > TimeoutMs()) {
        Drop(
            "Timeout receiving bulk data from MASTER... If the problem persists try to set "
            "the 'repl-timeout' parameter in redis.conf to a larger value.");
      }
      return;
    case State::kConnected:
      if (now - last_io_ms_ > TimeoutMs()) {
        Drop("MASTER timeout: no data nor PING received...");
        return;
      }
      SendAck();
      return;
  }
}

// ---- Socket I/O ----

void MasterSession::ReadMore() {
  socket_.async_read_some(asio::buffer(read_buf_), [self = shared_from_this(), gen = generation_](
                                                       std::error_code ec, size_t n) {
    if (!self->Current(gen)) return;
    if (ec) {
      return self->Drop(ec == asio::error::eof ? "MASTER closed the connection"
                                               : "Error reading from MASTER: " + ec.message());
    }
    self->last_io_ms_ = self->NowMs();
    // The master's bytes count apart from the clients' (Redis 7's stat_net_repl_input_bytes).
    self->server_.stats.total_net_repl_input_bytes += n;
    self->server_.io_counts.CountRead();
    if (self->state_ == State::kConnected) self->read_offset_ += static_cast<int64_t>(n);
    self->in_.append(self->read_buf_.data(), n);
    self->Process();
    if (self->Current(gen)) self->ReadMore();
  });
}

// Takes what in_ holds as far as the current state allows.
void MasterSession::Process() {
  const uint64_t gen = generation_;
  while (Current(gen)) {
    switch (state_) {
      case State::kPong:
      case State::kReplconf:
      case State::kPsync:
      case State::kPayloadHeader: {
        const size_t eol = in_.find('\n');
        if (eol == std::string::npos) {
          if (in_.size() > kMaxLine) Drop("Protocol error from MASTER: line too long");
          return;
        }
        std::string line = in_.substr(0, eol);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        in_.erase(0, eol + 1);
        if (!HandleLine(line)) return;
        break;
      }
      case State::kTransfer: {
        const size_t n = payload_->Feed(in_);
        in_.erase(0, n);
        if (payload_->failed()) {
          Drop("Write error writing to the DB file in MASTER <-> REPLICA synchronization: " +
               std::string(std::strerror(tmp_errno_)));
          return;
        }
        if (!payload_->done()) return;
        if (!FinishTransfer()) return;
        break;
      }
      case State::kConnected: {
        bool failed = false;
        const size_t n = ApplyStream(in_, failed);
        if (!Current(gen)) return;
        in_.erase(0, n);
        if (failed) Drop("");
        return;
      }
      default:
        return;
    }
  }
}

void MasterSession::Send(std::string bytes) {
  out_.append(bytes);
  DoWrite();
}

void MasterSession::DoWrite() {
  if (writing_ || out_.empty()) return;
  auto wire = std::make_shared<std::string>(std::move(out_));
  out_.clear();
  writing_ = true;
  // What we send our master (acknowledgements) is a client's output, as in Redis.
  server_.stats.total_net_output_bytes += wire->size();
  server_.io_counts.CountWrite();
  asio::async_write(
      socket_, asio::buffer(*wire),
      [self = shared_from_this(), gen = generation_, wire](std::error_code ec, size_t) {
        if (!self->Current(gen)) return;
        self->writing_ = false;
        if (ec) return self->Drop("Error writing to MASTER: " + ec.message());
        self->DoWrite();
      });
}

// ---- Losing the link ----

// Closes the connection and waits for the next attempt (Tick). `why`: logged when set.
void MasterSession::Drop(const std::string& why) {
  if (stopped_) return;
  if (!why.empty()) spdlog::warn("{}", why);
  if (state_ == State::kConnected) {
    spdlog::info("Connection with master lost.");
    spdlog::info("Caching the disconnected master state.");
    link_down_since_ms_ = NowMs();
  }
  Close();
}

void MasterSession::Close() {
  ++generation_;  // what the old connection's handlers bring is ignored
  if (client_) {
    replication().set_master_stream_db(client_->db);
    if (client_->InMulti()) DiscardTransaction(server_, *client_);
    server_.RemoveClient(*client_);
    client_.reset();
  }
  std::error_code ec;
  resolver_.cancel();
  socket_.close(ec);
  if (tmp_fd_ >= 0) ::close(tmp_fd_);
  tmp_fd_ = -1;
  if (!tmp_path_.empty()) ::unlink(tmp_path_.c_str());
  tmp_path_.clear();
  payload_.reset();
  in_.clear();
  out_.clear();
  unfed_.clear();
  writing_ = false;
  parser_.Reset();
  parser_.ReleaseInlineStorage();
  state_ = State::kConnect;
}

// ClientLink, for the master client: CLIENT KILL drops the link (it is made again).
void MasterSession::Kill() {
  asio::post(net_.store_strand, [weak = weak_from_this()] {
    if (auto self = weak.lock()) {
      if (self->state_ == State::kConnected) self->Drop("");
    }
  });
}

namespace {

class MasterLinkImpl final : public MasterLink {
 public:
  explicit MasterLinkImpl(std::shared_ptr<MasterSession> session) : session_(std::move(session)) {
    SetLogRole(/*replica=*/true);
  }
  ~MasterLinkImpl() override {
    session_->Stop();
    SetLogRole(/*replica=*/false);
  }
  MasterLinkStatus Status() const override { return session_->Status(); }
  bool link_up() const override { return session_->link_up(); }
  size_t stream_db() const override { return session_->stream_db(); }

 private:
  std::shared_ptr<MasterSession> session_;
};

}  // namespace

std::unique_ptr<MasterLink> MakeMasterLink(NetContext& net, const std::string& host, int port) {
  auto session = std::make_shared<MasterSession>(net, host, port);
  session->Start();
  return std::make_unique<MasterLinkImpl>(std::move(session));
}

}  // namespace kvd::net
