// The master side of replication: replicas' handshake, full and partial syncs, the stream,
// acknowledgements and WAIT (Redis's syncCommand, replconfCommand, replicationCron).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <optional>

#include <spdlog/spdlog.h>

#include "core/rdb_writer.h"
#include "core/text.h"
#include "server/aof/aof_files.h"
#include "server/aof/aof_format.h"
#include "server/blocking.h"
#include "server/config_params.h"
#include "server/persistence.h"
#include "server/pubsub.h"
#include "server/replication/replica_entry.h"
#include "server/replication/replication.h"
#include "server/server_state.h"

namespace kvd {
namespace {

// A replica's snapshot is read from its file and handed to the connection a slice at a
// time while less than kSendWindow waits for the socket; the rest follows from the cron.
constexpr size_t kSendChunk = 256 * 1024;
constexpr size_t kSendWindow = 16 * 1024 * 1024;

std::string Encoded(std::span<const std::string_view> args) {
  std::string out;
  AppendAofCommand(out, args);
  return out;
}

}  // namespace

Replication::Replication(ServerState& server)
    : server_(server), replid_(RandomReplicationId()), replid2_(40, '0') {}

Replication::~Replication() = default;

Replication::Replica& Replication::Announced(ClientState& client) {
  std::unique_ptr<Replica>& r = replicas_[client.id];
  if (!r) {
    r = std::make_unique<Replica>();
    r->client = &client;
  }
  return *r;
}

Replication::Replica* Replication::FindReplica(const ClientState& client) {
  auto it = replicas_.find(client.id);
  if (it == replicas_.end() || it->second->state == Replica::State::kAnnounced) return nullptr;
  return it->second.get();
}

size_t Replication::ReplicaCount() const {
  return static_cast<size_t>(std::count_if(replicas_.begin(), replicas_.end(), [](const auto& e) {
    return e.second->state != Replica::State::kAnnounced;
  }));
}

void Replication::SetReplicaPort(ClientState& client, int port) {
  Announced(client).listening_port = port;
}

void Replication::SetReplicaAddress(ClientState& client, std::string ip) {
  Announced(client).ip = std::move(ip);
}

void Replication::SetReplicaCapa(ClientState& client, std::string_view capa) {
  Replica& r = Announced(client);
  if (EqualsIgnoreCase(capa, "eof")) r.capa_eof = true;
  if (EqualsIgnoreCase(capa, "psync2")) r.capa_psync2 = true;
}

void Replication::SetReplicaRdbOnly(ClientState& client, bool rdb_only) {
  Announced(client).rdb_only = rdb_only;
}

void Replication::SetReplicaRdbFilter(ClientState& client, bool with_functions) {
  Replica& r = Announced(client);
  r.exclude_data = true;
  r.exclude_functions = !with_functions;
}

void Replication::FeedStream(std::string_view bytes) {
  if (!backlog_) CreateBacklog();
  offset_ += static_cast<int64_t>(bytes.size());
  backlog_->Append(bytes);
  const int64_t hard = server_.config.values().client_output_buffer_limit[kClientReplica].hard;
  for (auto& [id, r] : replicas_) {
    if (r->rdb_only) continue;  // it wanted the snapshot alone
    switch (r->state) {
      case Replica::State::kOnline:
        r->Push(bytes);
        break;
      case Replica::State::kSnapshotStarted:
      case Replica::State::kSending:
        // Held until its snapshot is sent: as much output as the replica's buffer limit allows.
        r->pending.append(bytes);
        if (hard > 0 && static_cast<int64_t>(r->pending.size()) > hard && r->client->link) {
          spdlog::warn(
              "Client {} scheduled to be closed ASAP for overcoming of output buffer limits.",
              DescribeClient(*r->client));
          server_.stats.client_output_buffer_limit_disconnections++;
          std::string().swap(r->pending);
          r->state = Replica::State::kAnnounced;  // nothing more for it; the close removes it
          r->client->link->Kill();
        }
        break;
      default:
        break;  // its snapshot has not begun: it starts from a later offset
    }
  }
}

std::string Replication::Sync(ClientState& client, bool psync, std::string_view replid,
                              int64_t offset) {
  if (client.replica) return "";  // already one: ignored, as in Redis
  if (failover_.state != FailoverState::kNone) {
    return "NOMASTERLINK Can't SYNC while failing over";
  }
  if (is_replica() && !master_link_->Status().link_up) {
    return "NOMASTERLINK Can't SYNC while not connected with my master";
  }
  Replica& r = Announced(client);
  r.psync = psync;
  r.ack_time_ms = server_.clock.NowMs();
  client.replica = true;
  spdlog::info("Replica {} asks for synchronization", r.Name());
  if (psync) {
    if (TryPartialSync(r, replid, offset)) {
      ++server_.stats.sync_partial_ok;
      return "";
    }
    // "?" asks for a full sync on purpose: not a failed attempt (as Redis counts).
    if (replid != "?") ++server_.stats.sync_partial_err;
    if (replid == "?") {
      spdlog::info("Full resync requested by replica {}", r.Name());
    } else if (replid != replid_ && replid != replid2_) {
      spdlog::info(
          "Partial resynchronization not accepted: Replication ID mismatch (Replica asked for "
          "'{}', my replication IDs are '{}' and '{}')",
          replid, replid_, replid2_);
    } else {
      spdlog::info(
          "Unable to partial resync with replica {} for lack of backlog (Replica request was: "
          "{}).",
          r.Name(), offset);
    }
  }
  ++server_.stats.sync_full;
  CreateBacklog();
  if (r.exclude_data) {
    SendFilteredSnapshot(r);
    return "";
  }
  r.state = Replica::State::kWaitSnapshot;
  StartSnapshotIfNeeded();
  return "";
}

void Replication::SendFilteredSnapshot(Replica& r) {
  RdbOptions options = SnapshotRdbOptions(server_);
  if (r.exclude_functions) options.functions.clear();
  RdbWriter writer(options);
  writer.WriteHeader(server_.clock.NowMs(),
                     options.used_memory.value_or(server_.store.AllocatedBytes()));
  writer.WriteEof();
  std::string rdb;
  writer.TakePending(rdb);
  if (r.psync) r.Push("+FULLRESYNC " + replid_ + " " + std::to_string(offset_) + "\r\n");
  r.Push("$" + std::to_string(rdb.size()) + "\r\n");
  r.Push(rdb);
  // Made now, it is the data at offset_: the stream goes on from there.
  selected_db_ = -1;
  r.state = Replica::State::kOnline;
  r.ack_time_ms = server_.clock.NowMs();
  spdlog::info("Synchronization with replica {} succeeded (a snapshot without keys)", r.Name());
}

bool Replication::TryPartialSync(Replica& r, std::string_view replid, int64_t offset) {
  if (!backlog_) return false;
  const bool same_history =
      replid == replid_ || (replid == replid2_ && offset <= second_replid_offset_);
  if (!same_history) return false;
  std::optional<std::string> missed = backlog_->CopyFrom(offset);
  if (!missed) return false;
  r.state = Replica::State::kOnline;
  r.Push(r.capa_psync2 ? "+CONTINUE " + replid_ + "\r\n" : std::string("+CONTINUE\r\n"));
  r.Push(*missed);
  spdlog::info(
      "Partial resynchronization request from {} accepted. Sending {} bytes of backlog starting "
      "from offset {}.",
      r.Name(), missed->size(), offset);
  return true;
}

void Replication::StartSnapshotIfNeeded() {
  if (snapshot_running_) return;  // replicas that came meanwhile wait for the next one
  const bool waiting = std::any_of(replicas_.begin(), replicas_.end(), [](const auto& e) {
    return e.second->state == Replica::State::kWaitSnapshot;
  });
  if (!waiting || server_.background_snapshot->running()) return;  // the cron tries again
  const ConfigValues& cfg = server_.config.values();
  const uint64_t generation = ++snapshot_generation_;
  const std::string name =
      "temp-repl-" + std::to_string(::getpid()) + "-" + std::to_string(generation) + ".rdb";
  std::string err = server_.background_snapshot->Start(
      cfg.dir, name, SnapshotRdbOptions(server_),
      [this, generation, path = JoinPath(cfg.dir, name)](const std::string& error) {
        OnSnapshotDone(generation, error.empty() ? path : "");
        if (!error.empty()) spdlog::warn("Replication snapshot failed: {}", error);
      });
  if (!err.empty()) {
    spdlog::warn("Can't BGSAVE for replication: {}", err);
    for (auto& [id, r] : replicas_) {
      if (r->state == Replica::State::kWaitSnapshot && r->client->link) r->client->link->Kill();
    }
    return;
  }
  spdlog::info("Starting BGSAVE for SYNC with target: disk");
  snapshot_running_ = true;
  // The stream after the snapshot starts with a SELECT, whatever the replica had before.
  selected_db_ = -1;
  for (auto& [id, r] : replicas_) {
    if (r->state != Replica::State::kWaitSnapshot) continue;
    r->state = Replica::State::kSnapshotStarted;
    r->snapshot_generation = generation;
    r->pending.clear();
    if (r->psync) r->Push("+FULLRESYNC " + replid_ + " " + std::to_string(offset_) + "\r\n");
  }
}

// `path`: the complete snapshot file, or "" when it failed.
void Replication::OnSnapshotDone(uint64_t generation, const std::string& path) {
  snapshot_running_ = false;
  for (auto& [id, r] : replicas_) {
    if (r->state != Replica::State::kSnapshotStarted || r->snapshot_generation != generation) {
      continue;
    }
    struct stat st {};
    const int fd = path.empty() ? -1 : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::fstat(fd, &st) != 0) {
      if (fd >= 0) ::close(fd);
      spdlog::warn("SYNC failed. BGSAVE child returned an error");
      if (r->client->link) r->client->link->Kill();
      continue;
    }
    r->file = fd;
    r->file_size = static_cast<uint64_t>(st.st_size);
    r->file_sent = 0;
    r->state = Replica::State::kSending;
    r->Push("$" + std::to_string(r->file_size) + "\r\n");
    SendSnapshotChunks(*r);
  }
  // Each replica reads through its own descriptor: the name can go now.
  if (!path.empty()) ::unlink(path.c_str());
  StartSnapshotIfNeeded();
}

