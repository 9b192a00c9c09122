#include "server/scripting/lua_redis_api.h"

extern "C" {
#include <lauxlib.h>
#include <lua.h>
}

#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <spdlog/spdlog.h>

#include "server/acl/acl.h"
#include "server/acl/acl_user.h"
#include "server/command_lookup.h"
#include "server/commands/redis_compat.h"
#include "server/scripting/function_library.h"
#include "server/scripting/lua_debugger.h"
#include "server/scripting/lua_reply.h"
#include "server/scripting/lua_sandbox.h"
#include "server/scripting/script_call.h"
#include "server/scripting/script_run.h"
#include "server/scripting/sha1.h"
#include "server/server_state.h"

namespace kvd {
namespace {

// Redis's log levels (LL_DEBUG ... LL_WARNING).
constexpr int kLogDebug = 0, kLogVerbose = 1, kLogNotice = 2, kLogWarning = 3;

// The version as REDIS_VERSION_NUM: 0x00MMmmpp.
int VersionNum() {
  int parts[3] = {0, 0, 0};
  std::sscanf(std::string(kRedisCompatVersion).c_str(), "%d.%d.%d", &parts[0], &parts[1],
              &parts[2]);
  return (parts[0] << 16) | (parts[1] << 8) | parts[2];
}

// Pushes an error table for `message` ("-CODE text", or a plain text that gets "ERR ").
// Every function below that fails this way then raises it, from a frame without C++
// objects alive, since lua_error unwinds with longjmp.
void PushError(lua_State* L, std::string_view message) { PushErrorTable(L, message); }

// The Lua debugger while it steps through the running script, or null.
LuaDebugger* SteppingDebugger(const ScriptRun* run) {
  return run != nullptr && run->debugger != nullptr && run->debugger->logging() ? run->debugger
                                                                               : nullptr;
}

// A redis.call that failed before its command replied: the debugger shows why.
void PushCallError(lua_State* L, const ScriptRun* run, std::string_view message) {
  if (LuaDebugger* debugger = SteppingDebugger(run)) debugger->LogError(message);
  PushError(L, message);
}

// Runs the command named by the arguments; pushes its reply as a Lua value, or an error
// table. Returns whether it pushed an error. All C++ objects die before the caller raises.
bool CallCommand(lua_State* L) {
  ScriptRun* run = CurrentRun(L);
  if (run == nullptr) {
    PushError(L, "redis.call/pcall can only be called inside a script invocation");
    return true;
  }
  const int argc = lua_gettop(L);
  if (argc == 0) {
    PushCallError(L, run, "Please specify at least one argument for this redis lib call");
    return true;
  }
  std::vector<std::string> args;
  args.reserve(argc);
  for (int j = 1; j <= argc; ++j) {
    if (lua_type(L, j) == LUA_TNUMBER) {
      // Not lua_tolstring: Lua's own format loses precision.
      char buf[64];
      int n = std::snprintf(buf, sizeof buf, "%.17g", static_cast<double>(lua_tonumber(L, j)));
      args.emplace_back(buf, static_cast<size_t>(n));
    } else if (lua_type(L, j) == LUA_TSTRING) {
      size_t len = 0;
      const char* s = lua_tolstring(L, j, &len);
      args.emplace_back(s, len);
    } else {
      lua_pop(L, argc);
      PushCallError(L, run, "Lua redis lib command arguments must be strings or integers");
      return true;
    }
  }
  lua_pop(L, argc);
  std::vector<std::string_view> views(args.begin(), args.end());
  if (LuaDebugger* debugger = SteppingDebugger(run)) debugger->LogCommand(views);
  std::string reply;
  if (std::string err = RunScriptCommand(*run, views, reply); !err.empty()) {
    PushCallError(L, run, err);
    return true;
  }
  if (!PushReplyAsLua(L, reply)) {
    PushError(L, "ERR the command's reply could not be read");
    return true;
  }
  if (LuaDebugger* debugger = SteppingDebugger(run)) debugger->LogReply(reply);
  return !reply.empty() && reply[0] == '-';
}

int RedisCall(lua_State* L) {
  if (CallCommand(L)) return lua_error(L);
  return 1;
}

int RedisPcall(lua_State* L) {
  CallCommand(L);
  return 1;
}

// Redis 7's pcall: an error raised as a table (redis.call's) comes back as its text.
int LuaPcall(lua_State* L) {
  const int argc = lua_gettop(L);
  luaL_checkany(L, 1);
  lua_pushboolean(L, 1);
  lua_insert(L, 1);
  if (lua_pcall(L, argc - 1, LUA_MULTRET, 0) != 0) {
    lua_remove(L, 1);
    if (lua_istable(L, -1)) {
      lua_getfield(L, -1, "err");
      if (lua_isstring(L, -1)) {
        lua_replace(L, -2);
      } else {
        lua_pop(L, 1);
      }
    }
    lua_pushboolean(L, 0);
    lua_insert(L, 1);
  }
  return lua_gettop(L);
}

int RedisSha1hex(lua_State* L) {
  if (lua_gettop(L) != 1) {
    PushError(L, "wrong number of arguments");
    return lua_error(L);
  }
  size_t len = 0;
  const char* s = lua_tolstring(L, 1, &len);
  char digest[41];
  {
    std::string hex = Sha1Hex(s ? std::string_view(s, len) : std::string_view());
    hex.copy(digest, 40);
  }
  digest[40] = '\0';
  lua_pushstring(L, digest);
  return 1;
}

int RedisErrorReply(lua_State* L) {
  if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
    PushError(L, "wrong number or type of arguments");
    return 1;
  }
  size_t len = 0;
  const char* s = lua_tolstring(L, -1, &len);
  std::string_view text(s, len);
  if (!text.starts_with('-')) {
    std::string dashed(1, '-');
    dashed += text;
    PushError(L, dashed);
  } else {
    PushError(L, text);
  }
  return 1;
}

int RedisStatusReply(lua_State* L) {
  if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
    PushError(L, "wrong number or type of arguments");
    return 1;
  }
  lua_newtable(L);
  lua_pushstring(L, "ok");
  lua_pushvalue(L, -3);
  lua_settable(L, -3);
  return 1;
}

