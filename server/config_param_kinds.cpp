#include "server/config_param_kinds.h"

#include <cstdlib>

#include "core/text.h"

namespace kvd {

std::optional<int64_t> ParseMemory(std::string_view s) {
  size_t digits = 0;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
  if (digits == 0 || digits > 19) return std::nullopt;
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

Param MemoryParam(std::string_view name, bool runtime, int64_t ConfigValues::*field, int64_t min) {
  return MakeParam(
      name, runtime, false,
      [=](ConfigValues& v, ParamValues in, bool) -> std::string {
        auto n = ParseMemory(in[0]);
        if (!n) return "argument must be a memory value";
        if (*n < min) return RangeError(min, INT64_MAX);
        v.*field = *n;
        return "";
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
        for (std::string_view c : choices) {
          if (EqualsIgnoreCase(c, in[0])) {
            v.*field = std::string(c);
            return "";
          }
        }
        std::string err = "argument(s) must be one of the following: ";
        for (size_t i = 0; i < choices.size(); ++i) {
          if (i) err += ", ";
          err.append(choices[i]);
        }
        return err;
      },
      [=](const ConfigValues& v) { return v.*field; });
}

Param BoolParam(std::string_view name, bool runtime, bool ConfigValues::*field) {
  return MakeParam(
      name, runtime, false,
      [=](ConfigValues& v, ParamValues in, bool) -> std::string {
        if (EqualsIgnoreCase(in[0], "yes")) {
          v.*field = true;
        } else if (EqualsIgnoreCase(in[0], "no")) {
          v.*field = false;
        } else {
          return "argument must be 'yes' or 'no'";
        }
        return "";
      },
      [=](const ConfigValues& v) { return std::string(v.*field ? "yes" : "no"); });
}

}  // namespace kvd
