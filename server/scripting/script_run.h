#pragma once
// One script or function invocation: what redis.call needs while it runs. Lives on the
// stack of the command running the script; the Lua state's registry points to it meanwhile.
#include <chrono>
#include <cstddef>
#include <string>

#include "server/client_state.h"
#include "server/command.h"

namespace kvd {

class LuaDebugger;

struct ScriptRun {
  ScriptRun(CommandContext& caller_ctx, std::string run_name, bool eval)
      : caller(caller_ctx), name(std::move(run_name)), is_eval(eval) {}

  CommandContext& caller;  // EVAL / FCALL: its client, reply and log of effects
  // The script's own client, as Redis's "lua" client: the database it SELECTs and the
  // protocol redis.setresp chose, never the caller's.
  ClientState client;
  std::string name;      // the sha (EVAL) or the function's name, for error messages
  bool is_eval = true;   // EVAL/EVALSHA; false for FCALL
  bool read_only = false;  // EVAL_RO, FCALL_RO, or the no-writes flag
  bool allow_oom = false;  // the allow-oom flag: writes run past maxmemory
  bool wrote = false;      // a command changed data: the script cannot be killed now
  size_t effects_db = 0;   // the database the logged effects were last in (SELECT)
  std::chrono::steady_clock::time_point start;
  bool slow = false;       // past busy-reply-threshold: other clients get -BUSY
  // The Lua debugger's session when the caller debugs this script (SCRIPT DEBUG), or null.
  LuaDebugger* debugger = nullptr;
};

}  // namespace kvd
