#include "server/net/master_link.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <string_view>
#include <vector>

#include "core/text.h"
#include "protocol/resp_parser.h"
#include "server/aof/aof.h"
#include "server/aof/aof_format.h"
#include "server/atomic_file.h"
#include "server/background_save.h"
#include "server/config_params.h"
#include "server/empty_dataset.h"
#include "server/net/endpoint_format.h"
#include "server/net/logging.h"
#include "server/persistence.h"
#include "server/replication/sync_protocol.h"
#include "server/scripting/function_library.h"
#include "server/scripting/function_persistence.h"
#include "server/scripting/scripting.h"
#include "server/transaction.h"

namespace kvd::net {
namespace {

using Tcp = asio::ip::tcp;

constexpr size_t kReadChunk = 64 * 1024;
// A handshake reply longer than this is not a master speaking the protocol.
constexpr size_t kMaxLine = 64 * 1024;

std::string Multibulk(std::initializer_list<std::string_view> args) {
  std::string out;
  AppendAofCommand(out, std::span<const std::string_view>(args.begin(), args.size()));
  return out;
}

bool IsGetAck(const std::vector<std::string_view>& args) {
  return args.size() >= 2 && EqualsIgnoreCase(args[0], "replconf") &&
         EqualsIgnoreCase(args[1], "getack");
}

class MasterSession final : public std::enable_shared_from_this<MasterSession>, private ClientLink {
 public:
  MasterSession(NetContext& net, std::string host, int port)
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

  void Start() {
    ArmTick();
    if (!server_.loading) Connect();
  }

  void Stop() {
    if (stopped_) return;
    if (state_ == State::kConnected) spdlog::info("Connection with master lost.");
    Close();
    stopped_ = true;
    tick_.cancel();
  }

  bool link_up() const { return state_ == State::kConnected; }
  // The database the master's stream has selected (what a partial sync goes on in).
  size_t stream_db() const { return client_ ? client_->db : server_.replication->master_stream_db(); }

