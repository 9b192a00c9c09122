#include "server/dispatcher.h"

#include <algorithm>
#include <vector>

#include "server/acl/acl.h"
#include "server/aof/aof.h"
#include "server/command_lookup.h"
#include "server/commands/latency_commands.h"
#include "server/errors.h"
#include "server/eviction.h"
#include "server/protected_mode.h"
#include "server/pubsub.h"
#include "server/replication/replica_checks.h"
#include "server/replication/replication.h"
#include "server/transaction.h"

namespace kvd {
namespace {

inline constexpr std::string_view kOomErr =
    "OOM command not allowed when used memory > 'maxmemory'.";
inline constexpr std::string_view kLoadingErr = "LOADING Redis is loading the dataset in memory";
inline constexpr std::string_view kMonitorKeyspaceErr =
    "ERR Replica can't interact with the keyspace";

}  // namespace

Dispatcher::Dispatcher(ServerState& server) : server_(server) {
  // Paused clients expect the dataset to stay as it is: no eviction meanwhile, as Redis.
  server_.eviction->set_pause_check([this](int64_t now_ms) { return pause_.Active(now_ms); });
}

Dispatcher::~Dispatcher() { server_.eviction->set_pause_check(nullptr); }

void Dispatcher::Propagate(const CommandContext& ctx) {
  const size_t db = ctx.client.db;
  if (in_exec_) {
    if (ctx.propagated.empty()) {
      exec_log_.push_back({db, std::vector<std::string>(ctx.args.begin(), ctx.args.end())});
    }
    for (const std::vector<std::string>& command : ctx.propagated) {
      exec_log_.push_back({db, command});
    }
    return;
  }
  if (ctx.propagated.empty()) return server_.propagate(db, ctx.args);
  // A command that logs several (SPOP of many members) is logged as a transaction.
  const bool wrap = ctx.propagated.size() > 1;
  static constexpr std::string_view kMulti[] = {"MULTI"}, kExec[] = {"EXEC"};
  if (wrap) server_.propagate(db, kMulti);
  std::vector<std::string_view> views;
  for (const std::vector<std::string>& command : ctx.propagated) {
    views.assign(command.begin(), command.end());
    server_.propagate(db, views);
  }
  if (wrap) server_.propagate(db, kExec);
}

void Dispatcher::PropagateAll(const std::vector<LoggedCommand>& commands) {
  if (commands.empty() || !server_.propagate) return;
  const bool wrap = commands.size() > 1;
  static constexpr std::string_view kMulti[] = {"MULTI"}, kExec[] = {"EXEC"};
  // In the databases of the first and last commands, so that no SELECT comes between.
  if (wrap) server_.propagate(commands.front().db, kMulti);
  std::vector<std::string_view> views;
  for (const LoggedCommand& c : commands) {
    views.assign(c.args.begin(), c.args.end());
    server_.propagate(c.db, views);
  }
  if (wrap) server_.propagate(commands.back().db, kExec);
}

void Dispatcher::Execute(ClientState& client, std::span<const std::string_view> args,
                         std::string& out) {
  if (args.empty()) return;  // Redis skips empty requests without a reply
  Execute(client, args, out, server_.commands.Find(args[0]));
}

void Dispatcher::Execute(ClientState& client, std::span<const std::string_view> args,
                         std::string& out, const CommandSpec* command) {
  if (args.empty()) return;
  // What a pause that has timed out held runs first, before anything that came after it.
  if (HeldMayRun(client)) ReleaseHeld();
  const size_t from = out.size();
  Dispatch(client, args, out, command);
  if (!client.blocked) FilterReply(client, out, from);
  // CLIENT UNPAUSE (or a pause that ran out meanwhile) lets the held commands go now.
  if (HeldMayRun(client)) ReleaseHeld();
}

bool Dispatcher::HeldMayRun(const ClientState& client) const {
  return pause_.held() != 0 && !client.replaying_aof && pause_.Releasable(server_.clock.NowMs());
}

void Dispatcher::Dispatch(ClientState& client, std::span<const std::string_view> args,
                          std::string& out, const CommandSpec* command) {
  // A log replay runs with expiry suspended, as Redis loads: the log holds absolute expiry
  // times and a DEL for every key that expired, so what was live when a command was logged
  // is live again when it is replayed, however long ago that was. Our master's stream is
  // applied the same way: the master sends a DEL for each key that expires there.
  // One clock read gives the command's time and the start of its duration, as Redis's
  // call() uses one ustime() for both.
  const int64_t start_us = server_.clock.NowUs();
  const int64_t now_ms = client.replaying_aof || client.master ? 0 : start_us / 1000;
  client.last_interaction_ms = client.master ? start_us / 1000 : now_ms;
  // Clients whose commands are never refused: the log replay and our master (Redis's
  // mustObeyClient).
  const bool obey = client.replaying_aof || client.master;
  ReplyWriter reply(out, client.resp);

  // A rejection is an error reply the handler never saw: it counts in errorstats and, once
  // the command is known, in its rejected_calls. Inside MULTI it makes EXEC fail; a refused
  // EXEC discards the transaction and says why, as Redis's execCommandAbort.
  auto reject = [&](const CommandSpec* spec, std::string_view message) {
    if (spec != nullptr && IsExec(*spec)) {
      const std::string abort = ExecAbortError(message);
      DiscardTransaction(server_, client);
      reply.Error(abort);
      server_.CountError(client, abort);
      spec->rejected_calls++;
      return;
    }
    FlagTransaction(client);
    reply.Error(message);
    server_.CountError(client, message);
    if (spec) spec->rejected_calls++;
  };

  const CommandSpec* spec = command;
  if (!spec) return reject(nullptr, UnknownCommandError(args));
  if (!spec->subcommands.empty() && args.size() >= 2) {
    const CommandSpec* sub = FindSubcommand(*spec, args[1]);
    if (!sub) return reject(nullptr, UnknownSubcommandError(spec->name, args[1]));
    spec = sub;
  }
  client.last_command = spec;
  // A container without its subcommand fails arity as Redis does ("'client' command").
  if (!ArityOk(*spec, args.size()) || !spec->handler) {
    return reject(spec, WrongArityError(spec->name));
  }
  const ConfigValues& cfg = server_.config.values();
  // DEBUG and MODULE LOAD/UNLOAD run only where enable-debug-command and
  // enable-module-command allow them, checked before authentication as Redis does.
  if (spec->flags & kProtected) {
    const bool debug = spec->name == "debug";
    if (!ProtectedActionAllowed(debug ? cfg.enable_debug_command : cfg.enable_module_command,
                                client)) {
      return reject(spec, debug ? kDebugCommandNotAllowedErr : kModuleCommandNotAllowedErr);
    }
  }
  if (!client.authenticated && !(spec->flags & kNoAuth) && server_.acl->AuthRequired()) {
    return reject(spec, kNoAuthErr);
  }
  // ACL: a user with every command, key and channel (the default one) costs one flag test.
  if (client.acl_user && !client.acl_user->unrestricted() && !obey) {
    std::string err = AclCheckClient(server_, client, *spec, args, reply, now_ms);
    if (!err.empty()) return reject(spec, err);
  }
  if (client.InMulti() && (spec->flags & kNoMulti)) return reject(spec, kNoMultiErr);
  // EXEC is checked as the commands it runs (server/transaction.h).
  const uint32_t flags = CheckedFlags(client, *spec);
  // maxmemory: evict by the policy first (server/eviction.h); when memory stays over the
  // limit with nothing left to evict, refuse commands that may grow memory, and inside MULTI
  // anything but what ends it, as queuing takes memory too. A replica leaves that to its
  // master (replica-ignore-maxmemory).
  if (cfg.maxmemory > 0 && !obey && !ReplicaIgnoresMaxmemory(server_) &&
      server_.eviction->Perform(now_ms) == Eviction::Result::kFail) {
    const bool may_grow = (flags & kDenyOom) || (client.InMulti() && !EndsTransaction(*spec));
    if (may_grow) return reject(spec, kOomErr);
  }
  // An append-only file that cannot be written refuses writes (and PING), as Redis does.
  if (server_.aof != nullptr && server_.aof->WriteFailed() && !obey &&
      ((flags & kWrite) || spec->name == "ping")) {
    return reject(spec, server_.aof->WriteError());
  }
  // A failed background save with save rules set: refuse writes until a save succeeds, so
  // nobody believes data is on disk when it is not (Redis's stop-writes-on-bgsave-error).
  if (cfg.stop_writes_on_bgsave_error && !server_.rdb_last_bgsave_ok && !cfg.save.empty() &&
      !obey && ((flags & kWrite) || spec->name == "ping")) {
    return reject(spec, kBgsaveMisconfErr);
  }
  if ((flags & kWrite) && !obey && TooFewReplicas(server_, now_ms)) {
    return reject(spec, kNoReplicasErr);
  }
  // A replica: replica-read-only refuses clients' writes (server/replication/replica_checks.h).
  if (IsReplica(server_) && !obey && (flags & kWrite) && ReplicaReadOnly(server_)) {
    return reject(spec, kReadOnlyReplicaErr);
  }
  // A monitor is a replica to Redis: it may not touch the keyspace.
  if (client.monitor && ((flags & (kWrite | kReadOnly)) || MayReplicate(*spec))) {
    return reject(spec, kMonitorKeyspaceErr);
  }
  // A RESP2 client with subscriptions may only (un)subscribe, PING, QUIT and RESET.
  if (!AllowedInSubscriberMode(client, *spec)) return reject(spec, SubscriberModeError(*spec));
  // A replica whose link is down, with replica-serve-stale-data no: only "stale" commands.
  if (IsReplica(server_) && !obey && DeniedAsStale(client, *spec) && RefusesStaleData(server_)) {
    return reject(spec, kMasterDownErr);
  }
  // While the dataset loads at startup only the commands flagged "loading" run, as in Redis.
  if (server_.loading && !(flags & kLoading) && !obey) {
    return reject(spec, kLoadingErr);
  }
  // CLIENT PAUSE: the command waits, with the client's later ones, until the pause ends.
  // Our master's stream is not held: it is applied in order, and its replies go nowhere.
  if (!client.master && pause_.Holds(client, *spec, flags, now_ms)) {
    return pause_.Hold(client, args, now_ms);
  }

  if (client.InMulti() && !RunsInsideMulti(*spec)) {
    return QueueCommand(client, *spec, args, reply);
  }
  Run(client, *spec, args, reply, now_ms, start_us);
}

void Dispatcher::Run(ClientState& client, const CommandSpec& spec,
                     std::span<const std::string_view> args, ReplyWriter& reply, int64_t now_ms,
                     int64_t start_us) {
  CommandContext ctx{.args = args,
                     .reply = reply,
                     .store = server_.store,
                     .client = client,
                     .server = server_,
                     .spec = spec,
                     .now_ms = now_ms,
                     .propagated = {},
                     .dispatcher = this};
  server_.tracking.BeforeCommand(client);  // client-side caching (server/tracking.h)
  // While a pause lasts, as on a replica, an expired key reads as absent but stays: the
  // dataset holds still (Redis's expireIfNeeded), and the pause's end lets it go.
  const bool replica = IsReplica(server_);
  const bool keep_expired = replica || pause_.Active(now_ms);
  if (keep_expired != server_.store.keep_expired()) server_.store.SetKeepExpired(keep_expired);
  server_.store.access_clock().set_no_touch(client.no_touch && spec.name != "touch");
  // A writable replica remembers the keys its own clients give a TTL, to expire them itself.
  const bool replica_write = replica && !client.master && !client.replaying_aof &&
                             ((spec.flags & kWrite) || MayReplicate(spec));
  if (replica_write) server_.replica_keys_with_expire.BeginClientWrite();
  spec.handler(ctx);
  if (replica_write) server_.replica_keys_with_expire.EndClientWrite();
  // The wall clock, as Redis times commands; a step back counts as no time.
  const int64_t elapsed_us = std::max<int64_t>(server_.clock.NowUs() - start_us, 0);
  server_.SettleTentativeWrites(ctx.ChangedKeys());
  server_.tracking.AfterCommand(ctx);
  // Monitors see a command once it ran (a blocking one when it first blocks), in the
  // database it left the client in; not the admin commands, nor a log replay.
  if (!monitors_.empty() && !rerun_ && !client.replaying_aof &&
      !(spec.flags & (kSkipMonitor | kAdmin))) {
    monitors_.Feed(server_, client, spec, client.db, args);
  }

  spec.usec += elapsed_us;
  // A command that blocked has not run yet: it counts once served, timed out or unblocked.
  if (client.blocked) return;
  spec.calls++;
  if (ctx.failed) spec.failed_calls++;
  if (!(spec.flags & kSkipSlowlog) && !client.replaying_aof) {
    const ConfigValues& cfg = server_.config.values();
    server_.slowlog.MaybeRecord(cfg.slowlog_log_slower_than, cfg.slowlog_max_len, client, args,
                                elapsed_us, start_us / 1'000'000);
  }
  if (!client.replaying_aof) RecordCommandLatency(server_, spec, elapsed_us, start_us / 1000);
  if (server_.propagate && !client.replaying_aof && (ctx.dirty > 0 || !ctx.propagated.empty())) {
    Propagate(ctx);
  }
  // WAIT waits for replicas to reach the stream as it is after this command.
  if (server_.replication != nullptr) client.woff = server_.replication->offset();
  client.commands++;
  server_.stats.total_commands_processed++;
  // A write may have given data to keys that blocked clients wait on: serve them now,
  // before the writer's next command, as Redis does.
  if (ctx.ChangedKeys() && !server_.blocked.empty()) server_.blocked.SignalKeys(args);
  ServeBlockedClients();
}

}  // namespace kvd
