#include "server/scripting/function_library.h"

extern "C" {
#include <lauxlib.h>
#include <lua.h>
}

#include <set>

#include "core/text.h"
#include "server/scripting/lua_reply.h"
#include "server/scripting/lua_sandbox.h"
#include "server/scripting/script_flags.h"

namespace kvd {
namespace {

// Library and function names: letters, digits and underscores, at least one.
bool ValidName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return true;
}

std::string LuaString(lua_State* L, int index) {
  size_t len = 0;
  const char* s = lua_tolstring(L, index, &len);
  return s ? std::string(s, len) : std::string();
}

// Reads the arguments of redis.register_function into `def` (the callback is referenced in
// the registry). Returns Redis's error text, or "".
std::string ReadRegisterArgs(lua_State* L, FunctionDef& def) {
  const int argc = lua_gettop(L);
  if (argc < 1 || argc > 2) return "wrong number of arguments to redis.register_function";
  if (argc == 2) {
    if (!lua_isstring(L, 1)) return "first argument to redis.register_function must be a string";
    if (!lua_isfunction(L, 2)) {
      return "second argument to redis.register_function must be a function";
    }
    def.name = LuaString(L, 1);
    def.ref = luaL_ref(L, LUA_REGISTRYINDEX);  // pops the function
    return "";
  }
  if (!lua_istable(L, 1)) {
    return "calling redis.register_function with a single argument is only applicable to Lua "
           "table (representing named arguments).";
  }
  bool has_name = false;
  std::string err;
  lua_pushnil(L);
  while (lua_next(L, 1)) {
    // Stack: table, key, value.
    if (lua_type(L, -2) != LUA_TSTRING) {
      err = "named argument key given to redis.register_function is not a string";
      lua_pop(L, 2);
      break;
    }
    const std::string key = LuaString(L, -2);
    if (EqualsIgnoreCase(key, "function_name")) {
      if (!lua_isstring(L, -1)) {
        err = "function_name argument given to redis.register_function must be a string";
      } else {
        def.name = LuaString(L, -1);
        has_name = true;
      }
    } else if (EqualsIgnoreCase(key, "description")) {
      if (!lua_isstring(L, -1)) {
        err = "description argument given to redis.register_function must be a string";
      } else {
        def.description = LuaString(L, -1);
        def.has_description = true;
      }
    } else if (EqualsIgnoreCase(key, "callback")) {
      if (!lua_isfunction(L, -1)) {
        err = "callback argument given to redis.register_function must be a function";
      } else {
        if (def.ref != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, def.ref);
        def.ref = luaL_ref(L, LUA_REGISTRYINDEX);  // pops the value
        continue;
      }
    } else if (EqualsIgnoreCase(key, "flags")) {
      if (!lua_istable(L, -1)) {
        err = "flags argument to redis.register_function must be a table representing "
              "function flags";
      } else {
        for (int i = 1;; ++i) {
          lua_rawgeti(L, -1, i);
          if (lua_isnil(L, -1)) {
            lua_pop(L, 1);
            break;
          }
          std::optional<uint32_t> f;
          if (lua_isstring(L, -1)) f = ScriptFlagByName(LuaString(L, -1));
          lua_pop(L, 1);
          if (!f) {
            err = "unknown flag given";
            break;
          }
          def.flags |= *f;
        }
      }
    } else {
      err = "unknown argument given to redis.register_function";
    }
    if (!err.empty()) {
      lua_pop(L, 2);
      break;
    }
    lua_pop(L, 1);
  }
  if (err.empty() && !has_name) err = "redis.register_function must get a function name argument";
  if (err.empty() && def.ref == LUA_NOREF) {
    err = "redis.register_function must get a callback argument";
  }
  if (!err.empty() && def.ref != LUA_NOREF) {
    luaL_unref(L, LUA_REGISTRYINDEX, def.ref);
    def.ref = LUA_NOREF;
  }
  return err;
}

// Adds the function to the load; "" or Redis's error text.
std::string AddFunction(lua_State* L, FunctionLoad& load) {
  FunctionDef def;
  def.ref = LUA_NOREF;
  std::string err = ReadRegisterArgs(L, def);
  if (err.empty() && !ValidName(def.name)) {
    err = "Function names can only contain letters, numbers, or underscores(_) and must be at "
          "least one character long";
  }
  if (err.empty()) {
    for (const FunctionDef& f : load.functions) {
      if (f.name == def.name) err = "Function already exists in the library";
    }
  }
  if (!err.empty()) {
    if (def.ref != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, def.ref);
    return err;
  }
  load.functions.push_back(std::move(def));
  return "";
}

}  // namespace