bool LogTo(lua_State* L) {
  const int argc = lua_gettop(L);
  if (argc < 2) {
    PushError(L, "redis.log() requires two arguments or more.");
    return true;
  }
  if (!lua_isnumber(L, -argc)) {
    PushError(L, "First argument must be a number (log level).");
    return true;
  }
  const int level = static_cast<int>(lua_tonumber(L, -argc));
  if (level < kLogDebug || level > kLogWarning) {
    PushError(L, "Invalid debug level.");
    return true;
  }
  std::string line;
  for (int j = 1; j < argc; ++j) {
    size_t len = 0;
    const char* s = lua_tolstring(L, -argc + j, &len);
    if (s == nullptr) continue;
    if (j != 1) line += ' ';
    line.append(s, len);
  }
  static constexpr spdlog::level::level_enum kLevels[] = {
      spdlog::level::trace, spdlog::level::debug, spdlog::level::info, spdlog::level::warn};
  spdlog::log(kLevels[level], "{}", line);
  return false;
}

int RedisLog(lua_State* L) {
  if (LogTo(L)) return lua_error(L);
  return 0;
}

int RedisSetResp(lua_State* L) {
  ScriptRun* run = CurrentRun(L);
  if (run == nullptr) {
    PushError(L, "redis.setresp can only be called inside a script invocation");
    return lua_error(L);
  }
  if (lua_gettop(L) != 1) {
    PushError(L, "redis.setresp() requires one argument.");
    return lua_error(L);
  }
  const int resp = static_cast<int>(lua_tonumber(L, -1));
  if (resp != 2 && resp != 3) {
    PushError(L, "RESP version must be 2 or 3.");
    return lua_error(L);
  }
  run->client.resp = resp;
  return 0;
}

