#pragma once
// Function libraries (FUNCTION LOAD ... FCALL): Lua code whose header names the library
// (`#!lua name=mylib`) and that registers functions with redis.register_function. They
// run in a Lua state of their own, apart from EVAL's scripts, as in Redis.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

struct lua_State;

namespace kvd {

struct FunctionDef {
  std::string name;
  std::string description;  // "" when none was given
  bool has_description = false;
  uint32_t flags = 0;       // ScriptFlag bits
  int ref = -2;             // the callback in the state's registry (LUA_NOREF)
};

// What a library's code registers while FUNCTION LOAD runs it.
struct FunctionLoad {
  std::vector<FunctionDef> functions;
};

// redis.register_function(name, callback) / redis.register_function{function_name=,
// callback=, flags=, description=}.
int RegisterFunction(lua_State* L);

struct Library {
  std::string name;
  std::string code;
  std::vector<FunctionDef> functions;
};

class FunctionLibraries {
 public:
  FunctionLibraries();
  ~FunctionLibraries();
  FunctionLibraries(const FunctionLibraries&) = delete;
  FunctionLibraries& operator=(const FunctionLibraries&) = delete;

  // FUNCTION LOAD [REPLACE]: the library's name, or "" with Redis's error text in `err`.
  std::string Load(std::string_view code, bool replace, std::string* err);
  bool Delete(std::string_view library);
  void Flush();  // every library, and a fresh Lua state

  // The function of that name (case-sensitive, as Redis) and its library, or null.
  const FunctionDef* Find(std::string_view name, const Library** library = nullptr) const;
  const std::map<std::string, Library, std::less<>>& libraries() const { return libraries_; }
  size_t function_count() const { return functions_.size(); }
  lua_State* lua() const { return lua_; }

 private:
  void Unref(const Library& library);
  lua_State* lua_;
  std::map<std::string, Library, std::less<>> libraries_;
  // function name -> library name
  std::map<std::string, std::string, std::less<>> functions_;
};

}  // namespace kvd
