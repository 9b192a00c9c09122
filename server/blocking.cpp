#include "server/blocking.h"

#include <cmath>
#include <limits>

#include "core/numeric.h"
#include "server/blocked_clients.h"
#include "server/client_state.h"
#include "server/replication/replication.h"
#include "server/server_state.h"

namespace kvd {

std::optional<int64_t> ParseBlockTimeout(CommandContext& ctx, std::string_view seconds) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  std::optional<long double> s = ParseLongDouble(seconds);
  if (!s) {
    ctx.Error("ERR timeout is not a float or out of range");
    return std::nullopt;
  }
  // Rounded up to whole milliseconds, so a tiny positive timeout still waits ("-0.0001"
  // rounds to 0, which waits forever, as in Redis).
  const long double ms = std::ceil(*s * 1000.0L);
  if (ms > static_cast<long double>(kMax)) {
    ctx.Error("ERR timeout is out of range");
    return std::nullopt;
  }
  if (ms < 0) {
    ctx.Error("ERR timeout is negative");
    return std::nullopt;
  }
  int64_t deadline = static_cast<int64_t>(ms);
  if (deadline > 0) {
    if (deadline > kMax - ctx.now_ms) {
      ctx.Error("ERR timeout is out of range");
      return std::nullopt;
    }
    deadline += ctx.now_ms;
  }
  return deadline;
}

std::optional<int64_t> ParseBlockTimeoutMs(CommandContext& ctx, std::string_view ms) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  std::optional<int64_t> v = ParseInt64(ms);
  if (!v) {
    ctx.Error("ERR timeout is not an integer or out of range");
    return std::nullopt;
  }
  if (*v < 0) {
    ctx.Error("ERR timeout is negative");
    return std::nullopt;
  }
  if (*v > 0 && *v > kMax - ctx.now_ms) {
    ctx.Error("ERR timeout is out of range");
    return std::nullopt;
  }
  return *v > 0 ? *v + ctx.now_ms : 0;
}

bool BlockClient(CommandContext& ctx, std::span<const std::string_view> keys, ValueType type,
                 int64_t deadline_ms) {
  return BlockClient(ctx, keys, type, deadline_ms, ctx.args);
}

bool BlockClient(CommandContext& ctx, std::span<const std::string_view> keys, ValueType type,
                 int64_t deadline_ms, std::span<const std::string_view> rerun_args) {
  if (ctx.client.deny_blocking) return false;
  ctx.server.blocked.Block(ctx.client, ctx.client.db, keys, type, deadline_ms, rerun_args);
  return true;
}

namespace {

// Ends a client's wait with the timeout's reply (`error` empty), with `error`, or with
// `integer` (a WAIT that its replicas satisfied), and lets its later commands run. The
// command ends here: it counts as a call (a failed one with an error), as Redis's
// updateStatsOnUnblock does.
bool EndWait(ServerState& server, ClientState& client, std::string_view error,
             std::optional<int64_t> integer = std::nullopt) {
  std::optional<BlockedClients::Waiter> waiter = server.blocked.Unblock(client);
  if (!waiter) return false;
  std::string out;
  ReplyWriter reply(out, client.resp);
  const CommandSpec* spec = server.commands.Find(waiter->args.front());
  if (integer) {
    reply.Integer(*integer);
  } else if (error.empty() && spec != nullptr && spec->name == "wait") {
    // Timed out: the replicas that acknowledged so far.
    reply.Integer(server.replication ? server.replication->AckedReplicas(client.woff) : 0);
  } else if (error.empty()) {
    reply.NullArray();
  } else {
    reply.Error(error);
    server.CountError(client, error);
    if (spec) spec->failed_calls++;
  }
  if (spec) spec->calls++;
  client.commands++;
  server.stats.total_commands_processed++;
  ResumeClient(server, client, std::move(out));
  return true;
}

}  // namespace

bool UnblockClient(ServerState& server, ClientState& client, UnblockReply how) {
  return EndWait(server, client, how == UnblockReply::kTimeout ? "" : kUnblockedErr);
}

bool UnblockClientWithInteger(ServerState& server, ClientState& client, int64_t value) {
  return EndWait(server, client, "", value);
}

bool UnblockClientWithError(ServerState& server, ClientState& client, std::string_view message) {
  return EndWait(server, client, message);
}

void ExpireBlockedClients(ServerState& server) {
  for (ClientState* c : server.blocked.Due(server.clock.NowMs())) {
    UnblockClient(server, *c, UnblockReply::kTimeout);
  }
}

void ResumeClient(ServerState& server, ClientState& client, std::string reply) {
  server.stats.total_net_output_bytes += reply.size();
  if (client.link) client.link->Resume(std::move(reply));
}

}  // namespace kvd
