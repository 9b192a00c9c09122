#pragma once
// The Lua state scripts run in, sandboxed as Redis's: the base, table, string, math, cjson,
// bit, struct and cmsgpack libraries and the `redis` API; no os, io, print, dofile,
// loadfile, debug; loadstring refuses bytecode. Globals are read-only: the state's globals
// table is an empty proxy whose reads go to the real globals and whose writes fail
// ("Attempt to modify a readonly table"), and a read of a global that does not exist fails
// ("Script attempted to access nonexistent global variable 'x'"), with Redis's texts.
#include <span>
#include <string_view>

struct lua_State;

namespace kvd {

struct ScriptRun;
struct FunctionLoad;

// Which scripts a state runs: EVAL's get the debugger's redis.breakpoint and redis.debug and
// the deprecated redis.replicate_commands, as in Redis; function libraries do not.
enum class SandboxFor { kEval, kFunctions };
// A new sandboxed state; close it with lua_close.
lua_State* NewSandbox(SandboxFor use);

// The invocation in progress (null outside one), for redis.call and the count hook.
void SetCurrentRun(lua_State* L, ScriptRun* run);
ScriptRun* CurrentRun(lua_State* L);
// The FUNCTION LOAD in progress (null outside one), for redis.register_function.
void SetCurrentLoad(lua_State* L, FunctionLoad* load);
FunctionLoad* CurrentLoad(lua_State* L);

// Pushes the error handler that adds the failing line to an error ({err=, source=, line=}).
void PushErrorHandler(lua_State* L);
// Pushes a Lua array of the strings.
void PushStringArray(lua_State* L, std::span<const std::string_view> items);
// Sets a global past the protection (EVAL's KEYS and ARGV), from the value on top (popped).
void SetProtectedGlobal(lua_State* L, const char* name);
// Drops whatever a script stored in the globals proxy with rawset, so the next script starts
// from the same globals.
void DropStrayGlobals(lua_State* L);
// While a library's code runs (FUNCTION LOAD), its globals are only the library API
// (redis.register_function, redis.log, the version); then the usual ones again.
void UseLibraryGlobals(lua_State* L, bool library);

}  // namespace kvd
