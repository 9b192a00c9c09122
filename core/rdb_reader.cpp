#include "core/rdb_reader.h"

#include <algorithm>
#include <climits>
#include <cstdio>
#include <new>
#include <type_traits>
#include <variant>

#include "core/crc64.h"
#include "core/lzf.h"
#include "core/numeric.h"
#include "core/rdb_collection_reader.h"
#include "core/rdb_format.h"
#include "core/rdb_input.h"
#include "core/text.h"

namespace kvd {
namespace {

using rdb::Hex;
using rdb::Input;

// Redis's moduleTypeNameByID: a module type id holds a 9-character name in its top 54 bits.
std::string ModuleName(uint64_t id) {
  static constexpr char kCharset[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string name(9, ' ');
  id >>= 10;
  for (int j = 8; j >= 0; --j) {
    name[static_cast<size_t>(j)] = kCharset[id & 63];
    id >>= 6;
  }
  return name;
}

// Reports progress after a key; false (and the input failed) when the callback cancels.
bool Report(Input& in, const RdbLoadInfo& info, size_t total, const RdbProgressFn& progress) {
  if (!progress) return true;
  RdbLoadProgress p;
  p.bytes_read = in.offset();
  p.total_bytes = total;
  p.keys_loaded = info.keys_loaded;
  p.keys_expired = info.keys_expired;
  p.used_mem = info.used_mem;
  if (progress(p)) return true;
  in.Fail(std::string(kRdbLoadCancelled.substr(5)));  // Fail adds the "RDB: " prefix
  return false;
}

// Reads from after the header up to and including EOF into `fresh`.
void LoadBody(Input& in, int64_t now_ms, Store& fresh, RdbLoadInfo& info, size_t total,
              const RdbProgressFn& progress) {
  std::string key_scratch, value_scratch;
  size_t db = 0;  // Redis starts in database 0 when a file has no SELECTDB
  // Key-specific opcodes before a key: cleared after each key, as Redis does.
  int64_t expire_at_ms = kNoExpiry;
  int64_t lru_idle = -1;  // IDLE: seconds since the key's last access
  int lfu_freq = -1;      // FREQ: its LFU counter
  const auto next_key = [&] {
    expire_at_ms = kNoExpiry;
    lru_idle = -1;
    lfu_freq = -1;
  };
  while (in.ok()) {
    const size_t at = in.offset();
    const uint8_t op = in.U8("an opcode or value type");
    if (!in.ok()) return;
    switch (op) {
      case rdb::kOpEof:
        return;
      case rdb::kOpExpireTimeMs:
        expire_at_ms = static_cast<int64_t>(in.Le(8, "an expire time"));
        continue;
      case rdb::kOpExpireTime:  // seconds, written by old versions
        expire_at_ms = int64_t{static_cast<int32_t>(in.Le(4, "an expire time"))} * 1000;
        continue;
      case rdb::kOpFreq:
        lfu_freq = in.U8("an LFU frequency");
        continue;
      case rdb::kOpIdle: {
        // Redis keeps it in a long long; a larger one wraps the LRU clock anyway.
        const uint64_t idle = in.Length("an LRU idle time");
        lru_idle = static_cast<int64_t>(std::min<uint64_t>(idle, INT64_MAX / 1000));
        continue;
      }
      case rdb::kOpSelectDb: {
        const uint64_t index = in.Length("a database index");
        if (in.ok() && index >= fresh.DatabaseCount()) {
          in.Fail("database index " + std::to_string(index) + " at offset " + std::to_string(at) +
                  " is out of range (this server has " + std::to_string(fresh.DatabaseCount()) +
                  " databases)");
        }
        db = static_cast<size_t>(index);
        continue;
      }
      case rdb::kOpResizeDb:  // size hints
        in.Length("a database size");
        in.Length("a database size");
        continue;
      case rdb::kOpAux: {
        const std::string_view name = in.String(key_scratch, "an AUX field name");
        const std::string_view value = in.String(value_scratch, "an AUX field value");
        if (in.ok() && name == "redis-ver") info.redis_version = value;
        if (in.ok() && name == "used-mem") {
          if (auto n = ParseInt64(value); n && *n > 0) info.used_mem = static_cast<uint64_t>(*n);
        }
        // Redis takes a replication id only at its exact length, and numbers as atoi does
        // (a malformed one reads as 0).
        if (in.ok() && name == "repl-id" && value.size() == 40) info.repl_id = value;
        if (in.ok() && name == "repl-stream-db") {
          info.repl_stream_db = ParseInt64(value).value_or(0);
        }
        if (in.ok() && name == "repl-offset") info.repl_offset = ParseInt64(value).value_or(0);
        continue;
      }
      case rdb::kOpModuleAux: {
        const uint64_t id = in.Length("a module id");
        in.Fail("the file holds data of module '" + (in.ok() ? ModuleName(id) : "?") +
                "' (MODULE_AUX at offset " + std::to_string(at) + "): modules are not supported");
        return;
      }
      case rdb::kOpFunction2: {
        const std::string_view code = in.String(value_scratch, "a function library's code");
        if (!in.ok()) return;
        info.functions.emplace_back(code);
        continue;
      }
      case rdb::kOpFunctionPreGa:
        in.Fail("the file holds functions in Redis 7.0's pre-release format (at offset " +
                std::to_string(at) + "): not supported");
        return;
      default:
        break;
    }

    const rdb::TypeDescription type = rdb::DescribeType(op);
    if (type.type.empty()) {
      in.Fail("unknown opcode or value type " + std::to_string(op) + " at offset " +
              std::to_string(at));
      return;
    }
    const std::string_view key = in.String(key_scratch, "a key");
    if (!in.ok()) return;
    const bool expired = expire_at_ms != kNoExpiry && expire_at_ms < now_ms;
    bool created = false;
    if (op == rdb::kTypeString) {
      const std::string_view value = in.String(value_scratch, "a string value");
      if (!in.ok()) return;
      if (expired) {
        ++info.keys_expired;  // expired while the server was down (Redis's master: not loaded)
        next_key();
        if (!Report(in, info, total, progress)) return;
        continue;
      }
      created = fresh.Db(db).SetString(key, value, expire_at_ms, TtlMode::kClear, now_ms);
    } else if (rdb::IsCollectionType(op)) {
      rdb::CollectionPtr value = rdb::ReadCollection(in, op, key);
      if (!in.ok()) return;
      if (expired) {
        ++info.keys_expired;
        next_key();
        if (!Report(in, info, total, progress)) return;
        continue;
      }
      // An empty collection is skipped, as Redis does: no key can hold one.
      if (rdb::IsEmptyCollection(value)) {
        next_key();
        continue;
      }
      created = std::visit(
          [&](auto& v) {
            if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::monostate>) {
              return false;
            } else {
              return fresh.Db(db).StoreCollection(key, std::move(v), expire_at_ms, now_ms);
            }
          },
          value);
    } else {
      std::string how = "encoding " + std::string(type.encoding);
      if (type.type == "module") {
        const uint64_t id = in.Length("a module id");
        if (in.ok()) how = "module '" + ModuleName(id) + "'";
      }
      in.Fail("value type '" + std::string(type.type) + "' (" + how + ") of key '" +
              PrintableKey(key) + "' is not supported yet");
      return;
    }
    if (!created) {
      in.Fail("duplicate key '" + PrintableKey(key) + "' in database " + std::to_string(db) +
              " at offset " + std::to_string(at));
      return;
    }
    // The key's access history, when the file has the kind the policy in force reads
    // (Redis's objectSetLRUOrLFU); otherwise it stays as just accessed.
    if (lru_idle >= 0 || lfu_freq >= 0) {
      if (auto field = fresh.access_clock().Restored(lru_idle, lfu_freq)) {
        fresh.Db(db).SetAccess(key, *field, now_ms);
      }
    }
    ++info.keys_loaded;
    next_key();
    if (!Report(in, info, total, progress)) return;
  }
}

// `rdb_size`: null when the file must end at the checksum; otherwise data may go on after
// it and *rdb_size is set to where the RDB file ended.
std::string LoadFile(std::string_view data, int64_t now_ms, Store& fresh, RdbLoadInfo& info,
                     const RdbProgressFn& progress, size_t* rdb_size) {
  const std::string_view magic = data.substr(0, rdb::kMagic.size());
  if (magic != rdb::kMagic.substr(0, magic.size())) {
    return "RDB: not an RDB file (it does not start with \"REDIS\")";
  }
  if (data.size() < rdb::kHeaderSize) {
    return "RDB: unexpected end of file at offset " + std::to_string(data.size()) +
           " reading the header";
  }
  const std::string_view digits = data.substr(rdb::kMagic.size(), 4);
  int version = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return "RDB: bad version field '" + PrintableKey(digits) + "'";
    version = version * 10 + (c - '0');
  }
  if (version < rdb::kMinReadVersion || version > rdb::kMaxReadVersion) {
    return "RDB: can't handle RDB format version " + std::to_string(version) +
           " (kvd reads versions " + std::to_string(rdb::kMinReadVersion) + " to " +
           std::to_string(rdb::kMaxReadVersion) + ": Redis 5.0 to 7.2)";
  }
  info.version = version;