void Replication::SendSnapshotChunks(Replica& r) {
  std::string chunk;
  while (r.file_sent < r.file_size &&
         (!r.client->link || r.client->link->PendingOutputBytes() < kSendWindow)) {
    chunk.resize(static_cast<size_t>(std::min<uint64_t>(kSendChunk, r.file_size - r.file_sent)));
    const ssize_t n =
        ::pread(r.file, chunk.data(), chunk.size(), static_cast<off_t>(r.file_sent));
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      spdlog::warn("Read error sending DB to replica: {}", n == 0 ? "unexpected end of file"
                                                                   : std::strerror(errno));
      if (r.client->link) r.client->link->Kill();
      return;
    }
    r.Push(std::string_view(chunk.data(), static_cast<size_t>(n)));
    r.file_sent += static_cast<uint64_t>(n);
  }
  if (r.file_sent == r.file_size) GoOnline(r);
}

void Replication::GoOnline(Replica& r) {
  ::close(r.file);
  r.file = -1;
  r.state = Replica::State::kOnline;
  r.ack_time_ms = server_.clock.NowMs();
  if (!r.pending.empty()) r.Push(r.pending);
  std::string().swap(r.pending);
  spdlog::info("Synchronization with replica {} succeeded", r.Name());
}

void Replication::Ack(ClientState& client, int64_t offset) {
  Replica* r = FindReplica(client);
  if (r == nullptr) return;
  r->ack_offset = std::max(r->ack_offset, offset);
  r->ack_time_ms = server_.clock.NowMs();
  if (!waiters_.empty()) ServeWaiters();
  // Not from inside the replica's command: handing over disconnects the replicas.
  if (failover_.state == FailoverState::kWaitForSync && r->ack_offset == offset_ && server_.post) {
    server_.post([this] { UpdateFailover(); });
  }
}

