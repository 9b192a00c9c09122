#pragma once
// Replication, both roles, as the store strand sees it (Redis's replication.c).
//
// Master side: every write the server propagates (ServerState::propagate) is encoded once,
// as the append-only log encodes it, into the replication stream: the backlog
// (server/replication/backlog.h) and each replica's connection. A replica arrives with
// PSYNC <replid> <offset> (or the old SYNC): when the backlog still holds what it misses it
// continues (+CONTINUE) from there; otherwise a snapshot of the dataset is written to a file
// in `dir` by the forkless background snapshot (+FULLRESYNC <replid> <offset> at the moment it
// starts), sent as one bulk, and followed by the stream from that offset, held meanwhile.
// Replicas acknowledge their offset (REPLCONF ACK) each second: WAIT and
// min-replicas-to-write count them.
//
// Replica side: REPLICAOF host port (or `replicaof` in the config) hands the link to the
// network layer (server/net/master_link.h), which syncs from the master and applies its
// stream; this class keeps the identity (replid, offset) it continues from, and passes the
// master's stream on, byte for byte, to its own backlog and replicas.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/replication/backlog.h"

namespace kvd {

class ClientPause;
class ServerState;
struct ClientState;
struct RdbLoadInfo;
struct RdbReplicationInfo;

// 40 random hex digits: a replication id (and Redis's run_id).
std::string RandomReplicationId();

// min-replicas-to-write: writes are refused (-NOREPLICAS) for want of replicas that
// acknowledged lately. A replica does not count its own (its master decides), as in Redis.
bool TooFewReplicas(const ServerState& server, int64_t now_ms);

// What INFO replication and ROLE show of a replica's link to its master.
struct MasterLinkStatus {
  std::string host;
  int port = 0;
  // ROLE's state: "connect", "connecting", "handshake", "sync" or "connected".
  std::string_view state = "connect";
  bool link_up = false;            // master_link_status:up
  int64_t last_io_ms = 0;          // the master last sent something (server clock)
  int64_t link_down_since_ms = 0;  // 0: never up since REPLICAOF
  bool sync_in_progress = false;   // the snapshot is being received
  int64_t sync_total_bytes = -1;   // -1: size not known (an EOF-marked payload)
  int64_t sync_read_bytes = 0;
  int64_t sync_last_io_ms = 0;
  int64_t read_offset = 0;  // slave_read_repl_offset: the stream read so far
};

// The replica side's link, owned by Replication, made by the network layer. Destroying it
// closes the connection to the master.
class MasterLink {
 public:
  virtual ~MasterLink() = default;
  virtual MasterLinkStatus Status() const = 0;
  // master_link_status:up (what replica-serve-stale-data looks at for every command).
  virtual bool link_up() const = 0;
  // The database the master's stream has selected, which a snapshot records.
  virtual size_t stream_db() const = 0;
};

class Replication {
 public:
  explicit Replication(ServerState& server);
  ~Replication();
  Replication(const Replication&) = delete;
  Replication& operator=(const Replication&) = delete;

  // ---- Identity and the stream (replication.cpp) ----
  const std::string& replid() const { return replid_; }
  const std::string& replid2() const { return replid2_; }
  int64_t offset() const { return offset_; }  // master_repl_offset
  int64_t second_replid_offset() const { return second_replid_offset_; }
  const ReplicationBacklog* backlog() const { return backlog_.get(); }
  // Whether ServerState::propagate must reach Feed: a backlog exists (it is made for the
  // first replica and kept, as in Redis).
  bool wants_feed() const { return backlog_ != nullptr && !is_replica(); }
  // A propagated write in database `db` (ServerState::propagate). A replica feeds nothing of
  // its own: it passes its master's stream on (FeedStream).
  void Feed(size_t db, std::span<const std::string_view> command);
  // Raw stream bytes: appended to the backlog and sent to every replica; the offset grows.
  void FeedStream(std::string_view bytes);
  // A new history: a new replid; the old one stays valid up to the current offset as replid2
  // (Redis's shiftReplicationId, at promotion).
  void ShiftReplicationId();
  // A new replid and no replid2: no replica can continue from before (DEBUG CHANGE-REPL-ID,
  // Redis's changeReplicationId and clearReplicationId2).
  void ChangeReplicationId();
  // The replica side after a full sync from its master: the master's replid and offset, and a
  // fresh backlog (what was held belongs to another history).
  void SetIdentity(std::string replid, int64_t offset);
  // CONFIG SET repl-backlog-size.
  void OnConfigChange(std::string_view name);
  // What a snapshot records of the stream (Redis's rdbPopulateSaveInfo): false when there is
  // nothing a replica could continue from (a master that never had replicas, a replica
  // that never synced).
  bool SaveInfo(RdbReplicationInfo& out) const;

