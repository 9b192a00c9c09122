// cmsgpack.pack / unpack / unpack_one / unpack_limit, as the lua_cmsgpack library Redis
// gives scripts: Lua numbers that are integers pack as MessagePack integers, others as
// float32 when exact or float64; strings as str; tables whose keys are 1..n as arrays,
// others as maps; nesting past 16 levels packs as nil.
extern "C" {
#include <lauxlib.h>
#include <lua.h>
}

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include "server/scripting/lua_libs.h"

namespace kvd {
namespace {

constexpr int kMaxNesting = 16;
constexpr int kMaxDecodeNesting = 1000;

using Out = std::string;

void AddBigEndian(Out& b, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) b.push_back(static_cast<char>(v >> (8 * (bytes - 1 - i))));
}

void AddTagged(Out& b, unsigned char tag, uint64_t v, int bytes) {
  b.push_back(static_cast<char>(tag));
  AddBigEndian(b, v, bytes);
}

void EncodeInt(Out& b, int64_t n) {
  if (n >= 0) {
    if (n <= 127) return b.push_back(static_cast<char>(n));
    if (n <= 0xff) return AddTagged(b, 0xcc, n, 1);
    if (n <= 0xffff) return AddTagged(b, 0xcd, n, 2);
    if (n <= 0xffffffffLL) return AddTagged(b, 0xce, n, 4);
    return AddTagged(b, 0xcf, n, 8);
  }
  if (n >= -32) return b.push_back(static_cast<char>(0xe0 | (n & 0x1f)));
  if (n >= -128) return AddTagged(b, 0xd0, static_cast<uint64_t>(n), 1);
  if (n >= -32768) return AddTagged(b, 0xd1, static_cast<uint64_t>(n), 2);
  if (n >= INT32_MIN) return AddTagged(b, 0xd2, static_cast<uint64_t>(n), 4);
  AddTagged(b, 0xd3, static_cast<uint64_t>(n), 8);
}

void EncodeNumber(Out& b, lua_Number n) {
  if (std::isfinite(n) && std::floor(n) == n && n >= -9223372036854775808.0 &&
      n < 9223372036854775808.0) {
    return EncodeInt(b, static_cast<int64_t>(n));
  }
  const float f = static_cast<float>(n);
  if (static_cast<lua_Number>(f) == n) {
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    return AddTagged(b, 0xca, bits, 4);
  }
  uint64_t bits;
  std::memcpy(&bits, &n, 8);
  AddTagged(b, 0xcb, bits, 8);
}

void EncodeLength(Out& b, size_t len, unsigned char fix, size_t fix_max, unsigned char tag8,
                  unsigned char tag16, unsigned char tag32) {
  if (len <= fix_max) return b.push_back(static_cast<char>(fix | len));
  if (tag8 != 0 && len <= 0xff) return AddTagged(b, tag8, len, 1);
  if (len <= 0xffff) return AddTagged(b, tag16, len, 2);
  AddTagged(b, tag32, len, 4);
}

// Whether the table on top has exactly the keys 1..n.
bool IsArray(lua_State* L, size_t* len) {
  size_t count = 0;
  lua_Number max = 0;
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TNUMBER) {
      lua_pop(L, 1);
      return false;
    }
    lua_Number k = lua_tonumber(L, -1);
    if (k <= 0 || std::floor(k) != k) {
      lua_pop(L, 1);
      return false;
    }
    if (k > max) max = k;
    ++count;
  }
  *len = count;
  return max == static_cast<lua_Number>(count);
}

// Encodes the value on top (left there). Raises no Lua error: the caller made room on the
// stack for the deepest nesting beforehand.
void Encode(lua_State* L, Out& b, int level) {
  switch (lua_type(L, -1)) {
    case LUA_TSTRING: {
      size_t len = 0;
      const char* s = lua_tolstring(L, -1, &len);
      EncodeLength(b, len, 0xa0, 31, 0xd9, 0xda, 0xdb);
      b.append(s, len);
      return;
    }
    case LUA_TBOOLEAN:
      return b.push_back(static_cast<char>(lua_toboolean(L, -1) ? 0xc3 : 0xc2));
    case LUA_TNUMBER:
      return EncodeNumber(b, lua_tonumber(L, -1));
    case LUA_TTABLE: {
      if (level >= kMaxNesting) return b.push_back(static_cast<char>(0xc0));
      size_t len = 0;
      if (IsArray(L, &len)) {
        EncodeLength(b, len, 0x90, 15, 0, 0xdc, 0xdd);
        for (size_t i = 1; i <= len; ++i) {
          lua_rawgeti(L, -1, static_cast<int>(i));
          Encode(L, b, level + 1);
          lua_pop(L, 1);
        }
        return;
      }
      size_t pairs = 0;
      lua_pushnil(L);
      while (lua_next(L, -2)) {
        lua_pop(L, 1);
        ++pairs;
      }
      EncodeLength(b, pairs, 0x80, 15, 0, 0xde, 0xdf);
      lua_pushnil(L);
      while (lua_next(L, -2)) {
        lua_pushvalue(L, -2);
        Encode(L, b, level + 1);
        lua_pop(L, 1);
        Encode(L, b, level + 1);
        lua_pop(L, 1);
      }
      return;
    }
    default:
      b.push_back(static_cast<char>(0xc0));
  }
}

