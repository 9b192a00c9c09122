#include "server/scripting/script_flags.h"

#include "core/text.h"

namespace kvd {
namespace {

struct FlagName {
  uint32_t flag;
  std::string_view name;
};
constexpr FlagName kFlagNames[] = {
    {kScriptNoWrites, "no-writes"},   {kScriptAllowOom, "allow-oom"},
    {kScriptAllowStale, "allow-stale"}, {kScriptNoCluster, "no-cluster"},
    {kScriptAllowCrossSlot, "allow-cross-slot-keys"},
};

}  // namespace

std::optional<uint32_t> ScriptFlagByName(std::string_view name) {
  for (const FlagName& f : kFlagNames) {
    if (EqualsIgnoreCase(f.name, name)) return f.flag;
  }
  return std::nullopt;
}

std::string_view ScriptFlagName(uint32_t one_flag) {
  for (const FlagName& f : kFlagNames) {
    if (f.flag == one_flag) return f.name;
  }
  return "";
}

std::optional<Shebang> ParseShebang(std::string_view body, bool for_function, std::string* err) {
  Shebang s;
  if (!body.starts_with("#!")) {
    if (for_function) {
      *err = "ERR Missing library metadata";
      return std::nullopt;
    }
    s.flags = kScriptNoShebang;
    return s;
  }
  size_t eol = body.find('\n');
  s.length = eol == std::string_view::npos ? body.size() : eol;
  std::string_view line = body.substr(0, s.length);
  // "#!lua" then space-separated options.
  size_t space = line.find(' ');
  std::string_view engine = line.substr(0, space);
  if (engine != "#!lua") {
    *err = for_function ? "ERR Engine '" + std::string(engine.substr(2)) + "' not found"
                        : "ERR Unexpected engine in script shebang: " + std::string(engine);
    return std::nullopt;
  }
  std::string_view rest = space == std::string_view::npos ? "" : line.substr(space + 1);
  while (!rest.empty()) {
    size_t next = rest.find(' ');
    std::string_view part = rest.substr(0, next);
    rest = next == std::string_view::npos ? "" : rest.substr(next + 1);
    if (part.empty()) continue;
    if (for_function) {
      if (part.starts_with("name=")) {
        s.name = std::string(part.substr(5));
        continue;
      }
      *err = "ERR Invalid metadata value given: " + std::string(part);
      return std::nullopt;
    }
    if (!part.starts_with("flags=")) {
      *err = "ERR Unknown lua shebang option: " + std::string(part);
      return std::nullopt;
    }
    std::string_view flags = part.substr(6);
    while (!flags.empty()) {
      size_t comma = flags.find(',');
      std::string_view name = flags.substr(0, comma);
      flags = comma == std::string_view::npos ? "" : flags.substr(comma + 1);
      std::optional<uint32_t> f = ScriptFlagByName(name);
      if (!f) {
        *err = "ERR Unexpected flag in script shebang: " + std::string(name);
        return std::nullopt;
      }
      s.flags |= *f;
    }
  }
  if (for_function && s.name.empty()) {
    *err = "ERR Library name was not given";
    return std::nullopt;
  }
  return s;
}

}  // namespace kvd
