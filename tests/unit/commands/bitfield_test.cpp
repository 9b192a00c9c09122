// BITFIELD and BITFIELD_RO: GET, SET, INCRBY, OVERFLOW, field offsets, errors, events and what
// reaches the append-only log, as Redis 7.2.
#include <doctest/doctest.h>

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "unit/commands/harness.h"
#include "unit/commands/key_test_util.h"
#include "unit/commands/pubsub_test_util.h"

namespace kvd::testing {
namespace {

using namespace std::string_view_literals;

const std::string kTypeErr =
    "-ERR Invalid bitfield type. Use something like "
    "i16 u8. Note that u64 is not supported but "
    "i64 is.\r\n";
const std::string kOffsetErr = "-ERR bit offset is not an integer or out of range\r\n";
const std::string kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
const std::string kRoErr = "-ERR BITFIELD_RO only supports the GET subcommand\r\n";

// An array reply of integers; "nil" for a null.
std::string Ints(std::initializer_list<std::string_view> items) {
  std::string out = "*" + std::to_string(items.size()) + "\r\n";
  for (std::string_view i : items) out += i == "nil" ? "$-1\r\n" : ":" + std::string(i) + "\r\n";
  return out;
}

TEST_CASE("BITFIELD SET, GET and INCRBY on signed and unsigned fields") {
  Harness h;
  CHECK(h.Run({"BITFIELD", "k",      "SET", "i8",  "0",  "-100", "GET", "i8",  "0",
               "GET",      "u8",     "0",   "SET", "u4", "#3",   "15",  "GET", "u16",
               "0",        "INCRBY", "i5",  "100", "1",  "GET",  "u4",  "0"}) ==
        Ints({"0", "-100", "156", "0", "39951", "1", "9"}));
  CHECK(h.Run({"STRLEN", "k"}) == Int(14));
  CHECK(h.Run({"GETRANGE", "k", "0", "1"}) == Bulk("\x9c\x0f"));
  CHECK(h.Run({"GETRANGE", "k", "12", "13"}) == Bulk("\x00\x80"sv));
  // Subcommands and OVERFLOW names in any case; a trailing OVERFLOW is fine.
  CHECK(h.Run({"BITFIELD", "k", "get", "u8", "0", "SeT", "u8", "0", "1", "InCrBy", "u8", "0", "1",
               "overflow", "sat"}) == Ints({"156", "156", "2"}));
  CHECK(h.Run({"BITFIELD", "k"}) == "*0\r\n");
  CHECK(h.Run({"BITFIELD", "k", "OVERFLOW", "WRAP"}) == "*0\r\n");
}

TEST_CASE("BITFIELD OVERFLOW WRAP, SAT and FAIL apply to the operations after them") {
  Harness h;
  CHECK(h.Run({"BITFIELD", "k",        "INCRBY",   "u2",     "102",    "1",      "OVERFLOW",
               "SAT",      "INCRBY",   "u2",       "102",    "1",      "INCRBY", "u2",
               "102",      "1",        "OVERFLOW", "FAIL",   "INCRBY", "u2",     "102",
               "1",        "OVERFLOW", "WRAP",     "INCRBY", "u2",     "102",    "1"}) ==
        Ints({"1", "2", "3", "nil", "0"}));
  CHECK(
      h.Run(
          {"BITFIELD", "s",        "OVERFLOW", "SAT",  "SET", "i8", "0",     "-9223372036854775808",
           "GET",      "i8",       "0",        "SET",  "i8",  "0",  "-1000", "GET",
           "i8",       "0",        "SET",      "u8",   "0",   "-1", "GET",   "u8",
           "0",        "OVERFLOW", "WRAP",     "SET",  "i8",  "0",  "200",   "GET",
           "i8",       "0",        "OVERFLOW", "FAIL", "SET", "u8", "0",     "256",
           "INCRBY",   "u8",       "0",        "1"}) ==
      Ints({"0", "127", "127", "-128", "128", "255", "-1", "-56", "nil", "201"}));
  CHECK(h.Run({"BITFIELD", "w",
               "INCRBY",   "i64",
               "8",        "9223372036854775807",
               "OVERFLOW", "FAIL",
               "INCRBY",   "i64",
               "8",        "1",
               "OVERFLOW", "SAT",
               "INCRBY",   "i64",
               "8",        "1",
               "INCRBY",   "i64",
               "8",        "-9223372036854775808",
               "INCRBY",   "i64",
               "8",        "-9223372036854775808",
               "OVERFLOW", "WRAP",
               "INCRBY",   "i64",
               "8",        "-1",
               "INCRBY",   "u63",
               "100",      "-1",
               "GET",      "u63",
               "100"}) ==
        Ints({"9223372036854775807", "nil", "9223372036854775807", "-1", "-9223372036854775808",
              "9223372036854775807", "9223372036854775807", "9223372036854775807"}));
}

TEST_CASE("BITFIELD GET past the end reads zeros; wide fields at odd offsets") {
  Harness h;
  CHECK(h.Run({"SETBIT", "k", "100", "1"}) == Int(0));
  CHECK(h.Run({"BITFIELD", "k",   "GET", "i64", "90",  "GET", "u63", "91", "GET", "i3", "99", "GET",
               "u1",       "100", "GET", "i1",  "100", "GET", "i64", "#1", "GET", "u5", "#20"}) ==
        Ints({"9007199254740992", "9007199254740992", "2", "1", "-1", "134217728", "16"}));
  CHECK(h.Run({"BITFIELD", "missing", "GET", "i64", "0", "GET", "u8", "4294967000"}) ==
        Ints({"0", "0"}));
  CHECK(h.Run({"EXISTS", "missing"}) == Int(0));
}

TEST_CASE("BITFIELD errors: the first bad argument wins and nothing runs") {
  Harness h;
  CHECK(h.Run({"SET", "k", "\x01"}) == kOk);
  for (const char* bad : {"u64", "i65", "x8", "i0", "u", "i08", "i+8", "I8", "U8", ""}) {
    CAPTURE(bad);
    CHECK(h.Run({"BITFIELD", "k", "GET", bad, "0"}) == kTypeErr);
  }
  for (const char* bad : {"-1", "#-1", "##1", "a", "", "#", "1.0", "4294967296", "#536870912"}) {
    CAPTURE(bad);
    CHECK(h.Run({"BITFIELD", "k", "GET", "u8", bad}) == kOffsetErr);
  }
  CHECK(h.Run({"BITFIELD", "k", "OVERFLOW", "foo", "GET", "u8", "0"}) ==
        Err("ERR Invalid OVERFLOW type specified"));
  CHECK(h.Run({"BITFIELD", "k", "FOO"}) == kSyntax);
  CHECK(h.Run({"BITFIELD", "k", "OVERFLOW"}) == kSyntax);
  CHECK(h.Run({"BITFIELD", "k", "GET", "u8"}) == kSyntax);
  CHECK(h.Run({"BITFIELD", "k", "SET", "u8", "0"}) == kSyntax);
  CHECK(h.Run({"BITFIELD", "k", "INCRBY", "u8", "0"}) == kSyntax);
  CHECK(h.Run({"BITFIELD", "k", "SET", "u8", "0", "abc"}) == kNotInt);
  CHECK(h.Run({"BITFIELD", "k", "INCRBY", "u8", "0", "1.5"}) == kNotInt);
  // An error after valid writes: none of them ran.
  CHECK(h.Run({"BITFIELD", "k", "SET", "u8", "0", "9", "GET"}) == kSyntax);
  CHECK(h.Run({"BITFIELD", "k", "SET", "u8", "0", "9", "SET", "u8", "#2", "2", "FOO"}) == kSyntax);
  CHECK(h.Run({"GET", "k"}) == Bulk("\x01"));
  CHECK(h.Run({"RPUSH", "l", "a"}) == Int(1));
  CHECK(h.Run({"BITFIELD", "l", "GET", "u8", "0"}) == kWrongType);
  CHECK(h.Run({"BITFIELD", "l", "SET", "u8", "0", "1"}) == kWrongType);
  CHECK(h.Run({"BITFIELD", "l", "GET", "u8", "x"}) == kOffsetErr);  // arguments first
  CHECK(h.Run({"BITFIELD", "l"}) == kWrongType);
  CHECK(h.Run({"BITFIELD"}) == Err("ERR wrong number of arguments for 'bitfield' command"));
}

TEST_CASE(
    "BITFIELD field offsets: #N is N fields of the type's width, "
    "wrapping as Redis") {
  Harness h;
  CHECK(h.Run({"BITFIELD", "k", "SET", "u8", "#2", "255", "GET", "u8", "16", "GET", "u4", "#5"}) ==
        Ints({"0", "255", "15"}));
  CHECK(h.Run({"STRLEN", "k"}) == Int(3));
  // (2^62 + 1) * 8 wraps to 8 in 64 bits, which Redis accepts.
  CHECK(h.Run({"BITFIELD", "k", "GET", "u8", "#4611686018427387905"}) == Ints({"0"}));
}

TEST_CASE("BITFIELD grows the value as far as its writes reach, and keeps the TTL") {
  Harness h;
  CHECK(h.Run({"SET", "k", "a", "EX", "100"}) == kOk);
  CHECK(h.Run({"BITFIELD", "k", "SET", "u16", "20", "1"}) == Ints({"0"}));
  CHECK(h.Run({"STRLEN", "k"}) == Int(5));
  CHECK(h.Run({"TTL", "k"}) == Int(100));
  CHECK(h.Run({"BITFIELD", "k", "GET", "u8", "800"}) == Ints({"0"}));
  CHECK(h.Run({"STRLEN", "k"}) == Int(5));
  // The limit is on the offset, so a field may end a few bytes past proto-max-bulk-len.
  CHECK(h.Run({"CONFIG", "SET", "proto-max-bulk-len", "1mb"}) == kOk);
  CHECK(h.Run({"BITFIELD", "big", "SET", "i64", "8388607", "1"}) == Ints({"0"}));
  CHECK(h.Run({"STRLEN", "big"}) == Int(1048584));
  CHECK(h.Run({"BITFIELD", "big", "SET", "i64", "8388608", "1"}) == kOffsetErr);
}

TEST_CASE("BITFIELD under OVERFLOW FAIL still creates and pads the value, as Redis") {
  Harness h;
  CHECK(h.Run({"BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u2", "10", "10"}) == Ints({"nil"}));
  CHECK(h.Run({"GET", "k"}) == Bulk("\0\0"sv));
}

TEST_CASE("BITFIELD_RO runs GETs only") {
  Harness h;
  CHECK(h.Run({"SET", "k", "\x01\x02"}) == kOk);
  CHECK(h.Run({"BITFIELD_RO", "k", "GET", "u8", "0", "GET", "u16", "0"}) == Ints({"1", "258"}));
  CHECK(h.Run({"BITFIELD_RO", "k", "OVERFLOW", "SAT", "GET", "i8", "#1"}) == Ints({"2"}));
  CHECK(h.Run({"BITFIELD_RO", "k"}) == "*0\r\n");
  CHECK(h.Run({"BITFIELD_RO", "missing", "GET", "u8", "0"}) == Ints({"0"}));
  CHECK(h.Run({"BITFIELD_RO", "k", "SET", "u8", "0", "1"}) == kRoErr);
  CHECK(h.Run({"BITFIELD_RO", "k", "GET", "u8", "0", "INCRBY", "u8", "0", "1"}) == kRoErr);
  // Arguments are checked first; then the read-only refusal, before any lookup.
  CHECK(h.Run({"BITFIELD_RO", "k", "GET", "u8", "0", "SET", "u8", "0", "x"}) == kNotInt);
  CHECK(h.Run({"RPUSH", "l", "a"}) == Int(1));
  CHECK(h.Run({"BITFIELD_RO", "l", "SET", "u8", "0", "1"}) == kRoErr);
  CHECK(h.Run({"BITFIELD_RO", "l", "GET", "u8", "0"}) == kWrongType);
  CHECK(h.Run({"GET", "k"}) == Bulk("\x01\x02"));
}

TEST_CASE(
    "BITFIELD events and dirty: one setbit per command, dirty per "
    "changed field") {
  Harness h;
  PubSubPeer sub(h);
  CHECK(h.Run({"CONFIG", "SET", "notify-keyspace-events", "KEA"}) == kOk);
  sub.Run({"PSUBSCRIBE", "__keyevent@0__:*"});
  auto events = [&] {
    std::vector<std::string> out;
    for (const auto& f : Frames(sub.Take())) out.push_back(f[2] + " " + f[3]);
    return out;
  };
  auto dirty = [&] {
    const std::string info = h.Run({"INFO", "persistence"});
    const size_t at = info.find("rdb_changes_since_last_save:") + 28;
    return std::stoll(info.substr(at, info.find("\r\n", at) - at));
  };
  const int64_t d0 = dirty();
  CHECK(h.Run({"BITFIELD", "k", "SET", "u8", "0", "1", "SET", "u8", "8", "0", "GET", "u8", "0"}) ==
        Ints({"0", "0", "1"}));
  // Created: both writes count, even the one that wrote a zero over a zero.
  CHECK(events() == std::vector<std::string>{"__keyevent@0__:setbit k"});
  CHECK(dirty() == d0 + 2);
  CHECK(h.Run({"BITFIELD", "k", "SET", "u8", "0", "1", "INCRBY", "u8", "8", "0"}) ==
        Ints({"1", "0"}));
  CHECK(events().empty());
  CHECK(dirty() == d0 + 2);
  CHECK(h.Run({"BITFIELD", "k", "SET", "u8", "0", "1", "INCRBY", "u8", "8", "3"}) ==
        Ints({"1", "3"}));
  CHECK(events() == std::vector<std::string>{"__keyevent@0__:setbit k"});
  CHECK(dirty() == d0 + 3);
  CHECK(h.Run({"BITFIELD", "k", "GET", "u8", "0"}) == Ints({"1"}));
  CHECK(events().empty());
}

TEST_CASE("BITFIELD that changes nothing leaves a WATCH intact") {
  Harness h;
  CHECK(h.Run({"SET", "k", "\x05"}) == kOk);
  CHECK(h.Run({"WATCH", "k"}) == kOk);
  CHECK(h.Run({"BITFIELD", "k", "SET", "u8", "0", "5", "INCRBY", "i8", "0", "0", "OVERFLOW", "FAIL",
               "INCRBY", "u8", "0", "300"}) == Ints({"5", "5", "nil"}));
  CHECK(h.Run({"MULTI"}) == kOk);
  CHECK(h.Run({"GET", "k"}) == "+QUEUED\r\n");
  CHECK(h.Run({"EXEC"}) == "*1\r\n" + Bulk("\x05"));
}

// A harness whose append-only log hook records every logged command.
struct LoggingHarness : Harness {
  LoggingHarness() {
    server.propagate = [this](size_t, std::span<const std::string_view> command) {
      log.emplace_back(command.begin(), command.end());
    };
  }
  std::vector<std::vector<std::string>> log;
};

TEST_CASE(
    "BITFIELD reaches the log when it changed or grew the value, not "
    "otherwise") {
  LoggingHarness h;
  using Cmd = std::vector<std::string>;
  CHECK(h.Run({"BITFIELD", "k", "SET", "u8", "0", "7"}) == Ints({"0"}));
  CHECK(h.Run({"BITFIELD", "k", "SET", "u8", "0", "7"}) == Ints({"7"}));
  CHECK(h.Run({"BITFIELD", "k", "GET", "u8", "0"}) == Ints({"7"}));
  // Grows the value without changing a field: Redis leaves this out of its log, which would replay
  // to a shorter value; logged here.
  CHECK(h.Run({"BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u8", "16", "300"}) == Ints({"nil"}));
  CHECK(h.Run({"SETBIT", "k", "0", "1"}) == Int(0));
  CHECK(h.Run({"SETBIT", "k", "5", "1"}) == Int(1));  // already set: not a write
  CHECK(h.Run({"BITOP", "NOT", "d", "missing"}) == Int(0));
  CHECK(h.Run({"BITOP", "NOT", "d", "k"}) == Int(3));
  REQUIRE(h.log.size() == 4);
  CHECK(h.log[0] == Cmd{"BITFIELD", "k", "SET", "u8", "0", "7"});
  CHECK(h.log[1] == Cmd{"BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u8", "16", "300"});
  CHECK(h.log[2] == Cmd{"SETBIT", "k", "0", "1"});
  CHECK(h.log[3] == Cmd{"BITOP", "NOT", "d", "k"});
}

}  // namespace
}  // namespace kvd::testing
