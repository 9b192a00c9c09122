#include "server/scripting/lua_sandbox.h"

extern "C" {
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <lua-bitop.h>
#include <lua-cjson.h>
}

#include <cstring>

#include "server/scripting/lua_libs.h"
#include "server/scripting/lua_redis_api.h"

namespace kvd {
namespace {

constexpr const char* kRunKey = "kvd_run";
constexpr const char* kLoadKey = "kvd_load";
constexpr const char* kGlobalsKey = "kvd_globals";        // the real globals table
constexpr const char* kLibraryKey = "kvd_library_api";    // FUNCTION LOAD's globals
constexpr const char* kErrorHandlerKey = "kvd_error_handler";

// Redis's error handler: adds where the error happened (the caller's line when it is a C
// function such as redis.call) and makes every error a table.
constexpr const char* kErrorHandler =
    "local dbg = debug\n"
    "return function(err)\n"
    "  local i = dbg.getinfo(2, 'nSl')\n"
    "  if i and i.what == 'C' then i = dbg.getinfo(3, 'nSl') end\n"
    "  if type(err) ~= 'table' then err = {err = 'ERR ' .. tostring(err)} end\n"
    "  if i then\n"
    "    err['source'] = i.source\n"
    "    err['line'] = i.currentline\n"
    "  end\n"
    "  return err\n"
    "end\n";

void* GetPointer(lua_State* L, const char* key) {
  lua_getfield(L, LUA_REGISTRYINDEX, key);
  void* p = lua_touserdata(L, -1);
  lua_pop(L, 1);
  return p;
}

void SetPointer(lua_State* L, const char* key, void* p) {
  if (p) {
    lua_pushlightuserdata(L, p);
  } else {
    lua_pushnil(L);
  }
  lua_setfield(L, LUA_REGISTRYINDEX, key);
}

int NonexistentGlobal(lua_State* L) {
  const char* name = lua_tostring(L, 2);
  return luaL_error(L, "Script attempted to access nonexistent global variable '%s'",
                    name ? name : "?");
}

int ReadonlyTable(lua_State* L) { return luaL_error(L, "Attempt to modify a readonly table"); }

// Sets a metatable whose __index fails, on the table on top.
void SetErrorMetatable(lua_State* L) {
  lua_newtable(L);
  lua_pushcfunction(L, NonexistentGlobal);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, -2);
}

// loadstring without bytecode, which could break out of the sandbox (Redis refuses it too).
int SafeLoadstring(lua_State* L) {
  size_t len = 0;
  const char* s = luaL_checklstring(L, 1, &len);
  if (len > 0 && s[0] == LUA_SIGNATURE[0]) {
    lua_pushnil(L);
    lua_pushstring(L, "bytecode loading is not allowed");
    return 2;
  }
  const char* chunkname = luaL_optstring(L, 2, s);
  if (luaL_loadbuffer(L, s, len, chunkname) != 0) {
    lua_pushnil(L);
    lua_insert(L, -2);
    return 2;
  }
  return 1;
}

void OpenLibrary(lua_State* L, const char* name, lua_CFunction open) {
  lua_pushcfunction(L, open);
  lua_pushstring(L, name);
  lua_call(L, 1, 1);
  if (name[0] != '\0' && lua_istable(L, -1)) {
    lua_setglobal(L, name);
  } else {
    lua_pop(L, 1);
  }
}

// The globals FUNCTION LOAD's code sees: redis.register_function, redis.log and the version.
void MakeLibraryApi(lua_State* L) {
  lua_newtable(L);  // the library's globals
  lua_newtable(L);  // its `redis`
  RegisterLibraryApi(L);
  SetErrorMetatable(L);
  lua_setfield(L, -2, "redis");
  SetErrorMetatable(L);
  lua_setfield(L, LUA_REGISTRYINDEX, kLibraryKey);
}

}  // namespace

