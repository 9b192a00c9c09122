#pragma once
// The `redis` table scripts see (call, pcall, error_reply, status_reply, log, setresp,
// set_repl, sha1hex, breakpoint, debug, replicate_commands, acl_check_cmd, the REPL_* and LOG_* constants,
// REDIS_VERSION, REDIS_VERSION_NUM), Redis's pcall that returns a redis error's text, and
// math.random/randomseed on Redis's portable generator.
struct lua_State;

namespace kvd {

// Sets the global `redis` and replaces pcall and math.random in the state's globals. `eval`:
// for EVAL's state, with redis.breakpoint, redis.debug and redis.replicate_commands.
void RegisterRedisApi(lua_State* L, bool eval);
// Fills the table on top with what FUNCTION LOAD's code may use: register_function, log,
// the LOG_* levels and the version.
void RegisterLibraryApi(lua_State* L);

}  // namespace kvd
