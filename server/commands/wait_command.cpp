// WAIT numreplicas timeout: kvd has no replicas, so no write is ever acknowledged by one. As
// Redis on a primary without replicas: 0 at once when no replica is asked for (or the client
// may not block: MULTI, scripts); otherwise the client waits out the timeout (0: forever, until
// CLIENT UNBLOCK or a disconnect) and gets 0.
#include <optional>

#include "core/numeric.h"
#include "server/blocking.h"
#include "server/commands/key_commands.h"
#include "server/errors.h"

namespace kvd::key_commands {

void Wait(CommandContext& ctx) {
  const std::optional<int64_t> replicas = ParseInt64(ctx.args[1]);
  if (!replicas) return ctx.Error(kNotIntegerErr);
  const std::optional<int64_t> timeout_ms = ParseInt64(ctx.args[2]);
  if (!timeout_ms) return ctx.Error("ERR timeout is not an integer or out of range");
  if (*timeout_ms < 0) return ctx.Error("ERR timeout is negative");
  if (*timeout_ms > INT64_MAX - ctx.now_ms) return ctx.Error("ERR timeout is out of range");
  constexpr int64_t kAcked = 0;  // replicas that acknowledged: there are none
  const int64_t deadline = *timeout_ms > 0 ? ctx.now_ms + *timeout_ms : 0;
  if (kAcked >= *replicas || !BlockClient(ctx, {}, ValueType::kString, deadline)) {
    ctx.reply.Integer(kAcked);
  }
}

}  // namespace kvd::key_commands