struct Reader {
  const unsigned char* p;
  size_t left;
  bool error = false;
  const char* reason = nullptr;
};

uint64_t Take(Reader& r, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | r.p[i];
  r.p += bytes;
  r.left -= bytes;
  return v;
}

bool Need(Reader& r, size_t n) {
  if (r.left >= n) return true;
  r.error = true;
  r.reason = "Missing bytes in input.";
  return false;
}

void Decode(lua_State* L, Reader& r, int level);

void DecodeArray(lua_State* L, Reader& r, size_t n, int level) {
  lua_newtable(L);
  for (size_t i = 1; i <= n && !r.error; ++i) {
    Decode(L, r, level + 1);
    if (r.error) return;
    lua_rawseti(L, -2, static_cast<int>(i));
  }
}

void DecodeMap(lua_State* L, Reader& r, size_t n, int level) {
  lua_newtable(L);
  for (size_t i = 0; i < n && !r.error; ++i) {
    Decode(L, r, level + 1);
    if (r.error) return;
    Decode(L, r, level + 1);
    if (r.error) return;
    lua_settable(L, -3);
  }
}

void DecodeBytes(lua_State* L, Reader& r, size_t len) {
  if (!Need(r, len)) return;
  lua_pushlstring(L, reinterpret_cast<const char*>(r.p), len);
  r.p += len;
  r.left -= len;
}

void Decode(lua_State* L, Reader& r, int level) {
  // Nesting is bounded by the Lua stack as much as by the C one.
  if (level > kMaxDecodeNesting) {
    r.error = true;
    r.reason = "Bad data format in input.";
    return;
  }
  if (!Need(r, 1) || !lua_checkstack(L, 3)) {
    r.error = true;
    if (!r.reason) r.reason = "Missing bytes in input.";
    return;
  }
  const unsigned char t = Take(r, 1);
  auto sized = [&](int bytes, auto&& then) {
    if (Need(r, bytes)) then(Take(r, bytes));
  };
  if (t <= 0x7f) return lua_pushnumber(L, t);
  if (t >= 0xe0) return lua_pushnumber(L, static_cast<int8_t>(t));
  if ((t & 0xe0) == 0xa0) return DecodeBytes(L, r, t & 0x1f);
  if ((t & 0xf0) == 0x90) return DecodeArray(L, r, t & 0x0f, level);
  if ((t & 0xf0) == 0x80) return DecodeMap(L, r, t & 0x0f, level);
  switch (t) {
    case 0xc0: return lua_pushnil(L);
    case 0xc2: return lua_pushboolean(L, 0);
    case 0xc3: return lua_pushboolean(L, 1);
    case 0xcc: return sized(1, [&](uint64_t v) { lua_pushnumber(L, v); });
    case 0xcd: return sized(2, [&](uint64_t v) { lua_pushnumber(L, v); });
    case 0xce: return sized(4, [&](uint64_t v) { lua_pushnumber(L, v); });
    case 0xcf: return sized(8, [&](uint64_t v) { lua_pushnumber(L, static_cast<lua_Number>(v)); });
    case 0xd0: return sized(1, [&](uint64_t v) { lua_pushnumber(L, static_cast<int8_t>(v)); });
    case 0xd1: return sized(2, [&](uint64_t v) { lua_pushnumber(L, static_cast<int16_t>(v)); });
    case 0xd2: return sized(4, [&](uint64_t v) { lua_pushnumber(L, static_cast<int32_t>(v)); });
    case 0xd3:
      return sized(8, [&](uint64_t v) {
        lua_pushnumber(L, static_cast<lua_Number>(static_cast<int64_t>(v)));
      });
    case 0xca:
      return sized(4, [&](uint64_t v) {
        uint32_t bits = static_cast<uint32_t>(v);
        float f;
        std::memcpy(&f, &bits, 4);
        lua_pushnumber(L, f);
      });
    case 0xcb:
      return sized(8, [&](uint64_t v) {
        double d;
        std::memcpy(&d, &v, 8);
        lua_pushnumber(L, d);
      });
    case 0xc4: case 0xd9: return sized(1, [&](uint64_t n) { DecodeBytes(L, r, n); });
    case 0xc5: case 0xda: return sized(2, [&](uint64_t n) { DecodeBytes(L, r, n); });
    case 0xc6: case 0xdb: return sized(4, [&](uint64_t n) { DecodeBytes(L, r, n); });
    case 0xdc: return sized(2, [&](uint64_t n) { DecodeArray(L, r, n, level); });
    case 0xdd: return sized(4, [&](uint64_t n) { DecodeArray(L, r, n, level); });
    case 0xde: return sized(2, [&](uint64_t n) { DecodeMap(L, r, n, level); });
    case 0xdf: return sized(4, [&](uint64_t n) { DecodeMap(L, r, n, level); });
    default:
      r.error = true;
      r.reason = "Bad data format in input.";
  }
}