  MasterLinkStatus Status() const {
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

 private:
  enum class State {
    kConnect,     // waiting for the next attempt (once a second)
    kConnecting,  // resolving and connecting
    kPong,        // PING sent
    kReplconf,    // AUTH and REPLCONFs sent, pipelined
    kPsync,       // PSYNC sent
    kPayloadHeader,
    kTransfer,  // the snapshot comes
    kConnected,
  };

  Replication& replication() { return *server_.replication; }
  int64_t NowMs() const { return server_.clock.NowMs(); }
  int64_t TimeoutMs() const {
    return RedisOnlyNumber(server_.config.values(), "repl-timeout") * 1000;
  }
  bool Current(uint64_t generation) const { return !stopped_ && generation == generation_; }

  // ---- Once a second (Redis's replicationCron) ----

  void ArmTick() {
    tick_.expires_after(std::chrono::seconds(1));
    tick_.async_wait([self = shared_from_this()](std::error_code ec) {
      if (ec || self->stopped_) return;
      self->Tick();
      self->ArmTick();
    });
  }

  void Tick() {
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

  // ---- Connecting and the handshake ----

  void Connect() {
    state_ = State::kConnecting;
    last_io_ms_ = NowMs();
    spdlog::info("Connecting to MASTER {}:{}", host_, port_);
    spdlog::info("MASTER <-> REPLICA sync started");
    resolver_.async_resolve(
        host_, std::to_string(port_),
        [self = shared_from_this(), gen = generation_](std::error_code ec,
                                                       Tcp::resolver::results_type results) {
          if (!self->Current(gen)) return;
          if (ec) return self->Drop("Unable to connect to MASTER: " + ec.message());
          asio::async_connect(
              self->socket_, results, [self, gen](std::error_code ec, const Tcp::endpoint&) {
                if (!self->Current(gen)) return;
                if (ec) {
                  return self->Drop("Error condition on socket for SYNC: " + ec.message());
                }
                self->OnConnected();
              });
        });
  }

  void OnConnected() {
    spdlog::info("Non blocking connect for SYNC fired the event.");
    std::error_code ec;
    socket_.set_option(Tcp::no_delay(true), ec);
    last_io_ms_ = NowMs();
    state_ = State::kPong;
    Send(Multibulk({"PING"}));
    ReadMore();
  }

  // After the PING: AUTH when masterauth is set, then the REPLCONFs, sent together; their
  // replies are read in order.
  void SendHandshake() {
    const ConfigValues& cfg = server_.config.values();
    const std::string auth = RedisOnlyValue(cfg, "masterauth");
    const std::string user = RedisOnlyValue(cfg, "masteruser");
    const std::string ip = RedisOnlyValue(cfg, "replica-announce-ip");
    int64_t port = RedisOnlyNumber(cfg, "replica-announce-port");
    if (port == 0) port = server_.tcp_port;
    std::string out;
    pending_.clear();
    if (!auth.empty()) {
      out += user.empty() ? Multibulk({"AUTH", auth}) : Multibulk({"AUTH", user, auth});
      pending_.push_back("AUTH");
    }
    out += Multibulk({"REPLCONF", "listening-port", std::to_string(port)});
    pending_.push_back("listening-port");
    if (!ip.empty()) {
      out += Multibulk({"REPLCONF", "ip-address", ip});
      pending_.push_back("ip-address");
    }
    out += Multibulk({"REPLCONF", "capa", "eof", "capa", "psync2"});
    pending_.push_back("capa");
    next_reply_ = 0;
    state_ = State::kReplconf;
    Send(std::move(out));
  }

  void SendPsync() {
    Replication& r = replication();
    if (r.can_continue()) {
      const std::string from = std::to_string(r.offset() + 1);
      spdlog::info("Trying a partial resynchronization (request {}:{}).", r.replid(), from);
      // A master handing over its role asks the target to take it (FAILOVER).
      if (r.failover_state() == Replication::FailoverState::kInProgress) {
        Send(Multibulk({"PSYNC", r.replid(), from, "FAILOVER"}));
      } else {
        Send(Multibulk({"PSYNC", r.replid(), from}));
      }
    } else {
      spdlog::info("Partial resynchronization not possible (no cached master)");
      Send(Multibulk({"PSYNC", "?", "-1"}));
    }
    state_ = State::kPsync;
  }

  // One line of the handshake; false when the link was dropped.
  bool HandleLine(const std::string& line) {
    switch (state_) {
      case State::kPong:
        // A master that wants AUTH first says so; anything else that is an error ends here.
        if (line.starts_with("-") && !line.starts_with("-NOAUTH") && !line.starts_with("-NOPERM") &&
            !line.starts_with("-ERR operation not permitted")) {
          Drop("Error reply to PING from master: '" + line + "'");
          return false;
        }
        spdlog::info("Master replied to PING, replication can continue...");
        SendHandshake();
        return true;
      case State::kReplconf: {
        const std::string_view what = pending_[next_reply_++];
        if (line.starts_with("-")) {
          if (what == "AUTH") {
            Drop("Unable to AUTH to MASTER: " + line);
            return false;
          }
          spdlog::info("(Non critical) Master does not understand REPLCONF {}: {}", what, line);
        }
        if (next_reply_ == pending_.size()) SendPsync();
        return true;
      }
      case State::kPsync:
        return HandlePsyncReply(line);
      case State::kPayloadHeader:
        return HandlePayloadHeader(line);
      default:
        return false;
    }
  }

  bool HandlePsyncReply(const std::string& line) {
    const PsyncReply reply = ParsePsyncReply(line);
    switch (reply.kind) {
      case PsyncReply::Kind::kKeepalive:
        return true;
      case PsyncReply::Kind::kFullResync:
        if (reply.replid.empty()) spdlog::warn("Master replied with wrong +FULLRESYNC syntax.");
        spdlog::info("Full resync from master: {}:{}", reply.replid, reply.offset);
        sync_replid_ = reply.replid;
        sync_offset_ = reply.offset;
        sync_total_ = -1;
        state_ = State::kPayloadHeader;
        replication().OnPsyncAnswered(/*accepted=*/true);
        return true;
      case PsyncReply::Kind::kContinue:
        spdlog::info("Successful partial resynchronization with master.");
        replication().OnContinue(reply.replid);
        replication().OnPsyncAnswered(/*accepted=*/true);
        spdlog::info("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.");
        GoOnline(/*full=*/false);
        return true;
      case PsyncReply::Kind::kTryLater:
        spdlog::info("Master is currently unable to PSYNC but should be in the future: {}", line);
        replication().OnPsyncAnswered(/*accepted=*/false);
        Drop("");
        return false;
      case PsyncReply::Kind::kError:
        spdlog::warn("Unexpected reply to PSYNC from master: {}", line);
        replication().OnPsyncAnswered(/*accepted=*/false);
        Drop("");
        return false;
    }
    return false;
  }

  // ---- The snapshot ----

  bool HandlePayloadHeader(const std::string& line) {
    const PayloadHeader header = ParsePayloadHeader(line);
    switch (header.kind) {
      case PayloadHeader::Kind::kKeepalive:
        return true;
      case PayloadHeader::Kind::kError:
        Drop("MASTER aborted replication with an error: " + line.substr(1));
        return false;
      case PayloadHeader::Kind::kBad:
        Drop("Bad protocol from MASTER, the first byte is not '$' (we received '" + line +
             "'), are you sure the host and port are right?");
        return false;
      case PayloadHeader::Kind::kSized:
      case PayloadHeader::Kind::kEofMarked:
        break;
    }
    const ConfigValues& cfg = server_.config.values();
    tmp_path_ = PathIn(cfg.dir, "temp-" + std::to_string(NowMs() / 1000) + "." +
                                    std::to_string(::getpid()) + ".rdb");
    tmp_fd_ = ::open(tmp_path_.c_str(), O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
    if (tmp_fd_ < 0) {
      Drop("Opening the temp file needed for MASTER <-> REPLICA synchronization: " +
           std::string(std::strerror(errno)));
      return false;
    }
    if (header.kind == PayloadHeader::Kind::kEofMarked) {
      spdlog::info("MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to disk");
    } else {
      spdlog::info("MASTER <-> REPLICA sync: receiving {} bytes from master to disk", header.size);
      sync_total_ = header.size;
    }
    payload_ = std::make_unique<PayloadReader>(header, [this](std::string_view bytes) {
      while (!bytes.empty()) {
        const ssize_t n = ::write(tmp_fd_, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        bytes.remove_prefix(static_cast<size_t>(n));
      }
      return true;
    });
    state_ = State::kTransfer;
    return true;
  }

  // The whole snapshot is on disk: it becomes the dataset (and dbfilename, as in Redis).
  bool FinishTransfer() {
    const bool synced = ::fsync(tmp_fd_) == 0;
    ::close(tmp_fd_);
    tmp_fd_ = -1;
    if (!synced) {
      Drop("Failed trying to sync the temp DB to disk in MASTER <-> REPLICA synchronization: " +
           std::string(std::strerror(errno)));
      return false;
    }
    // A snapshot of the old data must neither go on nor land on dbfilename after this one.
    StopBackgroundSnapshot(server_);
    const ConfigValues& cfg = server_.config.values();
    const std::string path = PathIn(cfg.dir, cfg.dbfilename);
    if (::rename(tmp_path_.c_str(), path.c_str()) != 0) {
      Drop("Failed trying to rename the temp DB into " + cfg.dbfilename +
           " in MASTER <-> REPLICA synchronization: " + std::strerror(errno));
      return false;
    }
    tmp_path_.clear();
    // Our replicas followed the data we are about to replace.
    replication().DisconnectReplicas();
    spdlog::info("MASTER <-> REPLICA sync: Flushing old data");
    EmptyDataset(server_);
    spdlog::info("MASTER <-> REPLICA sync: Loading DB in memory");
    if (std::string err = Load(cfg.dir, cfg.dbfilename); !err.empty()) {
      spdlog::warn("{}", err);
      Drop("Failed trying to load the MASTER synchronization DB from disk, check server logs.");
      return false;
    }
    replication().OnFullSync(sync_replid_, sync_offset_);
    // The append-only log starts over from the new dataset, as Redis restarts it.
    if (server_.aof != nullptr && server_.aof->state() != Aof::State::kOff) {
      server_.aof->StartRewrite();
    }
    GoOnline(/*full=*/true);
    return true;
  }

  std::string Load(const std::string& dir, const std::string& filename) {
    Store fresh(server_.store.DatabaseCount());
    bool found = false;
    RdbLoadInfo info;
    // At time 0: a replica keeps the keys that expired (its master will delete them).
    std::string err = LoadSnapshotFile(fresh, dir, filename, 0, &found, &info);
    if (err.empty() && !found) err = "The synchronization file is missing";
    if (err.empty()) err = LoadLibraryCodes(server_, info.functions);
    if (!err.empty()) return err;
    Store& store = server_.store;
    for (size_t db = 0; db < store.DatabaseCount(); ++db) store.Db(db) = std::move(fresh.Db(db));
    spdlog::info("Loading RDB produced by version {}",
                 info.redis_version.empty() ? std::string("unknown") : info.redis_version);
    spdlog::info("Done loading RDB, keys loaded: {}, keys expired: {}.", info.keys_loaded,
                 info.keys_expired);
    return "";
  }

  // ---- The stream ----

  void GoOnline(bool full) {
    client_ = std::make_unique<ClientState>();
    client_->link = this;
    std::error_code ec;
    if (auto remote = socket_.remote_endpoint(ec); !ec) client_->addr = FormatTcpEndpoint(remote);
    if (auto local = socket_.local_endpoint(ec); !ec) client_->laddr = FormatTcpEndpoint(local);
    client_->fd = socket_.native_handle();
    client_->created_ms = client_->last_interaction_ms = NowMs();
    server_.AddClient(*client_);
    client_->master = true;
    client_->authenticated = true;
    // A blocking command from the master answers at once (masters send none: they
    // propagate what their blocked clients did instead).
    client_->deny_blocking = true;
    // A partial sync goes on in the database the stream last selected.
    client_->db = full ? 0 : replication().master_stream_db();
    parser_.Reset();
    unfed_.clear();
    read_offset_ = replication().offset();
    link_down_since_ms_ = 0;
    state_ = State::kConnected;
    if (full) {
      spdlog::info("MASTER <-> REPLICA sync: Finished with success");
      // A diskless master puts us online when we first acknowledge.
      SendAck();
    }
  }

  // Applies the whole commands at the start of `in`; returns the bytes they took.
  size_t ApplyStream(std::string_view in, bool& failed) {
    const uint64_t gen = generation_;
    size_t pos = 0;
    while (pos < in.size()) {
      const ParseResult r = parser_.Parse(in.substr(pos), args_);
      if (r.status == ParseStatus::kNeedMore) break;
      if (r.status == ParseStatus::kError) {
        spdlog::warn("Protocol error from MASTER: {}", r.error);
        failed = true;
        break;
      }
      const std::string_view frame = in.substr(pos, r.consumed);
      pos += r.consumed;
      if (args_.empty()) {
        Applied(frame);
        continue;
      }
      if (IsGetAck(args_)) {
        Applied(frame);  // counted before we answer, as Redis does
        SendAck();
        continue;
      }
      reply_.clear();
      net_.dispatcher.Execute(*client_, args_, reply_);
      parser_.ReleaseInlineStorage();
      if (!Current(gen)) break;
      // A transaction counts, and goes on to our replicas, once its EXEC has run.
      if (client_->InMulti()) {
        unfed_.append(frame);
        continue;
      }
      Applied(frame);
    }
    reply_.clear();
    return pos;
  }

  void Applied(std::string_view frame) {
    if (unfed_.empty()) return replication().FeedStream(frame);
    unfed_.append(frame);
    replication().FeedStream(unfed_);
    unfed_.clear();
  }

  void SendAck() {
    if (state_ != State::kConnected) return;
    Send(Multibulk({"REPLCONF", "ACK", std::to_string(replication().offset())}));
  }

  // ---- Socket I/O ----

  void ReadMore() {
    socket_.async_read_some(asio::buffer(read_buf_), [self = shared_from_this(), gen = generation_](
                                                         std::error_code ec, size_t n) {
      if (!self->Current(gen)) return;
      if (ec) {
        return self->Drop(ec == asio::error::eof ? "MASTER closed the connection"
                                                 : "Error reading from MASTER: " + ec.message());
      }
      self->last_io_ms_ = self->NowMs();
      if (self->state_ == State::kConnected) self->read_offset_ += static_cast<int64_t>(n);
      self->in_.append(self->read_buf_.data(), n);
      self->Process();
      if (self->Current(gen)) self->ReadMore();
    });
  }

  // Takes what in_ holds as far as the current state allows.
  void Process() {
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
                 std::string(std::strerror(errno)));
            return;
          }
          if (!payload_->done()) return;
          if (!FinishTransfer()) return;
          // What came after the snapshot is the stream.
          read_offset_ += static_cast<int64_t>(in_.size());
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

  void Send(std::string bytes) {
    out_.append(bytes);
    DoWrite();
  }

  void DoWrite() {
    if (writing_ || out_.empty()) return;
    auto wire = std::make_shared<std::string>(std::move(out_));
    out_.clear();
    writing_ = true;
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
  void Drop(const std::string& why) {
    if (stopped_) return;
    if (!why.empty()) spdlog::warn("{}", why);
    if (state_ == State::kConnected) {
      spdlog::info("Connection with master lost.");
      spdlog::info("Caching the disconnected master state.");
      link_down_since_ms_ = NowMs();
    }
    Close();
  }

  void Close() {
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
  void Kill() override {
    asio::post(net_.store_strand, [weak = weak_from_this()] {
      if (auto self = weak.lock()) {
        if (self->state_ == State::kConnected) self->Drop("");
      }
    });
  }
  void Resume(std::string) override {}
  void Push(std::string_view) override {}
  size_t PendingOutputBytes() const override { return 0; }

  NetContext& net_;
  ServerState& server_;
  const std::string host_;
  const int port_;
  Tcp::resolver resolver_;
  Tcp::socket socket_;
  asio::steady_timer tick_;
  std::vector<char> read_buf_;
  bool stopped_ = false;
  uint64_t generation_ = 0;  // one per connection: handlers of older ones do nothing
  State state_ = State::kConnect;
  std::string in_;   // read, not consumed yet
  std::string out_;  // to send once the write in flight is done
  bool writing_ = false;
  // The handshake: what the pipelined replies answer.
  std::vector<std::string_view> pending_;
  size_t next_reply_ = 0;
  // A full sync: the master's identity at its snapshot, and the file it arrives in.
  std::string sync_replid_;
  int64_t sync_offset_ = -1;
  int64_t sync_total_ = -1;
  std::unique_ptr<PayloadReader> payload_;
  std::string tmp_path_;
  int tmp_fd_ = -1;
  // The stream: the master's client (in the client registry while connected), what it
  // replies (dropped), and a transaction's frames until its EXEC.
  RespParser parser_;
  std::vector<std::string_view> args_;
  std::unique_ptr<ClientState> client_;
  std::string reply_;
  std::string unfed_;
  int64_t read_offset_ = 0;
  int64_t last_io_ms_ = 0;
  int64_t link_down_since_ms_ = 0;
};

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
