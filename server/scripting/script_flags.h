#pragma once
// Script flags, as Redis 7: from an EVAL script's shebang (`#!lua flags=no-writes,allow-oom`)
// or redis.register_function's `flags`.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kvd {

enum ScriptFlag : uint32_t {
  kScriptNoWrites = 1u << 0,     // "no-writes": read-only, may run with EVAL_RO/FCALL_RO
  kScriptAllowOom = 1u << 1,     // "allow-oom": may write past maxmemory
  kScriptAllowStale = 1u << 2,   // "allow-stale"
  kScriptNoCluster = 1u << 3,    // "no-cluster"
  kScriptAllowCrossSlot = 1u << 4,  // "allow-cross-slot-keys"
  // Set for scripts without a shebang: Redis 6's rules (may write, no flags checked).
  kScriptNoShebang = 1u << 5,
};

// The flag of one name (case-insensitive), or nullopt.
std::optional<uint32_t> ScriptFlagByName(std::string_view name);
// The names of `flags`, in Redis's order, for FUNCTION LIST.
std::string_view ScriptFlagName(uint32_t one_flag);
inline constexpr uint32_t kAllScriptFlags[] = {kScriptNoWrites, kScriptAllowOom,
                                               kScriptAllowStale, kScriptNoCluster,
                                               kScriptAllowCrossSlot};

struct Shebang {
  uint32_t flags = 0;
  size_t length = 0;  // bytes of the shebang line, without its newline (0: none)
  std::string name;   // `name=` (FUNCTION LOAD's library name)
};

// Parses the body's first line when it starts with "#!". `for_function`: FUNCTION LOAD's
// header, which takes `name=` and no flags. Returns Redis's error text on failure.
std::optional<Shebang> ParseShebang(std::string_view body, bool for_function, std::string* err);

}  // namespace kvd
