// DUMP and RESTORE: round trips of every type, payloads written by Redis 7.0, the options
// (REPLACE, ABSTTL, IDLETIME, FREQ) and every refusal with Redis's text.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/crc64.h"
#include "unit/commands/harness.h"
#include "unit/commands/key_test_util.h"
#include "unit/commands/resp_reader.h"

namespace kvd::testing {
namespace {

const std::string kBusyKey = "-BUSYKEY Target key name already exists.\r\n";
const std::string kBadPayload = "-ERR DUMP payload version or checksum are wrong\r\n";
const std::string kBadFormat = "-ERR Bad data format\r\n";

std::string FromHex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

// `body` with DUMP's footer: RDB version 9 and the CRC-64 of what precedes it.
std::string Framed(std::string body) {
  body += std::string("\x09\x00", 2);
  const uint64_t crc = Crc64(0, body);
  for (int i = 0; i < 8; ++i) body.push_back(static_cast<char>(crc >> (8 * i)));
  return body;
}

// The payload DUMP replied with.
std::string Dumped(Harness& h, std::string_view key) {
  std::optional<RespValue> v = RespReader::ParseOne(h.Run({"DUMP", key}));
  REQUIRE(v);
  REQUIRE(v->type == '$');
  return v->str;
}

// What `key` holds, as a reply that shows its type and content in a stable order.
std::string Content(Harness& h, std::string_view key) {
  const std::string type = h.Run({"TYPE", key});
  if (type == "+string\r\n") return type + h.Run({"GET", key});
  if (type == "+list\r\n") return type + h.Run({"LRANGE", key, "0", "-1"});
  if (type == "+set\r\n") {
    std::string out = type;
    for (const std::string& m : SortedStrings(h.Run({"SMEMBERS", key}))) out += m + ",";
    return out;
  }
  if (type == "+zset\r\n") return type + h.Run({"ZRANGE", key, "0", "-1", "WITHSCORES"});
  if (type == "+hash\r\n") {
    std::string out = type;
    for (const std::string& m : SortedStrings(h.Run({"HGETALL", key}))) out += m + ",";
    return out;
  }
  return type;
}

TEST_CASE("DUMP of a missing key is nil; RESTORE brings back every type") {
  Harness h;
  CHECK(h.Run({"DUMP", "missing"}) == kNil);
  CHECK(h.Run({"SET", "s", "hello"}) == kOk);
  CHECK(h.Run({"SET", "n", "-12345"}) == kOk);
  CHECK(h.Run({"SET", "long", std::string(1000, 'x')}) == kOk);
  CHECK(h.Run({"RPUSH", "l", "a", "b", "1", "2"}) == Int(4));
  CHECK(h.Run({"SADD", "is", "1", "2", "3"}) == Int(3));
  CHECK(h.Run({"SADD", "ss", "x", "y"}) == Int(2));
  CHECK(h.Run({"ZADD", "z", "1.5", "a", "-inf", "b"}) == Int(2));
  CHECK(h.Run({"HSET", "h", "f", "v", "g", "1"}) == Int(2));
  for (const char* key : {"s", "n", "long", "l", "is", "ss", "z", "h"}) {
    CAPTURE(key);
    const std::string before = Content(h, key);
    const std::string payload = Dumped(h, key);
    const std::string copy = std::string(key) + ":copy";
    CHECK(h.Run({"RESTORE", copy, "0", payload}) == kOk);
    CHECK(Content(h, copy) == before);
    CHECK(h.Run({"TTL", copy}) == Int(-1));
    CHECK(h.Run({"OBJECT", "ENCODING", copy}) == h.Run({"OBJECT", "ENCODING", key}));
  }
}

TEST_CASE("payloads DUMP wrote in Redis 7.0 (RDB 10: listpacks, intsets) restore") {
  Harness h;
  const std::vector<std::pair<std::string, std::string>> payloads = {
      {"000568656c6c6f0a006372df766534200a", "+string\r\n$5\r\nhello\r\n"},
      {"00c139300a009d94ea2793fc08b9", "+string\r\n$5\r\n12345\r\n"},
      {"00c3094064016161e057000161610a00e8a3b507b06df271",
       "+string\r\n" + Bulk(std::string(100, 'a'))},
      {"1201020f0f00000003008161028162020101ff0a00e01bab4a47ce5922",
       "+list\r\n*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\n1\r\n"},
      {"0b0e02000000030000000100020003000a00a5025ce26d6e4d1b", "+set\r\n1,2,3,"},
      {"0202017901780a000cdf6b3db330bcf0", "+set\r\nx,y,"},
      {"111414000000040081610283312e35048162020201ff0a00fa02b425af188763",
       "+zset\r\n*4\r\n$1\r\na\r\n$3\r\n1.5\r\n$1\r\nb\r\n$1\r\n2\r\n"},
      {"10121200000004008166028176028167020101ff0a0023c1a5e35dfae81c", "+hash\r\n1,f,g,v,"},
  };
  int i = 0;
  for (const auto& [hex, content] : payloads) {
    const std::string key = "k" + std::to_string(i++);
    CAPTURE(key);
    CHECK(h.Run({"RESTORE", key, "0", FromHex(hex)}) == kOk);
    CHECK(Content(h, key) == content);
  }
}

TEST_CASE("DUMP's payload carries RDB version 9 and a CRC-64; damage is refused") {
  Harness h;
  CHECK(h.Run({"SET", "s", "hello"}) == kOk);
  const std::string payload = Dumped(h, "s");
  // Type 0 (string), length 5, the bytes, version 9, then the checksum.
  CHECK(payload.substr(0, 9) == std::string("\x00\x05hello\x09\x00", 9));
  CHECK(payload.size() == 17);

  std::string flipped = payload;
  flipped[3] ^= 1;
  CHECK(h.Run({"RESTORE", "t", "0", flipped}) == kBadPayload);
  std::string crc = payload;
  crc.back() ^= 1;
  CHECK(h.Run({"RESTORE", "t", "0", crc}) == kBadPayload);
  CHECK(h.Run({"RESTORE", "t", "0", "short"}) == kBadPayload);
  CHECK(h.Run({"RESTORE", "t", "0", ""}) == kBadPayload);
  // A newer RDB version than kvd reads (12), with a correct checksum.
  CHECK(h.Run({"RESTORE", "t", "0",
               FromHex("000568656c6c6f0c00") + std::string(8, '\0')}) == kBadPayload);
  CHECK(h.Run({"EXISTS", "t"}) == Int(0));
}

TEST_CASE("a payload whose checksum holds but whose value does not decode is bad data") {
  Harness h;
  for (const char* hex : {
           "0005686568",    // a string longer than its bytes
           "07",            // type 7: not a value type
           "0200",          // an empty set: no key can hold one
           "020201780178",  // a set with a duplicate member
           "15",            // a stream (type 21), which kvd does not hold
           "",              // no value at all
       }) {
    CAPTURE(hex);
    CHECK(h.Run({"RESTORE", "k", "0", Framed(FromHex(hex))}) == kBadFormat);
  }
  CHECK(h.Run({"EXISTS", "k"}) == Int(0));
  // The framing itself is right: a good body in it restores.
  CHECK(h.Run({"RESTORE", "k", "0", Framed(FromHex("000568656c6c6f"))}) == kOk);
  CHECK(h.Run({"GET", "k"}) == Bulk("hello"));
}

TEST_CASE("RESTORE refuses an existing key unless REPLACE, and replaces any type") {
  Harness h;
  CHECK(h.Run({"SET", "s", "hello"}) == kOk);
  const std::string payload = Dumped(h, "s");
  CHECK(h.Run({"RPUSH", "l", "x"}) == Int(1));
  CHECK(h.Run({"RESTORE", "l", "0", payload}) == kBusyKey);
  CHECK(h.Run({"RESTORE", "l", "0", payload, "REPLACE"}) == kOk);
  CHECK(h.Run({"GET", "l"}) == Bulk("hello"));
  // The existing-key check comes before the TTL and payload checks, as in Redis.
  CHECK(h.Run({"RESTORE", "l", "-1", "junk"}) == kBusyKey);
}

TEST_CASE("RESTORE's TTL: relative, ABSTTL, and already expired") {
  Harness h;
  CHECK(h.Run({"SET", "s", "hello"}) == kOk);
  const std::string payload = Dumped(h, "s");
  const int64_t now = h.clock.NowMs();
  CHECK(h.Run({"RESTORE", "a", "5000", payload}) == kOk);
  CHECK(h.Run({"PEXPIRETIME", "a"}) == Int(now + 5000));
  CHECK(h.Run({"RESTORE", "b", std::to_string(now + 9000), payload, "ABSTTL"}) == kOk);
  CHECK(h.Run({"PEXPIRETIME", "b"}) == Int(now + 9000));
  // An absolute time already past creates nothing, and with REPLACE removes the old key.
  CHECK(h.Run({"RESTORE", "c", "1", payload, "ABSTTL"}) == kOk);
  CHECK(h.Run({"EXISTS", "c"}) == Int(0));
  CHECK(h.Run({"RESTORE", "b", "1", payload, "ABSTTL", "REPLACE"}) == kOk);
  CHECK(h.Run({"EXISTS", "b"}) == Int(0));
  CHECK(h.Run({"RESTORE", "d", "-1", payload}) ==
        Err("ERR Invalid TTL value, must be >= 0"));
  CHECK(h.Run({"RESTORE", "d", "soon", payload}) == kNotInt);
}

TEST_CASE("RESTORE's IDLETIME and FREQ set the key's access history") {
  Harness h;
  CHECK(h.Run({"SET", "s", "hello"}) == kOk);
  const std::string payload = Dumped(h, "s");
  CHECK(h.Run({"RESTORE", "idle", "0", payload, "IDLETIME", "1000"}) == kOk);
  CHECK(h.Run({"OBJECT", "IDLETIME", "idle"}) == Int(1000));

  CHECK(h.Run({"CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"}) == kOk);
  CHECK(h.Run({"RESTORE", "freq", "0", payload, "FREQ", "200"}) == kOk);
  CHECK(h.Run({"OBJECT", "FREQ", "freq"}) == Int(200));

  CHECK(h.Run({"RESTORE", "x", "0", payload, "IDLETIME", "-1"}) ==
        Err("ERR Invalid IDLETIME value, must be >= 0"));
  CHECK(h.Run({"RESTORE", "x", "0", payload, "FREQ", "256"}) ==
        Err("ERR Invalid FREQ value, must be >= 0 and <= 255"));
  CHECK(h.Run({"RESTORE", "x", "0", payload, "FREQ", "-1"}) ==
        Err("ERR Invalid FREQ value, must be >= 0 and <= 255"));
  CHECK(h.Run({"RESTORE", "x", "0", payload, "FREQ", "x"}) == kNotInt);
  // One of the two only; a missing value or an unknown word is a syntax error.
  CHECK(h.Run({"RESTORE", "x", "0", payload, "FREQ", "1", "IDLETIME", "1"}) == kSyntax);
  CHECK(h.Run({"RESTORE", "x", "0", payload, "IDLETIME", "1", "FREQ", "1"}) == kSyntax);
  CHECK(h.Run({"RESTORE", "x", "0", payload, "IDLETIME"}) == kSyntax);
  CHECK(h.Run({"RESTORE", "x", "0", payload, "NOW"}) == kSyntax);
  CHECK(h.Run({"EXISTS", "x"}) == Int(0));
}

}  // namespace
}  // namespace kvd::testing
