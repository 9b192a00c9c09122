// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type] (Redis's scanGenericCommand).
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/numeric.h"
#include "core/record.h"
#include "core/text.h"
#include "server/commands/key_commands.h"
#include "server/commands/key_lookup.h"

namespace kvd::key_commands {
namespace {

constexpr int64_t kDefaultCount = 10;

// Redis 7.2's parseScanCursorOrReply: strtoul over the whole argument, no leading space, no
// overflow. Like Redis it takes "+5", and "-1" wraps to the largest cursor.
std::optional<uint64_t> ParseCursor(std::string_view arg) {
  const std::string text(arg);  // strtoul needs a terminated string
  if (!text.empty() && std::isspace(static_cast<unsigned char>(text[0]))) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
  if (*end != '\0' || errno == ERANGE) return std::nullopt;
  return static_cast<uint64_t>(v);
}

struct ScanOptions {
  int64_t count = kDefaultCount;
  std::optional<std::string_view> pattern;  // unset, or "*": everything
  std::optional<std::string_view> type;
};

// Returns the error text, if any; the first error wins.
std::optional<std::string_view> ParseScanOptions(std::span<const std::string_view> args,
                                                 ScanOptions& o) {
  size_t i = 0;
  while (i < args.size()) {
    const bool has_value = args.size() - i >= 2;
    if (has_value && EqualsIgnoreCase(args[i], "COUNT")) {
      std::optional<int64_t> n = ParseInt64(args[i + 1]);
      if (!n) return kNotIntegerErr;
      if (*n < 1) return kSyntaxErr;
      o.count = *n;
    } else if (has_value && EqualsIgnoreCase(args[i], "MATCH")) {
      o.pattern = args[i + 1];
      if (*o.pattern == "*") o.pattern.reset();
    } else if (has_value && EqualsIgnoreCase(args[i], "TYPE")) {
      o.type = args[i + 1];
    } else {
      return kSyntaxErr;
    }
    i += 2;
  }
  return std::nullopt;
}

}  // namespace

void Scan(CommandContext& ctx) {
  std::optional<uint64_t> cursor = ParseCursor(ctx.args[1]);
  if (!cursor) return ctx.Error("ERR invalid cursor");
  ScanOptions o;
  if (auto err = ParseScanOptions(ctx.args.subspan(2), o)) return ctx.Error(*err);

  // As Redis: visit buckets until COUNT keys were seen (before filtering), the iteration
  // ends, or 10 * COUNT buckets were visited, so a sparse table can't stall the server.
  int64_t budget = o.count > INT64_MAX / 10 ? INT64_MAX : o.count * 10;
  int64_t seen = 0;
  std::vector<std::string> keys;  // copies: ScanStep may reclaim expired keys between steps
  auto visit = [&](const Record& r) {
    if (r.has_expiry() && r.expire_at_ms() <= ctx.now_ms) return;  // never show expired keys
    ++seen;
    if (o.pattern && !GlobMatch(*o.pattern, r.key())) return;
    if (o.type) {
      ctx.server.stats.keyspace_hits++;  // Redis looks the key up to learn its type
      if (!EqualsIgnoreCase(*o.type, TypeName(r.type()))) return;
    }
    keys.emplace_back(r.key());
  };
  Keyspace& db = ctx.db();
  uint64_t next = *cursor;
  do {
    next = db.ScanStep(next, ctx.now_ms, visit);
  } while (next != 0 && budget-- > 0 && seen < o.count);

  ctx.reply.ArrayHeader(2);
  ctx.reply.Bulk(std::to_string(next));
  ctx.reply.ArrayHeader(keys.size());
  for (const std::string& k : keys) ctx.reply.Bulk(k);
}

}  // namespace kvd::key_commands
