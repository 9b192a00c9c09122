#pragma once
// Redis's RDB file format: the constants the writer and the reader share (rdb.h in Redis).
//
//   "REDIS" + 4-digit version | AUX fields | per database: SELECTDB, RESIZEDB, entries |
//   EOF | CRC-64/Jones of everything before it, 8 bytes little-endian (0: not computed)
//   entry: [EXPIRETIME_MS + 8 bytes LE] [IDLE/FREQ] value-type byte, key, value
//
// Lengths: the top two bits of the first byte say how long they are: 00 = 6 bits,
// 01 = 14 bits (big-endian), 10 = 0x80 + 32 bits or 0x81 + 64 bits (big-endian), 11 = not a
// length but a special string encoding in the low 6 bits (an integer or LZF).
// Strings: a length and the bytes, an integer (INT8/16/32, little-endian, standing for its
// decimal text) or LZF (compressed length, original length, compressed bytes).
#include <cstdint>
#include <string>
#include <string_view>

namespace kvd::rdb {

inline constexpr std::string_view kMagic = "REDIS";
inline constexpr size_t kHeaderSize = 9;  // "REDIS0009"
inline constexpr int kWriteVersion = 9;   // readable by Redis 5 and later
inline constexpr int kMinReadVersion = 9;   // Redis 5.0
inline constexpr int kMaxReadVersion = 11;  // Redis 7.2
inline constexpr size_t kChecksumSize = 8;

// Opcodes (in the value-type position of an entry).
inline constexpr uint8_t kOpFunction2 = 245;
inline constexpr uint8_t kOpFunctionPreGa = 246;
inline constexpr uint8_t kOpModuleAux = 247;
inline constexpr uint8_t kOpIdle = 248;
inline constexpr uint8_t kOpFreq = 249;
inline constexpr uint8_t kOpAux = 250;
inline constexpr uint8_t kOpResizeDb = 251;
inline constexpr uint8_t kOpExpireTimeMs = 252;
inline constexpr uint8_t kOpExpireTime = 253;
inline constexpr uint8_t kOpSelectDb = 254;
inline constexpr uint8_t kOpEof = 255;

// Value types.
inline constexpr uint8_t kTypeString = 0;
inline constexpr uint8_t kTypeSet = 2;
inline constexpr uint8_t kTypeHash = 4;
inline constexpr uint8_t kTypeZSet2 = 5;
inline constexpr uint8_t kTypeListQuicklist = 14;
// Streams: a rax of listpacks, then the stream's counters and consumer groups. _2 (Redis
// 7.0) adds the first and max deleted IDs, entries added and each group's entries read;
// _3 (Redis 7.2) each consumer's active time.
inline constexpr uint8_t kTypeStreamListpacks = 15;
inline constexpr uint8_t kTypeStreamListpacks2 = 19;
inline constexpr uint8_t kTypeStreamListpacks3 = 21;
// A stream node's listpack: the master entry [count, deleted, N, N master fields, 0], then
// per entry [flags, ms delta, seq delta, (N, N fields and values) or (N values with
// kStreamSameFields), lp-count]. IDs are deltas from the node's key, its 16-byte big-endian
// master ID.
inline constexpr int64_t kStreamItemDeleted = 1;
inline constexpr int64_t kStreamSameFields = 2;

// Length encoding.
inline constexpr uint8_t kLen6Bit = 0;
inline constexpr uint8_t kLen14Bit = 1;
inline constexpr uint8_t kLen32Bit = 0x80;
inline constexpr uint8_t kLen64Bit = 0x81;
inline constexpr uint8_t kEncoded = 3;  // top bits 11: a special string encoding follows

// Special string encodings (low 6 bits after the 11 marker).
inline constexpr uint8_t kEncInt8 = 0;
inline constexpr uint8_t kEncInt16 = 1;
inline constexpr uint8_t kEncInt32 = 2;
inline constexpr uint8_t kEncLzf = 3;

// Redis compresses only strings longer than this (shorter ones never gain).
inline constexpr size_t kMinCompressSize = 20;
// Redis tries the integer encodings only on strings this short.
inline constexpr size_t kMaxIntegerEncodingSize = 11;

// A value type byte as error messages name it: the Redis type and the encoding the byte
// stands for ("hash", "listpack"). Empty type for bytes that are no value type.
struct TypeDescription {
  std::string_view type;
  std::string_view encoding;
};
TypeDescription DescribeType(uint8_t type);

}  // namespace kvd::rdb
