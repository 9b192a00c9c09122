#include "server/scripting/scripting.h"

extern "C" {
#include <lauxlib.h>
#include <lua.h>
}

#include <chrono>
#include <vector>

#include <spdlog/spdlog.h>

#include "core/numeric.h"
#include "core/text.h"
#include "server/errors.h"
#include "server/scripting/lua_debugger.h"
#include "server/scripting/lua_reply.h"
#include "server/scripting/lua_sandbox.h"
#include "server/scripting/script_flags.h"
#include "server/scripting/script_run.h"
#include "server/scripting/sha1.h"
#include "server/server_state.h"

namespace kvd {
namespace {

constexpr std::string_view kRoWriteFlagErr =
    "ERR Can not execute a script with write flag using *_ro command.";
constexpr std::string_view kOomErr = "OOM command not allowed when used memory > 'maxmemory'.";
// Lua instructions between two looks at the clock and the kill flag, as Redis.
constexpr int kHookInstructions = 100000;

std::string FunctionKey(std::string_view sha) { return "f_" + std::string(sha); }

// The keys and arguments of EVAL/FCALL (name, body or function, numkeys, keys..., args...),
// or an error reply.
struct KeysAndArgs {
  std::span<const std::string_view> keys, args;
};
std::optional<KeysAndArgs> SplitKeys(CommandContext& ctx, bool fcall) {
  std::optional<int64_t> n = ParseInt64(ctx.args[2]);
  if (!n) {
    ctx.Error(fcall ? "ERR Bad number of keys provided" : kNotIntegerErr);
    return std::nullopt;
  }
  const size_t rest = ctx.args.size() - 3;
  if (*n > static_cast<int64_t>(rest)) {
    ctx.Error("ERR Number of keys can't be greater than number of args");
    return std::nullopt;
  }
  if (*n < 0) {
    ctx.Error("ERR Number of keys can't be negative");
    return std::nullopt;
  }
  const size_t keys = static_cast<size_t>(*n);
  return KeysAndArgs{ctx.args.subspan(3, keys), ctx.args.subspan(3 + keys)};
}

// The count hook: marks the script slow past busy-reply-threshold (other clients get -BUSY
// from then on), lets the network run meanwhile, and stops the script once SCRIPT KILL,
// FUNCTION KILL or SHUTDOWN NOSAVE asked for it.
void CountHook(lua_State* L, lua_Debug*) {
  ScriptRun* run = CurrentRun(L);
  if (run == nullptr) return;
  ServerState& server = run->caller.server;
  ScriptRunState& state = server.script_run;
  if (!run->slow) {
    const int64_t threshold = server.config.values().busy_reply_threshold;
    const auto elapsed = std::chrono::steady_clock::now() - run->start;
    const int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
    if (threshold <= 0 || ms < threshold) return;
    run->slow = true;
    state.is_function.store(!run->is_eval);
    state.busy.store(true);
    spdlog::warn(
        "Slow script detected: still in execution after {} milliseconds. You can try killing "
        "the script using the {} command. Script name is: {}.",
        ms, run->is_eval ? "SCRIPT KILL" : "FUNCTION KILL", run->name);
  }
  if (state.process_events) state.process_events();
  const auto kill = static_cast<ScriptKill>(state.kill.load());
  if (kill == ScriptKill::kNone) return;
  if (kill == ScriptKill::kKill && run->wrote) {
    state.kill.store(static_cast<int>(ScriptKill::kNone));  // too late: it has written
    return;
  }
  spdlog::warn("Lua script killed by user with SCRIPT KILL.");
  // From now on at every line, so that a pcall in the script cannot swallow the kill.
  lua_sethook(L, CountHook, LUA_MASKLINE, 0);
  PushErrorTable(L, "Script killed by user with SCRIPT KILL...");
  lua_error(L);
}

// A script's error reply: one that passes on a called command's error was counted when that
// command replied (Redis's ignore_error_stats_update); the script fails all the same.
void ReplyScriptError(CommandContext& ctx, const ScriptError& error) {
  if (error.counted) {
    ctx.PassOnError(error.text);
  } else {
    ctx.Error(error.text);
  }
}

}  // namespace

Scripting::Scripting() : eval_lua_(NewSandbox(SandboxFor::kEval)) {}

Scripting::~Scripting() { lua_close(eval_lua_); }

namespace {

size_t LuaBytes(lua_State* L) {
  return static_cast<size_t>(lua_gc(L, LUA_GCCOUNT, 0)) * 1024 +
         static_cast<size_t>(lua_gc(L, LUA_GCCOUNTB, 0));
}

}  // namespace

ScriptingMemory Scripting::Memory() const {
  ScriptingMemory m;
  m.eval_vm = LuaBytes(eval_lua_);
  m.functions_vm = LuaBytes(functions_.lua());
  for (const auto& [sha, script] : scripts_) m.eval_scripts += sha.size() + script.body.size();
  for (const auto& [name, library] : functions_.libraries()) {
    m.functions += name.size() + library.code.size();
    for (const FunctionDef& f : library.functions) m.functions += f.name.size();
  }
  m.cached_scripts = scripts_.size();
  m.function_count = functions_.function_count();
  m.library_count = functions_.libraries().size();
  return m;
}

Scripting& Scripting::Of(ServerState& server) {
  if (!server.script_run.engine) server.script_run.engine = std::make_shared<Scripting>();
  return *server.script_run.engine;
}

std::optional<std::string> Scripting::LoadScript(std::string_view body, std::string* err) {
  std::string sha = Sha1Hex(body);
  if (scripts_.contains(sha)) return sha;
  std::optional<Shebang> shebang = ParseShebang(body, false, err);
  if (!shebang) return std::nullopt;
  // Without the shebang line but with its newline, so that line numbers stay the body's.
  std::string_view code = body.substr(shebang->length);
  if (luaL_loadbuffer(eval_lua_, code.data(), code.size(), "@user_script") != 0) {
    *err = "ERR Error compiling script (new function): ";
    err->append(lua_tostring(eval_lua_, -1));
    lua_pop(eval_lua_, 1);
    return std::nullopt;
  }
  lua_setfield(eval_lua_, LUA_REGISTRYINDEX, FunctionKey(sha).c_str());
  scripts_[sha] = CachedScript{std::string(body), shebang->flags};
  return sha;
}

bool Scripting::ScriptExists(std::string_view sha) const {
  return scripts_.contains(ToLower(sha));
}

void Scripting::FlushScripts() {
  scripts_.clear();
  lua_close(eval_lua_);
  eval_lua_ = NewSandbox(SandboxFor::kEval);
}

void Scripting::Eval(CommandContext& ctx, bool by_sha, bool read_only, LuaDebugger* debugger) {
  std::optional<KeysAndArgs> ka = SplitKeys(ctx, false);
  if (!ka) return;
  std::string sha;
  if (by_sha) {
    sha = ToLower(ctx.args[1]);
    if (!scripts_.contains(sha)) return ctx.Error(kNoScriptError);
  } else {
    std::string err;
    std::optional<std::string> loaded = LoadScript(ctx.args[1], &err);
    if (!loaded) return ctx.Error(err);
    sha = std::move(*loaded);
  }
  const uint32_t flags = scripts_[sha].flags;
  ScriptRun run(ctx, sha, true);
  run.debugger = debugger;
  if (!(flags & kScriptNoShebang)) {
    // Redis 7's rules for scripts that declare their flags.
    if (read_only && !(flags & kScriptNoWrites)) return ctx.Error(kRoWriteFlagErr);
    const ConfigValues& cfg = ctx.server.config.values();
    if (!(flags & (kScriptNoWrites | kScriptAllowOom)) && cfg.maxmemory > 0 &&
        !ctx.client.replaying_aof &&
        ctx.server.store.AllocatedBytes() > static_cast<size_t>(cfg.maxmemory)) {
      return ctx.Error(kOomErr);
    }
    run.allow_oom = flags & kScriptAllowOom;
  }
  run.read_only = read_only || (flags & kScriptNoWrites);
  lua_getfield(eval_lua_, LUA_REGISTRYINDEX, FunctionKey(sha).c_str());
  // EVAL's KEYS and ARGV are globals.
  PushStringArray(eval_lua_, ka->keys);
  SetProtectedGlobal(eval_lua_, "KEYS");
  PushStringArray(eval_lua_, ka->args);
  SetProtectedGlobal(eval_lua_, "ARGV");
  Run(eval_lua_, run, 0);
}

void Scripting::Fcall(CommandContext& ctx, bool read_only) {
  std::optional<KeysAndArgs> ka = SplitKeys(ctx, true);
  if (!ka) return;
  const FunctionDef* f = functions_.Find(ctx.args[1]);
  if (f == nullptr) return ctx.Error("ERR Function not found");
  if (read_only && !(f->flags & kScriptNoWrites)) return ctx.Error(kRoWriteFlagErr);
  const ConfigValues& cfg = ctx.server.config.values();
  if (!(f->flags & (kScriptNoWrites | kScriptAllowOom)) && cfg.maxmemory > 0 &&
      !ctx.client.replaying_aof &&
      ctx.server.store.AllocatedBytes() > static_cast<size_t>(cfg.maxmemory)) {
    return ctx.Error(kOomErr);
  }
  ScriptRun run(ctx, f->name, false);
  run.read_only = read_only || (f->flags & kScriptNoWrites);
  run.allow_oom = f->flags & kScriptAllowOom;
  lua_State* L = functions_.lua();
  lua_rawgeti(L, LUA_REGISTRYINDEX, f->ref);
  // A function gets its keys and arguments as parameters.
  PushStringArray(L, ka->keys);
  PushStringArray(L, ka->args);
  Run(L, run, 2);
}

void Scripting::Run(lua_State* L, ScriptRun& run, int nargs) {
  CommandContext& ctx = run.caller;
  ServerState& server = ctx.server;
  ScriptRunState& state = server.script_run;
  run.client.db = run.effects_db = ctx.client.db;
  run.client.resp = 2;
  run.client.authenticated = true;
  run.client.deny_blocking = true;  // blocking commands answer at once, as if timed out
  run.client.addr = "lua";
  run.client.script = true;
  run.client.replaying_aof = ctx.client.replaying_aof;
  state.wrote.store(false);
  state.kill.store(static_cast<int>(ScriptKill::kNone));

  // The error handler goes below the function and its arguments.
  PushErrorHandler(L);
  lua_insert(L, -(nargs + 2));
  const int handler = lua_gettop(L) - nargs - 1;
  SetCurrentRun(L, &run);
  if (run.debugger != nullptr) {
    // The debugger's hook stops at lines, and counts instructions to stop a loop.
    lua_sethook(L, LuaDebugger::Hook, LUA_MASKLINE | LUA_MASKCOUNT, kHookInstructions);
  } else if (server.config.values().busy_reply_threshold > 0) {
    lua_sethook(L, CountHook, LUA_MASKCOUNT, kHookInstructions);
  }
  run.start = std::chrono::steady_clock::now();
  const int status = lua_pcall(L, nargs, 1, handler);
  lua_sethook(L, nullptr, 0, 0);
  SetCurrentRun(L, nullptr);
  const bool shutting_down = state.kill.load() == static_cast<int>(ScriptKill::kShutdown);
  state.busy.store(false);
  state.kill.store(static_cast<int>(ScriptKill::kNone));
  state.wrote.store(false);

  if (status != 0) {
    ScriptError error;
    if (lua_istable(L, -1)) {
      std::string source, line;
      lua_getfield(L, -1, "err");
      // A table raised without a message (error({})) still fails with one, as Redis's fix
      // for the crash it caused there.
      error.text = lua_isstring(L, -1) ? lua_tostring(L, -1) : "ERR unknown error";
      lua_getfield(L, -2, "source");
      if (lua_isstring(L, -1)) source = lua_tostring(L, -1);
      lua_getfield(L, -3, "line");
      if (lua_isstring(L, -1)) line = lua_tostring(L, -1);
      lua_getfield(L, -4, kErrorCountedField);
      error.counted = lua_toboolean(L, -1) != 0;
      lua_pop(L, 4);
      if (!error.text.empty() && error.text[0] == '-') error.text.erase(0, 1);
      if (!source.empty() && !line.empty()) {
        error.text += " script: " + run.name + ", on " + source + ":" + line + ".";
      }
    } else {
      const char* text = lua_tostring(L, -1);
      error.text = "ERR Error running script " + run.name + ", " +
                   std::string(text ? text : "execution failure").substr(0, 100);
    }
    lua_pop(L, 1);
    ReplyScriptError(ctx, error);
  } else {
    ScriptError top_error;
    WriteLuaValue(L, ctx.reply, run.client.resp, &top_error);
    if (!top_error.text.empty()) ReplyScriptError(ctx, top_error);
  }
  lua_pop(L, 1);  // the error handler
  DropStrayGlobals(L);
  // Effects are logged in the caller's database: go back to it after a SELECT.
  if (run.effects_db != ctx.client.db) {
    ctx.Propagate({"SELECT", std::to_string(ctx.client.db)});
  }
  // SHUTDOWN NOSAVE stopped the script: nothing of it reaches the log, as in Redis, where
  // the server exits before the script's effects are propagated.
  if (shutting_down) {
    ctx.propagated.clear();
    ctx.dirty = 0;  // nor the script as sent
  }
  lua_gc(L, LUA_GCSTEP, 1);
}

}  // namespace kvd
