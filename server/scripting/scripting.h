#pragma once
// Scripting: EVAL's script cache and Lua state, the function libraries, and running either
// on the store strand with Redis's rules (atomic, KEYS/ARGV, flags, read-only variants,
// the busy-reply-threshold hook that lets SCRIPT KILL stop a looping script).
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/command.h"
#include "server/scripting/function_library.h"

struct lua_State;

namespace kvd {

class LuaDebugger;
struct ScriptRun;

inline constexpr std::string_view kNoScriptError = "NOSCRIPT No matching script. Please use EVAL.";

// What scripting holds, for INFO memory (Redis 7's used_memory_vm_*, used_memory_scripts_*).
struct ScriptingMemory {
  size_t eval_vm = 0;       // EVAL's Lua state
  size_t functions_vm = 0;  // the function libraries' Lua state
  size_t eval_scripts = 0;  // the cached script bodies
  size_t functions = 0;     // the libraries' code and names
  size_t cached_scripts = 0;
  size_t function_count = 0;
  size_t library_count = 0;
};

class Scripting {
 public:
  Scripting();
  ~Scripting();
  Scripting(const Scripting&) = delete;
  Scripting& operator=(const Scripting&) = delete;

  // The engine of this server, made on first use.
  static Scripting& Of(ServerState& server);

  // EVAL, EVALSHA, EVAL_RO, EVALSHA_RO; under the Lua debugger when `debugger` is given.
  void Eval(CommandContext& ctx, bool by_sha, bool read_only, LuaDebugger* debugger = nullptr);
  // EVAL and EVAL_RO for a client that turned SCRIPT DEBUG on: the script runs under the
  // Lua debugger, in a forked child that keeps its changes to itself (YES), or holding the
  // server (SYNC); the connection closes after it (server/scripting/debug_session.cpp).
  void DebugEval(CommandContext& ctx, bool read_only);
  // The forked debugging sessions: the cron reaps the ended ones, a shutdown kills them.
  void ReapDebugSessions();
  void KillDebugSessions();
  // FCALL, FCALL_RO.
  void Fcall(CommandContext& ctx, bool read_only);

  // SCRIPT LOAD: compiles and caches the body; its sha, or nullopt with the error in `err`.
  std::optional<std::string> LoadScript(std::string_view body, std::string* err);
  bool ScriptExists(std::string_view sha) const;
  void FlushScripts();  // SCRIPT FLUSH: the cache and a fresh Lua state
  size_t script_count() const { return scripts_.size(); }

  FunctionLibraries& functions() { return functions_; }
  ScriptingMemory Memory() const;

 private:
  struct CachedScript {
    std::string body;
    uint32_t flags = 0;
  };
  // Runs the function on top of `L`'s stack (with `nargs` arguments above it) for the caller
  // and replies its result.
  void Run(lua_State* L, ScriptRun& run, int nargs);

  lua_State* eval_lua_;
  std::unordered_map<std::string, CachedScript> scripts_;  // by sha
  std::vector<pid_t> debug_sessions_;  // forked debugging sessions not reaped yet
  FunctionLibraries functions_;
};

}  // namespace kvd
