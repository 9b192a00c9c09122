// Bitmap commands end to end: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD and BITFIELD_RO
// over TCP, through redis-cli, and through the append-only log and a snapshot. The expectations are
// Redis's: run with KVD_E2E_SERVER=/usr/bin/redis-server to check them.
#include <doctest/doctest.h>

#include <string>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

using namespace std::string_view_literals;

const std::string kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
const std::string kOffsetErr = "-ERR bit offset is not an integer or out of range\r\n";

TEST_CASE("bitmap: SETBIT, GETBIT, BITCOUNT and BITPOS") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"SETBIT", "k", "7", "1"}) == Int(0));
  CHECK(c.Call({"SETBIT", "k", "7", "1"}) == Int(1));
  CHECK(c.Call({"SETBIT", "k", "30", "1"}) == Int(0));
  CHECK(c.Call({"GET", "k"}) == Bulk("\x01\x00\x00\x02"sv));
  CHECK(c.Call({"GETBIT", "k", "30"}) == Int(1));
  CHECK(c.Call({"GETBIT", "k", "31"}) == Int(0));
  CHECK(c.Call({"GETBIT", "k", "3000"}) == Int(0));
  CHECK(c.Call({"BITCOUNT", "k"}) == Int(2));
  CHECK(c.Call({"BITCOUNT", "k", "1", "-1"}) == Int(1));
  CHECK(c.Call({"BITCOUNT", "k", "8", "29", "BIT"}) == Int(0));
  CHECK(c.Call({"BITPOS", "k", "1"}) == Int(7));
  CHECK(c.Call({"BITPOS", "k", "1", "1"}) == Int(30));
  CHECK(c.Call({"BITPOS", "k", "0", "0", "-1", "bit"}) == Int(0));
  CHECK(c.Call({"BITPOS", "k", "1", "8", "29", "bit"}) == Int(-1));
  CHECK(c.Call({"SET", "ones", "\xff\xff"}) == kOk);
  CHECK(c.Call({"BITPOS", "ones", "0"}) == Int(16));
  CHECK(c.Call({"BITPOS", "ones", "0", "0", "-1"}) == Int(-1));
  CHECK(c.Call({"BITPOS", "missing", "0"}) == Int(0));
  CHECK(c.Call({"BITPOS", "missing", "1"}) == Int(-1));

  CHECK(c.Call({"SETBIT", "k", "-1", "1"}) == kOffsetErr);
  CHECK(c.Call({"SETBIT", "k", "4294967296", "1"}) == kOffsetErr);
  CHECK(c.Call({"SETBIT", "k", "0", "2"}) == Err("ERR bit is not an integer or out of range"));
  CHECK(c.Call({"BITPOS", "k", "2"}) == Err("ERR The bit argument must be 1 or 0."));
  CHECK(c.Call({"BITCOUNT", "k", "0"}) == kSyntaxErr);
  CHECK(c.Call({"BITCOUNT", "k", "0", "1", "bits"}) == kSyntaxErr);
  CHECK(c.Call({"BITCOUNT", "k", "x", "1"}) == kNotIntErr);
  CHECK(c.Call({"RPUSH", "l", "a"}) == Int(1));
  CHECK(c.Call({"SETBIT", "l", "0", "1"}) == kWrongType);
  CHECK(c.Call({"GETBIT", "l", "0"}) == kWrongType);
  CHECK(c.Call({"BITCOUNT", "l"}) == kWrongType);
  CHECK(c.Call({"BITPOS", "l", "1"}) == kWrongType);
  CHECK(c.Call({"SETBIT", "k", "1"}) == ArityErr("setbit"));
  CHECK(c.Call({"BITPOS", "k"}) == ArityErr("bitpos"));
}

TEST_CASE("bitmap: BITOP") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"SET", "a", "\xff\x0f\xaa"}) == kOk);
  CHECK(c.Call({"SET", "b", "\x0f\xff"}) == kOk);
  CHECK(c.Call({"BITOP", "AND", "d", "a", "b"}) == Int(3));
  CHECK(c.Call({"GET", "d"}) == Bulk("\x0f\x0f\x00"sv));
  CHECK(c.Call({"BITOP", "OR", "d", "a", "b", "missing"}) == Int(3));
  CHECK(c.Call({"GET", "d"}) == Bulk("\xff\xff\xaa"));
  CHECK(c.Call({"BITOP", "XOR", "d", "a", "b"}) == Int(3));
  CHECK(c.Call({"GET", "d"}) == Bulk("\xf0\xf0\xaa"));
  CHECK(c.Call({"BITOP", "NOT", "d", "a"}) == Int(3));
  CHECK(c.Call({"GET", "d"}) == Bulk("\x00\xf0\x55"sv));
  CHECK(c.Call({"EXPIRE", "d", "100"}) == Int(1));
  CHECK(c.Call({"BITOP", "AND", "d", "a", "missing"}) == Int(3));
  CHECK(c.Call({"GET", "d"}) == Bulk("\x00\x00\x00"sv));
  CHECK(c.Call({"TTL", "d"}) == Int(-1));
  CHECK(c.Call({"BITOP", "OR", "d", "missing"}) == Int(0));
  CHECK(c.Call({"EXISTS", "d"}) == Int(0));
  CHECK(c.Call({"BITOP", "NOT", "d", "a", "b"}) ==
        Err("ERR BITOP NOT must be called with a single source key."));
  CHECK(c.Call({"BITOP", "NAND", "d", "a"}) == kSyntaxErr);
  CHECK(c.Call({"RPUSH", "l", "x"}) == Int(1));
  CHECK(c.Call({"BITOP", "AND", "d", "a", "l"}) == kWrongType);
  CHECK(c.Call({"BITOP", "AND", "l", "a"}) == Int(3));
  CHECK(c.Call({"TYPE", "l"}) == "+string\r\n");
}

