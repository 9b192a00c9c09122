// SAVE (blocking: the store is written on the store strand, so no command runs meanwhile)
// and LASTSAVE.
#include "server/commands/persistence_commands.h"

#include "server/commands/key_spec.h"
#include "server/persistence.h"
#include "server/server_state.h"

namespace kvd {
namespace {

// Redis replies a bare "-ERR" when the save fails; the reason goes to the log.
void CmdSave(CommandContext& ctx) {
  if (!SaveServerSnapshot(ctx.server).empty()) return ctx.Error("ERR");
  ctx.reply.Ok();
}

void CmdLastSave(CommandContext& ctx) { ctx.reply.Integer(ctx.server.last_save_time); }

}  // namespace

void RegisterPersistenceCommands(CommandTable& t) {
  t.Add(MakeSpec("save", 1, kAdmin | kNoScript | kNoMulti, {}, CmdSave,
                 {"@admin @slow @dangerous", "server", "1.0.0",
                  "Synchronously saves the database(s) to disk.",
                  "O(N) where N is the total number of keys in all databases"}));
  t.Add(MakeSpec("lastsave", 1, kLoading | kStale | kFast, {}, CmdLastSave,
                 {"@admin @fast @dangerous", "server", "1.0.0",
                  "Returns the Unix timestamp of the last successful save to disk.", "O(1)"}));
}

}  // namespace kvd