  Input in(data);
  in.Bytes(rdb::kHeaderSize, "the header");
  LoadBody(in, now_ms, fresh, info, data.size(), progress);
  if (!in.ok()) return in.error();
  const size_t body_end = in.offset();  // just past EOF: the checksum covers [0, body_end)
  const uint64_t stored = in.Le(rdb::kChecksumSize, "the checksum");
  if (!in.ok()) return in.error();
  if (rdb_size != nullptr) {
    *rdb_size = in.offset();
  } else if (!in.AtEnd()) {
    return "RDB: unexpected data at offset " + std::to_string(in.offset()) + " after the checksum";
  }
  if (stored != 0) {  // 0: written with rdbchecksum no
    const uint64_t computed = Crc64(0, data.substr(0, body_end));
    if (computed != stored) {
      return "RDB: checksum mismatch: the file says " + Hex(stored) + ", its data gives " +
             Hex(computed);
    }
    info.checksum_verified = true;
  }
  return "";
}

}  // namespace

bool IsRdb(std::string_view data) { return data.starts_with(rdb::kMagic); }

std::string LoadRdb(std::string_view data, int64_t now_ms, Store& into, RdbLoadInfo* info) {
  return LoadRdb(data, now_ms, into, info, RdbProgressFn());
}

std::string LoadRdb(std::string_view data, int64_t now_ms, Store& into, RdbLoadInfo* info,
                    const RdbProgressFn& progress) {
  return LoadRdbPrefix(data, now_ms, into, info, progress, nullptr);
}

std::string LoadRdbPrefix(std::string_view data, int64_t now_ms, Store& into, RdbLoadInfo* info,
                          const RdbProgressFn& progress, size_t* rdb_size) {
  RdbLoadInfo local;
  try {
    Store fresh(into.DatabaseCount());
    fresh.SetAccessClock(&into.access_clock());  // stamps and restores access history
    if (std::string err = LoadFile(data, now_ms, fresh, local, progress, rdb_size); !err.empty()) {
      return err;
    }
    // Database by database: `into` keeps what belongs to it rather than to the data (its
    // expire listeners).
    for (size_t db = 0; db < into.DatabaseCount(); ++db) into.Db(db) = std::move(fresh.Db(db));
  } catch (const std::bad_alloc&) {
    return "RDB: out of memory while loading";
  }
  if (info) *info = std::move(local);
  return "";
}

}  // namespace kvd