int Pack(lua_State* L) {
  const int n = lua_gettop(L);
  if (n == 0) return luaL_argerror(L, 0, "MessagePack pack needs input.");
  // Each level of nesting holds at most three values on the stack.
  if (!lua_checkstack(L, 4 * kMaxNesting + 8)) return luaL_error(L, "stack overflow");
  {
    std::string out;
    for (int i = 1; i <= n; ++i) {
      lua_pushvalue(L, i);
      Encode(L, out, 0);
      lua_pop(L, 1);
    }
    lua_pushlstring(L, out.data(), out.size());
  }
  return 1;
}

// Decodes from `offset` up to `limit` objects (0: all); pushes them and returns how many,
// with the offset after the last in `next`. Raises on malformed input.
int DecodeSome(lua_State* L, const char* s, size_t len, size_t offset, int limit,
               size_t* next) {
  Reader r{reinterpret_cast<const unsigned char*>(s) + offset, len - offset};
  int count = 0;
  while (r.left > 0 && (limit <= 0 || count < limit)) {
    Decode(L, r, 0);
    if (r.error) return luaL_error(L, "%s", r.reason);
    ++count;
  }
  *next = len - r.left;
  return count;
}

int Unpack(lua_State* L) {
  size_t len = 0;
  const char* s = luaL_checklstring(L, 1, &len);
  size_t next = 0;
  return DecodeSome(L, s, len, 0, 0, &next);
}

// unpack_limit(s, limit, offset) / unpack_one(s, offset): the next offset (-1 at the end)
// then the objects.
int UnpackLimited(lua_State* L, int limit, int offset_arg) {
  size_t len = 0;
  const char* s = luaL_checklstring(L, 1, &len);
  lua_Integer offset = luaL_optinteger(L, offset_arg, 0);
  if (offset < 0 || static_cast<size_t>(offset) > len) {
    return luaL_error(L, "Start offset %d greater than input length %d.",
                      static_cast<int>(offset), static_cast<int>(len));
  }
  lua_pushnil(L);  // the next offset's place
  const int base = lua_gettop(L);
  size_t next = 0;
  int count = DecodeSome(L, s, len, static_cast<size_t>(offset), limit, &next);
  lua_pushinteger(L, next >= len ? -1 : static_cast<lua_Integer>(next));
  lua_replace(L, base);
  return count + 1;
}

int UnpackOne(lua_State* L) { return UnpackLimited(L, 1, 2); }
int UnpackLimit(lua_State* L) {
  return UnpackLimited(L, static_cast<int>(luaL_checkinteger(L, 2)), 3);
}

}  // namespace

int OpenMsgpackLibrary(lua_State* L) {
  static const luaL_Reg kFunctions[] = {{"pack", Pack},
                                        {"unpack", Unpack},
                                        {"unpack_one", UnpackOne},
                                        {"unpack_limit", UnpackLimit},
                                        {nullptr, nullptr}};
  lua_newtable(L);
  luaL_register(L, nullptr, kFunctions);
  // The module's description fields, as Redis's bundled lua_cmsgpack has them.
  static const char* const kFields[][2] = {
      {"_NAME", "cmsgpack"},
      {"_VERSION", "lua-cmsgpack 0.4.0"},
      {"_COPYRIGHT", "Copyright (C) 2012, Salvatore Sanfilippo"},
      {"_DESCRIPTION", "MessagePack C implementation for Lua"}};
  for (const auto& [name, value] : kFields) {
    lua_pushstring(L, value);
    lua_setfield(L, -2, name);
  }
  return 1;
}

}  // namespace kvd