  // ---- Master side (replication_master.cpp) ----
  // REPLCONF's options before PSYNC: listening-port, ip-address, capa.
  void SetReplicaPort(ClientState& client, int port);
  void SetReplicaAddress(ClientState& client, std::string ip);
  void SetReplicaCapa(ClientState& client, std::string_view capa);
  // REPLCONF rdb-only 1: a tool that wants the snapshot alone (redis-cli --rdb) gets no
  // stream after it. REPLCONF rdb-filter-only "functions" (or ""): its snapshot holds no keys,
  // only the function libraries (or nothing at all), as redis-cli --functions-rdb asks.
  void SetReplicaRdbOnly(ClientState& client, bool rdb_only);
  void SetReplicaRdbFilter(ClientState& client, bool with_functions);
  // REPLCONF ACK <offset>: a replica's processed offset; serves WAITs it satisfies.
  void Ack(ClientState& client, int64_t offset);
  // PSYNC <replid> <offset> (psync true) or SYNC: answers on the client's link. Returns ""
  // or an error for the command to reply.
  std::string Sync(ClientState& client, bool psync, std::string_view replid, int64_t offset);
  // The client went away (ServerState::RemoveClient).
  void OnClientGone(ClientState& client);
  // Clients that are replicas, whatever their state (INFO connected_slaves).
  size_t ReplicaCount() const;
  // min-replicas-to-write: online replicas whose last ACK is at most max-lag seconds old.
  int GoodReplicas(int64_t now_ms) const;
  // Replicas whose acknowledged offset reached `offset` (WAIT).
  int64_t AckedReplicas(int64_t offset) const;
  // WAIT that has to wait: remembers the client (blocked by the command) and asks every
  // replica for its offset.
  void AddWaiter(ClientState& client, int64_t numreplicas, int64_t offset);
  // Asks every replica for its offset (REPLCONF GETACK through the stream).
  void RequestAcks();
  // Every replica acknowledged the whole stream (a shutdown waits for that); otherwise logs
  // each lagging one when `log_lagging`.
  bool ReplicasCaughtUp(bool log_lagging = false) const;
  // Pings, keepalives, snapshot transfers and dropping replicas silent past repl-timeout.
  void Cron(int64_t now_ms);
  // INFO replication's slaveN lines and ROLE's replica list.
  struct ReplicaView {
    std::string ip;
    int port = 0;
    std::string_view state;  // wait_bgsave, send_bulk, online
    int64_t ack_offset = 0;
    int64_t lag_seconds = 0;
  };
  std::vector<ReplicaView> Replicas(int64_t now_ms) const;
  // Stops the snapshot being written for replicas (its replicas are closed); false when
  // none runs.
  bool AbortSnapshot();
  // Closes every replica's link (a replica that changes master: theirs must sync again).
  void DisconnectReplicas();

  // ---- FAILOVER (failover.cpp): a master hands its role to one of its replicas ----
  enum class FailoverState { kNone, kWaitForSync, kInProgress };
  struct FailoverRequest {
    std::string host;  // TO host port; "" for the first replica that catches up
    int port = 0;
    int64_t timeout_ms = 0;  // 0: no timeout
    bool force = false;      // fail over at the timeout even if the target lags
  };
  // FAILOVER [TO host port [FORCE]] [TIMEOUT ms]: writes pause until a replica acknowledged
  // the whole stream; then this server becomes its replica and asks it, with PSYNC ...
  // FAILOVER, to take over. Returns "" or the error to reply.
  std::string StartFailover(FailoverRequest request);
  // Ends a failover that did not complete: back to being a master (when this server had
  // turned into a replica already), writes resume. Logs `why`.
  void AbortFailover(std::string_view why);
  FailoverState failover_state() const { return failover_.state; }
  // INFO replication's master_failover_state.
  std::string_view FailoverStateName() const;
  // The link's PSYNC was answered: a failover in progress is complete when the target took
  // over (+CONTINUE or +FULLRESYNC), and aborted otherwise.
  void OnPsyncAnswered(bool accepted);
  // Set by the network layer: the pause a failover holds writes with.
  ClientPause* client_pause = nullptr;

