#pragma once
// The kinds of config parameter (integer, memory size, string, enum, yes/no) and how each
// parses its value and shows it to CONFIG GET: the building blocks of the parameter tables
// (config_params.cpp, config_params_redis_only.cpp).
#include <algorithm>
#include <climits>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/numeric.h"
#include "server/config_params.h"

namespace kvd {

using Param = std::unique_ptr<Config::Param>;
using ParamValues = std::span<const std::string_view>;

// Redis's memtoull: digits with an optional unit b, k (1000), kb (1024), m, mb, g, gb; no
// digits at all read as 0 ("" and "mb" are 0 bytes).
std::optional<int64_t> ParseMemory(std::string_view s);
// Redis's text for a number out of range.
std::string RangeError(int64_t min, int64_t max);

// Each kind's value check, with Redis's error texts: "" and `*out` set, or the error.
std::string ParseIntIn(std::string_view s, int64_t min, int64_t max, int64_t* out);
std::string ParseMemoryIn(std::string_view s, int64_t min, int64_t max, int64_t* out);
std::string ParseYesNo(std::string_view s, bool* out);
// `*out` is the choice as written in `choices` (CONFIG GET shows it so).
std::string ParseChoice(std::string_view s, std::span<const std::string_view> choices,
                        std::string_view* out);

// The words of a multi-word parameter's values: `--save "3600 1"` comes as one value,
// `--save 3600 1` as two, CONFIG SET's as one.
std::vector<std::string_view> AllWords(ParamValues values);

// Adds `alias` as another name of the parameter added last (Config::Param::alias_of).
void PushAlias(std::vector<Param>& params, Param alias);

template <class T>
Param MakeParam(std::string_view name, bool runtime, bool multi, T set,
                std::function<std::string(const ConfigValues&)> get) {
  auto p = std::make_unique<Config::Param>();
  p->name = name;
  p->runtime = runtime;
  p->multi = multi;
  p->set = std::move(set);
  p->get = std::move(get);
  return p;
}

template <class Int>
Param IntParam(std::string_view name, bool runtime, Int ConfigValues::*field, int64_t min,
               int64_t max, int64_t clamp_min = INT64_MIN, int64_t clamp_max = INT64_MAX) {
  return MakeParam(
      name, runtime, false,
      [=](ConfigValues& v, ParamValues in, bool) -> std::string {
        int64_t n;
        if (std::string err = ParseIntIn(in[0], min, max, &n); !err.empty()) return err;
        v.*field = static_cast<Int>(std::clamp(n, clamp_min, clamp_max));
        return "";
      },
      [=](const ConfigValues& v) { return std::to_string(v.*field); });
}

Param MemoryParam(std::string_view name, bool runtime, int64_t ConfigValues::*field, int64_t min);
Param StringParam(std::string_view name, bool runtime, std::string ConfigValues::*field,
                  std::function<std::string(std::string&)> check = nullptr);
Param EnumParam(std::string_view name, std::string ConfigValues::*field,
                std::vector<std::string_view> choices, bool runtime = true);
// Redis's bool parameters: yes or no, case-insensitive; CONFIG GET shows yes/no.
Param BoolParam(std::string_view name, bool runtime, bool ConfigValues::*field);

}  // namespace kvd
