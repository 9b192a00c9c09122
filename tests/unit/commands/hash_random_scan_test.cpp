// HRANDFIELD and HSCAN.
#include <doctest/doctest.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "unit/commands/harness.h"
#include "unit/commands/key_test_util.h"
#include "unit/commands/resp_reader.h"

namespace kvd::testing {
namespace {

RespValue Parse(const std::string& reply) {
  std::optional<RespValue> v = RespReader::ParseOne(reply);
  REQUIRE(v);
  return *v;
}

// Fills h with fields f0..f<n-1> holding v0..v<n-1>.
void FillHash(Harness& h, std::string_view key, int n) {
  for (int i = 0; i < n; ++i) {
    REQUIRE(h.Run({"HSET", key, KeyName("f", i), KeyName("v", i)}) == Int(1));
  }
}

TEST_CASE("HRANDFIELD without a count returns one field or nil") {
  Harness h;
  CHECK(h.Run({"HRANDFIELD", "nokey"}) == kNil);
  CHECK(h.Run({"HSET", "h", "only", "v"}) == Int(1));
  CHECK(h.Run({"HRANDFIELD", "h"}) == Bulk("only"));
  FillHash(h, "big", 600);
  for (int i = 0; i < 20; ++i) {
    RespValue v = Parse(h.Run({"HRANDFIELD", "big"}));
    CHECK(v.type == '$');
    CHECK(v.str.rfind("f", 0) == 0);
  }
}

TEST_CASE("HRANDFIELD with a positive count returns distinct fields") {
  for (int size : {5, 100, 600}) {  // 600: past hash-max-listpack-entries
    CAPTURE(size);
    Harness h;
    FillHash(h, "h", size);
    for (int count : {1, 2, size / 2, size - 1, size, size + 10}) {
      CAPTURE(count);
      RespValue v = Parse(h.Run({"HRANDFIELD", "h", std::to_string(count)}));
      REQUIRE(v.type == '*');
      const size_t expect = static_cast<size_t>(count < size ? count : size);
      CHECK(v.elems.size() == expect);
      std::set<std::string> distinct;
      for (const RespValue& e : v.elems) distinct.insert(e.str);
      CHECK(distinct.size() == expect);
      CHECK(distinct.begin()->rfind("f", 0) == 0);
    }
  }
}

TEST_CASE("HRANDFIELD with a negative count may repeat fields") {
  Harness h;
  CHECK(h.Run({"HSET", "h", "a", "1", "b", "2"}) == Int(2));
  RespValue v = Parse(h.Run({"HRANDFIELD", "h", "-50"}));
  REQUIRE(v.elems.size() == 50);
  std::set<std::string> distinct;
  for (const RespValue& e : v.elems) distinct.insert(e.str);
  CHECK(distinct.size() <= 2);
  CHECK(distinct.count("a") + distinct.count("b") == distinct.size());
  CHECK(distinct.size() == 2);  // missing one in 50 fair draws has probability 2^-49
}

TEST_CASE("HRANDFIELD WITHVALUES pairs each field with its value") {
  Harness h;
  FillHash(h, "h", 10);
  RespValue flat = Parse(h.Run({"HRANDFIELD", "h", "4", "withvalues"}));
  REQUIRE(flat.elems.size() == 8);
  for (size_t i = 0; i < 8; i += 2) {
    CHECK(flat.elems[i + 1].str == "v" + flat.elems[i].str.substr(1));
  }
  RespValue rep = Parse(h.Run({"HRANDFIELD", "h", "-3", "WITHVALUES"}));
  CHECK(rep.elems.size() == 6);
  CHECK(h.Run({"HSET", "one", "f", "v"}) == Int(1));
  CHECK(h.Run({"HRANDFIELD", "one", "5", "WITHVALUES"}) == "*2\r\n$1\r\nf\r\n$1\r\nv\r\n");

  h.client.resp = 3;  // RESP3: an array of [field, value] arrays
  CHECK(h.Run({"HRANDFIELD", "one", "5", "WITHVALUES"}) == "*1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n");
  CHECK(h.Run({"HRANDFIELD", "one", "-2", "WITHVALUES"}) ==
        "*2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n");
  CHECK(h.Run({"HRANDFIELD", "one", "1"}) == "*1\r\n$1\r\nf\r\n");
}

TEST_CASE("HRANDFIELD count edge cases and errors") {
  Harness h;
  CHECK(h.Run({"HRANDFIELD", "nokey", "3"}) == "*0\r\n");
  CHECK(h.Run({"HRANDFIELD", "nokey", "3", "WITHVALUES"}) == "*0\r\n");
  CHECK(h.Run({"HSET", "h", "a", "1"}) == Int(1));
  CHECK(h.Run({"HRANDFIELD", "h", "0"}) == "*0\r\n");
  CHECK(h.Run({"HRANDFIELD", "h", "0", "WITHVALUES"}) == "*0\r\n");
  CHECK(h.Run({"HRANDFIELD", "h", "x"}) == kNotInt);
  CHECK(h.Run({"HRANDFIELD", "h", "-9223372036854775808"}) ==
        Err("ERR value is out of range, value must between -9223372036854775807 and "
            "9223372036854775807"));
  CHECK(h.Run({"HRANDFIELD", "h", "1", "WITHVALUE"}) == kSyntax);
  CHECK(h.Run({"HRANDFIELD", "h", "1", "WITHVALUES", "x"}) == kSyntax);
  CHECK(h.Run({"HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES"}) ==
        Err("ERR value is out of range"));
  CHECK(h.Run({"HRANDFIELD", "h", "4611686018427387904", "WITHVALUES"}) ==
        Err("ERR value is out of range"));
  // The count is checked before the key's type, as in Redis.
  CHECK(h.Run({"SET", "s", "v"}) == kOk);
  CHECK(h.Run({"HRANDFIELD", "s", "x"}) == kNotInt);
}

// Runs HSCAN to the end; returns field -> value and how many times fields came back.
std::map<std::string, std::string> HScanAll(Harness& h, std::vector<std::string> extra,
                                            size_t* returned = nullptr) {
  std::map<std::string, std::string> all;
  std::string cursor = "0";
  size_t calls = 0, total = 0;
  do {
    std::vector<std::string_view> args = {"HSCAN", "h", cursor};
    for (const std::string& e : extra) args.push_back(e);
    RespValue v = Parse(h.Run(args));
    REQUIRE(v.type == '*');
    REQUIRE(v.elems.size() == 2);
    cursor = v.elems[0].str;
    REQUIRE(v.elems[1].elems.size() % 2 == 0);
    for (size_t i = 0; i < v.elems[1].elems.size(); i += 2) {
      all[v.elems[1].elems[i].str] = v.elems[1].elems[i + 1].str;
      ++total;
    }
    REQUIRE(++calls < 100000);
  } while (cursor != "0");
  if (returned) *returned = total;
  return all;
}

TEST_CASE("HSCAN returns a small hash whole with cursor 0") {
  Harness h;
  CHECK(h.Run({"HSCAN", "nokey", "0"}) == "*2\r\n$1\r\n0\r\n*0\r\n");
  CHECK(h.Run({"HSET", "h", "a", "1", "b", "2"}) == Int(2));
  CHECK(h.Run({"HSCAN", "h", "0"}) ==
        "*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n");
  CHECK(h.Run({"HSCAN", "h", "0", "MATCH", "b*"}) == "*2\r\n$1\r\n0\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n");
  CHECK(h.Run({"HSCAN", "h", "0", "COUNT", "1"}) ==
        "*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n");
}

TEST_CASE("HSCAN walks a large hash in steps and visits every field") {
  Harness h;
  FillHash(h, "h", 600);  // past hash-max-listpack-entries: a table, scanned in steps
  size_t returned = 0;
  std::map<std::string, std::string> all = HScanAll(h, {}, &returned);
  CHECK(all.size() == 600);
  CHECK(all["f123"] == "v123");
  CHECK(returned == 600);  // no table change during the iteration: no repeats
  // A first page holds about COUNT strings (fields and values together), not the whole hash.
  RespValue page = Parse(h.Run({"HSCAN", "h", "0", "COUNT", "10"}));
  CHECK(page.elems[0].str != "0");
  CHECK(page.elems[1].elems.size() >= 10);
  CHECK(page.elems[1].elems.size() < 100);

  std::map<std::string, std::string> matched = HScanAll(h, {"MATCH", "f1?", "COUNT", "7"});
  CHECK(matched.size() == 10);
  CHECK(matched.begin()->first == "f10");
}

TEST_CASE("HSCAN errors: cursor, COUNT, unknown options") {
  Harness h;
  CHECK(h.Run({"HSET", "h", "a", "1"}) == Int(1));
  CHECK(h.Run({"HSCAN", "h", "abc"}) == Err("ERR invalid cursor"));
  CHECK(h.Run({"HSCAN", "h", "0", "COUNT", "0"}) == kSyntax);
  CHECK(h.Run({"HSCAN", "h", "0", "COUNT", "x"}) == kNotInt);
  CHECK(h.Run({"HSCAN", "h", "0", "MATCH"}) == kSyntax);
  CHECK(h.Run({"HSCAN", "h", "0", "TYPE", "string"}) == kSyntax);
  // Options are parsed after the key lookup: a missing key answers an empty page.
  CHECK(h.Run({"HSCAN", "nokey", "0", "COUNT", "x"}) == "*2\r\n$1\r\n0\r\n*0\r\n");
  CHECK(h.Run({"HSCAN", "nokey", "x"}) == Err("ERR invalid cursor"));
}

}  // namespace
}  // namespace kvd::testing
