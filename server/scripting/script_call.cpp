#include "server/scripting/script_call.h"

#include <chrono>
#include <vector>

#include "server/acl/acl.h"
#include "server/aof/aof.h"
#include "server/command_lookup.h"
#include "server/dispatcher.h"
#include "server/errors.h"
#include "server/replication/replication.h"
#include "server/server_state.h"

namespace kvd {
namespace {

// Redis's scriptVerifyWriteCommandAllow and scriptVerifyOOM: "" when the command may run.
std::string CheckWrite(ScriptRun& run, const CommandSpec& spec) {
  ServerState& server = run.caller.server;
  const ConfigValues& cfg = server.config.values();
  if (run.read_only && (spec.flags & (kWrite | kMayReplicate))) {
    return "-ERR Write commands are not allowed from read-only scripts.";
  }
  if (spec.flags & kWrite) {
    if (cfg.stop_writes_on_bgsave_error && !server.rdb_last_bgsave_ok && !cfg.save.empty()) {
      return "-" + std::string(kBgsaveMisconfErr);
    }
    if (!run.caller.client.replaying_aof && !run.caller.client.master &&
        TooFewReplicas(server, server.clock.NowMs())) {
      return "-" + std::string(kNoReplicasErr);
    }
    if (server.aof != nullptr && !run.caller.client.replaying_aof) {
      if (std::string err = server.aof->WriteError(); !err.empty()) return "-" + err;
    }
  }
  // Only before the script's first write, as Redis: once it has written, stopping it half
  // way would break its atomicity.
  if ((spec.flags & kDenyOom) && !run.allow_oom && !run.wrote && cfg.maxmemory > 0 &&
      !run.caller.client.replaying_aof &&
      server.store.AllocatedBytes() > static_cast<size_t>(cfg.maxmemory)) {
    return "-OOM command not allowed when used memory > 'maxmemory'.";
  }
  return "";
}

// Logs what the command changed as the script's effects, on the caller's context, so that
// the dispatcher logs them (as MULTI ... EXEC when more than one) in the script's place.
void RecordEffects(ScriptRun& run, const CommandContext& inner) {
  CommandContext& caller = run.caller;
  if (run.client.db != run.effects_db) {
    caller.Propagate({"SELECT", std::to_string(run.client.db)});
    run.effects_db = run.client.db;
  }
  if (inner.propagated.empty()) {
    caller.Propagate(std::vector<std::string>(inner.args.begin(), inner.args.end()));
  } else {
    for (const std::vector<std::string>& command : inner.propagated) caller.Propagate(command);
  }
}

}  // namespace

std::string RunScriptCommand(ScriptRun& run, std::span<const std::string_view> args,
                             std::string& reply) {
  ServerState& server = run.caller.server;
  const CommandSpec* spec = LookupCommand(server.commands, args);
  if (spec == nullptr) return "-ERR Unknown Redis command called from script";
  if (!spec->handler || !ArityOk(*spec, args.size())) {
    return "-ERR Wrong number of args calling Redis command from script";
  }
  if (spec->flags & kNoScript) return "-ERR This Redis command is not allowed from script";
  // ACL: the script runs with the permissions of the client that called it.
  if (const ClientState& caller = run.caller.client;
      caller.acl_user && !caller.acl_user->unrestricted() && !caller.replaying_aof) {
    if (std::string err = AclCheckScriptCall(run.caller, *spec, args); !err.empty()) {
      return "-" + err;
    }
  }
  if (std::string err = CheckWrite(run, *spec); !err.empty()) return err;

  // The whole script happens at one instant, as Redis's script time snapshot.
  ReplyWriter writer(reply, run.client.resp);
  CommandContext inner{args, writer, server.store, run.client, server, *spec,
                       run.caller.now_ms, false, 0, {}, run.caller.dispatcher};
  const auto start = std::chrono::steady_clock::now();
  spec->handler(inner);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  server.SettleTentativeWrites(inner.ChangedKeys());
  if (run.caller.dispatcher != nullptr && !run.caller.client.replaying_aof &&
      !run.caller.dispatcher->monitors().empty() && !(spec->flags & (kSkipMonitor | kAdmin))) {
    run.caller.dispatcher->monitors().Feed(server, run.client, *spec, run.client.db, args);
  }
  spec->calls++;
  spec->usec += std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
  if (inner.failed) spec->failed_calls++;
  if (inner.dirty > 0 || !inner.propagated.empty()) {
    RecordEffects(run, inner);
    // EVAL itself counts as a write that changed data (WATCH, the dirty counter's logging).
    run.caller.dirty += inner.dirty;
  }
  if (inner.dirty > 0) {
    run.wrote = true;
    server.script_run.wrote.store(true);
    // Served once the script has ended: the dispatcher serves ready keys after EVAL.
    if (inner.ChangedKeys() && !server.blocked.empty()) server.blocked.SignalKeys(args);
  }
  return "";
}

}  // namespace kvd
