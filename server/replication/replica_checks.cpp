#include "server/replication/replica_checks.h"

#include "server/config_params.h"
#include "server/transaction.h"

namespace kvd {

bool ReplicaIgnoresMaxmemory(const ServerState& server) {
  return IsReplica(server) &&
         RedisOnlyNumber(server.config.values(), "replica-ignore-maxmemory") != 0;
}

bool ReplicaReadOnly(const ServerState& server) {
  return RedisOnlyNumber(server.config.values(), "replica-read-only") != 0;
}

bool RefusesStaleData(const ServerState& server) {
  return !server.replication->master_link()->link_up() &&
         RedisOnlyNumber(server.config.values(), "replica-serve-stale-data") == 0;
}

bool DeniedAsStale(const ClientState& client, const CommandSpec& spec) {
  if (!(spec.flags & kStale)) return true;
  return IsExec(spec) && client.InMulti() && (client.txn->flags_missing & kStale) != 0;
}

}  // namespace kvd