// Accepted for compatibility: kvd logs a script's effects, never the script, and has no
// replicas, so what to propagate where changes nothing.
int RedisSetRepl(lua_State* L) {
  if (CurrentRun(L) == nullptr) {
    PushError(L, "redis.set_repl can only be called inside a script invocation");
    return lua_error(L);
  }
  if (lua_gettop(L) != 1) {
    PushError(L, "redis.set_repl() requires two arguments.");
    return lua_error(L);
  }
  const int flags = static_cast<int>(lua_tonumber(L, -1));
  if ((flags & ~3) != 0) {
    PushError(L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
    return lua_error(L);
  }
  return 0;
}

// redis.acl_check_cmd's answer for the arguments on L's stack: 1 allowed, 0 refused, or an
// error text. No Lua error is raised here: lua_error's longjmp would skip the destructors.
std::variant<int, const char*> AclCheckCmd(lua_State* L, ScriptRun& run) {
  const int argc = lua_gettop(L);
  std::vector<std::string_view> args;
  for (int i = 1; i <= argc; ++i) {
    size_t len = 0;
    const char* arg = lua_type(L, i) == LUA_TSTRING || lua_type(L, i) == LUA_TNUMBER
                          ? lua_tolstring(L, i, &len)
                          : nullptr;
    if (arg == nullptr) return "Lua redis lib command arguments must be strings or integers";
    args.emplace_back(arg, len);
  }
  ServerState& server = run.caller.server;
  const CommandSpec* spec = LookupCommand(server.commands, args);
  if (spec == nullptr) return "Invalid command passed to redis.acl_check_cmd()";
  // A caller with no user (the append-only file's replay) is the server itself.
  const AclUser* user = run.caller.client.acl_user.get();
  size_t pos = 0;
  const bool allowed = user == nullptr || user->unrestricted() ||
                       server.acl->Check(*user, *spec, args, pos) == AclDenied::kNone;
  return allowed ? 1 : 0;
}

// redis.acl_check_cmd(cmd, arg...): whether the script's caller may run that command with
// those arguments (keys and channels included), without running it or logging a refusal.
int RedisAclCheckCmd(lua_State* L) {
  ScriptRun* run = CurrentRun(L);
  if (run == nullptr) {
    PushError(L, "redis.acl_check_cmd can only be called inside a script invocation");
    return lua_error(L);
  }
  if (lua_gettop(L) == 0) {
    PushError(L, "Please specify at least one argument for this redis lib call");
    return lua_error(L);
  }
  const std::variant<int, const char*> answer = AclCheckCmd(L, *run);
  if (const char* const* err = std::get_if<const char*>(&answer)) {
    PushError(L, *err);
    return lua_error(L);
  }
  lua_pushboolean(L, std::get<int>(answer));
  return 1;
}

// The Lua debugger (SCRIPT DEBUG): redis.breakpoint() stops at the next line and returns
// true, redis.debug(...) shows its arguments in the debugger; outside a debugging session
// they do nothing (false, and nothing shown).
LuaDebugger* SessionDebugger(lua_State* L) {
  ScriptRun* run = CurrentRun(L);
  return run != nullptr ? run->debugger : nullptr;
}
int RedisBreakpoint(lua_State* L) {
  LuaDebugger* debugger = SessionDebugger(L);
  if (debugger != nullptr) debugger->BreakAtNextLine();
  lua_pushboolean(L, debugger != nullptr);
  return 1;
}
int RedisDebug(lua_State* L) {
  if (LuaDebugger* debugger = SessionDebugger(L)) debugger->LogDebugValues(L);
  return 0;
}

// Deprecated since scripts always replicate their effects: true, as Redis answers.
int RedisReplicateCommands(lua_State* L) {
  lua_pushboolean(L, 1);
  return 1;
}

// Redis's rand48: the same sequence on every platform.
uint64_t rand48_state = 0x1234ABCD330EULL;
int32_t Lrand48() {
  rand48_state = (rand48_state * 0x5DEECE66DULL + 0xB) & ((1ULL << 48) - 1);
  return static_cast<int32_t>(rand48_state >> 17);
}
constexpr int32_t kRand48Max = INT32_MAX;

int MathRandom(lua_State* L) {
  const lua_Number r = static_cast<lua_Number>(Lrand48() % kRand48Max) / kRand48Max;
  switch (lua_gettop(L)) {
    case 0:
      lua_pushnumber(L, r);
      break;
    case 1: {
      int u = luaL_checkint(L, 1);
      luaL_argcheck(L, 1 <= u, 1, "interval is empty");
      lua_pushnumber(L, std::floor(r * u) + 1);
      break;
    }
    case 2: {
      int l = luaL_checkint(L, 1);
      int u = luaL_checkint(L, 2);
      luaL_argcheck(L, l <= u, 2, "interval is empty");
      lua_pushnumber(L, std::floor(r * (u - l + 1)) + l);
      break;
    }
    default:
      return luaL_error(L, "wrong number of arguments");
  }
  return 1;
}

int MathRandomseed(lua_State* L) {
  const int32_t seed = luaL_checkint(L, 1);
  rand48_state = (static_cast<uint64_t>(static_cast<uint32_t>(seed)) << 16) | 0x330E;
  return 0;
}

void SetFunction(lua_State* L, const char* name, lua_CFunction f) {
  lua_pushcfunction(L, f);
  lua_setfield(L, -2, name);
}

void SetNumber(lua_State* L, const char* name, lua_Number n) {
  lua_pushnumber(L, n);
  lua_setfield(L, -2, name);
}

void SetLogAndVersion(lua_State* L) {
  SetFunction(L, "log", RedisLog);
  SetNumber(L, "LOG_DEBUG", kLogDebug);
  SetNumber(L, "LOG_VERBOSE", kLogVerbose);
  SetNumber(L, "LOG_NOTICE", kLogNotice);
  SetNumber(L, "LOG_WARNING", kLogWarning);
  SetNumber(L, "REDIS_VERSION_NUM", VersionNum());
  lua_pushlstring(L, kRedisCompatVersion.data(), kRedisCompatVersion.size());
  lua_setfield(L, -2, "REDIS_VERSION");
}

}  // namespace

