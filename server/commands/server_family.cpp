// Server commands: INFO (info_command.cpp), DBSIZE, FLUSHDB, FLUSHALL, TIME,
// CONFIG GET|SET|RESETSTAT|HELP, SHUTDOWN; MEMORY (memory_commands.cpp), SAVE and LASTSAVE
// (persistence_commands.cpp).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/spdlog.h>

#include "core/keyspace.h"
#include "core/store.h"
#include "core/text.h"
#include "server/acl/acl.h"
#include "server/command.h"
#include "server/commands/info_sections.h"
#include "server/commands/key_spec.h"
#include "server/commands/memory_commands.h"
#include "server/commands/persistence_commands.h"
#include "server/commands/replication_commands.h"
#include "server/commands/subcommand_help.h"
#include "server/config.h"
#include "server/errors.h"
#include "server/protected_mode.h"
#include "server/server_state.h"

namespace kvd {
namespace {

void CmdDbSize(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.db().Count(ctx.now_ms)));
}

// FLUSHDB/FLUSHALL take at most one of ASYNC or SYNC; without either,
// lazyfree-lazy-user-flush decides. Returns whether to free in the background, or nullopt
// on a syntax error. Either way the keys are gone when the reply is sent.
std::optional<bool> FlushAsync(const CommandContext& ctx) {
  if (ctx.args.size() > 2) return std::nullopt;
  if (ctx.args.size() == 1) return ctx.server.config.values().lazyfree_lazy_user_flush;
  if (EqualsIgnoreCase(ctx.args[1], "sync")) return false;
  if (EqualsIgnoreCase(ctx.args[1], "async")) return true;
  return std::nullopt;
}

// ASYNC swaps the whole table out in O(1) and frees it on the lazyfree thread, as Redis's
// emptyDbAsync does.
void EmptyDb(CommandContext& ctx, Keyspace& db, bool async) {
  if (async) {
    ctx.server.lazyfree.Free(db.DetachAll());
  } else {
    db.Clear();
  }
}

void CmdFlushDb(CommandContext& ctx) {
  const std::optional<bool> async = FlushAsync(ctx);
  if (!async) return ctx.Error(kSyntaxErr);
  Keyspace& db = ctx.db();
  ctx.AddDirty(db.Count(ctx.now_ms));  // as Redis: one change per key removed
  EmptyDb(ctx, db, *async);
  ctx.server.tracking.Flushed();
  // A blocked XREADGROUP learns that its stream is gone (Redis 7.2's signalFlushedDb).
  ctx.server.blocked.SignalDatabase(ctx.client.db);
  // Logged even when the database was already empty, as Redis forces it.
  ctx.Propagate(std::vector<std::string>(ctx.args.begin(), ctx.args.end()));
  ctx.reply.Ok();
}

void CmdFlushAll(CommandContext& ctx) {
  const std::optional<bool> async = FlushAsync(ctx);
  if (!async) return ctx.Error(kSyntaxErr);
  size_t removed = 0;
  for (size_t i = 0; i < ctx.store.DatabaseCount(); ++i) {
    removed += ctx.store.Db(i).Count(ctx.now_ms);
    EmptyDb(ctx, ctx.store.Db(i), *async);
    ctx.server.blocked.SignalDatabase(i);
  }
  ctx.server.tracking.Flushed();
  ctx.AddDirty(removed + 1);  // Redis counts FLUSHALL itself as a change too
  ctx.reply.Ok();
}

void CmdTime(CommandContext& ctx) {
  int64_t us = ctx.server.clock.NowUs();
  ctx.reply.ArrayHeader(2);
  ctx.reply.BulkInteger(us / 1'000'000);
  ctx.reply.BulkInteger(us % 1'000'000);
}

void CmdConfigGet(CommandContext& ctx) {
  auto pairs = ctx.server.config.Get(ctx.args.subspan(2));
  ctx.reply.MapHeader(pairs.size());
  for (const auto& [name, value] : pairs) {
    ctx.reply.Bulk(name);
    ctx.reply.Bulk(value);
  }
}

void CmdConfigSet(CommandContext& ctx) {
  // name value pairs only: an odd count is a syntax error, as in Redis.
  if (ctx.args.size() % 2 != 0) return ctx.Error(kSyntaxErr);
  std::string err = ctx.server.config.Set(ctx.args.subspan(2), IsLocalClient(ctx.client));
  if (!err.empty()) return ctx.Error(err);
  ctx.reply.Ok();
}

void CmdConfigRewrite(CommandContext& ctx) {
  std::optional<std::vector<std::string>> users;
  if (ctx.server.config.values().aclfile.empty()) {
    users.emplace();
    for (const auto& [name, user] : ctx.server.acl->users()) {
      users->push_back("user " + name + " " + user->Describe());
    }
  }
  if (std::string err = ctx.server.config.Rewrite(users); !err.empty()) {
    spdlog::warn("CONFIG REWRITE failed: {}", err);
    return ctx.Error(err);
  }
  spdlog::info("CONFIG REWRITE executed with success.");
  ctx.reply.Ok();
}

void CmdConfigResetStat(CommandContext& ctx) {
  ctx.server.ResetStats();
  ctx.reply.Ok();
}

