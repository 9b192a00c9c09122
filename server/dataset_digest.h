#pragma once
// Redis's DEBUG DIGEST and DEBUG DIGEST-VALUE (debug.c): a SHA-1 based signature of the data
// that does not depend on how it is stored, so two servers holding the same keys, values and
// expiry flags give the same 40 hex digits, whatever their encodings or hash table orders.
// Unordered things (keys, set members, hash fields, sorted set members) are combined by xor,
// ordered ones (list elements, stream entries) by feeding the running digest back into
// SHA-1. Expiry counts as a flag only ("!!expire!!"), not its time.
#include <array>
#include <cstdint>
#include <string>

#include "core/record.h"
#include "core/store.h"

namespace kvd {

using Digest = std::array<uint8_t, 20>;

// Redis's xorObjectDigest: mixes the record's type, value and expiry flag into `digest`
// (not its key), as DEBUG DIGEST-VALUE reports for one key starting from zero.
void MixValueDigest(Digest& digest, const Record& r);

// Redis's computeDatasetDigest over every database: all zeros when the store is empty.
// Keys that have expired but are still held count, as in Redis (it walks its tables).
Digest DatasetDigest(const Store& store);

// 40 lower-case hex digits.
std::string DigestHex(const Digest& digest);

}  // namespace kvd
