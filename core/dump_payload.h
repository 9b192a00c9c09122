#pragma once
// DUMP and RESTORE's serialized value, as Redis makes it (createDumpPayload): the value's RDB
// encoding (type byte and body, no key or expiry), then the RDB version as 2 little-endian
// bytes and a CRC-64 of everything before it as 8. A payload from kvd restores into Redis 5
// and later (kvd writes version 9 encodings), and one from Redis up to 7.2 restores into
// kvd when it holds a type kvd has.
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "core/rdb_collection_reader.h"
#include "core/record.h"

namespace kvd {

// The payload of `r`'s value. `compression`: LZF for long strings, as rdbcompression says.
// Returns "" when the value's type has no RDB encoding.
std::string EncodeDumpPayload(const Record& r, bool compression);

// A decoded payload: a string value or a collection.
using DumpedValue = std::variant<std::monostate, std::string, rdb::CollectionPtr>;

enum class DumpPayloadStatus {
  kOk,
  kVersionOrChecksum,  // too short, a newer RDB version than kvd reads, or a bad CRC
  kBadFormat,          // the value does not decode, or is an empty collection
};

DumpPayloadStatus DecodeDumpPayload(std::string_view payload, DumpedValue& out);

}  // namespace kvd
