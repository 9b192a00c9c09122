#include "server/commands/replication_commands.h"

#include <spdlog/spdlog.h>

#include <optional>
#include <string>

#include "core/numeric.h"
#include "core/text.h"
#include "server/commands/client_commands.h"
#include "server/commands/key_spec.h"
#include "server/config_params.h"
#include "server/errors.h"
#include "server/replication/replication.h"
#include "server/server_state.h"

namespace kvd {
namespace {

constexpr const char* kInternalCats = "@admin @slow @dangerous";

// SYNC and PSYNC <replid> <offset> [FAILOVER]: the client becomes a replica. What follows
// (+FULLRESYNC and the snapshot, or +CONTINUE and the backlog, then the stream) goes out on its
// link.
void SyncCommand(CommandContext& ctx, bool psync) {
  Replication* replication = ctx.server.replication;
  if (replication == nullptr) return ctx.Error("ERR replication is not available");
  int64_t offset = -1;
  std::string_view replid;
  if (psync) {
    const std::optional<int64_t> parsed = ParseInt64(ctx.args[2]);
    if (!parsed) return ctx.Error(kNotIntegerErr);
    offset = *parsed;
    replid = ctx.args[1];
  }
  if (ctx.client.replica) return;  // already one: ignored, as in Redis
  // PSYNC <replid> <offset> FAILOVER: our master hands its role over (its FAILOVER) and
  // continues as our replica. It must be the master we follow.
  if (psync && ctx.args.size() > 3 && EqualsIgnoreCase(ctx.args[3], "failover")) {
    if (replid != replication->replid()) {
      return ctx.Error("ERR PSYNC FAILOVER replid must match my replid.");
    }
    replication->BecomeMaster();
    spdlog::info("MASTER MODE enabled (failover request from '{}')",
                 ClientInfoString(ctx.client, ctx));
  }
  if (std::string err = replication->Sync(ctx.client, psync, replid, offset); !err.empty()) {
    ctx.Error(err);
  }
}

void CmdSync(CommandContext& ctx) { SyncCommand(ctx, false); }
void CmdPsync(CommandContext& ctx) { SyncCommand(ctx, true); }

// REPLCONF <option> <value> ...: what a replica tells its master before and after PSYNC.
void CmdReplconf(CommandContext& ctx) {
  Replication* replication = ctx.server.replication;
  if (ctx.args.size() % 2 == 0) return ctx.Error(kSyntaxErr);
  if (replication == nullptr) return ctx.Error("ERR replication is not available");
  for (size_t i = 1; i + 1 < ctx.args.size(); i += 2) {
    const std::string_view option = ctx.args[i];
    const std::string_view value = ctx.args[i + 1];
    if (EqualsIgnoreCase(option, "listening-port")) {
      const std::optional<int64_t> port = ParseInt64(value);
      if (!port) return ctx.Error(kNotIntegerErr);
      replication->SetReplicaPort(ctx.client, static_cast<int>(*port));
    } else if (EqualsIgnoreCase(option, "ip-address")) {
      if (value.size() >= 46) {  // Redis's NET_HOST_STR_LEN
        return ctx.Error("ERR REPLCONF ip-address provided by replica instance is too long: " +
                         std::to_string(value.size()) + " bytes");
      }
      replication->SetReplicaAddress(ctx.client, std::string(value));
    } else if (EqualsIgnoreCase(option, "capa")) {
      replication->SetReplicaCapa(ctx.client, value);
    } else if (EqualsIgnoreCase(option, "ack")) {
      // A replica's offset: never answered (the link carries the stream the other way).
      if (std::optional<int64_t> offset = ParseInt64(value); offset && ctx.client.replica) {
        replication->Ack(ctx.client, *offset);
      }
      return;
    } else if (EqualsIgnoreCase(option, "getack")) {
      // Only the master asks, through the stream, and the link answers it.
      return;
    } else if (EqualsIgnoreCase(option, "rdb-only")) {
      const std::optional<int64_t> on = ParseInt64(value);
      if (!on) return ctx.Error(kNotIntegerErr);
      if (*on < 0 || *on > 1)
        return ctx.Error("ERR value is out of range, value must between 0 and 1");
      replication->SetReplicaRdbOnly(ctx.client, *on == 1);
    } else if (EqualsIgnoreCase(option, "rdb-filter-only")) {
      // Space-separated filters of what the snapshot includes; "functions" is the only one.
      bool with_functions = false;
      for (std::string_view filter : SplitWords(value)) {
        if (!EqualsIgnoreCase(filter, "functions")) {
          return ctx.Error("ERR Unsupported rdb-filter-only option: " + std::string(filter));
        }
        with_functions = true;
      }
      replication->SetReplicaRdbFilter(ctx.client, with_functions);
    } else {
      return ctx.Error("ERR Unrecognized REPLCONF option: " + std::string(option));
    }
  }
  ctx.reply.Ok();
}

// ROLE: ["master", offset, [[ip, port, acked offset]...]]; a replica's
// ["slave", host, port, state, offset].
void CmdRole(CommandContext& ctx) {
  Replication* replication = ctx.server.replication;
  if (replication != nullptr && replication->is_replica()) {
    const MasterLinkStatus link = replication->master_link()->Status();
    ctx.reply.ArrayHeader(5);
    ctx.reply.Bulk("slave");
    ctx.reply.Bulk(link.host);
    ctx.reply.Integer(link.port);
    ctx.reply.Bulk(link.state);
    ctx.reply.Integer(link.link_up ? replication->offset() : -1);
    return;
  }
  ctx.reply.ArrayHeader(3);
  ctx.reply.Bulk("master");
  ctx.reply.Integer(replication ? replication->offset() : 0);
  if (replication == nullptr) return ctx.reply.ArrayHeader(0);
  const std::vector<Replication::ReplicaView> replicas = replication->Replicas(ctx.now_ms);
  ctx.reply.ArrayHeader(replicas.size());
  for (const Replication::ReplicaView& r : replicas) {
    ctx.reply.ArrayHeader(3);
    ctx.reply.Bulk(r.ip);
    ctx.reply.Bulk(std::to_string(r.port));
    ctx.reply.Bulk(std::to_string(r.ack_offset));
  }
}

}  // namespace

void RegisterReplicationCommands(CommandTable& t) {
  t.Add(
      MakeSpec("sync", 1, kAdmin | kNoScript | kNoMulti | kNoAsyncLoading, {}, CmdSync,
               {kInternalCats, "server", "1.0.0", "An internal command used in replication.", ""}));
  t.Add(
      MakeSpec("psync", -3, kAdmin | kNoScript | kNoMulti | kNoAsyncLoading, {}, CmdPsync,
               {kInternalCats, "server", "2.8.0", "An internal command used in replication.", ""}));
  t.Add(MakeSpec("replconf", -1, kAdmin | kNoScript | kLoading | kStale | kAllowBusy, {},
                 CmdReplconf,
                 {kInternalCats, "server", "3.0.0",
                  "An internal command for configuring the replication stream.", "O(1)"}));
  t.Add(MakeSpec(
      "role", 1, kNoScript | kLoading | kStale | kFast, {}, CmdRole,
      {"@admin @fast @dangerous", "server", "2.8.12", "Returns the replication role.", "O(1)"}));
}

}  // namespace kvd
