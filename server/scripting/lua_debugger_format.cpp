#include "server/scripting/lua_debugger_format.h"

extern "C" {
#include <lua.h>
}

#include <cstdio>
#include <optional>

#include "core/numeric.h"
#include "core/text.h"

namespace kvd {
namespace {

// Redis's LDB_MAX_VALUES_DEPTH (LUA_MINSTACK / 2).
constexpr int kMaxDepth = LUA_MINSTACK / 2;

void AppendValue(std::string& out, lua_State* L, int idx, int level) {
  if (level++ == kMaxDepth) {
    out += "<max recursion level reached! Nested table?>";
    return;
  }
  const int t = lua_type(L, idx);
  switch (t) {
    case LUA_TSTRING: {
      size_t len = 0;
      const char* s = lua_tolstring(L, idx, &len);
      AppendRepr(out, std::string_view(s, len));
      break;
    }
    case LUA_TBOOLEAN:
      out += lua_toboolean(L, idx) ? "true" : "false";
      break;
    case LUA_TNUMBER: {
      char buf[64];
      const int n = std::snprintf(buf, sizeof buf, "%g", static_cast<double>(lua_tonumber(L, idx)));
      out.append(buf, static_cast<size_t>(n));
      break;
    }
    case LUA_TNIL:
      out += "nil";
      break;
    case LUA_TTABLE: {
      // Both forms are built at once; the table is an array only if its keys turn out to
      // be 1, 2, 3... in the order lua_next gives them.
      if (!lua_checkstack(L, 3)) {
        out += "<max recursion level reached! Nested table?>";
        return;
      }
      std::string as_array, as_map;
      bool is_array = true;
      int expected = 1;
      lua_pushnil(L);
      while (lua_next(L, idx)) {
        const int value = lua_gettop(L), key = value - 1;
        if (is_array && (lua_type(L, key) != LUA_TNUMBER || lua_tonumber(L, key) != expected)) {
          is_array = false;
        }
        AppendValue(as_array, L, value, level);
        as_array += "; ";
        as_map += '[';
        AppendValue(as_map, L, key, level);
        as_map += "]=";
        AppendValue(as_map, L, value, level);
        as_map += "; ";
        lua_pop(L, 1);
        ++expected;
      }
      std::string& chosen = is_array ? as_array : as_map;
      if (!chosen.empty()) chosen.resize(chosen.size() - 2);
      out += '{';
      out += chosen;
      out += '}';
      break;
    }
    case LUA_TFUNCTION:
    case LUA_TUSERDATA:
    case LUA_TTHREAD:
    case LUA_TLIGHTUSERDATA: {
      const char* type = t == LUA_TFUNCTION   ? "function"
                         : t == LUA_TUSERDATA ? "userdata"
                         : t == LUA_TTHREAD   ? "thread"
                                              : "light-userdata";
      char buf[96];
      const int n = std::snprintf(buf, sizeof buf, "\"%s@%p\"", type, lua_topointer(L, idx));
      out.append(buf, static_cast<size_t>(n));
      break;
    }
    default:
      out += "\"<unknown-lua-type>\"";
  }
}

// The line after a type byte, without its "\r\n"; advances `resp` past it.
std::optional<std::string_view> TakeLine(std::string_view& resp) {
  const size_t end = resp.find("\r\n");
  if (resp.empty() || end == std::string_view::npos) return std::nullopt;
  std::string_view line = resp.substr(1, end - 1);
  resp.remove_prefix(end + 2);
  return line;
}

// The elements of an aggregate, comma separated; with `pairs` (a map) each element is a key
// and a value, joined by " => ".
bool AppendElements(std::string& out, std::string_view& resp, int64_t count, bool pairs) {
  for (int64_t j = 0; j < count; ++j) {
    if (!AppendReplyAsText(out, resp)) return false;
    if (pairs) {
      out += " => ";
      if (!AppendReplyAsText(out, resp)) return false;
    }
    if (j != count - 1) out += ',';
  }
  return true;
}

}  // namespace

void AppendLuaValue(std::string& out, lua_State* L, int idx) {
  if (idx < 0 && idx > LUA_REGISTRYINDEX) idx = lua_gettop(L) + idx + 1;
  AppendValue(out, L, idx, 0);
}

bool AppendReplyAsText(std::string& out, std::string_view& resp) {
  if (resp.empty()) return false;
  const char type = resp[0];
  const std::string_view whole = resp;
  std::optional<std::string_view> line = TakeLine(resp);
  if (!line) return false;
  switch (type) {
    case ':':
      out += *line;
      return true;
    case '+':
    case '-':
      AppendRepr(out, whole.substr(0, line->size() + 1));
      return true;
    case '$':
    case '=': {
      std::optional<int64_t> len = ParseInt64(*line);
      if (!len) return false;
      if (*len == -1) {
        out += "NULL";
        return true;
      }
      if (*len < 0 || resp.size() < static_cast<size_t>(*len) + 2) return false;
      std::string_view body = resp.substr(0, static_cast<size_t>(*len));
      // A verbatim string shows without its "txt:" format.
      if (type == '=' && body.size() >= 4) body.remove_prefix(4);
      AppendRepr(out, body);
      resp.remove_prefix(static_cast<size_t>(*len) + 2);
      return true;
    }
    case '*':
    case '~':
    case '%': {
      std::optional<int64_t> count = ParseInt64(*line);
      if (!count) return false;
      if (type == '*' && *count == -1) {
        out += "NULL";
        return true;
      }
      out += type == '*' ? "[" : type == '~' ? "~(" : "{";
      if (!AppendElements(out, resp, *count, type == '%')) return false;
      out += type == '*' ? "]" : type == '~' ? ")" : "}";
      return true;
    }
    case '_':
      out += "(null)";
      return true;
    case '#':
      out += *line == "t" ? "#true" : "#false";
      return true;
    case ',':
      out += "(double) ";
      out += *line;
      return true;
    case '(':
      out += "(big number) ";
      out += *line;
      return true;
    default:
      return false;
  }
}

}  // namespace kvd
