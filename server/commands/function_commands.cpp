// FCALL, FCALL_RO and FUNCTION LOAD|DELETE|LIST|FLUSH|DUMP|RESTORE|STATS|KILL|HELP. The
// libraries are server/scripting/function_library.h; the commands that change them are
// writes, logged as sent, so the append-only file loads the same libraries back.
#include <optional>

#include "core/text.h"
#include "server/command.h"
#include "server/commands/key_spec.h"
#include "server/commands/subcommand_help.h"
#include "server/scripting/function_dump.h"
#include "server/scripting/script_flags.h"
#include "server/scripting/script_run.h"
#include "server/scripting/scripting.h"
#include "server/server_state.h"

namespace kvd {
namespace {

constexpr std::string_view kNotBusyErr = "NOTBUSY No scripts in execution right now.";

void CmdFcall(CommandContext& ctx) { Scripting::Of(ctx.server).Fcall(ctx, false); }
void CmdFcallRo(CommandContext& ctx) { Scripting::Of(ctx.server).Fcall(ctx, true); }

void CmdFunctionLoad(CommandContext& ctx) {
  bool replace = false;
  size_t i = 2;
  for (; i + 1 < ctx.args.size(); ++i) {
    if (!EqualsIgnoreCase(ctx.args[i], "replace")) {
      return ctx.Error("ERR Unknown option given: " + std::string(ctx.args[i]));
    }
    replace = true;
  }
  std::string err;
  std::string name = Scripting::Of(ctx.server).functions().Load(ctx.args[i], replace, &err);
  if (name.empty()) return ctx.Error(err);
  ctx.AddDirty();
  ctx.reply.Bulk(name);
}

void CmdFunctionDelete(CommandContext& ctx) {
  if (!Scripting::Of(ctx.server).functions().Delete(ctx.args[2])) {
    return ctx.Error("ERR Library not found");
  }
  ctx.AddDirty();
  ctx.reply.Ok();
}

// FLUSH's and RESTORE's [ASYNC|SYNC]: both free at once (libraries are small).
bool FlushModeOk(CommandContext& ctx) {
  if (ctx.args.size() == 2) return true;
  if (ctx.args.size() == 3 &&
      (EqualsIgnoreCase(ctx.args[2], "sync") || EqualsIgnoreCase(ctx.args[2], "async"))) {
    return true;
  }
  ctx.Error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
  return false;
}

void CmdFunctionFlush(CommandContext& ctx) {
  if (!FlushModeOk(ctx)) return;
  Scripting::Of(ctx.server).functions().Flush();
  ctx.AddDirty();
  ctx.reply.Ok();
}

void ReplyFunction(ReplyWriter& r, const FunctionDef& f) {
  r.MapHeader(3);
  r.Bulk("name");
  r.Bulk(f.name);
  r.Bulk("description");
  if (f.has_description) {
    r.Bulk(f.description);
  } else {
    r.Null();
  }
  r.Bulk("flags");
  size_t n = 0;
  for (uint32_t flag : kAllScriptFlags) n += (f.flags & flag) != 0;
  r.SetHeader(n);
  for (uint32_t flag : kAllScriptFlags) {
    if (f.flags & flag) r.Bulk(ScriptFlagName(flag));
  }
}

void CmdFunctionList(CommandContext& ctx) {
  bool with_code = false;
  std::optional<std::string_view> pattern;
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    if (EqualsIgnoreCase(ctx.args[i], "withcode") && !with_code) {
      with_code = true;
    } else if (EqualsIgnoreCase(ctx.args[i], "libraryname") && !pattern) {
      if (i + 1 >= ctx.args.size()) return ctx.Error("ERR library name argument was not given");
      pattern = ctx.args[++i];
    } else {
      return ctx.Error("ERR Unknown argument " + std::string(ctx.args[i]));
    }
  }
  const FunctionLibraries& libs = Scripting::Of(ctx.server).functions();
  std::vector<const Library*> shown;
  for (const auto& [name, lib] : libs.libraries()) {
    if (!pattern || GlobMatch(*pattern, name, false)) shown.push_back(&lib);
  }
  ctx.reply.ArrayHeader(shown.size());
  for (const Library* lib : shown) {
    ctx.reply.MapHeader(with_code ? 4 : 3);
    ctx.reply.Bulk("library_name");
    ctx.reply.Bulk(lib->name);
    ctx.reply.Bulk("engine");
    ctx.reply.Bulk("LUA");
    ctx.reply.Bulk("functions");
    ctx.reply.ArrayHeader(lib->functions.size());
    for (const FunctionDef& f : lib->functions) ReplyFunction(ctx.reply, f);
    if (with_code) {
      ctx.reply.Bulk("library_code");
      ctx.reply.Bulk(lib->code);
    }
  }
}

void CmdFunctionStats(CommandContext& ctx) {
  Scripting& s = Scripting::Of(ctx.server);
  ctx.reply.MapHeader(2);
  ctx.reply.Bulk("running_script");
  // A running script holds the store strand: this runs only between scripts.
  ctx.reply.Null();
  ctx.reply.Bulk("engines");
  ctx.reply.MapHeader(1);
  ctx.reply.Bulk("LUA");
  ctx.reply.MapHeader(2);
  ctx.reply.Bulk("libraries_count");
  ctx.reply.Integer(static_cast<int64_t>(s.functions().libraries().size()));
  ctx.reply.Bulk("functions_count");
  ctx.reply.Integer(static_cast<int64_t>(s.functions().function_count()));
}

void CmdFunctionKill(CommandContext& ctx) { ctx.Error(kNotBusyErr); }

void CmdFunctionDump(CommandContext& ctx) {
  ctx.reply.Bulk(DumpFunctions(Scripting::Of(ctx.server).functions()));
}

void CmdFunctionRestore(CommandContext& ctx) {
  RestorePolicy policy = RestorePolicy::kAppend;
  if (ctx.args.size() > 4) return ctx.Error("ERR syntax error");
  if (ctx.args.size() == 4) {
    std::string_view p = ctx.args[3];
    if (EqualsIgnoreCase(p, "append")) {
      policy = RestorePolicy::kAppend;
    } else if (EqualsIgnoreCase(p, "replace")) {
      policy = RestorePolicy::kReplace;
    } else if (EqualsIgnoreCase(p, "flush")) {
      policy = RestorePolicy::kFlush;
    } else {
      return ctx.Error("ERR Wrong restore policy given, value should be either FLUSH, APPEND or "
                       "REPLACE.");
    }
  }
  std::string err = RestoreFunctions(Scripting::Of(ctx.server).functions(), ctx.args[2], policy);
  if (!err.empty()) return ctx.Error(err);
  ctx.AddDirty();
  ctx.reply.Ok();
}

void CmdFunctionHelp(CommandContext& ctx) {
  ReplySubcommandHelp(
      ctx.reply, "FUNCTION",
      {"LOAD [REPLACE] <FUNCTION CODE>",
       "    Create a new library with the given library name and code.",
       "DELETE <LIBRARY NAME>", "    Delete the given library.",
       "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
       "    Return general information on all the libraries:",
       "    * Library name", "    * The engine used to run the Library",
       "    * Library description", "    * Functions list",
       "    * Library code (if WITHCODE is given)",
       "    It also possible to get only function that matches a pattern using LIBRARYNAME "
       "argument.",
       "STATS", "    Return information about the current function running:",
       "    * Function name", "    * Command used to run the function",
       "    * Duration in MS that the function is running",
       "    If no function is running, return nil",
       "    In addition, returns a list of available engines.",
       "KILL", "    Kill the current running function.",
       "FLUSH [ASYNC|SYNC]", "    Delete all the libraries.",
       "    When called without the optional mode argument, the behavior is determined by the",
       "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
       "    * ASYNC: Asynchronously flush the libraries.",
       "    * SYNC: Synchronously flush the libraries.",
       "DUMP", "    Return a serialized payload representing the current libraries, can be "
       "restored using FUNCTION RESTORE command",
       "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
       "    Restore the libraries represented by the given payload, it is possible to give a "
       "restore policy to",
       "    control how to handle existing libraries (default APPEND):",
       "    * FLUSH: delete all existing libraries.",
       "    * APPEND: appends the restored libraries to the existing libraries. On collision, "
       "abort.",
       "    * REPLACE: appends the restored libraries to the existing libraries, On collision, "
       "replace the old",
       "      libraries with the new libraries (notice that even on this option there is a "
       "chance of failure",
       "      in case of functions name collision with another library)."});
}

constexpr KeyRange kFcallKeys{0, 0, 0, 2};  // FCALL function numkeys key...
constexpr uint32_t kFcallFlags = kNoScript | kStale | kSkipMonitor | kNoMandatoryKeys;
constexpr std::string_view kCats = "@slow @scripting";
constexpr std::string_view kWriteCats = "@write @slow @scripting";

}  // namespace