int RegisterFunction(lua_State* L) {
  FunctionLoad* load = CurrentLoad(L);
  if (load == nullptr) {
    PushErrorTable(L, "redis.register_function can only be called on FUNCTION LOAD command");
    return lua_error(L);
  }
  bool failed;
  {
    std::string err = AddFunction(L, *load);
    failed = !err.empty();
    if (failed) PushErrorTable(L, err);
  }
  if (failed) return lua_error(L);  // no C++ object alive across the longjmp
  return 0;
}

FunctionLibraries::FunctionLibraries() : lua_(NewSandbox(SandboxFor::kFunctions)) {}

FunctionLibraries::~FunctionLibraries() { lua_close(lua_); }

std::string FunctionLibraries::Load(std::string_view code, bool replace, std::string* err) {
  std::optional<Shebang> header = ParseShebang(code, true, err);
  if (!header) return "";
  const std::string& name = header->name;
  if (!ValidName(name)) {
    *err = "ERR Library names can only contain letters, numbers, or underscores(_) and must be "
           "at least one character long";
    return "";
  }
  auto existing = libraries_.find(name);
  if (existing != libraries_.end() && !replace) {
    *err = "ERR Library '" + name + "' already exists";
    return "";
  }
  // The header line stays (as a comment to Lua it is not): compile from the next line, with
  // its newline so that line numbers are the code's.
  std::string_view body = code.substr(header->length);
  if (luaL_loadbuffer(lua_, body.data(), body.size(), "@user_function") != 0) {
    *err = "ERR Error compiling function: ";
    err->append(lua_tostring(lua_, -1));
    lua_pop(lua_, 1);
    return "";
  }
  FunctionLoad load;
  SetCurrentLoad(lua_, &load);
  UseLibraryGlobals(lua_, true);
  const int status = lua_pcall(lua_, 0, 0, 0);
  UseLibraryGlobals(lua_, false);
  SetCurrentLoad(lua_, nullptr);
  auto drop_load = [&] {
    for (const FunctionDef& f : load.functions) luaL_unref(lua_, LUA_REGISTRYINDEX, f.ref);
  };
  if (status != 0) {
    std::string message;
    if (lua_istable(lua_, -1)) {
      lua_getfield(lua_, -1, "err");
      if (lua_isstring(lua_, -1)) message = lua_tostring(lua_, -1);
      lua_pop(lua_, 1);
    } else if (lua_isstring(lua_, -1)) {
      message = std::string("ERR ") + lua_tostring(lua_, -1);
    }
    lua_pop(lua_, 1);
    drop_load();
    *err = "ERR Error registering functions: " + message;
    return "";
  }
  if (load.functions.empty()) {
    *err = "ERR No functions registered";
    return "";
  }
  for (const FunctionDef& f : load.functions) {
    auto other = functions_.find(f.name);
    if (other != functions_.end() && other->second != name) {
      drop_load();
      *err = "ERR Function " + f.name + " already exists";
      return "";
    }
  }
  if (existing != libraries_.end()) Delete(name);
  Library lib{name, std::string(code), std::move(load.functions)};
  for (const FunctionDef& f : lib.functions) functions_[f.name] = name;
  libraries_.emplace(name, std::move(lib));
  return name;
}

void FunctionLibraries::Unref(const Library& library) {
  for (const FunctionDef& f : library.functions) {
    luaL_unref(lua_, LUA_REGISTRYINDEX, f.ref);
    functions_.erase(f.name);
  }
}

bool FunctionLibraries::Delete(std::string_view library) {
  auto it = libraries_.find(library);
  if (it == libraries_.end()) return false;
  Unref(it->second);
  libraries_.erase(it);
  return true;
}

void FunctionLibraries::Flush() {
  libraries_.clear();
  functions_.clear();
  lua_close(lua_);
  lua_ = NewSandbox(SandboxFor::kFunctions);
}

const FunctionDef* FunctionLibraries::Find(std::string_view name,
                                           const Library** library) const {
  auto it = functions_.find(name);
  if (it == functions_.end()) return nullptr;
  const Library& lib = libraries_.find(it->second)->second;
  if (library) *library = &lib;
  for (const FunctionDef& f : lib.functions) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace kvd
