#pragma once
// The snapshot codec: the whole store to and from one byte buffer.
//
// Format (all integers little-endian, explicit):
//   magic "KVDSNAP" + u8 version (1) | u32 section count |
//   per section (one per non-empty database, ascending): u32 db index, u64 entry count,
//     entries |
//   entry: u8 type (ValueType), i64 expire_at_ms (kNoExpiry = persistent), u32 key length,
//          key, value |
//   value: string: u32 length, bytes;
//          list, set: u64 count (> 0), count x (u32 length, bytes), in list/iteration order;
//          hash: u64 count (> 0), count x (field, value), each u32 length + bytes;
//          zset: u64 count (> 0), count x (member as u32 length + bytes, score as the u64
//                bits of the IEEE-754 double), in score order |
//   trailer: u64 checksum (CRC-64/Jones, Redis's polynomial) over everything before it.
// Expired entries are skipped and each count written equals the entries that follow.
// The on-disk persistence format (RDB) is a later job; this codec stays in core/ so it can
// be replaced or extended.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/store.h"

namespace kvd {

inline constexpr std::string_view kSnapshotMagic = "KVDSNAP";
inline constexpr uint8_t kSnapshotVersion = 1;

struct SnapshotError {
  std::string message;  // empty on success
  explicit operator bool() const { return !message.empty(); }
};

// Encodes every live entry of every database into `out` (replacing its contents). Fails
// only for a key or element longer than 4 GB (a u32 length), naming the key.
SnapshotError EncodeSnapshot(const Store& store, int64_t now_ms, std::string& out);
// As above; returns "" in the failure case, which no decoder accepts.
std::string EncodeSnapshot(const Store& store, int64_t now_ms);

// Decodes into `into`, which must hold as many databases as the snapshot names (or more).
// Every read is bounds-checked; truncated, garbage or checksum-failing input returns an
// error and leaves `into` untouched (the load goes to a fresh store that is swapped in only
// on success). Entries already expired at now_ms are dropped.
// On success `into` is move-assigned from the fresh store: references to its Keyspaces
// taken before the call no longer refer to the loaded data, and its expiry statistics
// start from zero.
SnapshotError DecodeSnapshot(std::string_view data, int64_t now_ms, Store& into);

}  // namespace kvd
