// CLUSTER, READONLY, READWRITE and ASKING on a server without cluster support: each answers
// Redis's error for an instance with cluster-enabled no, after the usual subcommand and arity
// checks, so cluster-aware clients and tools probing the server (CLUSTER INFO) learn it is a
// standalone one.
#include "server/command.h"
#include "server/commands/key_spec.h"

namespace kvd {
namespace {

void ClusterDisabled(CommandContext& ctx) {
  ctx.Error("ERR This instance has cluster support disabled");
}

}  // namespace

void RegisterClusterCommands(CommandTable& t) {
  CommandSpec cluster = MakeSpec(
      "cluster", -2, 0, kNoKeys, nullptr,
      {"@slow", "cluster", "3.0.0", "A container for cluster commands", "Depends on subcommand."});
  cluster.subcommands = {
      MakeSpec(
          "cluster|addslots", -3, kAdmin | kStale | kNoAsyncLoading, kNoKeys, ClusterDisabled,
          {"@admin @slow @dangerous", "cluster", "3.0.0", "Assign new hash slots to receiving node",
           "O(N) where N is the total number of hash slot arguments"}),
      MakeSpec(
          "cluster|addslotsrange", -4, kAdmin | kStale | kNoAsyncLoading, kNoKeys, ClusterDisabled,
          {"@admin @slow @dangerous", "cluster", "7.0.0", "Assign new hash slots to receiving node",
           "O(N) where N is the total number of the slots between the start slot and end slot "
           "arguments."}),
      MakeSpec("cluster|bumpepoch", 2, kAdmin | kStale | kNoAsyncLoading, kNoKeys, ClusterDisabled,
               {"@admin @slow @dangerous", "cluster", "3.0.0", "Advance the cluster config epoch",
                "O(1)"}),
      MakeSpec("cluster|count-failure-reports", 3, kAdmin | kStale, kNoKeys, ClusterDisabled,
               {"@admin @slow @dangerous", "cluster", "3.0.0",
                "Return the number of failure reports active for a given node",
                "O(N) where N is the number of failure reports"}),
      MakeSpec("cluster|countkeysinslot", 3, kStale, kNoKeys, ClusterDisabled,
               {"@slow", "cluster", "3.0.0",
                "Return the number of local keys in the specified hash slot", "O(1)"}),
      MakeSpec("cluster|delslots", -3, kAdmin | kStale | kNoAsyncLoading, kNoKeys, ClusterDisabled,
               {"@admin @slow @dangerous", "cluster", "3.0.0",
                "Set hash slots as unbound in receiving node",
                "O(N) where N is the total number of hash slot arguments"}),
      MakeSpec("cluster|delslotsrange", -4, kAdmin | kStale | kNoAsyncLoading, kNoKeys,
               ClusterDisabled,
               {"@admin @slow @dangerous", "cluster", "7.0.0",
                "Set hash slots as unbound in receiving node",
                "O(N) where N is the total number of the slots between the start slot and end slot "
                "arguments."}),
      MakeSpec("cluster|failover", -2, kAdmin | kStale | kNoAsyncLoading, kNoKeys, ClusterDisabled,
               {"@admin @slow @dangerous", "cluster", "3.0.0",
                "Forces a replica to perform a manual failover of its master.", "O(1)"}),
      MakeSpec("cluster|flushslots", 2, kAdmin | kStale | kNoAsyncLoading, kNoKeys, ClusterDisabled,
               {"@admin @slow @dangerous", "cluster", "3.0.0",
                "Delete a node's own slots information", "O(1)"}),
      MakeSpec("cluster|forget", 3, kAdmin | kStale | kNoAsyncLoading, kNoKeys, ClusterDisabled,
               {"@admin @slow @dangerous", "cluster", "3.0.0", "Remove a node from the nodes table",
                "O(1)"}),
      MakeSpec("cluster|getkeysinslot", 4, kStale, kNoKeys, ClusterDisabled,
               {"@slow", "cluster", "3.0.0", "Return local key names in the specified hash slot",
                "O(log(N)) where N is the number of requested keys"}),
      MakeSpec("cluster|help", 2, kLoading | kStale, kNoKeys, ClusterDisabled,
               {"@slow", "cluster", "5.0.0", "Show helpful text about the different subcommands",
                "O(1)"}),
      MakeSpec(
          "cluster|info", 2, kStale, kNoKeys, ClusterDisabled,
          {"@slow", "cluster", "3.0.0", "Provides info about Redis Cluster node state", "O(1)"}),
      MakeSpec("cluster|keyslot", 3, kStale, kNoKeys, ClusterDisabled,
               {"@slow", "cluster", "3.0.0", "Returns the hash slot of the specified key",
                "O(N) where N is the number of bytes in the key"}),
      MakeSpec("cluster|links", 2, kStale, kNoKeys, ClusterDisabled,
               {"@slow", "cluster", "7.0.0",
                "Returns a list of all TCP links to and from peer nodes in cluster",
                "O(N) where N is the total number of Cluster nodes"}),
      MakeSpec("cluster|meet", -4, kAdmin | kStale | kNoAsyncLoading, kNoKeys, ClusterDisabled,
               {"@admin @slow @dangerous", "cluster", "3.0.0",
                "Force a node cluster to handshake with another node", "O(1)"}),
      MakeSpec("cluster|myshardid", 2, kStale, kNoKeys, ClusterDisabled,
               {"@slow", "cluster", "7.2.0", "Returns the shard ID of a node.", "O(1)"}),
      MakeSpec("cluster|myid", 2, kStale, kNoKeys, ClusterDisabled,
               {"@slow", "cluster", "3.0.0", "Return the node id", "O(1)"}),
      MakeSpec("cluster|nodes", 2, kStale, kNoKeys, ClusterDisabled,
               {"@slow", "cluster", "3.0.0", "Get Cluster config for the node",
                "O(N) where N is the total number of Cluster nodes"}),
      MakeSpec("cluster|replicas", 3, kAdmin | kStale, kNoKeys, ClusterDisabled,
               {"@admin @slow @dangerous", "cluster", "5.0.0",
                "List replica nodes of the specified master node", "O(1)"}),
      MakeSpec("cluster|replicate", 3, kAdmin | kStale | kNoAsyncLoading, kNoKeys, ClusterDisabled,
               {"@admin @slow @dangerous", "cluster", "3.0.0",
                "Reconfigure a node as a replica of the specified master node", "O(1)"}),
      MakeSpec("cluster|reset", -2, kAdmin | kNoScript | kStale, kNoKeys, ClusterDisabled,
               {"@admin @slow @dangerous", "cluster", "3.0.0", "Reset a Redis Cluster node",
                "O(N) where N is the number of known nodes. The command may execute a FLUSHALL as "
                "a side effect."}),
      MakeSpec("cluster|saveconfig", 2, kAdmin | kStale | kNoAsyncLoading, kNoKeys, ClusterDisabled,
               {"@admin @slow @dangerous", "cluster", "3.0.0",
                "Forces the node to save cluster state on disk", "O(1)"}),
      MakeSpec("cluster|set-config-epoch", 3, kAdmin | kStale | kNoAsyncLoading, kNoKeys,
               ClusterDisabled,
               {"@admin @slow @dangerous", "cluster", "3.0.0",
                "Set the configuration epoch in a new node", "O(1)"}),
      MakeSpec("cluster|setslot", -4, kAdmin | kStale | kNoAsyncLoading, kNoKeys, ClusterDisabled,
               {"@admin @slow @dangerous", "cluster", "3.0.0",
                "Bind a hash slot to a specific node", "O(1)"}),
      MakeSpec("cluster|shards", 2, kStale, kNoKeys, ClusterDisabled,
               {"@slow", "cluster", "7.0.0", "Get array of cluster slots to node mappings",
                "O(N) where N is the total number of cluster nodes"}),
      MakeSpec("cluster|slaves", 3, kAdmin | kStale, kNoKeys, ClusterDisabled,
               {"@admin @slow @dangerous", "cluster", "3.0.0",
                "List replica nodes of the specified master node", "O(1)"}),
      MakeSpec("cluster|slots", 2, kStale, kNoKeys, ClusterDisabled,
               {"@slow", "cluster", "3.0.0", "Get array of Cluster slot to node mappings",
                "O(N) where N is the total number of Cluster nodes"}),
  };
  t.Add(std::move(cluster));
  t.Add(MakeSpec("readonly", 1, kLoading | kStale | kFast, kNoKeys, ClusterDisabled,
                 {"@fast @connection", "cluster", "3.0.0",
                  "Enables read queries for a connection to a cluster replica node", "O(1)"}));
  t.Add(MakeSpec("readwrite", 1, kLoading | kStale | kFast, kNoKeys, ClusterDisabled,
                 {"@fast @connection", "cluster", "3.0.0",
                  "Disables read queries for a connection to a cluster replica node", "O(1)"}));
  t.Add(MakeSpec("asking", 1, kFast, kNoKeys, ClusterDisabled,
                 {"@fast @connection", "cluster", "3.0.0",
                  "Sent by cluster clients after an -ASK redirect", "O(1)"}));
}

}  // namespace kvd