void RegisterFunctionCommands(CommandTable& t) {
  t.Add(MakeSpec("fcall", -3, kFcallFlags, kFcallKeys, CmdFcall,
                 {kCats, "scripting", "7.0.0", "Invokes a function.",
                  "Depends on the function that is executed."}));
  t.Add(MakeSpec("fcall_ro", -3, kFcallFlags | kReadOnly, kFcallKeys, CmdFcallRo,
                 {kCats, "scripting", "7.0.0", "Invokes a read-only function.",
                  "Depends on the function that is executed."}));
  CommandSpec function = MakeSpec("function", -2, 0, kNoKeys, nullptr,
                                  {"@slow", "scripting", "7.0.0",
                                   "A container for function commands.",
                                   "Depends on subcommand."});
  function.subcommands = {
      MakeSpec("function|load", -3, kWrite | kDenyOom | kNoScript, kNoKeys, CmdFunctionLoad,
               {kWriteCats, "scripting", "7.0.0", "Creates a library.",
                "O(1) (considering compilation time is redundant)"}),
      MakeSpec("function|delete", 3, kWrite | kNoScript, kNoKeys, CmdFunctionDelete,
               {kWriteCats, "scripting", "7.0.0", "Deletes a library and its functions.",
                "O(1)"}),
      MakeSpec("function|list", -2, kNoScript, kNoKeys, CmdFunctionList,
               {kCats, "scripting", "7.0.0", "Returns information about all libraries.",
                "O(N) where N is the number of functions"}),
      MakeSpec("function|flush", -2, kWrite | kNoScript, kNoKeys, CmdFunctionFlush,
               {kWriteCats, "scripting", "7.0.0", "Deletes all libraries and functions.",
                "O(N) where N is the number of functions deleted"}),
      MakeSpec("function|dump", 2, kNoScript, kNoKeys, CmdFunctionDump,
               {kCats, "scripting", "7.0.0", "Dumps all libraries into a serialized binary payload.",
                "O(N) where N is the number of functions"}),
      MakeSpec("function|restore", -3, kWrite | kDenyOom | kNoScript, kNoKeys,
               CmdFunctionRestore,
               {kWriteCats, "scripting", "7.0.0",
                "Restores all libraries from a payload.",
                "O(N) where N is the number of functions on the payload"}),
      MakeSpec("function|stats", 2, kNoScript | kAllowBusy, kNoKeys, CmdFunctionStats,
               {kCats, "scripting", "7.0.0",
                "Returns information about a function during execution.", "O(1)"}),
      MakeSpec("function|kill", 2, kNoScript | kAllowBusy, kNoKeys, CmdFunctionKill,
               {kCats, "scripting", "7.0.0", "Terminates a function during execution.",
                "O(1)"}),
      MakeSpec("function|help", 2, kLoading | kStale, kNoKeys, CmdFunctionHelp,
               {kCats, "scripting", "7.0.0",
                "Returns helpful text about the different subcommands.", "O(1)"}),
  };
  t.Add(std::move(function));
}

}  // namespace kvd