void Replication::OnClientGone(ClientState& client) {
  auto it = replicas_.find(client.id);
  if (it == replicas_.end()) return;
  if (it->second->state != Replica::State::kAnnounced) {
    spdlog::info("Connection with replica {} lost.", it->second->Name());
  }
  replicas_.erase(it);
  if (ReplicaCount() == 0) no_replicas_since_ms_ = server_.clock.NowMs();
  if (!waiters_.empty()) ServeWaiters();
}

bool TooFewReplicas(const ServerState& server, int64_t now_ms) {
  const ConfigValues& cfg = server.config.values();
  if (!WritesNeedReplicas(cfg)) return false;
  if (server.replication == nullptr) return true;
  return !server.replication->is_replica() &&
         server.replication->GoodReplicas(now_ms) < cfg.min_replicas_to_write;
}

int Replication::GoodReplicas(int64_t now_ms) const {
  const int64_t max_lag = server_.config.values().min_replicas_max_lag;
  int good = 0;
  for (const auto& [id, r] : replicas_) {
    if (r->state == Replica::State::kOnline && (now_ms - r->ack_time_ms) / 1000 <= max_lag) {
      ++good;
    }
  }
  return good;
}

int64_t Replication::AckedReplicas(int64_t offset) const {
  int64_t acked = 0;
  for (const auto& [id, r] : replicas_) {
    if (r->state != Replica::State::kAnnounced && r->ack_offset >= offset) ++acked;
  }
  return acked;
}

