// DEBUG OBJECT, DIGEST, DIGEST-VALUE and POPULATE. OBJECT and DIGEST-VALUE look keys up as
// Redis's dictFind does: no access, and a key past its expiry time still shows until it is
// reclaimed.
#include <cinttypes>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "core/encoding_limits.h"
#include "core/list_value.h"
#include "core/numeric.h"
#include "core/rdb_writer.h"
#include "server/commands/debug_subcommands.h"
#include "server/commands/object_introspection.h"
#include "server/dataset_digest.h"
#include "server/errors.h"
#include "server/server_state.h"

namespace kvd {
namespace {

constexpr std::string_view kNotPositiveErr = "ERR value is out of range, must be positive";
// Redis builds POPULATE's keys in a 128-byte buffer: longer ones are cut there.
constexpr size_t kPopulateMaxKey = 127;

// Redis's getPositiveLongFromObjectOrReply, whose one error covers both failures.
std::optional<int64_t> PositiveArg(CommandContext& ctx, std::string_view arg) {
  const std::optional<int64_t> v = ParseInt64(arg);
  if (!v || *v < 0) {
    ctx.Error(kNotPositiveErr);
    return std::nullopt;
  }
  return v;
}

// Redis's rdbSavedObjectLen: the value's RDB body, without its type byte.
size_t SerializedLength(const Record& r, const ConfigValues& cfg) {
  RdbOptions options;
  options.compression = cfg.rdbcompression;
  RdbWriter writer(options);
  writer.WriteValue(r);
  return writer.pending() - 1;
}

// The quicklist fields Redis adds for a list of several nodes (kvd compresses no node, and
// its chunks are no listpacks, whose byte total Redis also shows).
std::string QuicklistFields(const ListValue& list) {
  char buf[160];
  const size_t nodes = list.chunk_count();
  std::snprintf(buf, sizeof buf,
                " ql_nodes:%zu ql_avg_node:%.2f ql_listpack_max:%d ql_compressed:0", nodes,
                static_cast<double>(list.size()) / static_cast<double>(nodes),
                static_cast<int>(encoding_limits.list_max_listpack_size));
  return buf;
}

}  // namespace

void DebugObject(CommandContext& ctx) {
  const Record* r = ctx.db().Peek(ctx.args[2]);
  if (r == nullptr) return ctx.Error(kNoSuchKeyErr);
  const std::string_view encoding = ObjectEncodingOf(*r);
  const ConfigValues& cfg = ctx.server.config.values();
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "Value at:%p refcount:%" PRId64 " encoding:%.*s serializedlength:%zu lru:%" PRIu32
                " lru_seconds_idle:%" PRIu64,
                static_cast<const void*>(r), ObjectRefcountOf(*r, cfg),
                static_cast<int>(encoding.size()), encoding.data(), SerializedLength(*r, cfg),
                r->access(), ctx.store.access_clock().IdleMs(r->access()) / 1000);
  std::string line = buf;
  if (encoding == "quicklist") line += QuicklistFields(*static_cast<const ListValue*>(r->object()));
  ctx.reply.Simple(line);
}

void DebugDigest(CommandContext& ctx) { ctx.reply.Simple(DigestHex(DatasetDigest(ctx.store))); }

// A missing key's digest is all zeros.
void DebugDigestValue(CommandContext& ctx) {
  const auto keys = ctx.args.subspan(2);
  ctx.reply.ArrayHeader(keys.size());
  for (std::string_view key : keys) {
    Digest digest{};
    if (const Record* r = ctx.db().Peek(key)) MixValueDigest(digest, *r);
    ctx.reply.Simple(DigestHex(digest));
  }
}

// Keys <prefix>:0 .. <prefix>:<count-1> holding "value:<n>" (zero-padded or cut to `size`
// bytes when given); keys that exist stay as they are. As in Redis these writes are not
// changes to save, log or replicate, and send no keyspace events; WATCH and client-side
// caching see them.
void DebugPopulate(CommandContext& ctx) {
  const std::optional<int64_t> count = PositiveArg(ctx, ctx.args[2]);
  if (!count) return;
  if (ctx.server.loading) return ctx.Error(kDebugLoadingErr);
  int64_t size = 0;
  if (ctx.args.size() == 5) {
    const std::optional<int64_t> v = PositiveArg(ctx, ctx.args[4]);
    if (!v) return;
    size = *v;
  }
  // Redis reads the prefix as a C string.
  std::string_view prefix = ctx.args.size() >= 4 ? ctx.args[3] : "key";
  prefix = prefix.substr(0, prefix.find('\0'));
  Keyspace& db = ctx.db();
  std::string key, value;
  for (int64_t j = 0; j < *count; ++j) {
    key.assign(prefix).append(":").append(std::to_string(j));
    if (key.size() > kPopulateMaxKey) key.resize(kPopulateMaxKey);
    if (db.Find(key, ctx.now_ms) != nullptr) continue;
    value.assign("value:").append(std::to_string(j));
    if (size > 0) value.resize(static_cast<size_t>(size), '\0');
    db.SetString(key, value, kNoExpiry, TtlMode::kClear, ctx.now_ms);
  }
  ctx.reply.Ok();
}

}  // namespace kvd
