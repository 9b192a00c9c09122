// LCS: the subsequence, LEN, IDX with MINMATCHLEN and WITHMATCHLEN, in RESP2 and RESP3, and
// Redis's errors (replies taken from redis-server 7.0).
#include <doctest/doctest.h>

#include <string>

#include "unit/commands/harness.h"
#include "unit/commands/key_test_util.h"

namespace kvd::testing {
namespace {

std::string Range(int from, int to) { return "*2\r\n" + Int(from) + Int(to); }

TEST_CASE("LCS finds Redis's subsequence and its length") {
  Harness h;
  CHECK(h.Run({"MSET", "key1", "ohmytext", "key2", "mynewtext"}) == kOk);
  CHECK(h.Run({"LCS", "key1", "key2"}) == Bulk("mytext"));
  CHECK(h.Run({"LCS", "key1", "key2", "LEN"}) == Int(6));
  CHECK(h.Run({"LCS", "key2", "key1", "len"}) == Int(6));
  // Missing keys are empty strings.
  CHECK(h.Run({"LCS", "key1", "nokey"}) == kEmpty);
  CHECK(h.Run({"LCS", "nokey", "nokey", "LEN"}) == Int(0));
  CHECK(h.Run({"MSET", "a", "GTAB", "b", "AGTB"}) == kOk);
  // Of the two subsequences of length 3 (GTB, ATB... ), Redis's walk picks GTB.
  CHECK(h.Run({"LCS", "a", "b"}) == Bulk("GTB"));
}

TEST_CASE("LCS IDX gives the matching ranges from the end, filtered by MINMATCHLEN") {
  Harness h;
  CHECK(h.Run({"MSET", "key1", "ohmytext", "key2", "mynewtext"}) == kOk);
  const std::string all = "*4\r\n" + Bulk("matches") + "*2\r\n" + "*2\r\n" + Range(4, 7) +
                          Range(5, 8) + "*2\r\n" + Range(2, 3) + Range(0, 1) + Bulk("len") +
                          Int(6);
  CHECK(h.Run({"LCS", "key1", "key2", "IDX"}) == all);
  CHECK(h.Run({"LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"}) ==
        "*4\r\n" + Bulk("matches") + "*1\r\n" + "*3\r\n" + Range(4, 7) + Range(5, 8) + Int(4) +
            Bulk("len") + Int(6));
  // A negative MINMATCHLEN is 0.
  CHECK(h.Run({"LCS", "key1", "key2", "IDX", "MINMATCHLEN", "-5"}) == all);
  CHECK(h.Run({"HELLO", "3"}).starts_with("%"));
  CHECK(h.Run({"LCS", "key1", "key2", "IDX", "MINMATCHLEN", "3"}) ==
        "%2\r\n" + Bulk("matches") + "*1\r\n" + "*2\r\n" + Range(4, 7) + Range(5, 8) +
            Bulk("len") + Int(6));
}

TEST_CASE("LCS refuses other types, unknown options and LEN with IDX") {
  Harness h;
  CHECK(h.Run({"SET", "s", "abc"}) == kOk);
  CHECK(h.Run({"RPUSH", "l", "a"}) == Int(1));
  CHECK(h.Run({"LCS", "s", "l"}) == Err("ERR The specified keys must contain string values"));
  CHECK(h.Run({"LCS", "l", "missing"}) ==
        Err("ERR The specified keys must contain string values"));
  CHECK(h.Run({"LCS", "s", "s", "IDX", "LEN"}) ==
        Err("ERR If you want both the length and indexes, please just use IDX."));
  CHECK(h.Run({"LCS", "s", "s", "MINMATCHLEN"}) == kSyntax);
  CHECK(h.Run({"LCS", "s", "s", "MINMATCHLEN", "x"}) == kNotInt);
  CHECK(h.Run({"LCS", "s", "s", "foo"}) == kSyntax);
  CHECK(h.Run({"LCS", "s"}) == Err("ERR wrong number of arguments for 'lcs' command"));
}

TEST_CASE("LCS's table is bounded by proto-max-bulk-len") {
  Harness h;
  CHECK(h.Run({"CONFIG", "SET", "proto-max-bulk-len", "1mb"}) == kOk);
  CHECK(h.Run({"SET", "a", std::string(600, 'a')}) == kOk);
  CHECK(h.Run({"SET", "b", std::string(600, 'a')}) == kOk);
  CHECK(h.Run({"LCS", "a", "b", "LEN"}) ==
        Err("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len"));
  CHECK(h.Run({"SET", "b", std::string(400, 'a')}) == kOk);
  CHECK(h.Run({"LCS", "a", "b", "LEN"}) == Int(400));
}

}  // namespace
}  // namespace kvd::testing
