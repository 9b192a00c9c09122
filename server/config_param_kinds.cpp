#include "server/config_param_kinds.h"

#include <cstdlib>

#include "core/text.h"

namespace kvd {

std::optional<int64_t> ParseMemory(std::string_view s) {
  size_t digits = 0;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
  // No digits reads as 0, as Redis's strtoull of "" does: "", "b" and "gb" are all 0.
  if (digits > 19) return std::nullopt;
  std::string_view unit = s.substr(digits);
  int64_t mul;
  if (unit.empty() || EqualsIgnoreCase(unit, "b"))
    mul = 1;
  else if (EqualsIgnoreCase(unit, "k"))
    mul = 1000;
  else if (EqualsIgnoreCase(unit, "kb"))
    mul = 1024;
  else if (EqualsIgnoreCase(unit, "m"))
    mul = 1000 * 1000;
  else if (EqualsIgnoreCase(unit, "mb"))
    mul = 1024 * 1024;
  else if (EqualsIgnoreCase(unit, "g"))
    mul = 1000LL * 1000 * 1000;
  else if (EqualsIgnoreCase(unit, "gb"))
    mul = 1024LL * 1024 * 1024;
  else
    return std::nullopt;
  unsigned long long v = std::strtoull(std::string(s.substr(0, digits)).c_str(), nullptr, 10);
  if (v > static_cast<unsigned long long>(INT64_MAX) / mul) return std::nullopt;
  return static_cast<int64_t>(v) * mul;
}

std::string RangeError(int64_t min, int64_t max) {
  return "argument must be between " + std::to_string(min) + " and " + std::to_string(max) +
         " inclusive";
}

std::string ParseIntIn(std::string_view s, int64_t min, int64_t max, int64_t* out) {
  std::optional<int64_t> n = ParseInt64(s);
  if (!n) return "argument couldn't be parsed into an integer";
  if (*n < min || *n > max) return RangeError(min, max);
  *out = *n;
  return "";
}

std::string ParseMemoryIn(std::string_view s, int64_t min, int64_t max, int64_t* out) {
  std::optional<int64_t> n = ParseMemory(s);
  if (!n) return "argument must be a memory value";
  if (*n < min || *n > max) return RangeError(min, max);
  *out = *n;
  return "";
}

std::string ParseYesNo(std::string_view s, bool* out) {
  if (EqualsIgnoreCase(s, "yes")) {
    *out = true;
  } else if (EqualsIgnoreCase(s, "no")) {
    *out = false;
  } else {
    return "argument must be 'yes' or 'no'";
  }
  return "";
}

std::string ParseChoice(std::string_view s, std::span<const std::string_view> choices,
                        std::string_view* out) {
  for (std::string_view c : choices) {
    if (EqualsIgnoreCase(c, s)) {
      *out = c;
      return "";
    }
  }
  std::string err = "argument(s) must be one of the following: ";
  for (size_t i = 0; i < choices.size(); ++i) {
    if (i) err += ", ";
    err.append(choices[i]);
  }
  return err;
}

std::vector<std::string_view> AllWords(ParamValues values) {
  std::vector<std::string_view> words;
  for (std::string_view value : values) {
    for (std::string_view word : SplitWords(value)) words.push_back(word);
  }
  return words;
}

void PushAlias(std::vector<Param>& params, Param alias) {
  alias->alias_of = params.back().get();
  params.push_back(std::move(alias));
}

Param MemoryParam(std::string_view name, bool runtime, int64_t ConfigValues::*field, int64_t min) {
  return MakeParam(
      name, runtime, false,
      [=](ConfigValues& v, ParamValues in, bool) -> std::string {
        return ParseMemoryIn(in[0], min, INT64_MAX, &(v.*field));
      },
      [=](const ConfigValues& v) { return std::to_string(v.*field); });
}

Param StringParam(std::string_view name, bool runtime, std::string ConfigValues::*field,
                  std::function<std::string(std::string&)> check) {
  return MakeParam(
      name, runtime, false,
      [=](ConfigValues& v, ParamValues in, bool) -> std::string {
        std::string s(in[0]);
        if (check) {
          if (std::string err = check(s); !err.empty()) return err;
        }
        v.*field = std::move(s);
        return "";
      },
      [=](const ConfigValues& v) { return v.*field; });
}

Param EnumParam(std::string_view name, std::string ConfigValues::*field,
                std::vector<std::string_view> choices, bool runtime) {
  return MakeParam(
      name, runtime, false,
      [=](ConfigValues& v, ParamValues in, bool) -> std::string {
        std::string_view choice;
        if (std::string err = ParseChoice(in[0], choices, &choice); !err.empty()) return err;
        v.*field = std::string(choice);
        return "";
      },
      [=](const ConfigValues& v) { return v.*field; });
}

Param BoolParam(std::string_view name, bool runtime, bool ConfigValues::*field) {
  return MakeParam(
      name, runtime, false,
      [=](ConfigValues& v, ParamValues in, bool) -> std::string {
        return ParseYesNo(in[0], &(v.*field));
      },
      [=](const ConfigValues& v) { return std::string(v.*field ? "yes" : "no"); });
}

}  // namespace kvd
