#pragma once
// MIGRATE's arguments, read as Redis's migrateCommand reads them:
//   MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password]
//           [AUTH2 username password] [KEYS key [key ...]]
// and its keys as Redis's key specs and migrateGetKeys find them (COMMAND GETKEYS, ACL).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

namespace kvd {

struct MigrateArgs {
  std::string_view host, port;
  int64_t db = 0;
  int64_t timeout_ms = 1000;  // a timeout <= 0 means 1000, as in Redis
  bool copy = false;
  bool replace = false;
  std::optional<std::string_view> username;  // AUTH2 only
  std::optional<std::string_view> password;  // AUTH or AUTH2
  std::span<const std::string_view> keys;    // the key, or those after KEYS
};

inline constexpr std::string_view kMigrateKeysErr =
    "ERR When using MIGRATE KEYS option, the key argument must be set to the empty string";

// `args` is the whole command (args[0] is MIGRATE, at least 6 arguments). Errors come in
// Redis's order: the options first, then the timeout, then the database.
std::variant<MigrateArgs, std::string_view> ParseMigrateArgs(
    std::span<const std::string_view> args);

// Whether args[i] is a password or user name for the target, hidden from MONITOR and
// SLOWLOG.
bool IsMigrateSecret(std::span<const std::string_view> args, size_t i);

// The key positions in `args`, as Redis's key specs find them and, when those stop at a KEYS
// keyword, its migrateGetKeys: none for KEYS after a non-empty key.
std::vector<size_t> MigrateKeyPositions(std::span<const std::string_view> args);

}  // namespace kvd