void CmdConfigHelp(CommandContext& ctx) {
  ReplySubcommandHelp(
      ctx.reply, "CONFIG",
      {"GET <pattern>", "    Return parameters matching the glob-like <pattern> and their values.",
       "SET <directive> <value>", "    Set the configuration <directive> to <value>.", "RESETSTAT",
       "    Reset statistics reported by the INFO command.", "REWRITE",
       "    Rewrite the configuration file."});
}

// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. On success there is no reply: the network
// layer saves (per the mode), closes every connection and exits.
void CmdShutdown(CommandContext& ctx) {
  bool nosave = false, save = false, now = false, force = false, abort = false;
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    std::string_view a = ctx.args[i];
    if (EqualsIgnoreCase(a, "nosave")) {
      nosave = true;
    } else if (EqualsIgnoreCase(a, "save")) {
      save = true;
    } else if (EqualsIgnoreCase(a, "now")) {
      now = true;
    } else if (EqualsIgnoreCase(a, "force")) {
      force = true;
    } else if (EqualsIgnoreCase(a, "abort")) {
      abort = true;
    } else {
      return ctx.Error(kSyntaxErr);
    }
  }
  if ((abort && (nosave || save || now || force)) || (nosave && save)) {
    return ctx.Error(kSyntaxErr);
  }
  // Only a shutdown waiting for its replicas can be aborted.
  if (abort) {
    if (!ctx.server.abort_shutdown || !ctx.server.abort_shutdown()) {
      return ctx.Error("ERR No shutdown in progress.");
    }
    return ctx.reply.Ok();
  }
  if (!ctx.server.request_shutdown) return ctx.Error(kShutdownErr);
  // No reply now: on success the server is gone; on failure the error comes through
  // ClientState::resume, and the client's later commands wait for it.
  ctx.client.blocked = true;
  ctx.server.request_shutdown({.mode = nosave ? ShutdownMode::kNoSave
                                      : save  ? ShutdownMode::kSave
                                              : ShutdownMode::kDefault,
                               .force = force,
                               .now = now,
                               .client_id = ctx.client.id});
}

constexpr uint32_t kAdminCmd = kAdmin | kNoScript | kLoading | kStale;
constexpr std::string_view kAdminCats = "@admin @slow @dangerous";

CommandSpec ConfigSpec() {
  CommandSpec config =
      MakeSpec("config", -2, 0, {}, nullptr,
               {"@slow", "server", "2.0.0", "A container for server configuration commands.",
                "Depends on subcommand."});
  config.subcommands = {
      MakeSpec("config|get", -3, kAdminCmd, {}, CmdConfigGet,
               {kAdminCats, "server", "2.0.0",
                "Returns the effective values of configuration parameters.",
                "O(N) when N is the number of configuration parameters provided"}),
      MakeSpec("config|set", -4, kAdminCmd, {}, CmdConfigSet,
               {kAdminCats, "server", "2.0.0", "Sets configuration parameters in-flight.",
                "O(N) when N is the number of configuration parameters provided"}),
      MakeSpec("config|rewrite", 2, kAdminCmd, {}, CmdConfigRewrite,
               {kAdminCats, "server", "2.8.0",
                "Persists the effective configuration to file.", "O(1)"}),
      MakeSpec("config|resetstat", 2, kAdminCmd, {}, CmdConfigResetStat,
               {kAdminCats, "server", "2.0.0", "Resets the server's statistics.", "O(1)"}),
      MakeSpec("config|help", 2, kLoading | kStale, {}, CmdConfigHelp,
               {"@slow", "server", "5.0.0", "Returns helpful text about the different subcommands.",
                "O(1)"}),
  };
  return config;
}

}  // namespace

void RegisterServerFamily(CommandTable& t) {
  t.Add(MakeSpec("info", -1, kLoading | kStale, {}, CmdInfo,
                 {"@slow @dangerous", "server", "1.0.0",
                  "Returns information and statistics about the server.", "O(1)"}));
  t.Add(MakeSpec("dbsize", 1, kReadOnly | kFast, {}, CmdDbSize,
                 {"@keyspace @read @fast", "server", "1.0.0",
                  "Returns the number of keys in the database.", "O(1)"}));
  t.Add(MakeSpec("flushdb", -1, kWrite, {}, CmdFlushDb,
                 {"@keyspace @write @slow @dangerous", "server", "1.0.0",
                  "Remove all keys from the current database.",
                  "O(N) where N is the number of keys in the selected database"}));
  t.Add(MakeSpec("flushall", -1, kWrite, {}, CmdFlushAll,
                 {"@keyspace @write @slow @dangerous", "server", "1.0.0",
                  "Removes all keys from all databases.",
                  "O(N) where N is the total number of keys in all databases"}));
  t.Add(MakeSpec("time", 1, kLoading | kStale | kFast, {}, CmdTime,
                 {"@fast", "server", "2.6.0", "Returns the server time.", "O(1)"}));
  t.Add(MakeSpec("shutdown", -1, kAdmin | kNoScript | kLoading | kStale | kNoMulti | kAllowBusy, {},
                 CmdShutdown,
                 {kAdminCats, "server", "1.0.0",
                  "Synchronously saves the database(s) to disk and shuts down the Redis server.",
                  "O(N) when saving, where N is the total number of keys in all databases when "
                  "saving data, otherwise O(1)"}));
  t.Add(ConfigSpec());
  RegisterMemoryCommands(t);
  RegisterPersistenceCommands(t);
  RegisterReplicationCommands(t);
}

}  // namespace kvd
