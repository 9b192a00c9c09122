// The replica side of Replication (server/replication/replication.h): becoming a replica of a
// master (REPLICAOF, the `replicaof` directive), the identity the link continues from, and
// going back to being a master (REPLICAOF NO ONE). Redis's replicationSetMaster,
// replicationUnsetMaster and the psync2 replid switch.
#include <spdlog/spdlog.h>

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "core/numeric.h"
#include "core/rdb_reader.h"
#include "server/blocking.h"
#include "server/config_params.h"
#include "server/replication/replication.h"
#include "server/server_state.h"

namespace kvd {
namespace {

// CONFIG GET replicaof shows the current master, as Redis's.
void ShowInConfig(ServerState& server, std::string_view host, std::string_view port) {
  const std::array<std::string_view, 2> words{host, port};
  server.config.ApplyStartup("replicaof", words);
}

// Clients blocked waiting for data (or for replicas) would wait for writes this server no
// longer takes: they get an error, as Redis's disconnectAllBlockedClients gives them.
void UnblockAllClients(ServerState& server) {
  std::vector<uint64_t> blocked;
  for (const auto& [id, client] : server.clients) {
    if (client->blocked && !client->paused) blocked.push_back(id);
  }
  for (uint64_t id : blocked) {
    auto it = server.clients.find(id);
    if (it == server.clients.end()) continue;
    UnblockClientWithError(server, *it->second,
                           "UNBLOCKED force unblock from blocking operation, instance state "
                           "changed (master -> replica?)");
  }
}

}  // namespace

std::string Replication::ReplicaOf(const std::string& host, int port) {
  if (!make_master_link) return "ERR this server cannot connect to a master";
  if (!is_replica()) {
    // As Redis: a new master that was our replica (a failover) continues our history, so
    // asking to continue from it may spare the full transfer.
    spdlog::info(
        "Before turning into a replica, using my own master parameters to synthesize a cached "
        "master: I may be able to synchronize with the new master with just a partial "
        "transfer.");
    can_continue_ = true;
    master_stream_db_ = 0;  // a promoted replica's stream starts with a SELECT
  }
  StartLink(host, port);
  return "";
}

void Replication::StartFromConfig() {
  const std::string value = RedisOnlyValue(server_.config.values(), "replicaof");
  const std::vector<std::string_view> words = SplitWords(value);
  if (words.size() != 2 || !make_master_link) return;
  const std::optional<int64_t> port = ParseInt64(words[1]);
  if (!port || *port < 0 || *port > 65535) return;
  StartLink(std::string(words[0]), static_cast<int>(*port));
}

void Replication::StartLink(const std::string& host, int port) {
  master_link_.reset();  // closes the link to the previous master, if any
  // Our replicas followed the previous master's history, or ours: they sync again.
  DisconnectReplicas();
  UnblockAllClients(server_);
  // Keys expire when the master says so (a DEL in its stream), never here.
  server_.store.SetKeepExpired(true);
  ShowInConfig(server_, host, std::to_string(port));
  master_link_ = make_master_link(host, port);
  server_.UpdatePropagation();  // the stream we pass on is the master's, not our writes
}

void Replication::BecomeMaster() {
  if (!is_replica()) return;
  master_link_.reset();
  can_continue_ = false;
  // A new history: a replica of the same master that has read as far as we have may still
  // continue with us, from replid2.
  ShiftReplicationId();
  spdlog::warn(
      "Setting secondary replication ID to {}, valid up to offset: {}. New replication "
      "ID is {}",
      replid2_, second_replid_offset_, replid_);
  DisconnectReplicas();  // they learn of the new replid when they reconnect
  selected_db_ = -1;     // our own stream starts with a SELECT
  server_.store.SetKeepExpired(false);
  ShowInConfig(server_, "no", "one");
  server_.UpdatePropagation();
}

void Replication::OnFullSync(std::string replid, int64_t offset) {
  SetIdentity(std::move(replid), offset);
  can_continue_ = true;
}

void Replication::RestoreFromSnapshot(const RdbLoadInfo& info) {
  if (!is_replica() || info.repl_id.empty() || info.repl_offset < 0 || info.repl_stream_db < 0 ||
      static_cast<uint64_t>(info.repl_stream_db) >= server_.store.DatabaseCount()) {
    return;
  }
  SetHistory(info.repl_id, info.repl_offset);
  master_stream_db_ = static_cast<size_t>(info.repl_stream_db);
  can_continue_ = true;
  spdlog::info(
      "Using the replication ID and offset the snapshot recorded ({}:{}) to synthesize a cached "
      "master: I may be able to synchronize with the master with just a partial transfer.",
      replid_, offset_);
}

void Replication::OnContinue(std::string_view new_replid) {
  can_continue_ = true;
  if (new_replid.empty() || new_replid == replid_) return;
  // The master was promoted (psync2): what we hold is valid up to here under the old id.
  replid2_ = replid_;
  second_replid_offset_ = offset_ + 1;
  replid_ = std::string(new_replid);
  spdlog::warn("Master replication ID changed to {}", replid_);
  DisconnectReplicas();  // ours must learn the new id
}

}  // namespace kvd