void RegisterRedisApi(lua_State* L, bool eval) {
  lua_newtable(L);
  SetFunction(L, "call", RedisCall);
  SetFunction(L, "pcall", RedisPcall);
  SetLogAndVersion(L);
  SetFunction(L, "setresp", RedisSetResp);
  SetFunction(L, "sha1hex", RedisSha1hex);
  SetFunction(L, "error_reply", RedisErrorReply);
  SetFunction(L, "status_reply", RedisStatusReply);
  SetFunction(L, "set_repl", RedisSetRepl);
  SetNumber(L, "REPL_NONE", 0);
  SetNumber(L, "REPL_AOF", 1);
  SetNumber(L, "REPL_SLAVE", 2);
  SetNumber(L, "REPL_REPLICA", 2);
  SetNumber(L, "REPL_ALL", 3);
  SetFunction(L, "acl_check_cmd", RedisAclCheckCmd);
  if (eval) {
    SetFunction(L, "breakpoint", RedisBreakpoint);
    SetFunction(L, "debug", RedisDebug);
    SetFunction(L, "replicate_commands", RedisReplicateCommands);
  }
  lua_setglobal(L, "redis");

  lua_pushcfunction(L, LuaPcall);
  lua_setglobal(L, "pcall");

  lua_getglobal(L, "math");
  SetFunction(L, "random", MathRandom);
  SetFunction(L, "randomseed", MathRandomseed);
  lua_pop(L, 1);
}

void RegisterLibraryApi(lua_State* L) {
  SetFunction(L, "register_function", RegisterFunction);
  SetLogAndVersion(L);
}

}  // namespace kvd
