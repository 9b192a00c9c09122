#pragma once
// Redis's conversions between command replies and Lua values, both ways.
//
// RESP -> Lua (what redis.call returns): integer -> number, bulk -> string, null bulk/array
// (RESP2) -> false, array -> table, status -> {ok=s}, error -> {err=s}; RESP3: null -> nil,
// boolean -> boolean, double -> {double=n}, map -> {map={...}}, set -> {set={k=true}},
// big number -> {big_number=s}, verbatim -> {verbatim_string={format=, string=}}.
//
// Lua -> RESP (what a script returns): string -> bulk, number -> integer (truncated),
// boolean -> 1 / null (RESP2 scripts) or a boolean (redis.setresp(3)), table -> {err=} error,
// {ok=} status, {double=}, {big_number=}, {verbatim_string=}, {map=}, {set=}, else an
// array up to its first nil; anything else -> null.
#include <cstdint>
#include <string>
#include <string_view>

struct lua_State;

namespace kvd {

class ReplyWriter;

// A Lua number as a reply integer: truncated toward zero, as Redis's cast.
int64_t LuaNumberToInteger(double d);

// Pushes the Lua value of one complete reply. Returns false, pushing nothing, when `reply`
// is not one well-formed reply.
bool PushReplyAsLua(lua_State* L, std::string_view reply);

// Pushes redis.pcall's error table {err = "CODE message"}. A message starting with '-' has
// its code taken from it; one without gets "ERR ", as Redis's luaPushErrorBuff.
void PushErrorTable(lua_State* L, std::string_view message);

// An error table at the top level of a script's result: its text (without '-'), and
// whether it is a called command's error reply, counted in INFO errorstats when that
// command replied (Redis's ignore_error_stats_update).
struct ScriptError {
  std::string text;
  bool counted = false;
};
// The error table's field that marks it counted, under Redis's name.
inline constexpr char kErrorCountedField[] = "ignore_error_stats_update";
// Reads an error table's ScriptError from the table on top of the stack; false when it has
// no "err" string.
bool ReadScriptError(lua_State* L, ScriptError& error);

// Writes the value on top of the stack as a reply and pops it. `script_resp` is the
// protocol the script chose with redis.setresp (booleans depend on it). An error table at
// the top level is not written: it goes to `top_error`, for the caller to reply through
// CommandContext::Error (or PassOnError) so that it counts as an error reply once.
void WriteLuaValue(lua_State* L, ReplyWriter& out, int script_resp, ScriptError* top_error);

}  // namespace kvd
