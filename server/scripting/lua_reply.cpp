#include "server/scripting/lua_reply.h"

extern "C" {
#include <lauxlib.h>
#include <lua.h>
}

#include <charconv>
#include <cstdlib>

#include "protocol/reply_writer.h"

namespace kvd {
namespace {

// Reads the line after a type byte at `pos`; advances past its CRLF.
bool ReadLine(std::string_view in, size_t& pos, std::string_view& line) {
  size_t end = in.find("\r\n", pos);
  if (end == std::string_view::npos) return false;
  line = in.substr(pos, end - pos);
  pos = end + 2;
  return true;
}

bool ParseInt(std::string_view s, int64_t& v) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

void SetField(lua_State* L, const char* name, std::string_view value) {
  lua_pushstring(L, name);
  lua_pushlstring(L, value.data(), value.size());
  lua_settable(L, -3);
}

// Pushes one reply starting at `pos` (`L` null: skips it, for RESP3 attributes).
bool PushValue(lua_State* L, std::string_view in, size_t& pos) {
  if (pos >= in.size()) return false;
  if (L != nullptr && !lua_checkstack(L, 4)) return false;
  const char type = in[pos++];
  std::string_view line;
  if (!ReadLine(in, pos, line)) return false;
  int64_t n = 0;
  switch (type) {
    case '+':
      if (L) {
        lua_newtable(L);
        SetField(L, "ok", line);
      }
      return true;
    case '-':
      if (L) {
        PushErrorTable(L, std::string("-").append(line));
        // Counted when the command replied: a script passing it on does not count it again.
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, kErrorCountedField);
      }
      return true;
    case ':':
      if (!ParseInt(line, n)) return false;
      if (L) lua_pushnumber(L, static_cast<lua_Number>(n));
      return true;
    case '$':
    case '=': {
      if (!ParseInt(line, n)) return false;
      if (n < 0) {
        if (L) lua_pushboolean(L, 0);
        return true;
      }
      if (pos + static_cast<size_t>(n) + 2 > in.size()) return false;
      std::string_view body = in.substr(pos, static_cast<size_t>(n));
      pos += static_cast<size_t>(n) + 2;
      if (!L) return true;
      if (type == '$') {
        lua_pushlstring(L, body.data(), body.size());
      } else {
        // "txt:..." -> {verbatim_string={format="txt", string="..."}}
        if (body.size() < 4) return false;
        lua_newtable(L);
        lua_pushstring(L, "verbatim_string");
        lua_newtable(L);
        SetField(L, "string", body.substr(4));
        SetField(L, "format", body.substr(0, 3));
        lua_settable(L, -3);
      }
      return true;
    }
    case '*':
    case '>': {
      if (!ParseInt(line, n)) return false;
      if (n < 0) {
        if (L) lua_pushboolean(L, 0);
        return true;
      }
      if (L) lua_newtable(L);
      for (int64_t i = 0; i < n; ++i) {
        if (L) lua_pushnumber(L, static_cast<lua_Number>(i + 1));
        if (!PushValue(L, in, pos)) return false;
        if (L) lua_settable(L, -3);
      }
      return true;
    }
    case '%':
    case '~': {
      if (!ParseInt(line, n) || n < 0) return false;
      if (L) {
        lua_newtable(L);
        lua_pushstring(L, type == '%' ? "map" : "set");
        lua_newtable(L);
      }
      for (int64_t i = 0; i < n; ++i) {
        if (!PushValue(L, in, pos)) return false;
        if (type == '%') {
          if (!PushValue(L, in, pos)) return false;
        } else if (L) {
          lua_pushboolean(L, 1);
        }
        if (L) lua_settable(L, -3);
      }
      if (L) lua_settable(L, -3);
      return true;
    }
    case '|': {
      // Attributes are not shown to scripts: skip them, then the reply they annotate.
      if (!ParseInt(line, n) || n < 0) return false;
      for (int64_t i = 0; i < 2 * n; ++i) {
        if (!PushValue(nullptr, in, pos)) return false;
      }
      return PushValue(L, in, pos);
    }
    case '_':
      if (L) lua_pushnil(L);
      return true;
    case '#':
      if (L) lua_pushboolean(L, line == "t");
      return true;
    case ',': {
      if (L) {
        std::string text(line);
        lua_newtable(L);
        lua_pushstring(L, "double");
        lua_pushnumber(L, std::strtod(text.c_str(), nullptr));
        lua_settable(L, -3);
      }
      return true;
    }
    case '(':
      if (L) {
        lua_newtable(L);
        SetField(L, "big_number", line);
      }
      return true;
    default:
      return false;
  }
}

// The string field `name` of the table on top, or false.
bool StringField(lua_State* L, const char* name, std::string* out) {
  lua_pushstring(L, name);
  lua_rawget(L, -2);
  bool ok = lua_type(L, -1) == LUA_TSTRING;
  if (ok) {
    size_t len = 0;
    const char* s = lua_tolstring(L, -1, &len);
    out->assign(s, len);
  }
  lua_pop(L, 1);
  return ok;
}

// Status texts and big numbers are single lines: CR and LF become spaces, as Redis's.
std::string OneLine(std::string s) {
  for (char& c : s) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return s;
}

// Nesting deeper than this is refused like an exhausted Lua stack: the C stack of a
// recursion through a table that contains itself would run out first.
constexpr int kMaxReplyDepth = 1000;

void WriteValue(lua_State* L, ReplyWriter& out, int script_resp, ScriptError* top_error,
                int depth);

// Writes the table on top (left on the stack).
void WriteTable(lua_State* L, ReplyWriter& out, int script_resp, ScriptError* top_error,
                int depth) {
  if (ScriptError error; ReadScriptError(L, error)) {
    if (top_error != nullptr) {
      *top_error = std::move(error);
    } else {
      out.Error(error.text);
    }
    return;
  }
  std::string text;
  if (StringField(L, "ok", &text)) return out.Simple(OneLine(std::move(text)));
  lua_pushstring(L, "double");
  lua_rawget(L, -2);
  if (lua_type(L, -1) == LUA_TNUMBER) {
    double d = lua_tonumber(L, -1);
    lua_pop(L, 1);
    return out.Double(d);
  }
  lua_pop(L, 1);
  if (StringField(L, "big_number", &text)) return out.BigNumber(OneLine(std::move(text)));
  lua_pushstring(L, "verbatim_string");
  lua_rawget(L, -2);
  if (lua_type(L, -1) == LUA_TTABLE) {
    std::string format, str;
    if (StringField(L, "format", &format) && StringField(L, "string", &str)) {
      lua_pop(L, 1);
      return out.Verbatim(format, str);
    }
  }
  lua_pop(L, 1);
  for (const char* kind : {"map", "set"}) {
    lua_pushstring(L, kind);
    lua_rawget(L, -2);
    if (lua_type(L, -1) != LUA_TTABLE) {
      lua_pop(L, 1);
      continue;
    }
    const bool map = kind[0] == 'm';
    size_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      lua_pop(L, 1);
      ++n;
    }
    if (map) {
      out.MapHeader(n);
    } else {
      out.SetHeader(n);
    }
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      // Stack: table, key, value. Write the key from a copy, then (maps) the value.
      lua_pushvalue(L, -2);
      WriteValue(L, out, script_resp, nullptr, depth + 1);
      if (map) {
        WriteValue(L, out, script_resp, nullptr, depth + 1);
      } else {
        lua_pop(L, 1);
      }
    }
    lua_pop(L, 1);
    return;
  }
  // An array, up to its first nil.
  size_t n = 0;
  while (true) {
    lua_rawgeti(L, -1, static_cast<int>(n + 1));
    bool nil = lua_isnil(L, -1);
    lua_pop(L, 1);
    if (nil) break;
    ++n;
  }
  out.ArrayHeader(n);
  for (size_t i = 1; i <= n; ++i) {
    lua_rawgeti(L, -1, static_cast<int>(i));
    WriteValue(L, out, script_resp, nullptr, depth + 1);
  }
}

}  // namespace

