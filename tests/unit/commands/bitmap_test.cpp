// SETBIT, GETBIT, BITCOUNT, BITPOS and BITOP: replies, errors, events, the log and the byte
// accounting, as Redis 7.2 gives them.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "unit/commands/harness.h"
#include "unit/commands/key_test_util.h"
#include "unit/commands/pubsub_test_util.h"

namespace kvd::testing {
namespace {

using namespace std::string_view_literals;

const std::string kOffsetErr = "-ERR bit offset is not an integer or out of range\r\n";
const std::string kBitErr = "-ERR bit is not an integer or out of range\r\n";
const std::string kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

// Every event of database 0 as "<event> <key>".
struct Events {
  explicit Events(Harness& h) : peer(h) {
    REQUIRE(h.Run({"CONFIG", "SET", "notify-keyspace-events", "KEA"}) == kOk);
    peer.Run({"PSUBSCRIBE", "__keyevent@0__:*"});
  }
  std::vector<std::string> Take() {
    std::vector<std::string> out;
    for (const auto& f : Frames(peer.Take())) {
      const std::string& channel = f[2];
      out.push_back(channel.substr(channel.find("__:") + 3) + " " + f[3]);
    }
    return out;
  }
  PubSubPeer peer;
};
using EventList = std::vector<std::string>;

std::string Dirty(Harness& h) {
  const std::string info = h.Run({"INFO", "persistence"});
  const size_t at = info.find("rdb_changes_since_last_save:");
  return info.substr(at + 28, info.find("\r\n", at) - at - 28);
}

TEST_CASE("SETBIT sets and clears bits, replies the old bit, zero-pads as it grows") {
  Harness h;
  CHECK(h.Run({"SETBIT", "k", "7", "1"}) == Int(0));
  CHECK(h.Run({"GET", "k"}) == Bulk("\x01"));
  CHECK(h.Run({"SETBIT", "k", "7", "1"}) == Int(1));
  CHECK(h.Run({"SETBIT", "k", "0", "1"}) == Int(0));
  CHECK(h.Run({"GET", "k"}) == Bulk("\x81"));
  CHECK(h.Run({"SETBIT", "k", "7", "0"}) == Int(1));
  CHECK(h.Run({"GET", "k"}) == Bulk("\x80"));
  CHECK(h.Run({"SETBIT", "k", "25", "1"}) == Int(0));
  CHECK(h.Run({"GET", "k"}) == Bulk("\x80\0\0\x40"sv));
  // Clearing a bit past the end still pads the value to reach it.
  CHECK(h.Run({"SETBIT", "k", "47", "0"}) == Int(0));
  CHECK(h.Run({"STRLEN", "k"}) == Int(6));
  CHECK(h.Run({"SETBIT", "new", "100", "0"}) == Int(0));
  CHECK(h.Run({"STRLEN", "new"}) == Int(13));
  // A string of any origin is a bitmap: "1" is 0x31.
  CHECK(h.Run({"SET", "n", "1"}) == kOk);
  CHECK(h.Run({"SETBIT", "n", "7", "0"}) == Int(1));
  CHECK(h.Run({"GET", "n"}) == Bulk("0"));
}

TEST_CASE("SETBIT and GETBIT errors, as Redis and in its order") {
  Harness h;
  for (const char* bad : {"-1", "abc", "", "1.5", "+1", "#1", "4294967296", "99999999999999"}) {
    CAPTURE(bad);
    CHECK(h.Run({"SETBIT", "k", bad, "1"}) == kOffsetErr);
    CHECK(h.Run({"GETBIT", "k", bad}) == kOffsetErr);
  }
  for (const char* bad : {"2", "-1", "a", "", "01", "1 "}) {
    CAPTURE(bad);
    CHECK(h.Run({"SETBIT", "k", "0", bad}) == kBitErr);
  }
  CHECK(h.Run({"EXISTS", "k"}) == Int(0));
  CHECK(h.Run({"LPUSH", "l", "a"}) == Int(1));
  CHECK(h.Run({"SETBIT", "l", "0", "1"}) == kWrongType);
  CHECK(h.Run({"GETBIT", "l", "0"}) == kWrongType);
  // The arguments are checked before the key.
  CHECK(h.Run({"SETBIT", "l", "-1", "1"}) == kOffsetErr);
  CHECK(h.Run({"SETBIT", "l", "0", "2"}) == kBitErr);
  CHECK(h.Run({"GETBIT", "l", "x"}) == kOffsetErr);
  CHECK(h.Run({"SETBIT", "k", "0"}) == Err("ERR wrong number of arguments for 'setbit' command"));
  CHECK(h.Run({"GETBIT", "k"}) == Err("ERR wrong number of arguments for 'getbit' command"));
}

TEST_CASE("SETBIT's offset limit follows proto-max-bulk-len") {
  Harness h;
  CHECK(h.Run({"CONFIG", "SET", "proto-max-bulk-len", "1mb"}) == kOk);
  CHECK(h.Run({"SETBIT", "k", std::to_string(8 * 1024 * 1024), "1"}) == kOffsetErr);
  CHECK(h.Run({"GETBIT", "k", std::to_string(8 * 1024 * 1024)}) == kOffsetErr);
  CHECK(h.Run({"SETBIT", "k", std::to_string(8 * 1024 * 1024 - 1), "1"}) == Int(0));
  CHECK(h.Run({"STRLEN", "k"}) == Int(1024 * 1024));
  CHECK(h.Run({"GETBIT", "k", std::to_string(8 * 1024 * 1024 - 1)}) == Int(1));
  CHECK(h.Run({"BITCOUNT", "k"}) == Int(1));
}

TEST_CASE("GETBIT reads zeros past the end and for a missing key") {
  Harness h;
  CHECK(h.Run({"GETBIT", "missing", "0"}) == Int(0));
  CHECK(h.Run({"GETBIT", "missing", "4294967295"}) == Int(0));
  CHECK(h.Run({"SET", "k", "\x40"}) == kOk);
  CHECK(h.Run({"GETBIT", "k", "0"}) == Int(0));
  CHECK(h.Run({"GETBIT", "k", "1"}) == Int(1));
  CHECK(h.Run({"GETBIT", "k", "8"}) == Int(0));
  CHECK(h.Run({"GETBIT", "k", "1000000"}) == Int(0));
  CHECK(h.Run({"STRLEN", "k"}) == Int(1));  // reading never grows the value
}

TEST_CASE("SETBIT keeps the TTL; an unchanged bit is no write: no event, no dirty") {
  Harness h;
  Events events(h);
  CHECK(h.Run({"SET", "k", "\x01", "EX", "100"}) == kOk);
  events.Take();
  const std::string dirty = Dirty(h);
  CHECK(h.Run({"SETBIT", "k", "7", "1"}) == Int(1));
  CHECK(h.Run({"SETBIT", "k", "6", "0"}) == Int(0));
  CHECK(events.Take().empty());
  CHECK(Dirty(h) == dirty);
  CHECK(h.Run({"SETBIT", "k", "6", "1"}) == Int(0));
  CHECK(events.Take() == EventList{"setbit k"});
  CHECK(Dirty(h) != dirty);
  CHECK(h.Run({"TTL", "k"}) == Int(100));
  // Growing is a change even when the bit written is 0.
  CHECK(h.Run({"SETBIT", "k", "15", "0"}) == Int(0));
  CHECK(events.Take() == EventList{"setbit k"});
  CHECK(h.Run({"SETBIT", "fresh", "0", "0"}) == Int(0));
  CHECK(events.Take() == EventList{"setbit fresh"});
}

TEST_CASE("SETBIT that changes nothing leaves a WATCH intact") {
  Harness h;
  CHECK(h.Run({"SETBIT", "k", "3", "1"}) == Int(0));
  CHECK(h.Run({"WATCH", "k"}) == kOk);
  CHECK(h.Run({"SETBIT", "k", "3", "1"}) == Int(1));
  CHECK(h.Run({"MULTI"}) == kOk);
  CHECK(h.Run({"GETBIT", "k", "3"}) == "+QUEUED\r\n");
  CHECK(h.Run({"EXEC"}) == "*1\r\n:1\r\n");
  CHECK(h.Run({"WATCH", "k"}) == kOk);
  CHECK(h.Run({"SETBIT", "k", "3", "0"}) == Int(1));
  CHECK(h.Run({"MULTI"}) == kOk);
  CHECK(h.Run({"GETBIT", "k", "3"}) == "+QUEUED\r\n");
  CHECK(h.Run({"EXEC"}) == "*-1\r\n");
}

TEST_CASE("BITCOUNT: whole value, byte ranges, bit ranges, negative indexes") {
  Harness h;
  CHECK(h.Run({"SET", "s", "foobar"}) == kOk);
  struct Case {
    std::vector<std::string_view> range;
    int64_t count;
  };
  const std::vector<Case> cases = {
      {{}, 26},
      {{"0", "0"}, 4},
      {{"1", "1"}, 6},
      {{"0", "-1"}, 26},
      {{"-2", "-1"}, 7},
      {{"1", "-2"}, 18},
      {{"5", "30", "bit"}, 17},
      {{"5", "30", "BYTE"}, 4},
      {{"5", "30", "Bit"}, 17},
      {{"-5", "-1", "bit"}, 2},
      {{"0", "-1", "BIT"}, 26},
      {{"100", "200"}, 0},
      {{"-100", "-200"}, 0},  // reversed negative indexes: empty before clamping
      {{"-1", "-3", "BOTH"}, 0},  // ... and before the unit is looked at, as Redis 7.0/7.2
      {{"-100", "-2"}, 22},
      {{"3", "1"}, 0},
      {{"0", "1000", "bit"}, 26},
      {{"-1000", "-3", "bit"}, 25},
      {{"47", "47", "bit"}, 0},
      {{"46", "47", "bit"}, 1},
      {{"8", "7", "bit"}, 0},
  };
  for (const Case& c : cases) {
    std::vector<std::string_view> args = {"BITCOUNT", "s"};
    args.insert(args.end(), c.range.begin(), c.range.end());
    CAPTURE(args.size() > 2 ? args[2] : "");
    CAPTURE(args.size() > 3 ? args[3] : "");
    CHECK(h.Run(args) == Int(c.count));
  }
  CHECK(h.Run({"SET", "empty", ""}) == kOk);
  CHECK(h.Run({"BITCOUNT", "empty"}) == Int(0));
  CHECK(h.Run({"BITCOUNT", "empty", "0", "-1", "bit"}) == Int(0));
}

TEST_CASE(
    "BITCOUNT errors; a missing key counts 0 whatever its arguments "
    "(Redis 7.2)") {
  Harness h;
  CHECK(h.Run({"SET", "s", "foobar"}) == kOk);
  CHECK(h.Run({"BITCOUNT", "s", "a", "1"}) == kNotInt);
  CHECK(h.Run({"BITCOUNT", "s", "0", "b"}) == kNotInt);
  CHECK(h.Run({"BITCOUNT", "s", "0", "1", "bits"}) == kSyntax);
  CHECK(h.Run({"BITCOUNT", "s", "0"}) == kSyntax);
  CHECK(h.Run({"BITCOUNT", "s", "0", "1", "bit", "x"}) == kSyntax);
  CHECK(h.Run({"BITCOUNT", "missing", "a", "b"}) == Int(0));
  CHECK(h.Run({"BITCOUNT", "missing", "0"}) == Int(0));
  CHECK(h.Run({"BITCOUNT", "missing", "0", "1", "foo"}) == Int(0));
  CHECK(h.Run({"RPUSH", "l", "a"}) == Int(1));
  CHECK(h.Run({"BITCOUNT", "l", "a", "b"}) == kWrongType);
  CHECK(h.Run({"BITCOUNT"}) == Err("ERR wrong number of arguments for 'bitcount' command"));
}

TEST_CASE("BITCOUNT counts a large value exactly") {
  Harness h;
  std::string big(100'003, '\0');
  int64_t ones = 0;
  for (size_t i = 0; i < big.size(); ++i) {
    big[i] = static_cast<char>(i * 37 + 11);
    ones += __builtin_popcount(static_cast<uint8_t>(big[i]));
  }
  CHECK(h.Run({"SET", "big", big}) == kOk);
  CHECK(h.Run({"BITCOUNT", "big"}) == Int(ones));
  const int64_t tail = __builtin_popcount(static_cast<uint8_t>(big.back()));
  CHECK(h.Run({"BITCOUNT", "big", "0", "-2"}) == Int(ones - tail));
}

TEST_CASE("BITPOS: first set or clear bit, byte and bit ranges") {
  Harness h;
  CHECK(h.Run({"SET", "ones", "\xff\xff\xff"}) == kOk);
  CHECK(h.Run({"SET", "b", "\xff\xf0"}) == kOk);
  CHECK(h.Run({"SET", "z", "\x00\x00\x00"sv}) == kOk);
  struct Case {
    std::string_view key;
    std::vector<std::string_view> args;
    int64_t pos;
  };
  const std::vector<Case> cases = {
      {"ones", {"0"}, 24},  // zero padding: the first bit past the end
      {"ones", {"1"}, 0},
      {"ones", {"0", "0"}, 24},
      {"ones", {"0", "1"}, 24},
      {"ones", {"1", "1"}, 8},
      {"ones", {"0", "0", "-1"}, -1},  // an explicit end: no padding
      {"ones", {"1", "0", "-1"}, 0},
      {"ones", {"0", "5"}, -1},
      {"ones", {"0", "-1"}, 24},
      {"ones", {"1", "-1"}, 16},
      {"ones", {"0", "0", "-1", "bit"}, -1},
      {"ones", {"1", "9", "14", "bit"}, 9},
      {"ones", {"1", "17", "19", "BIT"}, 17},
      {"ones", {"0", "20", "100", "bit"}, -1},
      {"ones", {"1", "1", "0"}, -1},
      {"ones", {"0", "-100", "-200"}, -1},
      {"ones", {"1", "-100", "-200"}, 0},
      {"ones", {"0", "3"}, -1},
      {"ones", {"1", "8", "8", "bit"}, 8},
      {"ones", {"1", "8", "8", "byte"}, -1},
      {"b", {"0"}, 12},
      {"b", {"1", "1"}, 8},
      {"b", {"0", "0", "-1"}, 12},
      {"b", {"1", "-1"}, 8},
      {"b", {"0", "9", "14", "bit"}, 12},
      {"b", {"1", "12", "15", "bit"}, -1},
      {"b", {"0", "2"}, -1},
      {"z", {"1"}, -1},
      {"z", {"0"}, 0},
      {"z", {"0", "1"}, 8},
      {"z", {"0", "3", "2", "bit"}, -1},
      {"z", {"0", "3", "5", "bit"}, 3},
      {"missing", {"1"}, -1},  // an endless run of zeros
      {"missing", {"0"}, 0},
      {"missing", {"0", "5", "7"}, 0},
  };
  for (const Case& c : cases) {
    std::vector<std::string_view> args = {"BITPOS", c.key};
    args.insert(args.end(), c.args.begin(), c.args.end());
    CAPTURE(c.key);
    CAPTURE(args.size());
    CAPTURE(c.args.size() > 1 ? c.args[1] : "");
    CAPTURE(c.args.size() > 2 ? c.args[2] : "");
    CHECK(h.Run(args) == Int(c.pos));
  }
  CHECK(h.Run({"SET", "empty", ""}) == kOk);
  CHECK(h.Run({"BITPOS", "empty", "0"}) == Int(-1));
  CHECK(h.Run({"BITPOS", "empty", "1"}) == Int(-1));
}

TEST_CASE("BITPOS finds a bit deep in a large value") {
  Harness h;
  std::string v(70'001, '\0');
  v[69'998] = '\x04';
  CHECK(h.Run({"SET", "k", v}) == kOk);
  CHECK(h.Run({"BITPOS", "k", "1"}) == Int(69'998 * 8 + 5));
  CHECK(h.Run({"BITPOS", "k", "1", "69999"}) == Int(-1));
  std::string full(70'001, '\xff');
  full[50'000] = '\xfe';
  CHECK(h.Run({"SET", "f", full}) == kOk);
  CHECK(h.Run({"BITPOS", "f", "0"}) == Int(50'000 * 8 + 7));
  CHECK(h.Run({"BITPOS", "f", "0", "50001"}) == Int(70'001 * 8));
}

TEST_CASE("BITPOS errors and their order (the bit first, then the key)") {
  Harness h;
  CHECK(h.Run({"SET", "s", "foobar"}) == kOk);
  CHECK(h.Run({"RPUSH", "l", "a"}) == Int(1));
  const std::string bit_err = "-ERR The bit argument must be 1 or 0.\r\n";
  CHECK(h.Run({"BITPOS", "s", "2"}) == bit_err);
  CHECK(h.Run({"BITPOS", "missing", "-1"}) == bit_err);
  CHECK(h.Run({"BITPOS", "l", "2"}) == bit_err);
  CHECK(h.Run({"BITPOS", "s", "a"}) == kNotInt);
  CHECK(h.Run({"BITPOS", "l", "1", "a"}) == kWrongType);
  CHECK(h.Run({"BITPOS", "s", "1", "a"}) == kNotInt);
  CHECK(h.Run({"BITPOS", "s", "1", "0", "a"}) == kNotInt);
  CHECK(h.Run({"BITPOS", "s", "1", "0", "-1", "foo"}) == kSyntax);
  CHECK(h.Run({"BITPOS", "s", "1", "0", "a", "foo"}) == kSyntax);  // the unit before the end
  CHECK(h.Run({"BITPOS", "s", "1", "a", "-1", "foo"}) == kNotInt);
  CHECK(h.Run({"BITPOS", "s", "1", "0", "1", "bit", "x"}) == kSyntax);
  CHECK(h.Run({"BITPOS", "missing", "1", "0", "1", "foo"}) == Int(-1));
  CHECK(h.Run({"BITPOS", "s"}) == Err("ERR wrong number of arguments for 'bitpos' command"));
}

TEST_CASE(
    "BITOP AND, OR, XOR, NOT; missing sources are empty; shorter are "
    "zero-padded") {
  Harness h;
  CHECK(h.Run({"SET", "a", "\xff\x0f\xaa"}) == kOk);
  CHECK(h.Run({"SET", "b", "\x0f\xff"}) == kOk);
  CHECK(h.Run({"BITOP", "AND", "d", "a", "b"}) == Int(3));
  CHECK(h.Run({"GET", "d"}) == Bulk("\x0f\x0f\0"sv));
  CHECK(h.Run({"BITOP", "or", "d", "a", "b"}) == Int(3));
  CHECK(h.Run({"GET", "d"}) == Bulk("\xff\xff\xaa"));
  CHECK(h.Run({"BITOP", "Xor", "d", "a", "b"}) == Int(3));
  CHECK(h.Run({"GET", "d"}) == Bulk("\xf0\xf0\xaa"));
  CHECK(h.Run({"BITOP", "NOT", "d", "b"}) == Int(2));
  CHECK(h.Run({"GET", "d"}) == Bulk("\xf0\x00"sv));
  CHECK(h.Run({"BITOP", "AND", "d", "a", "missing"}) == Int(3));
  CHECK(h.Run({"GET", "d"}) == Bulk("\0\0\0"sv));
  CHECK(h.Run({"BITOP", "OR", "d", "missing", "b", "a"}) == Int(3));
  CHECK(h.Run({"GET", "d"}) == Bulk("\xff\xff\xaa"));
  CHECK(h.Run({"BITOP", "XOR", "d", "a", "a", "a"}) == Int(3));
  CHECK(h.Run({"GET", "d"}) == Bulk("\xff\x0f\xaa"));
  // The destination may be a source.
  CHECK(h.Run({"BITOP", "NOT", "a", "a"}) == Int(3));
  CHECK(h.Run({"GET", "a"}) == Bulk("\x00\xf0\x55"sv));
  CHECK(h.Run({"BITOP", "AND", "single", "b"}) == Int(2));
  CHECK(h.Run({"GET", "single"}) == Bulk("\x0f\xff"));
}

TEST_CASE("BITOP replaces the destination whatever it held, dropping its TTL") {
  Harness h;
  CHECK(h.Run({"SET", "a", "x"}) == kOk);
  CHECK(h.Run({"RPUSH", "d", "v"}) == Int(1));
  CHECK(h.Run({"EXPIRE", "d", "100"}) == Int(1));
  CHECK(h.Run({"BITOP", "OR", "d", "a"}) == Int(1));
  CHECK(h.Run({"TYPE", "d"}) == "+string\r\n");
  CHECK(h.Run({"GET", "d"}) == Bulk("x"));
  CHECK(h.Run({"TTL", "d"}) == Int(-1));
}

TEST_CASE("BITOP with only empty or missing sources deletes the destination") {
  Harness h;
  Events events(h);
  CHECK(h.Run({"SET", "d", "old"}) == kOk);
  CHECK(h.Run({"SET", "e", ""}) == kOk);
  events.Take();
  CHECK(h.Run({"BITOP", "AND", "d", "missing", "e"}) == Int(0));
  CHECK(h.Run({"EXISTS", "d"}) == Int(0));
  CHECK(events.Take() == EventList{"del d"});
  const std::string dirty = Dirty(h);
  CHECK(h.Run({"BITOP", "NOT", "d", "missing"}) == Int(0));
  CHECK(events.Take().empty());
  CHECK(Dirty(h) == dirty);
  CHECK(h.Run({"BITOP", "XOR", "d", "a", "e"}) == Int(0));
  CHECK(h.Run({"SET", "a", "1"}) == kOk);
  events.Take();
  CHECK(h.Run({"BITOP", "XOR", "d", "a", "e"}) == Int(1));
  CHECK(events.Take() == EventList{"set d"});
}

TEST_CASE("BITOP errors") {
  Harness h;
  CHECK(h.Run({"SET", "s", "x"}) == kOk);
  CHECK(h.Run({"RPUSH", "l", "a"}) == Int(1));
  CHECK(h.Run({"BITOP", "NAND", "d", "s"}) == kSyntax);
  CHECK(h.Run({"BITOP", "NOT", "d", "s", "s"}) ==
        Err("ERR BITOP NOT must be called with a single source key."));
  CHECK(h.Run({"BITOP", "AND", "d", "s", "l"}) == kWrongType);
  CHECK(h.Run({"EXISTS", "d"}) == Int(0));
  CHECK(h.Run({"BITOP", "AND", "l", "s"}) == Int(1));  // a destination of any type is fine
  CHECK(h.Run({"BITOP", "AND", "d"}) == Err("ERR wrong number of arguments for 'bitop' command"));
}

TEST_CASE("bitmap commands read keys with hit and miss counts, and expire lazily") {
  Harness h;
  CHECK(h.Run({"SET", "k", "\xff", "PX", "10"}) == kOk);
  CHECK(h.Run({"CONFIG", "RESETSTAT"}) == kOk);
  CHECK(h.Run({"BITCOUNT", "k"}) == Int(8));
  CHECK(h.Run({"GETBIT", "nope", "1"}) == Int(0));
  const std::string stats = h.Run({"INFO", "stats"});
  CHECK(stats.find("keyspace_hits:1\r\n") != std::string::npos);
  CHECK(stats.find("keyspace_misses:1\r\n") != std::string::npos);
  h.clock.Advance(11);
  CHECK(h.Run({"BITCOUNT", "k"}) == Int(0));
  CHECK(h.Run({"SETBIT", "k", "0", "0"}) == Int(0));
  CHECK(h.Run({"GET", "k"}) == Bulk("\0"sv));
  CHECK(h.Run({"TTL", "k"}) == Int(-1));
}

TEST_CASE("bitmap commands: COMMAND INFO and ACL category") {
  Harness h;
  CHECK(h.Run({"COMMAND", "INFO", "setbit"}).find("@bitmap") != std::string::npos);
  const std::string cat = h.Run({"ACL", "CAT", "bitmap"});
  for (std::string_view c :
       {"setbit", "getbit", "bitcount", "bitpos", "bitop", "bitfield", "bitfield_ro"}) {
    CAPTURE(c);
    CHECK(cat.find("\r\n" + std::string(c) + "\r\n") != std::string::npos);
  }
}

}  // namespace
}  // namespace kvd::testing
