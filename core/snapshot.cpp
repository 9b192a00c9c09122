#include "core/snapshot.h"

#include <bit>
#include <cmath>
#include <limits>
#include <memory>
#include <new>
#include <vector>

#include "core/byte_io.h"
#include "core/crc64.h"
#include "core/hash_value.h"
#include "core/list_value.h"
#include "core/record.h"
#include "core/set_value.h"
#include "core/text.h"
#include "core/zset_value.h"

namespace kvd {
namespace {

constexpr size_t kHeaderSize = kSnapshotMagic.size() + 1;  // magic + version byte
constexpr size_t kTrailerSize = 8;                         // the checksum
// Bytes an entry adds besides its key and value: type, expiry, two lengths.
constexpr size_t kEntryOverhead = 1 + 8 + 4 + 4;
constexpr uint64_t kMaxLength = std::numeric_limits<uint32_t>::max();


SnapshotError Error(std::string message) { return SnapshotError{std::move(message)}; }

SnapshotError Truncated(size_t offset) {
  return Error("snapshot truncated at offset " + std::to_string(offset));
}

std::string KeyIn(std::string_view key, size_t db) {
  return "key '" + PrintableKey(key) + "' in db " + std::to_string(db);
}

void PutString(ByteWriter& w, std::string_view s) {
  w.U32(static_cast<uint32_t>(s.size()));
  w.Bytes(s);
}

// Writes a collection's elements (see the header for the layout). Fails on an element too
// long for its u32 length.
bool EncodeCollection(ByteWriter& w, const Record& r) {
  bool fits = true;
  auto put = [&](std::string_view s) {
    if (s.size() > kMaxLength) fits = false;
    PutString(w, s.substr(0, static_cast<size_t>(std::min<uint64_t>(s.size(), kMaxLength))));
  };
  w.U64(ObjectLength(r));
  switch (r.type()) {
    case ValueType::kHash:
      static_cast<const HashValue*>(r.object())->ForEach([&](std::string_view f,
                                                             std::string_view v) {
        put(f);
        put(v);
      });
      break;
    case ValueType::kList:
      static_cast<const ListValue*>(r.object())->ForEach(put);
      break;
    case ValueType::kSet:
      static_cast<const SetValue*>(r.object())->ForEach(put);
      break;
    case ValueType::kZSet:
      static_cast<const ZSetValue*>(r.object())->ForEach([&](std::string_view m, double score) {
        put(m);
        w.U64(std::bit_cast<uint64_t>(score));
      });
      break;
    case ValueType::kString:
    case ValueType::kStream: break;
  }
  return fits;
}

// Reads a collection's elements and, unless `ks` is null (the key expired), stores it.
SnapshotError DecodeCollection(ByteReader& in, ValueType type, std::string_view key, size_t db,
                               Keyspace* ks, int64_t expire_at_ms, int64_t now_ms) {
  const uint64_t count = in.U64();
  if (in.failed()) return {};
  if (count == 0) return Error("empty collection at " + KeyIn(key, db));
  auto corrupt = [&] { return Error("duplicate element in " + KeyIn(key, db)); };
  // Elements are added as read; a failed read stops the loop (the caller reports it).
  switch (type) {
    case ValueType::kHash: {
      auto v = HashValue::Create();
      for (uint64_t i = 0; i < count && !in.failed(); ++i) {
        const std::string_view f = in.Bytes(in.U32());
        const std::string_view value = in.Bytes(in.U32());
        if (!in.failed() && !v->Set(f, value)) return corrupt();
      }
      if (in.failed()) return {};
      if (ks != nullptr && !ks->StoreCollection(key, std::move(v), expire_at_ms, now_ms)) {
        return Error("duplicate " + KeyIn(key, db));
      }
      return {};
    }
    case ValueType::kList: {
      auto v = ListValue::Create();
      for (uint64_t i = 0; i < count && !in.failed(); ++i) {
        const std::string_view e = in.Bytes(in.U32());
        if (!in.failed()) v->PushBack(e);
      }
      if (in.failed()) return {};
      if (ks != nullptr && !ks->StoreCollection(key, std::move(v), expire_at_ms, now_ms)) {
        return Error("duplicate " + KeyIn(key, db));
      }
      return {};
    }
    case ValueType::kSet: {
      auto v = SetValue::Create();
      for (uint64_t i = 0; i < count && !in.failed(); ++i) {
        const std::string_view m = in.Bytes(in.U32());
        if (!in.failed() && !v->Add(m)) return corrupt();
      }
      if (in.failed()) return {};
      if (ks != nullptr && !ks->StoreCollection(key, std::move(v), expire_at_ms, now_ms)) {
        return Error("duplicate " + KeyIn(key, db));
      }
      return {};
    }
    case ValueType::kZSet: {
      auto v = ZSetValue::Create();
      for (uint64_t i = 0; i < count && !in.failed(); ++i) {
        const std::string_view m = in.Bytes(in.U32());
        const double score = std::bit_cast<double>(in.U64());
        if (in.failed()) break;
        if (std::isnan(score)) return Error("NaN score in " + KeyIn(key, db));
        if (!v->Add(m, score)) return corrupt();
      }
      if (in.failed()) return {};
      if (ks != nullptr && !ks->StoreCollection(key, std::move(v), expire_at_ms, now_ms)) {
        return Error("duplicate " + KeyIn(key, db));
      }
      return {};
    }
    case ValueType::kString:
    case ValueType::kStream: break;
  }
  return {};
}

// Reads one database section's entries into `ks`. Errors other than running out of input
// (which the caller reports from the reader) are returned.
SnapshotError DecodeEntries(ByteReader& in, uint64_t count, size_t db, int64_t now_ms,
                            Keyspace& ks) {
  for (uint64_t i = 0; i < count; ++i) {
    const uint8_t type = in.U8();
    const int64_t expire_at_ms = in.I64();
    const std::string_view key = in.Bytes(in.U32());
    if (in.failed()) return {};
    if (type > static_cast<uint8_t>(ValueType::kHash)) {
      return Error("unknown value type " + std::to_string(type) + " for key '" + PrintableKey(key) +
                   "' in db " + std::to_string(db));
    }
    const bool expired = expire_at_ms != kNoExpiry && expire_at_ms < now_ms;  // while down
    if (type != static_cast<uint8_t>(ValueType::kString)) {
      if (SnapshotError err = DecodeCollection(in, static_cast<ValueType>(type), key, db,
                                               expired ? nullptr : &ks, expire_at_ms, now_ms)) {
        return err;
      }
      continue;
    }
    const std::string_view value = in.Bytes(in.U32());
    if (in.failed()) return {};
    if (expired) continue;
    if (!ks.SetString(key, value, expire_at_ms, TtlMode::kClear, now_ms)) {
      return Error("duplicate " + KeyIn(key, db));
    }
  }
  return {};
}

// Decodes the sections of a snapshot whose header was checked, into `fresh`.
SnapshotError DecodeBody(std::string_view data, int64_t now_ms, Store& fresh) {
  // The checksum trailer is not part of the body: reads stop before it.
  const size_t body_end =
      data.size() >= kHeaderSize + kTrailerSize ? data.size() - kTrailerSize : kHeaderSize;
  ByteReader in(data, kHeaderSize, body_end);
  std::vector<bool> seen(fresh.DatabaseCount(), false);
  const uint32_t sections = in.U32();
  for (uint32_t s = 0; s < sections && !in.failed(); ++s) {
    const size_t section_at = in.offset();
    const uint32_t db = in.U32();
    const uint64_t count = in.U64();
    if (in.failed()) break;
    if (db >= fresh.DatabaseCount()) {
      return Error("database index " + std::to_string(db) + " at offset " +
                   std::to_string(section_at) + " is out of range (" +
                   std::to_string(fresh.DatabaseCount()) + " databases)");
    }
    if (seen[db]) return Error("database " + std::to_string(db) + " appears twice");
    seen[db] = true;
    if (SnapshotError err = DecodeEntries(in, count, db, now_ms, fresh.Db(db))) return err;
  }
  if (in.failed()) return Truncated(in.fail_offset());
  if (in.remaining() != 0) {
    return Error("unexpected data at offset " + std::to_string(in.offset()) +
                 " after the last entry");
  }
  uint64_t stored = 0;
  for (size_t i = data.size(); i-- > body_end;) {
    stored = (stored << 8) | static_cast<unsigned char>(data[i]);
  }
  if (Crc64(0, data.substr(0, body_end)) != stored) return Error("checksum mismatch");
  return {};
}

}  // namespace

SnapshotError EncodeSnapshot(const Store& store, int64_t now_ms, std::string& out) {
  out.clear();
  size_t entries = 0;
  for (size_t i = 0; i < store.DatabaseCount(); ++i) entries += store.Db(i).Stats().entries;
  out.reserve(kHeaderSize + 4 + store.DataBytes() + entries * kEntryOverhead +
              store.DatabaseCount() * 12 + kTrailerSize);

  ByteWriter w(out);
  w.Bytes(kSnapshotMagic);
  w.U8(kSnapshotVersion);
  const size_t sections_at = w.size();
  w.U32(0);
  uint32_t sections = 0;
  SnapshotError error;
  for (size_t db = 0; db < store.DatabaseCount() && !error; ++db) {
    const size_t section_start = w.size();
    w.U32(static_cast<uint32_t>(db));
    const size_t count_at = w.size();
    w.U64(0);
    uint64_t count = 0;
    store.Db(db).ForEach(now_ms, [&](const Record& r) {
      if (error || r.IsExpiredAt(now_ms)) return;
      const std::string_view key = r.key();
      const std::string_view value = r.string_value();
      if (key.size() > kMaxLength || value.size() > kMaxLength) {
        error = Error("value or key too large to encode: " + KeyIn(key, db));
        return;
      }
      if (r.type() == ValueType::kStream) {  // the format predates streams
        error = Error("a stream cannot be encoded: " + KeyIn(key, db));
        return;
      }
      w.U8(static_cast<uint8_t>(r.type()));
      w.I64(r.expire_at_ms());
      w.U32(static_cast<uint32_t>(key.size()));
      w.Bytes(key);
      if (r.type() != ValueType::kString) {
        if (!EncodeCollection(w, r)) {
          error = Error("value or key too large to encode: " + KeyIn(key, db));
        }
      } else {
        w.U32(static_cast<uint32_t>(value.size()));
        w.Bytes(value);
      }
      ++count;
    });
    if (count == 0) {
      out.resize(section_start);  // empty databases are left out
    } else {
      w.PatchU64(count_at, count);
      ++sections;
    }
  }
  if (error) {
    out.clear();
    return error;
  }
  w.PatchU32(sections_at, sections);
  w.U64(Crc64(0, out));
  return {};
}

std::string EncodeSnapshot(const Store& store, int64_t now_ms) {
  std::string out;
  if (EncodeSnapshot(store, now_ms, out)) out.clear();
  return out;
}

SnapshotError DecodeSnapshot(std::string_view data, int64_t now_ms, Store& into) {
  const std::string_view magic = data.substr(0, kSnapshotMagic.size());
  if (magic != kSnapshotMagic.substr(0, magic.size())) return Error("bad magic");
  if (data.size() < kHeaderSize) return Truncated(data.size());
  const uint8_t version = static_cast<uint8_t>(data[kSnapshotMagic.size()]);
  if (version != kSnapshotVersion) {
    return Error("unsupported version " + std::to_string(version) + " (this build reads " +
                 std::to_string(kSnapshotVersion) + ")");
  }
  try {
    Store fresh(into.DatabaseCount());
    if (SnapshotError err = DecodeBody(data, now_ms, fresh)) return err;
    into = std::move(fresh);
  } catch (const std::bad_alloc&) {
    return Error("out of memory while loading the snapshot");
  }
  return {};
}

}  // namespace kvd
