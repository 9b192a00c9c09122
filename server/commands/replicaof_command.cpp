// Who is master: REPLICAOF host port (and its old name SLAVEOF) makes this server a replica
// of that master, or with NO ONE a master again, keeping its data; FAILOVER hands a master's
// role to one of its replicas (server/replication/replication.h).
#include <spdlog/spdlog.h>

#include <optional>
#include <string>

#include "core/numeric.h"
#include "core/text.h"
#include "server/client_state.h"
#include "server/command.h"
#include "server/commands/client_commands.h"
#include "server/commands/key_spec.h"
#include "server/errors.h"
#include "server/replication/replication.h"
#include "server/server_state.h"

namespace kvd {
namespace {

void CmdReplicaOf(CommandContext& ctx) {
  Replication* replication = ctx.server.replication;
  if (replication == nullptr) return ctx.Error("ERR replication is not available");
  if (replication->failover_state() != Replication::FailoverState::kNone) {
    return ctx.Error("ERR REPLICAOF not allowed while failing over.");
  }
  if (EqualsIgnoreCase(ctx.args[1], "no") && EqualsIgnoreCase(ctx.args[2], "one")) {
    if (replication->is_replica()) {
      replication->BecomeMaster();
      spdlog::info("MASTER MODE enabled (user request from '{}')",
                   ClientInfoString(ctx.client, ctx));
    }
    return ctx.reply.Ok();
  }
  // It would be disconnected with our other replicas.
  if (ctx.client.replica) return ctx.Error("ERR Command is not valid when client is a replica.");
  const std::optional<int64_t> port = ParseInt64(ctx.args[2]);
  if (!port || *port < 0 || *port > 65535) return ctx.Error("ERR Invalid master port");
  const std::string host(ctx.args[1]);
  if (replication->is_replica()) {
    const MasterLinkStatus link = replication->master_link()->Status();
    if (EqualsIgnoreCase(link.host, host) && link.port == *port) {
      spdlog::info(
          "REPLICAOF would result into synchronization with the master we are already "
          "connected with. No operation performed.");
      return ctx.reply.Simple("OK Already connected to specified master");
    }
  }
  if (std::string err = replication->ReplicaOf(host, static_cast<int>(*port)); !err.empty()) {
    return ctx.Error(err);
  }
  spdlog::info("REPLICAOF {}:{} enabled (user request from '{}')", host, *port,
               ClientInfoString(ctx.client, ctx));
  ctx.reply.Ok();
}

// FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT milliseconds], parsed as Redis does: each
// option once, ABORT only alone.
void CmdFailover(CommandContext& ctx) {
  Replication* replication = ctx.server.replication;
  if (replication == nullptr) return ctx.Error("ERR replication is not available");
  const auto& args = ctx.args;
  if (args.size() == 2 && EqualsIgnoreCase(args[1], "abort")) {
    if (replication->failover_state() == Replication::FailoverState::kNone) {
      return ctx.Error("ERR No failover in progress.");
    }
    replication->AbortFailover("Failover manually aborted");
    return ctx.reply.Ok();
  }
  Replication::FailoverRequest request;
  bool has_target = false;
  for (size_t j = 1; j < args.size(); ++j) {
    if (EqualsIgnoreCase(args[j], "timeout") && j + 1 < args.size() && request.timeout_ms == 0) {
      const std::optional<int64_t> ms = ParseInt64(args[j + 1]);
      if (!ms) return ctx.Error(kNotIntegerErr);
      if (*ms <= 0) return ctx.Error("ERR FAILOVER timeout must be greater than 0");
      request.timeout_ms = *ms;
      ++j;
    } else if (EqualsIgnoreCase(args[j], "to") && j + 2 < args.size() && !has_target) {
      const std::optional<int64_t> port = ParseInt64(args[j + 2]);
      if (!port) return ctx.Error(kNotIntegerErr);
      request.host = std::string(args[j + 1]);
      // A port no replica can listen on matches none ("is not a replica").
      request.port = *port >= 0 && *port <= 65535 ? static_cast<int>(*port) : -1;
      has_target = true;
      j += 2;
    } else if (EqualsIgnoreCase(args[j], "force") && !request.force) {
      request.force = true;
    } else {
      return ctx.Error(kSyntaxErr);
    }
  }
  if (std::string err = replication->StartFailover(std::move(request)); !err.empty()) {
    return ctx.Error(err);
  }
  ctx.reply.Ok();
}

}  // namespace

void RegisterReplicaofCommands(CommandTable& t) {
  constexpr uint32_t kFlags = kAdmin | kNoScript | kStale | kNoAsyncLoading;
  t.Add(
      MakeSpec("replicaof", 3, kFlags, kNoKeys, CmdReplicaOf,
               {"@admin @slow @dangerous", "server", "5.0.0",
                "Configures a server as replica of another, or promotes it to a master.", "O(1)"}));
  t.Add(MakeSpec(
      "slaveof", 3, kFlags, kNoKeys, CmdReplicaOf,
      {"@admin @slow @dangerous", "server", "1.0.0",
       "Sets a Redis server as a replica of another, or promotes it to being a master.", "O(1)"}));
  t.Add(MakeSpec("failover", -1, kFlags, kNoKeys, CmdFailover,
                 {"@admin @slow @dangerous", "server", "6.2.0",
                  "Starts a coordinated failover from a server to one of its replicas.", "O(1)"}));
}

}  // namespace kvd
