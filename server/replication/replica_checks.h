#pragma once
// What a replica refuses its own clients (Redis's processCommand): writes while
// replica-read-only is set, and, while the link to the master is down with
// replica-serve-stale-data no, every command not flagged "stale". The log replay and the
// master's stream are never refused (the dispatcher checks that first).
#include <string_view>

#include "server/client_state.h"
#include "server/command.h"
#include "server/replication/replication.h"
#include "server/server_state.h"

namespace kvd {

inline constexpr std::string_view kReadOnlyReplicaErr =
    "READONLY You can't write against a read only replica.";
inline constexpr std::string_view kMasterDownErr =
    "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";

inline bool IsReplica(const ServerState& server) {
  return server.replication != nullptr && server.replication->is_replica();
}

// A replica with replica-ignore-maxmemory: its master evicts, and sends the DELs.
bool ReplicaIgnoresMaxmemory(const ServerState& server);
// replica-read-only (on a replica).
bool ReplicaReadOnly(const ServerState& server);
// The link is down and replica-serve-stale-data is no (on a replica).
bool RefusesStaleData(const ServerState& server);
// The command is not one a stale replica serves: not flagged "stale", or an EXEC with a
// queued command that is not.
bool DeniedAsStale(const ClientState& client, const CommandSpec& spec);

}  // namespace kvd
