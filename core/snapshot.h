#pragma once
// The snapshot codec: the whole store to and from one byte buffer.
//
// Format (all integers little-endian, explicit):
//   magic "KVDSNAP" + u8 version | u32 database count |
//   per database: u32 db index, u64 entry count, entries |
//   entry: u8 type, i64 expire_at_ms (kNoExpiry = persistent), u32 key length, key,
//          value (string: u32 length, bytes) |
//   trailer: u64 checksum (CRC-64/Jones, Redis's polynomial) over everything before it.
// Expired entries are skipped and each count written equals the entries that follow.
// The on-disk persistence format (RDB) is a later job; this codec stays in core/ so it can
// be replaced or extended.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/store.h"

namespace kvd {

std::string EncodeSnapshot(const Store& store, int64_t now_ms);

struct SnapshotError {
  std::string message;  // empty on success
  explicit operator bool() const { return !message.empty(); }
};

// Decodes into `into`, which must hold as many databases as the snapshot names (or more).
// Every read is bounds-checked; truncated, garbage or checksum-failing input returns an
// error and leaves `into` untouched (the load goes to a fresh store that is swapped in only
// on success). Entries already expired at now_ms are dropped.
SnapshotError DecodeSnapshot(std::string_view data, int64_t now_ms, Store& into);

}  // namespace kvd
