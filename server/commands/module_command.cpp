// MODULE on a server that loads no Redis modules: LIST answers the (empty) list of loaded
// modules, so clients probing for RedisJSON or RediSearch see none; LOAD and LOADEX fail as
// Redis's do when a library cannot be loaded, with the reason in the log; UNLOAD finds no
// module by that name. LOAD, LOADEX and UNLOAD are protected commands: enable-module-command
// allows them, as in Redis (the dispatcher checks it first).
#include <spdlog/spdlog.h>

#include <string_view>

#include "server/command.h"
#include "server/commands/key_spec.h"
#include "server/commands/subcommand_help.h"

namespace kvd {
namespace {

void ModuleList(CommandContext& ctx) { ctx.reply.ArrayHeader(0); }

void ModuleLoad(CommandContext& ctx) {
  spdlog::warn("Module {} failed to load: kvd does not load Redis modules", ctx.args[2]);
  ctx.Error("ERR Error loading the extension. Please check the server logs.");
}

void ModuleUnload(CommandContext& ctx) {
  ctx.Error("ERR Error unloading module: no such module with that name");
}

void ModuleHelp(CommandContext& ctx) {
  ReplySubcommandHelp(
      ctx.reply, "MODULE",
      {"LIST", "    Return a list of loaded modules.", "LOAD <path> [<arg> ...]",
       "    Load a module library from <path>, passing to it any optional arguments.",
       "LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
       "    Load a module library from <path>, while passing it module configurations and "
       "optional arguments.",
       "UNLOAD <name>", "    Unload a module."});
}

constexpr std::string_view kAdminCats = "@admin @slow @dangerous";

}  // namespace

void RegisterModuleCommand(CommandTable& t) {
  CommandSpec module = MakeSpec(
      "module", -2, 0, kNoKeys, nullptr,
      {"@slow", "server", "4.0.0", "A container for module commands", "Depends on subcommand."});
  module.subcommands = {
      MakeSpec("module|help", 2, kLoading | kStale, kNoKeys, ModuleHelp,
               {"@slow", "server", "5.0.0", "Show helpful text about the different subcommands",
                "O(1)"}),
      MakeSpec("module|list", 2, kAdmin | kNoScript, kNoKeys, ModuleList,
               {kAdminCats, "server", "4.0.0", "List all modules loaded by the server",
                "O(N) where N is the number of loaded modules."}),
      MakeSpec("module|load", -3, kAdmin | kNoScript | kProtected | kNoAsyncLoading, kNoKeys,
               ModuleLoad, {kAdminCats, "server", "4.0.0", "Load a module", "O(1)"}),
      MakeSpec("module|loadex", -3, kAdmin | kNoScript | kProtected | kNoAsyncLoading, kNoKeys,
               ModuleLoad,
               {kAdminCats, "server", "7.0.0", "Load a module with extended parameters", "O(1)"}),
      MakeSpec("module|unload", 3, kAdmin | kNoScript | kProtected | kNoAsyncLoading, kNoKeys,
               ModuleUnload, {kAdminCats, "server", "4.0.0", "Unload a module", "O(1)"}),
  };
  t.Add(std::move(module));
}

}  // namespace kvd