  // ---- Replica side (replica_role.cpp; the link itself: server/net/master_link.h) ----
  bool is_replica() const { return master_link_ != nullptr; }
  MasterLink* master_link() const { return master_link_.get(); }
  // REPLICAOF host port: replaces any link by one to host:port. Returns "" or an error.
  std::string ReplicaOf(const std::string& host, int port);
  // The `replicaof` directive at startup: the link starts (connecting once the dataset has
  // loaded), with no identity to continue from. Nothing when the directive is not set.
  void StartFromConfig();
  // REPLICAOF NO ONE: drops the link; the data stays and this server goes on as a master of
  // a new history (the master's replid stays valid up to here, as replid2).
  void BecomeMaster();
  // Set by the network layer: makes the link to host:port, which starts connecting.
  std::function<std::unique_ptr<MasterLink>(const std::string& host, int port)> make_master_link;
  // Whether PSYNC may ask to continue from replid() and offset() (Redis's cached master):
  // this server synced from a master before, or was a master itself when REPLICAOF came.
  bool can_continue() const { return can_continue_; }
  // The link's outcomes. A full sync loaded the master's snapshot, taken at `offset` of its
  // history `replid`. A partial one (+CONTINUE) goes on from offset(); a master with a new
  // history (psync2, after a failover) names it: ours up to here becomes replid2.
  void OnFullSync(std::string replid, int64_t offset);
  void OnContinue(std::string_view new_replid);
  // The database the master's stream had selected when the link was lost: a partial sync
  // goes on in it.
  size_t master_stream_db() const { return master_stream_db_; }
  void set_master_stream_db(size_t db) { master_stream_db_ = db; }
  // A replica that loaded a snapshot at startup: when the file recorded where the stream
  // stood (SaveInfo), the link asks to continue from there (Redis restores its cached master
  // from the RDB's repl-id, repl-offset and repl-stream-db). Masters ignore it, as Redis.
  void RestoreFromSnapshot(const RdbLoadInfo& info);

 private:
  struct Replica;
  struct Waiter {
    uint64_t client_id;
    int64_t numreplicas;
    int64_t offset;
  };
  // replid and offset, with no secondary id (Redis's clearReplicationId2).
  void SetHistory(std::string replid, int64_t offset);
  void CreateBacklog();
  Replica& Announced(ClientState& client);  // the entry REPLCONF and SYNC fill in
  Replica* FindReplica(const ClientState& client);  // a client that is a replica, or null
  bool TryPartialSync(Replica& r, std::string_view replid, int64_t offset);
  void StartSnapshotIfNeeded();
  void OnSnapshotDone(uint64_t generation, const std::string& error);
  void SendSnapshotChunks(Replica& r);
  // A snapshot without keys is made at once and sent whole, apart from the shared one.
  void SendFilteredSnapshot(Replica& r);
  void GoOnline(Replica& r);
  void ServeWaiters();
  void FreeBacklogIfIdle(int64_t now_ms);
  // The replica listening at host:port (any state), or null.
  Replica* FindReplicaAt(std::string_view host, int port);
  // Checks a failover waiting for a replica to catch up: hands over, or gives up at its
  // timeout (Redis's updateFailoverStatus).
  void UpdateFailover();
  void HandOver();
  void EndFailover();

  ServerState& server_;
  std::string replid_;
  std::string replid2_;
  int64_t offset_ = 0;
  int64_t second_replid_offset_ = -1;
  std::unique_ptr<ReplicationBacklog> backlog_;
  int64_t selected_db_ = -1;  // the database the stream last SELECTed
  std::string encode_buf_;

  // Replicas, and clients that announced themselves with REPLCONF, by client id.
  std::map<uint64_t, std::unique_ptr<Replica>> replicas_;
  std::vector<Waiter> waiters_;
  bool getack_posted_ = false;
  int64_t no_replicas_since_ms_ = 0;  // repl-backlog-ttl counts from here
  // The snapshot for replicas: its file, while replicas wait for or read it.
  bool snapshot_running_ = false;
  uint64_t snapshot_generation_ = 0;
  int64_t last_ping_ms_ = 0;
  int64_t last_keepalive_ms_ = 0;
  struct Failover {
    FailoverState state = FailoverState::kNone;
    std::string host;  // the target, once known
    int port = 0;
    int64_t end_ms = 0;  // 0: no timeout
    bool force = false;
  };
  Failover failover_;

  // Replica side.
  void StartLink(const std::string& host, int port);
  bool can_continue_ = false;
  size_t master_stream_db_ = 0;
  std::unique_ptr<MasterLink> master_link_;
};

}  // namespace kvd
