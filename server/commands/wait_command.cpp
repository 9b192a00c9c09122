// WAIT numreplicas timeout: blocks until `numreplicas` replicas acknowledged every write the
// client made (its offset in the replication stream, ClientState::woff) or the timeout passes
// (0: forever), then replies how many did. As Redis: at once when enough already did, or
// when the client may not block (MULTI, scripts); an error on a replica.
#include <optional>

#include "core/numeric.h"
#include "server/blocking.h"
#include "server/commands/key_commands.h"
#include "server/errors.h"
#include "server/replication/replication.h"
#include "server/server_state.h"

namespace kvd::key_commands {

void Wait(CommandContext& ctx) {
  Replication* replication = ctx.server.replication;
  if (replication != nullptr && replication->is_replica()) {
    return ctx.Error(
        "ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 "
        "if a replica is configured to be writable (which is not the default) writes to "
        "replicas are just local and are not propagated.");
  }
  const std::optional<int64_t> replicas = ParseInt64(ctx.args[1]);
  if (!replicas) return ctx.Error(kNotIntegerErr);
  const std::optional<int64_t> timeout_ms = ParseInt64(ctx.args[2]);
  if (!timeout_ms) return ctx.Error("ERR timeout is not an integer or out of range");
  if (*timeout_ms < 0) return ctx.Error("ERR timeout is negative");
  if (*timeout_ms > INT64_MAX - ctx.now_ms) return ctx.Error("ERR timeout is out of range");
  const int64_t acked = replication ? replication->AckedReplicas(ctx.client.woff) : 0;
  const int64_t deadline = *timeout_ms > 0 ? ctx.now_ms + *timeout_ms : 0;
  if (acked >= *replicas || !BlockClient(ctx, {}, ValueType::kString, deadline)) {
    return ctx.reply.Integer(acked);
  }
  if (replication) replication->AddWaiter(ctx.client, *replicas, ctx.client.woff);
}

}  // namespace kvd::key_commands