void Replication::AddWaiter(ClientState& client, int64_t numreplicas, int64_t offset) {
  waiters_.push_back({client.id, numreplicas, offset});
  RequestAcks();
}

// REPLCONF GETACK goes into the stream once per strand round however many WAITs ask, as
// Redis sends it once per event loop iteration.
void Replication::RequestAcks() {
  auto send = [this] {
    getack_posted_ = false;
    // A replica passes its master's stream on and adds nothing to it, as Redis's.
    if (ReplicaCount() == 0 || is_replica()) return;
    static const std::string kGetAck = Encoded(std::vector<std::string_view>{
        "REPLCONF", "GETACK", "*"});
    FeedStream(kGetAck);
  };
  if (getack_posted_) return;
  getack_posted_ = true;
  if (server_.post) {
    server_.post(send);
  } else {
    send();
  }
}

bool Replication::ReplicasCaughtUp(bool log_lagging) const {
  bool all = true;
  for (const auto& [id, r] : replicas_) {
    if (r->state == Replica::State::kAnnounced || r->ack_offset == offset_) continue;
    all = false;
    if (!log_lagging) break;
    spdlog::warn("Lagging replica {} reported offset {} behind master, lag={}, state={}.",
                 r->Name(), offset_ - r->ack_offset,
                 (server_.clock.NowMs() - r->ack_time_ms) / 1000,
                 r->state == Replica::State::kOnline ? "online" : "syncing");
  }
  return all;
}

void Replication::ServeWaiters() {
  for (auto it = waiters_.begin(); it != waiters_.end();) {
    auto c = server_.clients.find(it->client_id);
    const BlockedClients::Waiter* w =
        c == server_.clients.end() ? nullptr : server_.blocked.Find(*c->second);
    if (w == nullptr || !EqualsIgnoreCase(w->args.front(), "wait")) {
      it = waiters_.erase(it);  // timed out, unblocked or gone
      continue;
    }
    const int64_t acked = AckedReplicas(it->offset);
    if (acked >= it->numreplicas) {
      ClientState& client = *c->second;
      it = waiters_.erase(it);
      UnblockClientWithInteger(server_, client, acked);
      continue;
    }
    ++it;
  }
}

