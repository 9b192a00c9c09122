#include "server/commands/migrate_args.h"

#include "core/numeric.h"
#include "core/text.h"
#include "server/errors.h"

namespace kvd {
namespace {

constexpr size_t kFirstOption = 6;
constexpr size_t kKeyArg = 3;

}  // namespace

std::variant<MigrateArgs, std::string_view> ParseMigrateArgs(
    std::span<const std::string_view> args) {
  MigrateArgs m;
  m.host = args[1];
  m.port = args[2];
  m.keys = args.subspan(kKeyArg, 1);
  for (size_t j = kFirstOption; j < args.size(); ++j) {
    const size_t more = args.size() - 1 - j;
    const std::string_view a = args[j];
    if (EqualsIgnoreCase(a, "COPY")) {
      m.copy = true;
    } else if (EqualsIgnoreCase(a, "REPLACE")) {
      m.replace = true;
    } else if (EqualsIgnoreCase(a, "AUTH")) {
      if (more < 1) return kSyntaxErr;
      m.password = args[++j];
    } else if (EqualsIgnoreCase(a, "AUTH2")) {
      if (more < 2) return kSyntaxErr;
      m.username = args[++j];
      m.password = args[++j];
    } else if (EqualsIgnoreCase(a, "KEYS")) {
      if (!args[kKeyArg].empty()) return kMigrateKeysErr;
      m.keys = args.subspan(j + 1);
      break;  // every argument left is a key
    } else {
      return kSyntaxErr;
    }
  }
  const std::optional<int64_t> timeout = ParseInt64(args[5]);
  if (!timeout) return kNotIntegerErr;
  const std::optional<int64_t> db = ParseInt64(args[4]);
  if (!db) return kNotIntegerErr;
  m.timeout_ms = *timeout <= 0 ? 1000 : *timeout;
  m.db = *db;
  return m;
}

bool IsMigrateSecret(std::span<const std::string_view> args, size_t i) {
  // The options as ParseMigrateArgs reads them, up to the first it cannot read.
  for (size_t j = kFirstOption; j < args.size() && j < i; ++j) {
    const size_t more = args.size() - 1 - j;
    const std::string_view a = args[j];
    if (EqualsIgnoreCase(a, "AUTH") && more >= 1) {
      if (i == j + 1) return true;
      j += 1;
    } else if (EqualsIgnoreCase(a, "AUTH2") && more >= 2) {
      if (i == j + 1 || i == j + 2) return true;
      j += 2;
    } else if (!EqualsIgnoreCase(a, "COPY") && !EqualsIgnoreCase(a, "REPLACE")) {
      return false;  // KEYS, or a syntax error
    }
  }
  return false;
}

std::vector<size_t> MigrateKeyPositions(std::span<const std::string_view> args) {
  const size_t argc = args.size();
  // The key specs: the key argument, and what follows a KEYS keyword searched backwards from
  // the second last argument. That second spec is "incomplete": when it finds its keyword,
  // Redis asks migrateGetKeys instead.
  bool keyword = false;
  for (size_t i = argc - 2; i >= 2 && !keyword; --i) keyword = EqualsIgnoreCase(args[i], "KEYS");
  if (!keyword) return {kKeyArg};
  // migrateGetKeys: the option words are skipped with their values, unknown words alone.
  size_t first = kKeyArg, num = 1;
  for (size_t i = kFirstOption; i < argc; ++i) {
    if (EqualsIgnoreCase(args[i], "KEYS")) {
      if (!args[kKeyArg].empty()) return {};
      first = i + 1;
      num = argc - first;
      break;
    }
    if (EqualsIgnoreCase(args[i], "AUTH")) {
      i += 1;
    } else if (EqualsIgnoreCase(args[i], "AUTH2")) {
      i += 2;
    }
  }
  std::vector<size_t> keys(num);
  for (size_t k = 0; k < num; ++k) keys[k] = first + k;
  return keys;
}

}  // namespace kvd