lua_State* NewSandbox(SandboxFor use) {
  lua_State* L = luaL_newstate();
  OpenLibrary(L, "", luaopen_base);
  OpenLibrary(L, LUA_TABLIBNAME, luaopen_table);
  OpenLibrary(L, LUA_STRLIBNAME, luaopen_string);
  OpenLibrary(L, LUA_MATHLIBNAME, luaopen_math);
  OpenLibrary(L, LUA_DBLIBNAME, luaopen_debug);
  OpenLibrary(L, "cjson", luaopen_cjson);
  OpenLibrary(L, "bit", luaopen_bit);
  OpenLibrary(L, "struct", OpenStructLibrary);
  OpenLibrary(L, "cmsgpack", OpenMsgpackLibrary);
  // Redis's deny list: nothing that reaches the file system or the terminal.
  for (const char* name : {"dofile", "loadfile", "print"}) {
    lua_pushnil(L);
    lua_setglobal(L, name);
  }
  lua_pushcfunction(L, SafeLoadstring);
  lua_setglobal(L, "loadstring");
  RegisterRedisApi(L, use == SandboxFor::kEval);
  MakeLibraryApi(L);

  // The error handler keeps its own reference to `debug`, which scripts do not get.
  luaL_loadbuffer(L, kErrorHandler, std::strlen(kErrorHandler), "@err_handler_def");
  lua_call(L, 0, 1);
  lua_setfield(L, LUA_REGISTRYINDEX, kErrorHandlerKey);
  lua_pushnil(L);
  lua_setglobal(L, "debug");

  // The real globals fail reads of missing names; the proxy that replaces them as the
  // state's globals fails every write.
  lua_pushvalue(L, LUA_GLOBALSINDEX);
  SetErrorMetatable(L);
  lua_setfield(L, LUA_REGISTRYINDEX, kGlobalsKey);
  lua_newtable(L);  // the proxy
  lua_newtable(L);  // its metatable
  lua_getfield(L, LUA_REGISTRYINDEX, kGlobalsKey);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, ReadonlyTable);
  lua_setfield(L, -2, "__newindex");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");  // getmetatable(_G) cannot reach the real globals
  lua_setmetatable(L, -2);
  // _G names the proxy, so `_G.x = 1` fails as a plain assignment does.
  lua_getfield(L, LUA_REGISTRYINDEX, kGlobalsKey);
  lua_pushvalue(L, -2);
  lua_setfield(L, -2, "_G");
  lua_pop(L, 1);
  lua_replace(L, LUA_GLOBALSINDEX);
  return L;
}

void SetCurrentRun(lua_State* L, ScriptRun* run) { SetPointer(L, kRunKey, run); }
ScriptRun* CurrentRun(lua_State* L) { return static_cast<ScriptRun*>(GetPointer(L, kRunKey)); }
void SetCurrentLoad(lua_State* L, FunctionLoad* load) { SetPointer(L, kLoadKey, load); }
FunctionLoad* CurrentLoad(lua_State* L) {
  return static_cast<FunctionLoad*>(GetPointer(L, kLoadKey));
}

void PushErrorHandler(lua_State* L) { lua_getfield(L, LUA_REGISTRYINDEX, kErrorHandlerKey); }

void PushStringArray(lua_State* L, std::span<const std::string_view> items) {
  lua_createtable(L, static_cast<int>(items.size()), 0);
  for (size_t i = 0; i < items.size(); ++i) {
    lua_pushlstring(L, items[i].data(), items[i].size());
    lua_rawseti(L, -2, static_cast<int>(i + 1));
  }
}

void SetProtectedGlobal(lua_State* L, const char* name) {
  lua_getfield(L, LUA_REGISTRYINDEX, kGlobalsKey);
  lua_pushstring(L, name);
  lua_pushvalue(L, -3);
  lua_rawset(L, -3);
  lua_pop(L, 2);
}

void DropStrayGlobals(lua_State* L) {
  // In place: compiled scripts keep this very table as their environment. Clearing a field
  // during a traversal is allowed in Lua.
  lua_pushnil(L);
  while (lua_next(L, LUA_GLOBALSINDEX)) {
    lua_pop(L, 1);
    lua_pushvalue(L, -1);
    lua_pushnil(L);
    lua_rawset(L, LUA_GLOBALSINDEX);
  }
}

void UseLibraryGlobals(lua_State* L, bool library) {
  lua_getmetatable(L, LUA_GLOBALSINDEX);
  lua_getfield(L, LUA_REGISTRYINDEX, library ? kLibraryKey : kGlobalsKey);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
}

}  // namespace kvd
