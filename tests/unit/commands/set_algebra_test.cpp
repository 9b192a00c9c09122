// SINTER, SINTERCARD, SINTERSTORE, SUNION, SUNIONSTORE, SDIFF, SDIFFSTORE, including a
// randomized comparison against std::set.
#include <doctest/doctest.h>

#include <algorithm>
#include <iterator>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "unit/commands/harness.h"
#include "unit/commands/key_test_util.h"

namespace kvd::testing {
namespace {

const std::string kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

std::vector<std::string> Sorted(std::initializer_list<std::string> v) { return v; }

TEST_CASE("SINTER, SUNION and SDIFF of small sets") {
  Harness h;
  CHECK(h.Run({"SADD", "a", "1", "2", "3", "x"}) == Int(4));
  CHECK(h.Run({"SADD", "b", "2", "3", "4"}) == Int(3));
  CHECK(h.Run({"SADD", "c", "3", "x", "9"}) == Int(3));
  CHECK(SortedStrings(h.Run({"SINTER", "a", "b"})) == Sorted({"2", "3"}));
  CHECK(SortedStrings(h.Run({"SINTER", "a", "b", "c"})) == Sorted({"3"}));
  CHECK(SortedStrings(h.Run({"SINTER", "a"})) == Sorted({"1", "2", "3", "x"}));
  CHECK(SortedStrings(h.Run({"SUNION", "a", "b"})) == Sorted({"1", "2", "3", "4", "x"}));
  CHECK(SortedStrings(h.Run({"SDIFF", "a", "b"})) == Sorted({"1", "x"}));
  CHECK(SortedStrings(h.Run({"SDIFF", "a", "b", "c"})) == Sorted({"1"}));
  CHECK(h.Run({"SDIFF", "a", "a"}) == "*0\r\n");
  // An all-integer result is an intset: sorted.
  CHECK(h.Run({"SUNION", "b", "nokey"}) == "*3\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n");
}

TEST_CASE("missing keys are empty sets") {
  Harness h;
  CHECK(h.Run({"SADD", "a", "1", "2"}) == Int(2));
  CHECK(h.Run({"SINTER", "a", "nokey"}) == "*0\r\n");
  CHECK(h.Run({"SINTER", "nokey"}) == "*0\r\n");
  CHECK(h.Run({"SUNION", "nokey", "nokey2"}) == "*0\r\n");
  CHECK(h.Run({"SDIFF", "nokey", "a"}) == "*0\r\n");
  CHECK(SortedStrings(h.Run({"SDIFF", "a", "nokey"})) == Sorted({"1", "2"}));
  h.client.resp = 3;
  CHECK(h.Run({"SINTER", "a", "nokey"}) == "~0\r\n");
  CHECK(h.Run({"SUNION", "a"}) == "~2\r\n$1\r\n1\r\n$1\r\n2\r\n");
  CHECK(h.Run({"SDIFF", "nokey"}) == "~0\r\n");
}

TEST_CASE("every key's type is checked, even after a missing key") {
  Harness h;
  CHECK(h.Run({"SET", "str", "v"}) == kOk);
  CHECK(h.Run({"SADD", "a", "1"}) == Int(1));
  CHECK(h.Run({"SINTER", "nokey", "str"}) == kWrongType);
  CHECK(h.Run({"SUNION", "a", "str"}) == kWrongType);
  CHECK(h.Run({"SDIFF", "nokey", "str"}) == kWrongType);
  CHECK(h.Run({"SINTERCARD", "2", "nokey", "str"}) == kWrongType);
  CHECK(h.Run({"SINTERSTORE", "d", "a", "str"}) == kWrongType);
  CHECK(h.Run({"SUNIONSTORE", "d", "a", "str"}) == kWrongType);
  CHECK(h.Run({"SDIFFSTORE", "d", "a", "str"}) == kWrongType);
  CHECK(h.Run({"EXISTS", "d"}) == Int(0));
}

TEST_CASE("the *STORE commands replace the destination and drop its TTL") {
  Harness h;
  CHECK(h.Run({"SADD", "a", "1", "2", "3"}) == Int(3));
  CHECK(h.Run({"SADD", "b", "2", "3", "4"}) == Int(3));
  CHECK(h.Run({"SET", "d", "string", "EX", "100"}) == kOk);
  CHECK(h.Run({"SINTERSTORE", "d", "a", "b"}) == Int(2));
  CHECK(h.Run({"TYPE", "d"}) == "+set\r\n");
  CHECK(h.Run({"TTL", "d"}) == Int(-1));
  CHECK(h.Run({"SMEMBERS", "d"}) == "*2\r\n$1\r\n2\r\n$1\r\n3\r\n");
  CHECK(h.Run({"SUNIONSTORE", "d", "a", "b"}) == Int(4));
  CHECK(h.Run({"SCARD", "d"}) == Int(4));
  CHECK(h.Run({"SDIFFSTORE", "d", "a", "b"}) == Int(1));
  CHECK(h.Run({"SMEMBERS", "d"}) == "*1\r\n$1\r\n1\r\n");
  // The destination may be a source.
  CHECK(h.Run({"SUNIONSTORE", "a", "a", "b"}) == Int(4));
  CHECK(h.Run({"SMEMBERS", "a"}) == "*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n");
  // An empty result deletes the destination.
  CHECK(h.Run({"SINTERSTORE", "d", "a", "nokey"}) == Int(0));
  CHECK(h.Run({"EXISTS", "d"}) == Int(0));
  CHECK(h.Run({"SET", "d", "v"}) == kOk);
  CHECK(h.Run({"SDIFFSTORE", "d", "b", "a"}) == Int(0));
  CHECK(h.Run({"EXISTS", "d"}) == Int(0));
  CHECK(h.Run({"SET", "d", "v"}) == kOk);
  CHECK(h.Run({"SUNIONSTORE", "d", "nokey"}) == Int(0));
  CHECK(h.Run({"EXISTS", "d"}) == Int(0));
  // An empty key name is a key like any other.
  CHECK(h.Run({"SUNIONSTORE", "", "b"}) == Int(3));
  CHECK(h.Run({"SCARD", ""}) == Int(3));
}

TEST_CASE("SINTERCARD counts the intersection, up to LIMIT") {
  Harness h;
  for (int i = 0; i < 200; ++i) {
    REQUIRE(h.Run({"SADD", "a", KeyName("m", i)}) == Int(1));
    if (i % 2 == 0) REQUIRE(h.Run({"SADD", "b", KeyName("m", i)}) == Int(1));
  }
  CHECK(h.Run({"SINTERCARD", "2", "a", "b"}) == Int(100));
  CHECK(h.Run({"SINTERCARD", "1", "a"}) == Int(200));
  CHECK(h.Run({"SINTERCARD", "2", "a", "b", "LIMIT", "7"}) == Int(7));
  CHECK(h.Run({"SINTERCARD", "2", "a", "b", "limit", "0"}) == Int(100));
  CHECK(h.Run({"SINTERCARD", "2", "a", "b", "LIMIT", "500"}) == Int(100));
  CHECK(h.Run({"SINTERCARD", "2", "a", "nokey"}) == Int(0));
}

TEST_CASE("SINTERCARD argument errors") {
  Harness h;
  CHECK(h.Run({"SADD", "s", "1"}) == Int(1));
  CHECK(h.Run({"SINTERCARD", "0", "s"}) == Err("ERR numkeys should be greater than 0"));
  CHECK(h.Run({"SINTERCARD", "x", "s"}) == Err("ERR numkeys should be greater than 0"));
  CHECK(h.Run({"SINTERCARD", "-1", "s"}) == Err("ERR numkeys should be greater than 0"));
  CHECK(h.Run({"SINTERCARD", "2", "s"}) ==
        Err("ERR Number of keys can't be greater than number of args"));
  CHECK(h.Run({"SINTERCARD", "1", "s", "LIMIT", "-1"}) == Err("ERR LIMIT can't be negative"));
  CHECK(h.Run({"SINTERCARD", "1", "s", "LIMIT", "x"}) == Err("ERR LIMIT can't be negative"));
  CHECK(h.Run({"SINTERCARD", "1", "s", "LIMIT"}) == kSyntax);
  CHECK(h.Run({"SINTERCARD", "1", "s", "FOO", "2"}) == kSyntax);
  CHECK(h.Run({"SINTERCARD", "1"}) ==
        Err("ERR wrong number of arguments for 'sintercard' command"));
}

// Random sets of integers and words, compared with std::set algebra; the sets span every
// encoding (small intsets, listpacks, large hashtables).
TEST_CASE("set algebra matches a reference model") {
  Harness h;
  std::mt19937 rng(12345);
  for (int round = 0; round < 30; ++round) {
    CAPTURE(round);
    std::vector<std::set<std::string>> model(3);
    const char* keys[] = {"k0", "k1", "k2"};
    for (int k = 0; k < 3; ++k) {
      h.Run({"DEL", keys[k]});
      const int n = static_cast<int>(rng() % (round % 3 == 0 ? 400 : 40));
      const bool words = rng() % 2 == 0;
      for (int i = 0; i < n; ++i) {
        std::string m = std::to_string(rng() % 300);
        if (words) m = "w" + m;
        model[k].insert(m);
        h.Run({"SADD", keys[k], m});
      }
    }
    std::set<std::string> inter, uni, diff;
    std::set_intersection(model[0].begin(), model[0].end(), model[1].begin(), model[1].end(),
                          std::inserter(inter, inter.end()));
    std::set_union(model[0].begin(), model[0].end(), model[1].begin(), model[1].end(),
                   std::inserter(uni, uni.end()));
    std::set_difference(model[0].begin(), model[0].end(), model[1].begin(), model[1].end(),
                        std::inserter(diff, diff.end()));
    auto as_vector = [](const std::set<std::string>& s) {
      return std::vector<std::string>(s.begin(), s.end());
    };
    CHECK(SortedStrings(h.Run({"SINTER", "k0", "k1"})) == as_vector(inter));
    CHECK(SortedStrings(h.Run({"SUNION", "k0", "k1"})) == as_vector(uni));
    CHECK(SortedStrings(h.Run({"SDIFF", "k0", "k1"})) == as_vector(diff));
    CHECK(h.Run({"SINTERCARD", "2", "k0", "k1"}) == Int(static_cast<int64_t>(inter.size())));
    CHECK(h.Run({"SDIFFSTORE", "d", "k0", "k1"}) == Int(static_cast<int64_t>(diff.size())));
    if (!diff.empty()) CHECK(SortedStrings(h.Run({"SMEMBERS", "d"})) == as_vector(diff));

    std::set<std::string> inter3, diff3;
    std::set_intersection(inter.begin(), inter.end(), model[2].begin(), model[2].end(),
                          std::inserter(inter3, inter3.end()));
    std::set_difference(diff.begin(), diff.end(), model[2].begin(), model[2].end(),
                        std::inserter(diff3, diff3.end()));
    CHECK(SortedStrings(h.Run({"SINTER", "k0", "k1", "k2"})) == as_vector(inter3));
    CHECK(SortedStrings(h.Run({"SDIFF", "k0", "k1", "k2"})) == as_vector(diff3));
    CHECK(h.Run({"SINTERSTORE", "d", "k2", "k1", "k0"}) ==
          Int(static_cast<int64_t>(inter3.size())));
  }
}

}  // namespace
}  // namespace kvd::testing
