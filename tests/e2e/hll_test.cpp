// HyperLogLog commands over TCP: replies and errors byte for byte, values written by the real
// redis-server (fixtures/redis7_hll.txt) counting the same, and HLL values surviving a
// snapshot and the append-only log unchanged. The expectations are Redis's: run with
// KVD_E2E_SERVER=/usr/bin/redis-server to check them.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "e2e/harness.h"
#include "e2e/types_test_util.h"
#include "unit/core/hll_fixture.h"

namespace kvd::e2e {
namespace {

using testing::HllFixture;

const std::string kNotHll = Err("WRONGTYPE Key is not a valid HyperLogLog string value.");
const std::string kCorrupt = Err("INVALIDOBJ Corrupted HLL object detected");

const HllFixture& Fixture() {
  static const HllFixture f = testing::LoadHllFixture(std::string(KVD_SOURCE_DIR) +
                                                      "/tests/unit/core/fixtures/redis7_hll.txt");
  return f;
}

std::string Get(RawClient& c, const std::string& key) {
  const Reply r = c.Exec({"GET", key});
  REQUIRE(r.type == '$');
  return r.str;
}

TEST_CASE("hyperloglog: PFADD, PFCOUNT, PFMERGE, PFDEBUG and their errors") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"PFADD", "h", "a", "b", "c"}) == Int(1));
  CHECK(c.Call({"PFADD", "h", "a"}) == Int(0));
  CHECK(c.Call({"PFADD", "empty"}) == Int(1));
  CHECK(c.Call({"PFCOUNT", "h"}) == Int(3));
  CHECK(c.Call({"PFCOUNT", "missing"}) == Int(0));
  CHECK(c.Call({"PFADD", "h2", "c", "d"}) == Int(1));
  CHECK(c.Call({"PFCOUNT", "h", "h2", "missing"}) == Int(4));
  CHECK(c.Call({"PFMERGE", "u", "h", "h2"}) == kOk);
  CHECK(c.Call({"PFCOUNT", "u"}) == Int(4));
  CHECK(c.Call({"PFMERGE", "only"}) == kOk);
  CHECK(c.Call({"GET", "only"}) ==
        Bulk(std::string("HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80\x7f\xff", 18)));
  CHECK(c.Call({"PFDEBUG", "ENCODING", "u"}) == "+sparse\r\n");
  CHECK(c.Call({"PFDEBUG", "TODENSE", "u"}) == Int(1));
  CHECK(c.Call({"PFDEBUG", "ENCODING", "u"}) == "+dense\r\n");
  CHECK(c.Call({"PFCOUNT", "u"}) == Int(4));
  CHECK(c.Call({"PFADD", "u", "e"}) == Int(1));
  CHECK(c.Call({"PFCOUNT", "u"}) == Int(5));
  CHECK(c.Call({"PFDEBUG", "DECODE", "u"}) == Err("ERR HLL encoding is not sparse"));
  CHECK(c.Call({"PFDEBUG", "GETREG", "missing"}) == Err("ERR The specified key does not exist"));
  CHECK(c.Call({"PFDEBUG", "what", "u"}) == Err("ERR Unknown PFDEBUG subcommand 'what'"));
  CHECK(c.Call({"PFDEBUG", "GETREG"}) == ArityErr("pfdebug"));
  CHECK(c.Call({"PFADD"}) == ArityErr("pfadd"));
  CHECK(c.Call({"PFCOUNT"}) == ArityErr("pfcount"));
  CHECK(c.Call({"PFMERGE"}) == ArityErr("pfmerge"));
  CHECK(c.Call({"SET", "s", "not an hll at all"}) == kOk);
  CHECK(c.Call({"PFADD", "s", "a"}) == kNotHll);
  CHECK(c.Call({"PFCOUNT", "h", "s"}) == kNotHll);
  CHECK(c.Call({"RPUSH", "l", "a"}) == Int(1));
  CHECK(c.Call({"PFMERGE", "l", "h"}) == kWrongType);
  CHECK(c.Call({"SET", "bad", std::string("HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80\x7f\xfe", 18)}) == kOk);
  CHECK(c.Call({"PFCOUNT", "bad"}) == kCorrupt);
  CHECK(c.Call({"PFMERGE", "u", "bad"}) == kCorrupt);
  const Reply regs = c.Exec({"PFDEBUG", "GETREG", "h"});
  CHECK(regs.elements.size() == 16384);
  CHECK(c.Call({"PFDEBUG", "ENCODING", "h"}) == "+dense\r\n");
}

