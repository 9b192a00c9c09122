// BGREWRITEAOF: compacts the append-only file in the background (server/aof/aof.h).
#include "server/aof/aof.h"
#include "server/command.h"
#include "server/commands/key_spec.h"
#include "server/server_state.h"

namespace kvd {
namespace {

constexpr std::string_view kCantRewrite =
    "ERR Can't execute an AOF background rewriting. Please check the server logs for more "
    "information.";

void CmdBgRewriteAof(CommandContext& ctx) {
  if (ctx.server.aof == nullptr) return ctx.Error(kCantRewrite);
  switch (ctx.server.aof->StartRewrite()) {
    case Aof::RewriteStart::kStarted:
      return ctx.reply.Simple("Background append only file rewriting started");
    case Aof::RewriteStart::kScheduled:
      return ctx.reply.Simple("Background append only file rewriting scheduled");
    case Aof::RewriteStart::kInProgress:
      return ctx.Error("ERR Background append only file rewriting already in progress");
    case Aof::RewriteStart::kFailed:
      return ctx.Error(kCantRewrite);
  }
}

}  // namespace

void RegisterAofCommands(CommandTable& t) {
  t.Add(MakeSpec("bgrewriteaof", 1, kAdmin | kNoScript | kNoAsyncLoading, {}, CmdBgRewriteAof,
                 {"@admin @slow @dangerous", "server", "1.0.0",
                  "Asynchronously rewrites the append-only file to disk.", "O(1)"}));
}

}  // namespace kvd
