#pragma once
// The table behind Config (server/config.h): each directive's parsing, checks and CONFIG GET
// form. Shared by config.cpp (loading, CONFIG GET/SET) and config_params.cpp (the table).
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/config.h"

namespace kvd {

// One parameter: how to parse it into ConfigValues and how CONFIG GET shows it.
struct Config::Param {
  std::string_view name;
  bool runtime = true;  // CONFIG SET may change it
  bool multi = false;   // takes several words (bind, save)
  // Redis's PROTECTED_CONFIG (dir, dbfilename): CONFIG SET refuses it unless
  // enable-protected-configs allows it (it defaults to no).
  bool is_protected = false;
  // An alias (lua-time-limit, hash-max-ziplist-entries...): the parameter it names too.
  // CONFIG SET treats both names as one, and change hooks hear the main name.
  const Param* alias_of = nullptr;
  // Stores `values` into `v`; returns "" or Redis's reason text. `append`: a repeated
  // directive in the config file adds to the previous one (save).
  std::function<std::string(ConfigValues& v, std::span<const std::string_view> values, bool append)>
      set;
  std::function<std::string(const ConfigValues& v)> get;
  // CONFIG SET only, once every value parsed: makes the new value real outside the config
  // (as Redis's apply functions); returns "" or why it cannot, and then nothing changes.
  std::function<std::string(const ConfigValues& next)> apply;
};

// Every parameter kvd knows, in CONFIG GET's order.
std::vector<std::unique_ptr<Config::Param>> ConfigParams();
// Redis's parameters of subsystems kvd does not have (config_params_redis_only.cpp).
void AddRedisOnlyParams(std::vector<std::unique_ptr<Config::Param>>& params);
// One line for each of them set to other than Redis's default: "'name value' has no effect:
// why".
std::vector<std::string> RedisOnlySettings(const ConfigValues& v);
// The value of one of those parameters as CONFIG GET shows it (its default when unset):
// replication reads its parameters (repl-backlog-size...) here.
std::string RedisOnlyValue(const ConfigValues& v, std::string_view name);
// The same, as a number (booleans: 1 for yes); 0 when it is not one.
int64_t RedisOnlyNumber(const ConfigValues& v, std::string_view name);

inline constexpr std::string_view kBadDirective = "Bad directive or wrong number of arguments";

// CONFIG SET passes a multi-word parameter (save, bind) as one space-separated argument.
std::vector<std::string_view> SplitWords(std::string_view s);

// Absolute form of an existing directory (CONFIG GET dir answers an absolute path, as Redis);
// "" with `error` set when it is not one.
std::string ResolveDir(std::string_view dir, std::string* error);

}  // namespace kvd
