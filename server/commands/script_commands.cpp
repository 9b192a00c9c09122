// EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT LOAD|EXISTS|FLUSH|KILL|DEBUG|HELP. Running a
// script is server/scripting/scripting.h; SCRIPT KILL of a script that is running reaches
// it from the connection (server/scripting/busy_reply.h), so here no script ever runs.
#include "core/text.h"
#include "server/command.h"
#include "server/commands/key_spec.h"
#include "server/commands/subcommand_help.h"
#include "server/scripting/scripting.h"
#include "server/server_state.h"

namespace kvd {
namespace {

constexpr std::string_view kNotBusyErr = "NOTBUSY No scripts in execution right now.";

bool Debugging(const CommandContext& ctx) {
  return ctx.client.lua_debug != ClientState::LuaDebug::kOff;
}

void EvalBody(CommandContext& ctx, bool read_only) {
  Scripting& s = Scripting::Of(ctx.server);
  if (Debugging(ctx)) return s.DebugEval(ctx, read_only);
  s.Eval(ctx, false, read_only);
}

void EvalSha(CommandContext& ctx, bool read_only) {
  if (Debugging(ctx)) {
    // A sha that cannot be one is answered as unknown first, as Redis does.
    if (ctx.args[1].size() != 40) return ctx.Error(kNoScriptError);
    return ctx.Error("ERR Please use EVAL instead of EVALSHA for debugging");
  }
  Scripting::Of(ctx.server).Eval(ctx, true, read_only);
}

void CmdEval(CommandContext& ctx) { EvalBody(ctx, false); }
void CmdEvalSha(CommandContext& ctx) { EvalSha(ctx, false); }
void CmdEvalRo(CommandContext& ctx) { EvalBody(ctx, true); }
void CmdEvalShaRo(CommandContext& ctx) { EvalSha(ctx, true); }

void CmdScriptLoad(CommandContext& ctx) {
  std::string err;
  std::optional<std::string> sha = Scripting::Of(ctx.server).LoadScript(ctx.args[2], &err);
  if (!sha) return ctx.Error(err);
  ctx.reply.Bulk(*sha);
}

void CmdScriptExists(CommandContext& ctx) {
  Scripting& s = Scripting::Of(ctx.server);
  ctx.reply.ArrayHeader(ctx.args.size() - 2);
  for (std::string_view sha : ctx.args.subspan(2)) ctx.reply.Integer(s.ScriptExists(sha));
}

void CmdScriptFlush(CommandContext& ctx) {
  // ASYNC frees in the background in Redis; the cache is small, so both free at once.
  if (ctx.args.size() > 3 ||
      (ctx.args.size() == 3 && !EqualsIgnoreCase(ctx.args[2], "sync") &&
       !EqualsIgnoreCase(ctx.args[2], "async"))) {
    return ctx.Error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
  }
  Scripting::Of(ctx.server).FlushScripts();
  ctx.reply.Ok();
}

// SCRIPT DEBUG YES|SYNC|NO: how this client's next EVAL runs (server/scripting/debug_session.h).
// The debugger talks to the client over its socket directly, which a TLS connection does
// not allow.
void CmdScriptDebug(CommandContext& ctx) {
  if (!ctx.reply.buffer().empty()) {
    return ctx.Error("ERR SCRIPT DEBUG must be called outside a pipeline");
  }
  using Mode = ClientState::LuaDebug;
  const std::string_view arg = ctx.args[2];
  Mode mode;
  if (EqualsIgnoreCase(arg, "no")) {
    mode = Mode::kOff;
  } else if (EqualsIgnoreCase(arg, "yes")) {
    mode = Mode::kForked;
  } else if (EqualsIgnoreCase(arg, "sync")) {
    mode = Mode::kSync;
  } else {
    return ctx.Error("ERR Use SCRIPT DEBUG YES/SYNC/NO");
  }
  if (mode != Mode::kOff && (ctx.client.tls || ctx.client.fd < 0)) {
    return ctx.Error("ERR SCRIPT DEBUG is not available on TLS connections");
  }
  ctx.client.lua_debug = mode;
  ctx.reply.Ok();
}

// Only reached when no script runs: a running one holds the store strand, and the
// connection answers SCRIPT KILL itself then.
void CmdScriptKill(CommandContext& ctx) { ctx.Error(kNotBusyErr); }

void CmdScriptHelp(CommandContext& ctx) {
  ReplySubcommandHelp(
      ctx.reply, "SCRIPT",
      {"DEBUG (YES|SYNC|NO)", "    Set the debug mode for subsequent scripts executed.",
       "EXISTS <sha1> [<sha1> ...]",
       "    Return information about the existence of the scripts in the script cache.",
       "FLUSH [ASYNC|SYNC]", "    Flush the Lua scripts cache. Very dangerous on replicas.",
       "    When called without the optional mode argument, the behavior is determined by the",
       "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
       "    * ASYNC: Asynchronously flush the scripts cache.",
       "    * SYNC: Synchronously flush the scripts cache.",
       "KILL", "    Kill the currently executing Lua script.",
       "LOAD <script>", "    Load a script into the scripts cache without executing it."});
}

constexpr KeyRange kScriptKeys{0, 0, 0, 2};  // EVAL body numkeys key...
constexpr uint32_t kEvalFlags = kNoScript | kStale | kSkipMonitor | kNoMandatoryKeys;
constexpr std::string_view kCats = "@slow @scripting";

}  // namespace

void RegisterScriptCommands(CommandTable& t) {
  t.Add(MakeSpec("eval", -3, kEvalFlags, kScriptKeys, CmdEval,
                 {kCats, "scripting", "2.6.0", "Executes a server-side Lua script.",
                  "Depends on the script that is executed."}));
  t.Add(MakeSpec("evalsha", -3, kEvalFlags, kScriptKeys, CmdEvalSha,
                 {kCats, "scripting", "2.6.0",
                  "Executes a server-side Lua script by SHA1 digest.",
                  "Depends on the script that is executed."}));
  t.Add(MakeSpec("eval_ro", -3, kEvalFlags | kReadOnly, kScriptKeys, CmdEvalRo,
                 {kCats, "scripting", "7.0.0", "Executes a read-only server-side Lua script.",
                  "Depends on the script that is executed."}));
  t.Add(MakeSpec("evalsha_ro", -3, kEvalFlags | kReadOnly, kScriptKeys, CmdEvalShaRo,
                 {kCats, "scripting", "7.0.0",
                  "Executes a read-only server-side Lua script by SHA1 digest.",
                  "Depends on the script that is executed."}));
  CommandSpec script = MakeSpec("script", -2, 0, kNoKeys, nullptr,
                                {"@slow", "scripting", "2.6.0",
                                 "A container for Lua scripts management commands.",
                                 "Depends on subcommand."});
  script.subcommands = {
      MakeSpec("script|load", 3, kNoScript | kStale, kNoKeys, CmdScriptLoad,
               {kCats, "scripting", "2.6.0",
                "Loads a server-side Lua script to the script cache.",
                "O(N) with N being the length in bytes of the script body."}),
      MakeSpec("script|debug", 3, kNoScript, kNoKeys, CmdScriptDebug,
               {kCats, "scripting", "3.2.0", "Sets the debug mode of server-side Lua scripts.",
                "O(1)"}),
      MakeSpec("script|exists", -3, kNoScript, kNoKeys, CmdScriptExists,
               {kCats, "scripting", "2.6.0",
                "Determines whether server-side Lua scripts exist in the script cache.",
                "O(N) with N being the number of scripts to check (so checking a single script "
                "is an O(1) operation)."}),
      MakeSpec("script|flush", -2, kNoScript, kNoKeys, CmdScriptFlush,
               {kCats, "scripting", "2.6.0",
                "Removes all server-side Lua scripts from the script cache.",
                "O(N) with N being the number of scripts in cache"}),
      MakeSpec("script|kill", 2, kNoScript | kAllowBusy, kNoKeys, CmdScriptKill,
               {kCats, "scripting", "2.6.0",
                "Terminates a server-side Lua script during execution.", "O(1)"}),
      MakeSpec("script|help", 2, kLoading | kStale, kNoKeys, CmdScriptHelp,
               {kCats, "scripting", "5.0.0",
                "Returns helpful text about the different subcommands.", "O(1)"}),
  };
  t.Add(std::move(script));
}

}  // namespace kvd
