// How the Lua debugger shows Lua values and command replies (Redis's ldb notation).
#include <doctest/doctest.h>

extern "C" {
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
}

#include <string>
#include <string_view>

#include "server/scripting/lua_debugger_format.h"

namespace kvd::testing {
namespace {

// The value the Lua expression gives, as the debugger prints it.
std::string LuaValue(const char* expression) {
  lua_State* L = luaL_newstate();
  REQUIRE(luaL_dostring(L, (std::string("return ") + expression).c_str()) == 0);
  std::string out;
  AppendLuaValue(out, L, -1);
  const int top = lua_gettop(L);
  lua_close(L);
  CHECK(top == 1);  // the value stays, nothing else is left behind
  return out;
}

// A reply as the debugger prints it; "!" when it is not one whole reply or has more after.
std::string ReplyText(std::string_view resp) {
  std::string out;
  if (!AppendReplyAsText(out, resp) || !resp.empty()) return "!";
  return out;
}

TEST_CASE("Lua values: scalars, arrays, maps, nesting") {
  CHECK(LuaValue("'a\\n\"b'") == "\"a\\n\\\"b\"");
  CHECK(LuaValue("1.5") == "1.5");
  CHECK(LuaValue("100000000000000") == "1e+14");
  CHECK(LuaValue("true") == "true");
  CHECK(LuaValue("nil") == "nil");
  CHECK(LuaValue("{}") == "{}");
  CHECK(LuaValue("{1, 'x', {2}}") == "{1; \"x\"; {2}}");
  CHECK(LuaValue("{a = 1}") == "{[\"a\"]=1}");
  CHECK(LuaValue("{[2] = 'b'}") == "{[2]=\"b\"}");
  CHECK(LuaValue("function() end").starts_with("\"function@0x"));
  // A table that holds itself stops at Redis's depth.
  const std::string nested = LuaValue("(function() local t = {} t[1] = t return t end)()");
  CHECK(nested.starts_with("{{{{{{{{{{<max recursion level reached! Nested table?>}"));
}

TEST_CASE("replies: RESP2 and RESP3") {
  CHECK(ReplyText(":42\r\n") == "42");
  CHECK(ReplyText("$3\r\na\nb\r\n") == "\"a\\nb\"");
  CHECK(ReplyText("$-1\r\n") == "NULL");
  CHECK(ReplyText("*-1\r\n") == "NULL");
  CHECK(ReplyText("+OK\r\n") == "\"+OK\"");
  CHECK(ReplyText("-ERR no\r\n") == "\"-ERR no\"");
  CHECK(ReplyText("*3\r\n:1\r\n$1\r\nx\r\n*0\r\n") == "[1,\"x\",[]]");
  CHECK(ReplyText("~2\r\n:1\r\n:2\r\n") == "~(1,2)");
  CHECK(ReplyText("%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n_\r\n") == "{\"a\" => 1,\"b\" => (null)}");
  CHECK(ReplyText("#t\r\n") == "#true");
  CHECK(ReplyText("#f\r\n") == "#false");
  CHECK(ReplyText(",1.5\r\n") == "(double) 1.5");
  CHECK(ReplyText("=7\r\ntxt:abc\r\n") == "\"abc\"");
  CHECK(ReplyText("(123\r\n") == "(big number) 123");
  // Cut short or unknown: refused, not read past the end.
  CHECK(ReplyText("$5\r\nab\r\n") == "!");
  CHECK(ReplyText("*2\r\n:1\r\n") == "!");
  CHECK(ReplyText(":1") == "!");
  CHECK(ReplyText("?\r\n") == "!");
}

}  // namespace
}  // namespace kvd::testing
