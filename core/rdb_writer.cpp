#include "core/rdb_writer.h"

#include <bit>
#include <vector>

#include "core/crc64.h"
#include "core/hash_value.h"
#include "core/list_value.h"
#include "core/lzf.h"
#include "core/numeric.h"
#include "core/rdb_format.h"
#include "core/rdb_packed.h"
#include "core/set_value.h"
#include "core/stream_value.h"
#include "core/text.h"
#include "core/zset_value.h"

namespace kvd {
namespace {

// rdbTryIntegerEncoding: a string that is the canonical decimal text of an integer that
// fits 32 bits is stored as that integer. Returns the encoded bytes' count (0: not one).
size_t IntegerEncoding(std::string_view s, uint8_t* enc) {
  if (s.size() > rdb::kMaxIntegerEncodingSize) return 0;
  const std::optional<int64_t> v = ParseInt64(s);
  if (!v) return 0;
  std::string canonical;
  AppendInt64(canonical, *v);
  if (canonical != s) return 0;  // "007", "+1": the text would not come back the same
  const auto u = static_cast<uint64_t>(*v);
  if (*v >= INT8_MIN && *v <= INT8_MAX) {
    enc[0] = (rdb::kEncoded << 6) | rdb::kEncInt8;
    enc[1] = static_cast<uint8_t>(u);
    return 2;
  }
  if (*v >= INT16_MIN && *v <= INT16_MAX) {
    enc[0] = (rdb::kEncoded << 6) | rdb::kEncInt16;
    enc[1] = static_cast<uint8_t>(u);
    enc[2] = static_cast<uint8_t>(u >> 8);
    return 3;
  }
  if (*v >= INT32_MIN && *v <= INT32_MAX) {
    enc[0] = (rdb::kEncoded << 6) | rdb::kEncInt32;
    for (int i = 0; i < 4; ++i) enc[1 + i] = static_cast<uint8_t>(u >> (8 * i));
    return 5;
  }
  return 0;
}

// The RDB value type each kvd type is written as (see the Write* functions).
constexpr bool HasEncoder(ValueType t) {
  switch (t) {
    case ValueType::kString:
    case ValueType::kList:
    case ValueType::kSet:
    case ValueType::kZSet:
    case ValueType::kHash:
    case ValueType::kStream:
      return true;
  }
  return false;
}

uint8_t TypeByte(ValueType t) {
  switch (t) {
    case ValueType::kString: return rdb::kTypeString;
    case ValueType::kList: return rdb::kTypeListQuicklist;
    case ValueType::kSet: return rdb::kTypeSet;
    case ValueType::kZSet: return rdb::kTypeZSet2;
    case ValueType::kHash: return rdb::kTypeHash;
    case ValueType::kStream: return rdb::kTypeStreamListpacks2;
  }
  return 0;
}

std::string NoEncoderError(const Record& r) {
  return "RDB: cannot write value type '" + std::string(TypeName(r.type())) + "' of key '" +
         PrintableKey(r.key()) + "'";
}

}  // namespace

void RdbWriter::WriteHeader(int64_t now_ms, uint64_t used_memory) {
  buffer_.append(rdb::kMagic);
  buffer_.append("0009");
  static_assert(rdb::kWriteVersion == 9);
  const auto aux = [this](std::string_view key, std::string_view value) {
    Byte(rdb::kOpAux);
    Str(key);
    Str(value);
  };
  // Redis writes numbers as their text, which its string encoder turns into integers.
  const auto aux_int = [&aux](std::string_view key, int64_t v) {
    std::string text;
    AppendInt64(text, v);
    aux(key, text);
  };
  aux("redis-ver", options_.redis_version);
  aux_int("redis-bits", sizeof(void*) * 8);
  aux_int("ctime", now_ms / 1000);
  aux_int("used-mem", static_cast<int64_t>(used_memory));
  if (const auto& repl = options_.replication) {
    aux_int("repl-stream-db", repl->stream_db);
    aux("repl-id", repl->replid);
    aux_int("repl-offset", repl->offset);
  }
  aux_int("aof-base", 0);
  for (const std::string& code : options_.functions) {
    Byte(rdb::kOpFunction2);
    Str(code);
  }
}

void RdbWriter::WriteSelectDb(uint64_t db) {
  Byte(rdb::kOpSelectDb);
  Length(db);
}

void RdbWriter::WriteSelectDb(uint64_t db, uint64_t keys, uint64_t keys_with_expiry) {
  WriteSelectDb(db);
  Byte(rdb::kOpResizeDb);
  Length(keys);
  Length(keys_with_expiry);
}

std::string RdbWriter::WriteRecord(const Record& r) {
  if (!HasEncoder(r.type())) return NoEncoderError(r);
  WriteExpire(r.expire_at_ms());
  WriteAccess(r);
  Byte(TypeByte(r.type()));
  Str(r.key());
  WriteBody(r);
  return "";
}

std::string RdbWriter::WriteValue(const Record& r) {
  if (!HasEncoder(r.type())) return NoEncoderError(r);
  Byte(TypeByte(r.type()));
  WriteBody(r);
  return "";
}

void RdbWriter::WriteBody(const Record& r) {
  switch (r.type()) {
    case ValueType::kString:
      return Str(r.string_value());
    case ValueType::kList:
      return ListBody(*static_cast<const ListValue*>(r.object()));
    case ValueType::kSet:
      return SetBody(*static_cast<const SetValue*>(r.object()));
    case ValueType::kZSet:
      return ZSetBody(*static_cast<const ZSetValue*>(r.object()));
    case ValueType::kHash:
      return HashBody(*static_cast<const HashValue*>(r.object()));
    case ValueType::kStream:
      return StreamBody(*static_cast<const StreamValue*>(r.object()));
  }
}

void RdbWriter::WriteExpire(int64_t expire_at_ms) {
  if (expire_at_ms != kNoExpiry) {
    Byte(rdb::kOpExpireTimeMs);
    Le(static_cast<uint64_t>(expire_at_ms), 8);
  }
}

// As Redis's rdbSaveKeyValuePair: whole seconds of idle time, or the counter with the decay
// due by now applied.
void RdbWriter::WriteAccess(const Record& r) {
  switch (options_.access) {
    case RdbAccessInfo::kNone:
      return;
    case RdbAccessInfo::kIdle:
      Byte(rdb::kOpIdle);
      return Length(clock_.IdleMs(r.access()) / 1000);
    case RdbAccessInfo::kFreq:
      Byte(rdb::kOpFreq);
      return Byte(clock_.Frequency(r.access()));
  }
}

void RdbWriter::WriteString(std::string_view key, std::string_view value, int64_t expire_at_ms) {
  WriteExpire(expire_at_ms);
  Byte(rdb::kTypeString);
  Str(key);
  Str(value);
}

// RDB_TYPE_LIST_QUICKLIST with ziplist nodes of at most 8 KB, as Redis 5 and 6 write
// lists (list-max-ziplist-size -2); every reader of version 9 files reads it.
void RdbWriter::ListBody(const ListValue& list) {
  constexpr size_t kMaxNodeBytes = 8192;
  std::vector<std::string> nodes;
  rdb::ZiplistBuilder zl;
  list.ForEach([&](std::string_view e) {
    if (zl.count() > 0 && zl.bytes() + zl.EntrySize(e) > kMaxNodeBytes) {
      nodes.push_back(zl.Finish());
    }
    zl.Push(e);
  });
  if (zl.count() > 0) nodes.push_back(zl.Finish());
  Length(nodes.size());
  for (const std::string& node : nodes) Str(node);
}

void RdbWriter::SetBody(const SetValue& set) {
  Length(set.size());
  set.ForEach([this](std::string_view m) { Str(m); });
}

// RDB_TYPE_ZSET_2: binary scores (8 bytes, little-endian IEEE 754).
void RdbWriter::ZSetBody(const ZSetValue& zset) {
  Length(zset.size());
  zset.ForEach([this](std::string_view member, double score) {
    Str(member);
    Le(std::bit_cast<uint64_t>(score), 8);
  });
}

void RdbWriter::HashBody(const HashValue& hash) {
  Length(hash.size());
  hash.ForEach([this](std::string_view field, std::string_view value) {
    Str(field);
    Str(value);
  });
}

void RdbWriter::WriteEof() {
  Byte(rdb::kOpEof);
  ChecksumPending();
  Le(options_.checksum ? crc_ : 0, 8);
  checksummed_ = buffer_.size();  // the checksum is not part of itself
}

void RdbWriter::TakePending(std::string& out) {
  ChecksumPending();
  if (out.empty()) {
    out.swap(buffer_);
  } else {
    out.append(buffer_);
  }
  buffer_.clear();
  checksummed_ = 0;
}

void RdbWriter::ChecksumPending() {
  if (options_.checksum) {
    crc_ = Crc64(crc_, std::string_view(buffer_).substr(checksummed_));
  }
  checksummed_ = buffer_.size();
}

// rdbSaveLen.
void RdbWriter::Length(uint64_t len) {
  if (len < (1 << 6)) {
    Byte(static_cast<uint8_t>((rdb::kLen6Bit << 6) | len));
  } else if (len < (1 << 14)) {
    Byte(static_cast<uint8_t>((rdb::kLen14Bit << 6) | (len >> 8)));
    Byte(static_cast<uint8_t>(len));
  } else if (len <= UINT32_MAX) {
    Byte(rdb::kLen32Bit);
    for (int i = 3; i >= 0; --i) Byte(static_cast<uint8_t>(len >> (8 * i)));
  } else {
    Byte(rdb::kLen64Bit);
    for (int i = 7; i >= 0; --i) Byte(static_cast<uint8_t>(len >> (8 * i)));
  }
}

// rdbSaveRawString: an integer when the text is one, LZF when compression is on, the
// string is long enough and it saves at least 4 bytes (liblzf gets size - 4 bytes of room),
// else the length and the bytes.
void RdbWriter::Str(std::string_view s) {
  uint8_t enc[5];
  if (const size_t n = IntegerEncoding(s, enc)) {
    buffer_.append(reinterpret_cast<const char*>(enc), n);
    return;
  }
  if (options_.compression && s.size() > rdb::kMinCompressSize) {
    const size_t room = s.size() - 4;
    if (scratch_.size() < room) scratch_.resize(room);
    const size_t compressed = LzfCompress(s, scratch_.data(), room);
    if (compressed > 0) {
      Byte((rdb::kEncoded << 6) | rdb::kEncLzf);
      Length(compressed);
      Length(s.size());
      buffer_.append(scratch_.data(), compressed);
      return;
    }
  }
  Length(s.size());
  buffer_.append(s);
}

void RdbWriter::Le(uint64_t v, int n) {
  for (int i = 0; i < n; ++i) Byte(static_cast<uint8_t>(v >> (8 * i)));
}

namespace {

// Writes the file through `w`, calling flush() after each key (flush may take the pending
// bytes). Returns "" or the first encoding error.
template <class Flush>
std::string WriteStore(const Store& store, int64_t now_ms, const RdbOptions& options,
                       RdbWriter& w, Flush&& flush) {
  w.WriteHeader(now_ms, options.used_memory.value_or(store.AllocatedBytes()));
  std::string err;
  for (size_t db = 0; db < store.DatabaseCount() && err.empty(); ++db) {
    const Keyspace& ks = store.Db(db);
    // As Redis: the table's sizes, which may count keys that expired and were not reclaimed.
    const size_t keys = ks.Stats().entries;
    if (keys == 0) continue;
    w.WriteSelectDb(db, keys, ks.KeysWithExpiry());
    ks.ForEach(now_ms, [&](const Record& r) {
      if (err.empty()) err = w.WriteRecord(r);
      if (err.empty()) err = flush();
    });
  }
  if (!err.empty()) return err;
  w.WriteEof();
  return "";
}

}  // namespace

std::string EncodeRdb(const Store& store, int64_t now_ms, const RdbOptions& options,
                      std::string* error) {
  RdbWriter w(options, store.access_clock());
  std::string err = WriteStore(store, now_ms, options, w, [] { return std::string(); });
  if (!err.empty()) {
    if (error) *error = std::move(err);
    return "";
  }
  std::string out;
  w.TakePending(out);
  return out;
}

std::string WriteRdb(const Store& store, int64_t now_ms, const RdbOptions& options,
                     const std::function<bool(std::string_view)>& sink, size_t block_size) {
  constexpr std::string_view kSinkFailed = "RDB: the write failed";
  RdbWriter w(options, store.access_clock());
  std::string block;
  const auto flush = [&]() -> std::string {
    if (w.pending() < block_size) return "";
    block.clear();
    w.TakePending(block);
    return sink(block) ? "" : std::string(kSinkFailed);
  };
  if (std::string err = WriteStore(store, now_ms, options, w, flush); !err.empty()) return err;
  block.clear();
  w.TakePending(block);
  return sink(block) ? "" : std::string(kSinkFailed);
}

}  // namespace kvd
