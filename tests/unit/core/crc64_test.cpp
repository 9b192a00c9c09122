#include "core/crc64.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>

using kvd::Crc64;

namespace {

std::string Unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  }
  return out;
}

// Bit-at-a-time reference: the definition, with nothing precomputed.
uint64_t Crc64Slow(uint64_t crc, std::string_view data) {
  for (unsigned char c : data) {
    crc ^= c;
    for (int bit = 0; bit < 8; ++bit)
      crc = (crc & 1) ? (crc >> 1) ^ 0x95ac9329ac4bc9b5ULL : crc >> 1;
  }
  return crc;
}

}  // namespace

TEST_CASE("CRC-64/Jones check value (Redis's crc64.c test)") {
  CHECK(Crc64(0, "123456789") == 0xe9c6d914c4b8d9caULL);
  CHECK(Crc64(0, "") == 0);
  const std::string li = "This is a test of the emergency broadcast system.";
  CHECK(Crc64(0, li) == Crc64Slow(0, li));
}

TEST_CASE("CRC-64 matches a dump.rdb written by redis-server 7.0") {
  // SET foo bar; SET n 12345; SAVE. The last 8 bytes are the little-endian CRC64 of the rest.
  const std::string rdb = Unhex(
      "524544495330303130fa0972656469732d76657206372e302e3135fa0a72656469732d62697473c040fa"
      "056374696d65c28dae066bfa08757365642d6d656dc240550e00fa08616f662d62617365c000fe00fb02"
      "0000016ec139300003666f6f03626172ff8d408ccf19d29882");
  REQUIRE(rdb.size() == 109);
  uint64_t stored = 0;
  for (int i = 7; i >= 0; --i) stored = (stored << 8) | static_cast<unsigned char>(rdb[101 + i]);
  CHECK(Crc64(0, std::string_view(rdb).substr(0, 101)) == stored);
}

TEST_CASE("CRC-64 is the same however the input is split, at every length") {
  std::string data;
  for (int i = 0; i < 300; ++i) data += static_cast<char>((i * 131 + 7) & 0xff);
  for (size_t len = 0; len <= data.size(); ++len) {
    CAPTURE(len);
    const std::string_view prefix = std::string_view(data).substr(0, len);
    const uint64_t whole = Crc64(0, prefix);
    REQUIRE(whole == Crc64Slow(0, prefix));
    for (size_t split : {size_t{0}, len / 3, len / 2, len}) {
      CHECK(Crc64(Crc64(0, prefix.substr(0, split)), prefix.substr(split)) == whole);
    }
  }
}
