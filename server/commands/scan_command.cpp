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
#include "server/commands/scan_options.h"

namespace kvd::key_commands {
namespace {


}  // namespace

void Scan(CommandContext& ctx) {
  std::optional<uint64_t> cursor = ParseScanCursor(ctx.args[1]);
  if (!cursor) return ctx.Error("ERR invalid cursor");
  ScanOptions o;
  if (auto err = ParseScanOptions(ctx.args.subspan(2), /*allow_type=*/true, o)) {
    return ctx.Error(*err);
  }

  // As Redis: visit buckets until COUNT keys were seen (before filtering), the iteration
  // ends, or 10 * COUNT buckets were visited, so a sparse table can't stall the server.
  int64_t budget = o.count > INT64_MAX / 10 ? INT64_MAX : o.count * 10;
  int64_t seen = 0;
  std::vector<std::string> keys;  // copies: ScanStep may reclaim expired keys between steps
  auto visit = [&](const Record& r) {
    if (r.IsExpiredAt(ctx.now_ms)) return;  // never show expired keys
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
