#include "server/scripting/busy_reply.h"

#include "core/text.h"
#include "server/server_state.h"

namespace kvd {
namespace {

constexpr std::string_view kBusyEvalErr =
    "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n";
constexpr std::string_view kBusyFunctionErr =
    "-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN "
    "NOSAVE.\r\n";
constexpr std::string_view kUnkillableErr =
    "-UNKILLABLE Sorry the script already executed write commands against the dataset. You "
    "can either wait the script termination or kill the server in a hard way using the "
    "SHUTDOWN NOSAVE command.\r\n";

// Redis's scriptKill: `is_eval` for SCRIPT KILL, false for FUNCTION KILL.
std::string Kill(ScriptRunState& state, bool is_eval) {
  if (state.wrote.load()) return std::string(kUnkillableErr);
  const bool running_function = state.is_function.load();
  if (is_eval && running_function) return std::string(kBusyFunctionErr);
  if (!is_eval && !running_function) return std::string(kBusyEvalErr);
  int expected = static_cast<int>(ScriptKill::kNone);
  state.kill.compare_exchange_strong(expected, static_cast<int>(ScriptKill::kKill));
  return "+OK\r\n";
}

}  // namespace

BusyAnswer AnswerWhileBusy(ServerState& server, std::span<const std::string_view> args) {
  ScriptRunState& state = server.script_run;
  const std::string_view busy = state.is_function.load() ? kBusyFunctionErr : kBusyEvalErr;
  std::string_view name = args[0];
  if (EqualsIgnoreCase(name, "quit")) return {"+OK\r\n", true};
  if (args.size() == 2 && EqualsIgnoreCase(name, "script") &&
      EqualsIgnoreCase(args[1], "kill")) {
    return {Kill(state, true)};
  }
  if (args.size() == 2 && EqualsIgnoreCase(name, "function") &&
      EqualsIgnoreCase(args[1], "kill")) {
    return {Kill(state, false)};
  }
  if (EqualsIgnoreCase(name, "shutdown")) {
    bool nosave = false;
    for (std::string_view a : args.subspan(1)) nosave = nosave || EqualsIgnoreCase(a, "nosave");
    // Without NOSAVE the script's half-done writes would be saved: refused, as Redis.
    if (!nosave) return {std::string(busy)};
    state.kill.store(static_cast<int>(ScriptKill::kShutdown));
    // Runs on the store strand once the script has stopped.
    if (server.request_shutdown) server.request_shutdown({.mode = ShutdownMode::kNoSave});
    return {};
  }
  return {std::string(busy)};
}

void StopScriptForShutdown(ServerState& server) {
  ScriptRunState& state = server.script_run;
  if (!state.wrote.load()) {
    int expected = static_cast<int>(ScriptKill::kNone);
    state.kill.compare_exchange_strong(expected, static_cast<int>(ScriptKill::kKill));
    if (!state.wrote.load()) return;
  }
  state.kill.store(static_cast<int>(ScriptKill::kShutdown));
  if (server.request_shutdown) server.request_shutdown({.mode = ShutdownMode::kNoSave});
}

}  // namespace kvd