int64_t LuaNumberToInteger(double d) {
  // C's conversion, as Redis's (long long) cast, without its undefined cases: values out of
  // range and NaN give what x86 gives, the minimum.
  if (!(d > -9223372036854775808.0 && d < 9223372036854775808.0)) return INT64_MIN;
  return static_cast<int64_t>(d);
}

bool PushReplyAsLua(lua_State* L, std::string_view reply) {
  const int top = lua_gettop(L);
  size_t pos = 0;
  if (!PushValue(L, reply, pos) || pos != reply.size()) {
    lua_settop(L, top);
    return false;
  }
  return true;
}

void PushErrorTable(lua_State* L, std::string_view message) {
  std::string code = "ERR", text(message);
  if (!message.empty() && message[0] == '-') {
    size_t space = message.find(' ');
    if (space == std::string_view::npos) {
      text = message.substr(1);
    } else {
      code = message.substr(1, space - 1);
      text = message.substr(space + 1);
    }
  }
  while (!text.empty() && (text.back() == '\r' || text.back() == '\n')) text.pop_back();
  std::string full = code + " " + text;
  lua_newtable(L);
  lua_pushstring(L, "err");
  lua_pushlstring(L, full.data(), full.size());
  lua_settable(L, -3);
}

bool ReadScriptError(lua_State* L, ScriptError& error) {
  if (!StringField(L, "err", &error.text)) return false;
  // Redis's error tables carry the code: "ERR msg", "WRONGTYPE ..." (no '-').
  if (!error.text.empty() && error.text[0] == '-') error.text.erase(0, 1);
  lua_getfield(L, -1, kErrorCountedField);
  error.counted = lua_toboolean(L, -1) != 0;
  lua_pop(L, 1);
  return true;
}

void WriteLuaValue(lua_State* L, ReplyWriter& out, int script_resp, ScriptError* top_error) {
  WriteValue(L, out, script_resp, top_error, 0);
}

namespace {

void WriteValue(lua_State* L, ReplyWriter& out, int script_resp, ScriptError* top_error,
                int depth) {
  if (depth > kMaxReplyDepth || !lua_checkstack(L, 4)) {
    lua_pop(L, 1);
    if (top_error != nullptr) {
      *top_error = {"ERR reached lua stack limit"};
    } else {
      out.Error("ERR reached lua stack limit");
    }
    return;
  }
  switch (lua_type(L, -1)) {
    case LUA_TSTRING: {
      size_t len = 0;
      const char* s = lua_tolstring(L, -1, &len);
      out.Bulk({s, len});
      break;
    }
    case LUA_TBOOLEAN:
      if (script_resp == 2) {
        if (lua_toboolean(L, -1)) {
          out.Integer(1);
        } else {
          out.Null();
        }
      } else {
        out.Bool(lua_toboolean(L, -1));
      }
      break;
    case LUA_TNUMBER:
      out.Integer(LuaNumberToInteger(lua_tonumber(L, -1)));
      break;
    case LUA_TTABLE:
      WriteTable(L, out, script_resp, top_error, depth);
      break;
    default:
      out.Null();
  }
  lua_pop(L, 1);
}

}  // namespace
}  // namespace kvd