std::vector<Replication::ReplicaView> Replication::Replicas(int64_t now_ms) const {
  std::vector<ReplicaView> out;
  for (const auto& [id, r] : replicas_) {
    if (r->state == Replica::State::kAnnounced) continue;
    ReplicaView v;
    v.ip = r->Ip();
    v.port = r->listening_port;
    switch (r->state) {
      case Replica::State::kSending:
        v.state = "send_bulk";
        break;
      case Replica::State::kOnline:
        v.state = "online";
        break;
      default:
        v.state = "wait_bgsave";
    }
    v.ack_offset = r->ack_offset;
    v.lag_seconds = (now_ms - r->ack_time_ms) / 1000;
    out.push_back(std::move(v));
  }
  return out;
}

bool Replication::AbortSnapshot() {
  if (!snapshot_running_) return false;
  spdlog::warn("Stopping the snapshot for replicas: the dataset is being replaced");
  server_.background_snapshot->Abort();
  snapshot_running_ = false;
  for (auto& [id, r] : replicas_) {
    if (r->state == Replica::State::kSnapshotStarted && r->client->link) {
      r->client->link->Kill();
    }
  }
  return true;
}

void Replication::DisconnectReplicas() {
  for (auto& [id, r] : replicas_) {
    if (r->state != Replica::State::kAnnounced && r->client->link) r->client->link->Kill();
  }
}

void Replication::FreeBacklogIfIdle(int64_t now_ms) {
  const int64_t ttl = RedisOnlyNumber(server_.config.values(), "repl-backlog-ttl");
  if (!backlog_ || is_replica() || ttl == 0 || ReplicaCount() > 0) return;
  if (now_ms - no_replicas_since_ms_ < ttl * 1000) return;
  // A replica that comes back later cannot continue anyway: a new history starts.
  ChangeReplicationId();
  backlog_.reset();
  server_.UpdatePropagation();
  spdlog::info("Replication backlog freed after {} seconds without connected replicas.", ttl);
}

void Replication::Cron(int64_t now_ms) {
  const ConfigValues& cfg = server_.config.values();
  const int64_t period = RedisOnlyNumber(cfg, "repl-ping-replica-period");
  const int64_t timeout = RedisOnlyNumber(cfg, "repl-timeout");
  // A master pings its replicas, so that they can tell a silent master from a dead one;
  // not while a failover waits for one to reach the end of the stream.
  if (!is_replica() && ReplicaCount() > 0 && failover_.state == FailoverState::kNone &&
      now_ms - last_ping_ms_ >= period * 1000) {
    last_ping_ms_ = now_ms;
    static const std::string kPing = Encoded(std::vector<std::string_view>{"PING"});
    FeedStream(kPing);
  }
  const bool keepalive = now_ms - last_keepalive_ms_ >= 1000;
  if (keepalive) last_keepalive_ms_ = now_ms;
  for (auto& [id, r] : replicas_) {
    switch (r->state) {
      case Replica::State::kWaitSnapshot:
      case Replica::State::kSnapshotStarted:
        // A newline keeps a replica waiting for its snapshot from timing out.
        if (keepalive) r->Push("\n");
        break;
      case Replica::State::kSending:
        SendSnapshotChunks(*r);
        break;
      case Replica::State::kOnline:
        if (now_ms - r->ack_time_ms > timeout * 1000 && r->client->link) {
          spdlog::warn("Disconnecting timedout replica (streaming sync): {}", r->Name());
          r->client->link->Kill();
        }
        break;
      default:
        break;
    }
  }
  StartSnapshotIfNeeded();
  FreeBacklogIfIdle(now_ms);
  UpdateFailover();
}

}  // namespace kvd