TEST_CASE("hyperloglog: values written by redis-server count the same and take more elements") {
  ServerProcess server;
  RawClient c(server.port());
  const HllFixture& f = Fixture();
  for (const char* key : {"small", "big", "dense", "mergeddense"}) {
    CAPTURE(key);
    CHECK(c.Call({"SET", key, f.values.at(key).front()}) == kOk);
    CHECK(c.Call({"PFCOUNT", key}) == Int(f.counts.at(key)));
  }
  CHECK(c.Call({"PFCOUNT", "small", "big", "dense", "missing"}) ==
        Int(f.counts.at("small big dense missing")));
  // PFCOUNT stored the count as Redis does.
  CHECK(Get(c, "small") == f.Value("small", 1));
  CHECK(Get(c, "dense") == f.Value("dense", 1));
  CHECK(c.Call({"PFMERGE", "merged", "small", "big"}) == kOk);
  CHECK(Get(c, "merged") == f.Value("merged"));
  CHECK(c.Call({"PFDEBUG", "DECODE", "big"}) == Bulk(f.decoded.at("big")));
  // Redis's dense value keeps growing here.
  CHECK(c.Exec(With({"PFADD", "dense"}, Numbered("more", 500))).integer == 1);
  const int64_t grown = c.Exec({"PFCOUNT", "dense"}).integer;
  CHECK(grown > f.counts.at("dense") + 400);
  CHECK(grown < f.counts.at("dense") + 600);
}

TEST_CASE("hyperloglog: a snapshot keeps the values byte for byte") {
  TempDir dir;
  std::vector<std::pair<std::string, std::string>> before;
  std::string count;
  {
    ServerProcess server({"--dir", dir.path()});
    RawClient c(server.port());
    CHECK(c.Exec(With({"PFADD", "sparse"}, Numbered("s", 50))).integer == 1);
    CHECK(c.Exec(With({"PFADD", "dense"}, Numbered("d", 5000))).integer == 1);
    CHECK(c.Call({"PFCOUNT", "dense"}).starts_with(":"));
    CHECK(c.Call({"PFMERGE", "merged", "sparse", "dense"}) == kOk);
    CHECK(c.Call({"PEXPIRE", "merged", "100000000"}) == Int(1));
    count = c.Call({"PFCOUNT", "sparse"});
    for (const char* key : {"sparse", "dense", "merged"}) before.emplace_back(key, Get(c, key));
    CHECK(c.Call({"SAVE"}) == kOk);
  }
  ServerProcess server({"--dir", dir.path()});
  RawClient c(server.port());
  for (const auto& entry : before) {
    CAPTURE(entry.first);
    CHECK(Get(c, entry.first) == entry.second);
  }
  CHECK(c.Exec({"PTTL", "merged"}).integer > 0);
  CHECK(c.Call({"PFCOUNT", "sparse"}) == count);
}

TEST_CASE("hyperloglog: the append-only log replays to the same bytes") {
  TempDir dir;
  const std::vector<std::string> args = {"--appendonly", "yes", "--dir", dir.path()};
  std::vector<std::pair<std::string, std::string>> before;
  {
    ServerProcess server(args);
    RawClient c(server.port());
    CHECK(c.Exec(With({"PFADD", "a"}, Numbered("a", 30))).integer == 1);
    CHECK(c.Call({"PFCOUNT", "a"}).starts_with(":"));  // logged: it stores the count
    for (int i = 0; i < 3000; i += 500) {
      CHECK(c.Exec(With({"PFADD", "b"}, Numbered("b" + std::to_string(i), 500))).integer == 1);
    }
    CHECK(c.Call({"PFDEBUG", "ENCODING", "b"}) == "+dense\r\n");
    CHECK(c.Call({"PFCOUNT", "b"}).starts_with(":"));
    CHECK(c.Call({"PFMERGE", "m", "a", "b"}) == kOk);
    CHECK(c.Call({"PFADD", "c", "x", "y"}) == Int(1));
    CHECK(c.Call({"PFDEBUG", "TODENSE", "c"}) == Int(1));
    for (const char* key : {"a", "b", "m", "c"}) before.emplace_back(key, Get(c, key));
  }
  ServerProcess server(args);
  RawClient c(server.port());
  for (const auto& entry : before) {
    CAPTURE(entry.first);
    CHECK(Get(c, entry.first) == entry.second);
  }
}

TEST_CASE("hyperloglog: redis-cli") {
  ServerProcess server;
  CHECK(RunCli(server.port(), {"PFADD", "k", "a", "b"}).out == "1\n");
  CHECK(RunCli(server.port(), {"PFCOUNT", "k"}).out == "2\n");
}

}  // namespace
}  // namespace kvd::e2e
