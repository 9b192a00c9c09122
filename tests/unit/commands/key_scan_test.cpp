// SCAN: full iterations (also while the table grows or shrinks), MATCH, COUNT, TYPE,
// expired keys, errors.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "unit/commands/harness.h"
#include "unit/commands/key_test_util.h"

namespace kvd::testing {
namespace {

void AddKeys(Harness& h, std::string_view prefix, int from, int to, std::set<std::string>* out) {
  for (int i = from; i < to; ++i) {
    std::string k = KeyName(prefix, i);
    REQUIRE(h.Run({"SET", k, "v"}) == kOk);
    if (out) out->insert(k);
  }
}

std::set<std::string> AsSet(const std::vector<std::string>& keys) {
  return {keys.begin(), keys.end()};
}

TEST_CASE("SCAN on an empty database ends at once") {
  Harness h;
  CHECK(h.Run({"SCAN", "0"}) == "*2\r\n$1\r\n0\r\n*0\r\n");
}

TEST_CASE("a full SCAN returns every key exactly once") {
  Harness h;
  std::set<std::string> keys;
  AddKeys(h, "key:", 0, 1000, &keys);
  for (const char* count : {"1", "10", "100", "5000"}) {
    CAPTURE(count);
    std::vector<std::string> got = ScanAll(h, {"COUNT", count});
    CHECK(got.size() == keys.size());  // no repeats while the table stays the same
    CHECK(AsSet(got) == keys);
  }
  CHECK(AsSet(ScanAll(h)) == keys);  // default COUNT
}

TEST_CASE("SCAN returns every key present throughout, while the table grows") {
  Harness h;
  std::set<std::string> stable;
  AddKeys(h, "stable:", 0, 300, &stable);
  int next = 0;
  std::vector<std::string> got = ScanAll(h, {}, [&] {
    AddKeys(h, "new:", next, next + 50, nullptr);  // forces several rehashes
    next += 50;
  });
  std::set<std::string> seen = AsSet(got);
  for (const std::string& k : stable) {
    CAPTURE(k);
    CHECK(seen.count(k) == 1);
  }
}

TEST_CASE("SCAN returns every key present throughout, while the table shrinks") {
  Harness h;
  std::set<std::string> stable;
  AddKeys(h, "stable:", 0, 50, &stable);
  AddKeys(h, "doomed:", 0, 3000, nullptr);
  int next = 0;
  std::vector<std::string> got = ScanAll(h, {"COUNT", "20"}, [&] {
    for (int i = 0; i < 200 && next < 3000; ++i, ++next) {
      std::string k = KeyName("doomed:", next);
      h.Run({"DEL", k});
    }
  });
  std::set<std::string> seen = AsSet(got);
  for (const std::string& k : stable) {
    CAPTURE(k);
    CHECK(seen.count(k) == 1);
  }
}

TEST_CASE("SCAN MATCH filters by glob pattern") {
  Harness h;
  std::set<std::string> users;
  AddKeys(h, "user:", 0, 100, &users);
  AddKeys(h, "other:", 0, 100, nullptr);
  CHECK(AsSet(ScanAll(h, {"MATCH", "user:*"})) == users);
  CHECK(AsSet(ScanAll(h, {"match", "user:1?", "COUNT", "1000"})) ==
        std::set<std::string>{"user:10", "user:11", "user:12", "user:13", "user:14", "user:15",
                              "user:16", "user:17", "user:18", "user:19"});
  CHECK(ScanAll(h, {"MATCH", "nothing*"}).empty());
  CHECK(ScanAll(h, {"MATCH", "*"}).size() == 200);
}

TEST_CASE("SCAN TYPE filters by type name, case-insensitively") {
  Harness h;
  std::set<std::string> keys;
  AddKeys(h, "k", 0, 50, &keys);
  CHECK(AsSet(ScanAll(h, {"TYPE", "string"})) == keys);
  CHECK(AsSet(ScanAll(h, {"type", "STRING", "MATCH", "k*"})) == keys);
  CHECK(ScanAll(h, {"TYPE", "hash"}).empty());
  CHECK(ScanAll(h, {"TYPE", "nosuchtype"}).empty());
}

TEST_CASE("SCAN COUNT bounds the work of one call") {
  Harness h;
  AddKeys(h, "key:", 0, 1000, nullptr);
  ScanPage small = ParseScan(h.Run({"SCAN", "0", "COUNT", "1"}));
  CHECK(small.cursor != "0");
  CHECK(small.keys.size() < 20);
  ScanPage page = ParseScan(h.Run({"SCAN", "0"}));
  CHECK(page.cursor != "0");
  CHECK(page.keys.size() >= 10);
  CHECK(page.keys.size() < 100);
  // A COUNT larger than the table takes everything in one call.
  ScanPage all = ParseScan(h.Run({"SCAN", "0", "COUNT", "100000"}));
  CHECK(all.cursor == "0");
  CHECK(all.keys.size() == 1000);
}

TEST_CASE("SCAN never returns an expired key") {
  Harness h;
  std::set<std::string> persistent;
  AddKeys(h, "keep:", 0, 100, &persistent);
  for (int i = 0; i < 100; ++i) {
    std::string k = KeyName("gone:", i);
    REQUIRE(h.Run({"SET", k, "v", "PX", "10"}) == kOk);
  }
  CHECK(ScanAll(h).size() == 200);
  h.clock.Advance(11);
  CHECK(AsSet(ScanAll(h)) == persistent);
  CHECK(ScanAll(h, {"COUNT", "3"}).size() == 100);
}

TEST_CASE("SCAN cursor and option errors") {
  Harness h;
  AddKeys(h, "k", 0, 5, nullptr);
  const std::string invalid = "-ERR invalid cursor\r\n";
  CHECK(h.Run({"SCAN", "abc"}) == invalid);
  CHECK(h.Run({"SCAN", " 1"}) == invalid);
  CHECK(h.Run({"SCAN", "1x"}) == invalid);
  CHECK(h.Run({"SCAN", "18446744073709551616"}) == invalid);
  // Redis 7.2 parses the cursor with strtoul: these are accepted.
  CHECK(ParseScan(h.Run({"SCAN", "18446744073709551615"})).cursor == "0");
  CHECK(ParseScan(h.Run({"SCAN", "+0"})).keys.size() == 5);
  CHECK(ParseScan(h.Run({"SCAN", ""})).keys.size() == 5);
  CHECK(h.Run({"SCAN", "0", "COUNT", "0"}) == kSyntax);
  CHECK(h.Run({"SCAN", "0", "COUNT", "-1"}) == kSyntax);
  CHECK(h.Run({"SCAN", "0", "COUNT", "abc"}) == kNotInt);
  CHECK(h.Run({"SCAN", "0", "COUNT"}) == kSyntax);
  CHECK(h.Run({"SCAN", "0", "MATCH"}) == kSyntax);
  CHECK(h.Run({"SCAN", "0", "TYPE"}) == kSyntax);
  CHECK(h.Run({"SCAN", "0", "FOO", "bar"}) == kSyntax);
  CHECK(h.Run({"SCAN"}) == "-ERR wrong number of arguments for 'scan' command\r\n");
}

TEST_CASE("SCAN TYPE counts a keyspace hit per key it type-checks, as Redis") {
  Harness h;
  AddKeys(h, "k", 0, 3, nullptr);
  AddKeys(h, "x", 0, 2, nullptr);
  h.Run({"SCAN", "0", "COUNT", "100"});
  CHECK(h.server.stats.keyspace_hits == 0);
  h.Run({"SCAN", "0", "COUNT", "100", "MATCH", "k*", "TYPE", "string"});
  CHECK(h.server.stats.keyspace_hits == 3);
}

}  // namespace
}  // namespace kvd::testing
