#include "server/dispatcher.h"

#include <chrono>
#include <vector>

#include "server/aof/aof.h"
#include "server/errors.h"

namespace kvd {
namespace {

inline constexpr std::string_view kBgsaveMisconfErr =
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist "
    "to disk. Commands that may modify the data set are disabled, because this instance is "
    "configured to report errors during writes if RDB snapshotting fails "
    "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about the "
    "RDB error.";
inline constexpr std::string_view kOomErr =
    "OOM command not allowed when used memory > 'maxmemory'.";
inline constexpr std::string_view kLoadingErr = "LOADING Redis is loading the dataset in memory";

bool ArityOk(const CommandSpec& spec, size_t argc) {
  int n = static_cast<int>(argc);
  return spec.arity >= 0 ? n == spec.arity : n >= -spec.arity;
}

}  // namespace

void Dispatcher::Propagate(const CommandContext& ctx) {
  if (ctx.propagated.empty()) return server_.propagate(ctx.client.db, ctx.args);
  std::vector<std::string_view> views;
  for (const std::vector<std::string>& command : ctx.propagated) {
    views.assign(command.begin(), command.end());
    server_.propagate(ctx.client.db, views);
  }
}

void Dispatcher::Execute(ClientState& client, std::span<const std::string_view> args,
                         std::string& out) {
  if (args.empty()) return;  // Redis skips empty requests without a reply
  // A log replay runs with expiry suspended, as Redis loads: the log holds absolute expiry
  // times and a DEL for every key that expired, so what was live when a command was logged
  // is live again when it is replayed, however long ago that was.
  const int64_t now_ms = client.replaying_aof ? 0 : server_.clock.NowMs();
  client.last_interaction_ms = now_ms;
  ReplyWriter reply(out, client.resp);

  // A rejection is an error reply the handler never saw: it counts in errorstats and, once
  // the command is known, in its rejected_calls.
  auto reject = [&](const CommandSpec* spec, std::string_view message) {
    reply.Error(message);
    server_.CountError(message);
    if (spec) spec->rejected_calls++;
  };

  const CommandSpec* spec = server_.commands.Find(args[0]);
  if (!spec) return reject(nullptr, UnknownCommandError(args));
  if (!spec->subcommands.empty() && args.size() >= 2) {
    const CommandSpec* sub = FindSubcommand(*spec, args[1]);
    if (!sub) return reject(nullptr, UnknownSubcommandError(spec->name, args[1]));
    spec = sub;
  }
  client.last_command = spec->name;
  // A container without its subcommand fails arity as Redis does ("'client' command").
  if (!ArityOk(*spec, args.size()) || !spec->handler) {
    return reject(spec, WrongArityError(spec->name));
  }
  const ConfigValues& cfg = server_.config.values();
  if (!cfg.requirepass.empty() && !client.authenticated && !(spec->flags & kNoAuth)) {
    return reject(spec, kNoAuthErr);
  }
  // maxmemory with the only policy kvd has, noeviction: refuse commands that may grow memory.
  if (cfg.maxmemory > 0 && (spec->flags & kDenyOom) && !client.replaying_aof &&
      server_.store.AllocatedBytes() > static_cast<size_t>(cfg.maxmemory)) {
    return reject(spec, kOomErr);
  }
  // An append-only file that cannot be written refuses writes (and PING), as Redis does.
  if (server_.aof != nullptr && !client.replaying_aof &&
      ((spec->flags & kWrite) || spec->name == "ping")) {
    if (std::string err = server_.aof->WriteError(); !err.empty()) return reject(spec, err);
  }
  // A failed background save with save rules set: refuse writes until a save succeeds, so
  // nobody believes data is on disk when it is not (Redis's stop-writes-on-bgsave-error).
  if (cfg.stop_writes_on_bgsave_error && !server_.rdb_last_bgsave_ok && !cfg.save.empty() &&
      !client.replaying_aof && ((spec->flags & kWrite) || spec->name == "ping")) {
    return reject(spec, kBgsaveMisconfErr);
  }
  // While the dataset loads at startup only the commands flagged "loading" run, as in Redis.
  if (server_.loading && !(spec->flags & kLoading) && !client.replaying_aof) {
    return reject(spec, kLoadingErr);
  }

  Run(client, *spec, args, reply, now_ms);
}

void Dispatcher::Run(ClientState& client, const CommandSpec& spec,
                     std::span<const std::string_view> args, ReplyWriter& reply, int64_t now_ms) {
  CommandContext ctx{args, reply, server_.store, client, server_, spec, now_ms};
  auto start = std::chrono::steady_clock::now();
  spec.handler(ctx);
  auto elapsed = std::chrono::steady_clock::now() - start;

  spec.usec += std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
  // A command that blocked has not run yet: it counts once served, timed out or unblocked.
  if (client.blocked) return;
  spec.calls++;
  if (ctx.failed) spec.failed_calls++;
  if (server_.propagate && !client.replaying_aof && (ctx.dirty > 0 || !ctx.propagated.empty())) {
    Propagate(ctx);
  }
  client.commands++;
  server_.stats.total_commands_processed++;
  // A write may have given data to keys that blocked clients wait on: serve them now,
  // before the writer's next command, as Redis does.
  if (ctx.dirty > 0 && !server_.blocked.empty()) server_.blocked.SignalKeys(args);
  ServeBlockedClients();
}

}  // namespace kvd
