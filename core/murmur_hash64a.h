#pragma once
// MurmurHash64A (Austin Appleby's MurmurHash2, 64-bit), as Redis's hyperloglog.c computes
// it: the input is read as little-endian 64-bit words whatever the host, so a HyperLogLog
// built anywhere hashes its elements the same way.
#include <cstdint>
#include <string_view>

namespace kvd {

uint64_t MurmurHash64A(std::string_view data, uint64_t seed);

}  // namespace kvd
