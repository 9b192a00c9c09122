#pragma once
// CRC-64/Jones as Redis computes it for RDB files: reflected, polynomial 0xad93d23594c935a9,
// initial value 0, no final xor. crc64(0, "123456789") == 0xe9c6d914c4b8d9ca.
#include <cstdint>
#include <string_view>

namespace kvd {

// Continues a running checksum: Crc64(Crc64(0, a), b) == Crc64(0, a + b).
uint64_t Crc64(uint64_t crc, std::string_view data);

}  // namespace kvd
