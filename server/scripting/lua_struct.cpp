// struct.pack / struct.unpack / struct.size, as the lstruct library Redis gives scripts:
// formats of '<' '>' '=' (byte order), '!n' (alignment), 'x' (padding), 'b' 'B' 'h' 'H' 'l'
// 'L' 'T' 'i[n]' 'I[n]' (integers), 'f' 'd' (floats), 's' (zero-terminated) and 'c[n]'
// (fixed size; c0 takes the size from the string packed, or the number unpacked before).
extern "C" {
#include <lauxlib.h>
#include <lua.h>
}

#include <cctype>
#include <cstdint>
#include <cstring>
#include <string>

#include "server/scripting/lua_libs.h"

namespace kvd {
namespace {

constexpr int kMaxIntSize = 8;

struct Header {
  bool little = true;
  int align = 1;
};

int ReadSize(const char** fmt, int def) {
  if (!std::isdigit(static_cast<unsigned char>(**fmt))) return def;
  int n = 0;
  while (std::isdigit(static_cast<unsigned char>(**fmt))) n = n * 10 + (*((*fmt)++) - '0');
  return n;
}

// The size of option `opt`; -1 for an unknown one. Raises nothing: callers report errors
// once no C++ object is alive.
int OptionSize(char opt, const char** fmt) {
  switch (opt) {
    case 'B': case 'b': return 1;
    case 'H': case 'h': return 2;
    case 'L': case 'l': case 'T': return 8;
    case 'f': return 4;
    case 'd': return 8;
    case 'x': return 1;
    case 'c': return ReadSize(fmt, 1);
    case 'i': case 'I': return ReadSize(fmt, 4);
    default: return 0;
  }
}

int Gap(size_t pos, int size, const Header& h, char opt) {
  if (opt == 'c' || opt == 's' || opt == 'x') return 0;
  int align = size < h.align ? size : h.align;
  if (align <= 1) return 0;
  return static_cast<int>((align - (pos & (align - 1))) & (align - 1));
}

// Applies a header option; false when `opt` is not one.
bool HeaderOption(char opt, const char** fmt, Header& h, lua_State* L) {
  switch (opt) {
    case ' ': return true;
    case '>': h.little = false; return true;
    case '<': h.little = true; return true;
    case '=': h.little = true; return true;
    case '!': {
      int a = ReadSize(fmt, 8);
      if (a & (a - 1)) luaL_error(L, "alignment %d is not a power of 2", a);
      h.align = a;
      return true;
    }
    default: return false;
  }
}

int InvalidOption(lua_State* L, char opt) {
  return luaL_argerror(L, 1, lua_pushfstring(L, "invalid format option '%c'", opt));
}

bool IsIntegerOption(char opt) { return std::strchr("bBhHlLTiI", opt) != nullptr; }

void PutInteger(luaL_Buffer* b, lua_Number n, bool little, int size) {
  uint64_t v = n < 0 ? static_cast<uint64_t>(static_cast<int64_t>(n)) : static_cast<uint64_t>(n);
  char buf[kMaxIntSize];
  for (int i = 0; i < size; ++i) {
    buf[little ? i : size - 1 - i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  luaL_addlstring(b, buf, size);
}

lua_Number GetInteger(const char* p, bool little, bool is_signed, int size) {
  uint64_t v = 0;
  for (int i = 0; i < size; ++i) {
    v = (v << 8) | static_cast<unsigned char>(p[little ? size - 1 - i : i]);
  }
  if (!is_signed) return static_cast<lua_Number>(v);
  if (size < 8) {
    const uint64_t mask = 1ULL << (size * 8 - 1);
    v = (v ^ mask) - mask;
  }
  return static_cast<lua_Number>(static_cast<int64_t>(v));
}

void CheckIntSize(lua_State* L, int size) {
  if (size < 1 || size > kMaxIntSize) {
    luaL_error(L, "integral size %d is larger than limit of %d", size, kMaxIntSize);
  }
}

int Pack(lua_State* L) {
  const char* fmt = luaL_checkstring(L, 1);
  Header h;
  int arg = 2;
  size_t total = 0;
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  while (*fmt) {
    const char opt = *fmt++;
    if (HeaderOption(opt, &fmt, h, L)) continue;
    int size = OptionSize(opt, &fmt);
    if (opt == 's') size = 0;
    else if (size == 0 && opt != 'c') InvalidOption(L, opt);
    int gap = Gap(total, size, h, opt);
    for (int i = 0; i < gap; ++i) luaL_addchar(&b, '\0');
    total += gap;
    if (IsIntegerOption(opt)) {
      CheckIntSize(L, size);
      PutInteger(&b, luaL_checknumber(L, arg++), h.little, size);
    } else if (opt == 'x') {
      luaL_addchar(&b, '\0');
    } else if (opt == 'f' || opt == 'd') {
      char buf[8];
      if (opt == 'f') {
        float f = static_cast<float>(luaL_checknumber(L, arg++));
        std::memcpy(buf, &f, 4);
      } else {
        double d = luaL_checknumber(L, arg++);
        std::memcpy(buf, &d, 8);
      }
      if (!h.little) {
        for (int i = 0; i < size / 2; ++i) std::swap(buf[i], buf[size - 1 - i]);
      }
      luaL_addlstring(&b, buf, size);
    } else if (opt == 'c' || opt == 's') {
      size_t len = 0;
      const char* s = luaL_checklstring(L, arg++, &len);
      if (opt == 'c' && size == 0) size = static_cast<int>(len);
      if (opt == 'c') {
        luaL_argcheck(L, len >= static_cast<size_t>(size), arg - 1, "string too short");
        luaL_addlstring(&b, s, size);
      } else {
        luaL_argcheck(L, std::strlen(s) == len, arg - 1, "string contains zeros");
        luaL_addlstring(&b, s, len);
        luaL_addchar(&b, '\0');
        size = static_cast<int>(len) + 1;
      }
    }
    total += size;
  }
  luaL_pushresult(&b);
  return 1;
}

int Unpack(lua_State* L) {
  const char* fmt = luaL_checkstring(L, 1);
  size_t ld = 0;
  const char* data = luaL_checklstring(L, 2, &ld);
  size_t pos = static_cast<size_t>(luaL_optinteger(L, 3, 1)) - 1;
  luaL_argcheck(L, pos <= ld, 3, "offset must be 1 or greater");
  Header h;
  int n = 0;
  while (*fmt) {
    const char opt = *fmt++;
    if (HeaderOption(opt, &fmt, h, L)) continue;
    int size = OptionSize(opt, &fmt);
    if (size == 0 && opt != 'c' && opt != 's') InvalidOption(L, opt);
    pos += Gap(pos, size, h, opt);
    if (opt == 'c' && size == 0) {
      // c0: the size is the number unpacked just before.
      luaL_argcheck(L, n > 0 && lua_isnumber(L, -1), 2, "format 'c0' needs a previous size");
      size = static_cast<int>(lua_tonumber(L, -1));
      lua_pop(L, 1);
      --n;
    }
    if (opt != 's') luaL_argcheck(L, pos + size <= ld, 2, "data string too short");
    luaL_checkstack(L, 2, "too many results");
    if (IsIntegerOption(opt)) {
      CheckIntSize(L, size);
      lua_pushnumber(L, GetInteger(data + pos, h.little, std::islower(opt), size));
      ++n;
    } else if (opt == 'f' || opt == 'd') {
      char buf[8];
      std::memcpy(buf, data + pos, size);
      if (!h.little) {
        for (int i = 0; i < size / 2; ++i) std::swap(buf[i], buf[size - 1 - i]);
      }
      if (opt == 'f') {
        float f;
        std::memcpy(&f, buf, 4);
        lua_pushnumber(L, f);
      } else {
        double d;
        std::memcpy(&d, buf, 8);
        lua_pushnumber(L, d);
      }
      ++n;
    } else if (opt == 'c') {
      lua_pushlstring(L, data + pos, size);
      ++n;
    } else if (opt == 's') {
      const void* end = std::memchr(data + pos, '\0', ld - pos);
      luaL_argcheck(L, end != nullptr, 2, "unfinished string in data");
      size = static_cast<int>(static_cast<const char*>(end) - (data + pos)) + 1;
      lua_pushlstring(L, data + pos, size - 1);
      ++n;
    }
    pos += size;
  }
  lua_pushinteger(L, static_cast<lua_Integer>(pos) + 1);
  return n + 1;
}

int Size(lua_State* L) {
  const char* fmt = luaL_checkstring(L, 1);
  Header h;
  size_t pos = 0;
  while (*fmt) {
    const char opt = *fmt++;
    if (HeaderOption(opt, &fmt, h, L)) continue;
    int size = OptionSize(opt, &fmt);
    if (opt == 's' || (opt == 'c' && size == 0)) {
      luaL_argerror(L, 1, "options 'c0' - 's' have undefined sizes");
    }
    if (size == 0) InvalidOption(L, opt);
    pos += Gap(pos, size, h, opt) + size;
  }
  lua_pushinteger(L, static_cast<lua_Integer>(pos));
  return 1;
}

}  // namespace

int OpenStructLibrary(lua_State* L) {
  static const luaL_Reg kFunctions[] = {
      {"pack", Pack}, {"unpack", Unpack}, {"size", Size}, {nullptr, nullptr}};
  lua_newtable(L);
  luaL_register(L, nullptr, kFunctions);
  return 1;
}

}  // namespace kvd
