#pragma once
// What the Lua debugger (SCRIPT DEBUG) shows of values and replies, in Redis's notation:
// `print` and `eval` show Lua values, `redis` and stepping over redis.call show replies.
#include <string>
#include <string_view>

struct lua_State;

namespace kvd {

// Appends the Lua value at `idx` of L's stack: strings quoted and escaped ("a\n"), numbers
// as %g, booleans, nil, tables as {1; 2} when they are arrays and {[k]=v; ...} otherwise,
// functions and other objects as "function@0x...". Nested tables stop at 10 levels.
void AppendLuaValue(std::string& out, lua_State* L, int idx);

// Appends the first reply of `resp` (RESP2 or RESP3) and drops it from `resp`: integers as
// they are, bulk strings quoted, nulls as NULL / (null), statuses and errors quoted with
// their sign ("+OK"), arrays [a,b], sets ~(a,b), maps {k => v}, booleans #true, doubles
// "(double) 1.5". False when `resp` does not start with a whole reply.
bool AppendReplyAsText(std::string& out, std::string_view& resp);

}  // namespace kvd