TEST_CASE("bitmap: BITFIELD and BITFIELD_RO") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"BITFIELD", "k",        "SET", "i8",     "0",        "-100", "GET",    "u8", "0",
                "INCRBY",   "u4",       "#3",  "20",     "OVERFLOW", "FAIL", "INCRBY", "u4", "#3",
                "20",       "OVERFLOW", "SAT", "INCRBY", "i8",       "#1",   "1000"}) ==
        Arr({Int(0), Int(156), Int(4), kNil, Int(127)}));
  CHECK(c.Call({"GET", "k"}) == Bulk("\x9c\x7f"));
  CHECK(c.Call({"BITFIELD_RO", "k", "GET", "i8", "0", "GET", "u16", "4"}) ==
        Arr({Int(-100), Int(51184)}));
  CHECK(c.Call({"BITFIELD", "k"}) == "*0\r\n");
  CHECK(c.Call({"BITFIELD_RO", "k", "SET", "u8", "0", "1"}) ==
        Err("ERR BITFIELD_RO only supports the GET subcommand"));
  CHECK(c.Call({"BITFIELD", "k", "GET", "u64", "0"}) ==
        Err("ERR Invalid bitfield type. Use something like i16 u8. Note that "
            "u64 is not "
            "supported but i64 is."));
  CHECK(c.Call({"BITFIELD", "k", "OVERFLOW", "MAYBE"}) ==
        Err("ERR Invalid OVERFLOW type specified"));
  CHECK(c.Call({"BITFIELD", "k", "GET", "u8", "#-1"}) == kOffsetErr);
  CHECK(c.Call({"BITFIELD", "k", "GET", "u8"}) == kSyntaxErr);
  CHECK(c.Call({"BITFIELD", "k", "SET", "u8", "0", "x"}) == kNotIntErr);
  CHECK(c.Call({"BITFIELD"}) == ArityErr("bitfield"));
  CHECK(c.Call({"BITFIELD_RO"}) == ArityErr("bitfield_ro"));
  // RESP3: a failed INCRBY is a RESP3 null.
  CHECK(c.Exec({"HELLO", "3"}).type != '-');
  CHECK(c.Call({"BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "9"}) == "*1\r\n_\r\n");
}

TEST_CASE("bitmap: redis-cli shows BITFIELD's nulls and integers") {
  ServerProcess server;
  const CliResult r = RunCli(server.port(), {"BITFIELD", "k", "SET", "u8", "0", "200", "OVERFLOW",
                                             "FAIL", "INCRBY", "u8", "0", "100", "GET", "u8", "0"});
  CHECK(r.code == 0);
  CHECK(Lines(r.out) == std::vector<std::string>{"0", "", "200"});
  CHECK(Lines(RunCli(server.port(), {"BITCOUNT", "k"}).out) == std::vector<std::string>{"3"});
}

// Bitmaps written every way, then read back after a restart from `args`' persistence.
void WriteBitmaps(RawClient& c) {
  CHECK(c.Call({"SETBIT", "s", "100000", "1"}) == Int(0));
  CHECK(c.Call({"SETBIT", "s", "3", "1"}) == Int(0));
  CHECK(c.Call({"SETBIT", "s", "3", "0"}) == Int(1));
  CHECK(c.Call({"BITFIELD", "f", "SET", "u16", "#2", "4660", "INCRBY", "i8", "0", "-5"}) ==
        Arr({Int(0), Int(-5)}));
  CHECK(c.Call({"BITFIELD", "g", "OVERFLOW", "FAIL", "INCRBY", "u2", "20", "9"}) == Arr({kNil}));
  CHECK(c.Call({"BITOP", "XOR", "x", "s", "f"}) == Int(12501));
}

void CheckBitmaps(RawClient& c) {
  CHECK(c.Call({"STRLEN", "s"}) == Int(12501));
  CHECK(c.Call({"BITCOUNT", "s"}) == Int(1));
  CHECK(c.Call({"BITPOS", "s", "1"}) == Int(100000));
  CHECK(c.Call({"GET", "f"}) == Bulk("\xfb\x00\x00\x00\x12\x34"sv));
  CHECK(c.Call({"BITCOUNT", "x"}) == Int(13));
  CHECK(c.Call({"GETRANGE", "x", "0", "5"}) == Bulk("\xfb\x00\x00\x00\x12\x34"sv));
}

TEST_CASE("bitmap: values survive a restart from the append-only log") {
  TempDir dir;
  const std::vector<std::string> aof = {"--appendonly", "yes", "--dir", dir.path()};
  {
    ServerProcess server(aof);
    RawClient c(server.port());
    WriteBitmaps(c);
    CheckBitmaps(c);
  }
  ServerProcess server(aof);
  RawClient c(server.port());
  CheckBitmaps(c);
  // Redis creates g (padded) without logging it; kvd logs it.
  if (TestingKvd()) CHECK(c.Call({"GET", "g"}) == Bulk("\x00\x00\x00"sv));
}

TEST_CASE("bitmap: values survive a snapshot and a restart") {
  TempDir dir;
  const std::vector<std::string> rdb = {"--dir", dir.path()};
  {
    ServerProcess server(rdb);
    RawClient c(server.port());
    WriteBitmaps(c);
    CHECK(c.Call({"SAVE"}) == kOk);
  }
  ServerProcess server(rdb);
  RawClient c(server.port());
  CheckBitmaps(c);
  CHECK(c.Call({"GET", "g"}) == Bulk("\x00\x00\x00"sv));
}

}  // namespace
}  // namespace kvd::e2e
