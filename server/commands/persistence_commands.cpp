// SAVE (blocking: the store is written on the store strand, so no command runs meanwhile),
// BGSAVE (server/background_save.h) and LASTSAVE.
#include "server/commands/persistence_commands.h"

#include "core/text.h"
#include "server/background_save.h"
#include "server/commands/key_spec.h"
#include "server/errors.h"
#include "server/persistence.h"
#include "server/server_state.h"

namespace kvd {
namespace {

// Redis replies a bare "-ERR" when the save fails; the reason goes to the log.
void CmdSave(CommandContext& ctx) {
  if (ctx.server.rdb_bgsave_in_progress)
    return ctx.Error("ERR Background save already in progress");
  if (!SaveServerSnapshot(ctx.server).empty()) return ctx.Error("ERR");
  ctx.reply.Ok();
}

void CmdBgSave(CommandContext& ctx) {
  bool schedule = false;
  if (ctx.args.size() > 1) {
    if (ctx.args.size() != 2 || !EqualsIgnoreCase(ctx.args[1], "schedule")) {
      return ctx.Error(kSyntaxErr);
    }
    schedule = true;
  }
  ServerState& s = ctx.server;
  if (s.rdb_bgsave_in_progress) return ctx.Error("ERR Background save already in progress");
  if (s.background_snapshot->running()) {  // the AOF rewrite's snapshot
    if (!schedule) {
      return ctx.Error(
          "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE "
          "SCHEDULE in order to schedule a BGSAVE whenever possible.");
    }
    s.rdb_bgsave_scheduled = true;
    return ctx.reply.Simple("Background saving scheduled");
  }
  if (!StartBackgroundSave(s).empty()) return ctx.Error("ERR");
  ctx.reply.Simple("Background saving started");
}

void CmdLastSave(CommandContext& ctx) { ctx.reply.Integer(ctx.server.last_save_time); }

}  // namespace

void RegisterPersistenceCommands(CommandTable& t) {
  t.Add(MakeSpec(
      "save", 1, kAdmin | kNoScript | kNoMulti | kNoAsyncLoading, {}, CmdSave,
      {"@admin @slow @dangerous", "server", "1.0.0", "Synchronously saves the database(s) to disk.",
       "O(N) where N is the total number of keys in all databases"}));
  t.Add(MakeSpec("bgsave", -1, kAdmin | kNoScript | kNoAsyncLoading, {}, CmdBgSave,
                 {"@admin @slow @dangerous", "server", "1.0.0",
                  "Asynchronously saves the database(s) to disk.", "O(1)"}));
  t.Add(MakeSpec("lastsave", 1, kLoading | kStale | kFast, {}, CmdLastSave,
                 {"@admin @fast @dangerous", "server", "1.0.0",
                  "Returns the Unix timestamp of the last successful save to disk.", "O(1)"}));
}

}  // namespace kvd
