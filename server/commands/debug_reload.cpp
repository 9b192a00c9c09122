// DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: saves the snapshot file, empties the data and
// loads the file back, as Redis's debug.c. Nothing of it is a change to save, log or
// replicate. Where Redis kills itself on a key in the file that is already in memory
// (NOFLUSH without MERGE), kvd fails the reload and loads nothing.
#include <spdlog/spdlog.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/text.h"
#include "server/commands/debug_subcommands.h"
#include "server/empty_dataset.h"
#include "server/persistence.h"
#include "server/scripting/function_library.h"
#include "server/scripting/function_persistence.h"
#include "server/scripting/scripting.h"
#include "server/server_state.h"

namespace kvd {
namespace {

constexpr std::string_view kLoadErr = "ERR Error trying to load the RDB dump";

struct ReloadOptions {
  bool merge = false;  // a key in the file replaces the one in memory
  bool flush = true;   // empty the data (and function libraries) first
  bool save = true;    // write the snapshot file first
};

// The first key of `from` that `into` holds too, database by database; "" when none.
std::string FirstConflict(const Store& from, const Store& into) {
  std::string conflict;
  for (size_t db = 0; db < from.DatabaseCount() && conflict.empty(); ++db) {
    from.Db(db).ForEach(INT64_MIN, [&](const Record& r) {
      if (conflict.empty() && into.Db(db).Peek(r.key()) != nullptr) conflict = r.key();
    });
  }
  return conflict;
}

// Moves every key of `from` into `into` (the records themselves), replacing what `into`
// holds under the same name. A move looks the key up as MOVE does, an access: each key gets
// back the access history the file gave it.
void MoveAll(Store& from, Store& into, int64_t now_ms) {
  std::vector<std::pair<std::string, uint32_t>> keys;  // key, access field
  for (size_t db = 0; db < from.DatabaseCount(); ++db) {
    Keyspace& src = from.Db(db);
    Keyspace& dst = into.Db(db);
    keys.clear();
    src.ForEach(now_ms, [&](const Record& r) { keys.emplace_back(r.key(), r.access()); });
    for (const auto& [key, access] : keys) {
      dst.Delete(key, now_ms);
      if (src.MoveTo(key, dst, now_ms)) dst.SetAccess(key, access, now_ms);
    }
  }
}

// The file's function libraries; with MERGE they replace loaded ones of the same name.
std::string LoadFunctions(ServerState& server, const std::vector<std::string>& codes, bool merge) {
  if (!merge) return LoadLibraryCodes(server, codes);
  for (const std::string& code : codes) {
    std::string err;
    if (Scripting::Of(server).functions().Load(code, /*replace=*/true, &err).empty()) {
      return "failed loading a function library: " + err;
    }
  }
  return "";
}

}  // namespace

void DebugReload(CommandContext& ctx) {
  ReloadOptions opt;
  for (std::string_view arg : ctx.args.subspan(2)) {
    if (EqualsIgnoreCase(arg, "merge")) {
      opt.merge = true;
    } else if (EqualsIgnoreCase(arg, "noflush")) {
      opt.flush = false;
    } else if (EqualsIgnoreCase(arg, "nosave")) {
      opt.save = false;
    } else {
      return ctx.Error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
    }
  }
  ServerState& server = ctx.server;
  // The startup load fills the store meanwhile.
  if (server.loading) return ctx.Error(kDebugLoadingErr);
  // Redis answers a failed save with a bare "-ERR".
  if (opt.save && !SaveServerSnapshot(server).empty()) return ctx.Error("ERR");
  // As Redis, the data goes before the file is read, and stays gone if it cannot be.
  if (opt.flush) EmptyDataset(server);

  const ConfigValues& cfg = server.config.values();
  Store fresh(ctx.store.DatabaseCount());
  bool found = false;
  RdbLoadInfo info;
  std::string err = LoadSnapshotFile(fresh, cfg.dir, cfg.dbfilename, ctx.now_ms, &found, &info);
  if (err.empty() && !found) err = "the snapshot file is missing";
  if (err.empty() && !opt.merge) {
    if (std::string key = FirstConflict(fresh, ctx.store); !key.empty()) {
      err = "the snapshot file has key '" + key + "', which is already loaded";
    }
  }
  if (err.empty()) err = LoadFunctions(server, info.functions, opt.merge);
  if (!err.empty()) {
    spdlog::warn("DEBUG RELOAD failed: {}", err);
    return ctx.Error(kLoadErr);
  }
  MoveAll(fresh, ctx.store, ctx.now_ms);
  spdlog::warn("DB reloaded by DEBUG RELOAD");
  ctx.reply.Ok();
}

}  // namespace kvd
