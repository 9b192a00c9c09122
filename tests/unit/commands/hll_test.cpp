// PFADD, PFCOUNT, PFMERGE, PFDEBUG, PFSELFTEST: replies, errors and stored bytes as Redis
// 7.0 (the fixture replays what redis-server answered), events, TTLs, the log.
#include <doctest/doctest.h>

#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/hyperloglog.h"
#include "unit/commands/harness.h"
#include "unit/commands/pubsub_test_util.h"
#include "unit/commands/resp_reader.h"
#include "unit/core/hll_fixture.h"

namespace kvd::testing {
namespace {

using namespace std::string_view_literals;

constexpr std::string_view kNotHll = "-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n";
constexpr std::string_view kCorrupt = "-INVALIDOBJ Corrupted HLL object detected\r\n";
constexpr std::string_view kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

const HllFixture& Fixture() {
  static const HllFixture f =
      LoadHllFixture(std::string(KVD_SOURCE_DIR) + "/tests/unit/core/fixtures/redis7_hll.txt");
  return f;
}

std::string Bulk(std::string_view s) {
  return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}

std::string Int(int64_t n) { return ":" + std::to_string(n) + "\r\n"; }

// Runs a command whose arguments are a fixed head plus generated elements.
std::string RunWith(Harness& h, std::vector<std::string_view> head,
                    const std::vector<std::string>& tail = {}) {
  for (const std::string& s : tail) head.push_back(s);
  return h.Run(head);
}

std::string Get(Harness& h, std::string_view key) {
  std::optional<RespValue> v = RespReader::ParseOne(h.Run({"GET", key}));
  REQUIRE(v);
  return v->str;
}

// An HLL value of 16 header bytes plus a sparse code, cache stale.
std::string SparseValue(std::string_view code) {
  return std::string("HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80"sv) + std::string(code);
}

// Subscribed to every keyevent channel: "<event> <key>" each.
struct EventLog {
  explicit EventLog(Harness& h) : peer(h) {
    REQUIRE(h.Run({"CONFIG", "SET", "notify-keyspace-events", "KEA"}) == "+OK\r\n");
    peer.Run({"PSUBSCRIBE", "__keyevent@*__:*"});
    peer.Take();
  }
  std::vector<std::string> Take() {
    std::vector<std::string> events;
    for (const auto& f : Frames(peer.Take())) {
      const std::string& channel = f[2];
      events.push_back(channel.substr(channel.find("__:") + 3) + " " + f[3]);
    }
    return events;
  }
  PubSubPeer peer;
};

TEST_CASE("the whole fixture sequence gives Redis's bytes, counts and decodings") {
  Harness h;
  const HllFixture& f = Fixture();
  auto value = [&](std::string_view key, size_t nth = 0) {
    CAPTURE(key);
    CHECK(Get(h, key) == f.Value(std::string(key), nth));
  };
  auto count = [&](std::vector<std::string_view> keys, std::string_view name) {
    CAPTURE(name);
    keys.insert(keys.begin(), "PFCOUNT");
    CHECK(h.Run(keys) == Int(f.counts.at(std::string(name))));
  };
  auto decode = [&](std::string_view key) {
    CHECK(h.Run({"PFDEBUG", "DECODE", key}) == Bulk(f.decoded.at(std::string(key))));
  };
  CHECK(RunWith(h, {"PFADD", "small"}, HllElements("e", 10)) == ":1\r\n");
  value("small", 0);
  decode("small");
  count({"small"}, "small");
  value("small", 1);
  for (int i = 0; i < 1200; i += 100) RunWith(h, {"PFADD", "big"}, HllElements("b", 100, i));
  value("big");
  decode("big");
  count({"big"}, "big");
  for (int i = 0; i < 10000; i += 1000) RunWith(h, {"PFADD", "dense"}, HllElements("d", 1000, i));
  value("dense", 0);
  count({"dense"}, "dense");
  value("dense", 1);
  CHECK(h.Run({"PFMERGE", "merged", "small", "big"}) == "+OK\r\n");
  value("merged");
  decode("merged");
  CHECK(h.Run({"PFMERGE", "mergeddense", "small", "dense"}) == "+OK\r\n");
  value("mergeddense");
  count({"mergeddense"}, "mergeddense");
  CHECK(h.Run({"PFMERGE", "empty"}) == "+OK\r\n");
  value("empty");
  count({"small", "big", "dense", "missing"}, "small big dense missing");
  CHECK(h.Run({"PFADD", "one"}) == ":1\r\n");
  value("one");
  CHECK(h.Run({"PFADD", "single", "x"}) == ":1\r\n");
  value("single");
  CHECK(h.Run({"SET", "conv", f.Value("small", 0)}) == "+OK\r\n");
  CHECK(h.Run({"PFDEBUG", "TODENSE", "conv"}) == ":1\r\n");
  value("conv");
  count({"conv"}, "conv");
  CHECK(h.Run({"CONFIG", "SET", "hll-sparse-max-bytes", "200"}) == "+OK\r\n");
  for (const std::string& e : HllElements("t", 300)) h.Run({"PFADD", "lowmax", e});
  value("lowmax");
  RunWith(h, {"PFADD", "lowmax2"}, HllElements("t", 60));
  value("lowmax2");
  CHECK(h.Run({"PFMERGE", "lowmerge", "big"}) == "+OK\r\n");
  value("lowmerge");
}

TEST_CASE("PFADD: 1 when a register changed or the key was created, else 0") {
  Harness h;
  CHECK(h.Run({"PFADD", "k", "a", "b", "c"}) == ":1\r\n");
  CHECK(h.Run({"PFADD", "k", "a", "b", "c"}) == ":0\r\n");
  CHECK(h.Run({"PFADD", "k"}) == ":0\r\n");
  CHECK(h.Run({"PFADD", "new"}) == ":1\r\n");
  CHECK(h.Run({"PFCOUNT", "k"}) == ":3\r\n");
  CHECK(h.Run({"PFCOUNT", "new"}) == ":0\r\n");
  CHECK(h.Run({"TYPE", "k"}) == "+string\r\n");
  // Dense: in place, and an element that changes nothing writes nothing.
  CHECK(h.Run({"PFDEBUG", "TODENSE", "k"}) == ":1\r\n");
  CHECK(h.Run({"PFCOUNT", "k"}) == ":3\r\n");
  const std::string counted = Get(h, "k");
  CHECK(h.Run({"PFADD", "k", "a", "c"}) == ":0\r\n");
  CHECK(Get(h, "k") == counted);  // the cached count is still valid
  CHECK(h.Run({"PFADD", "k", "a", "d"}) == ":1\r\n");
  CHECK(h.Run({"PFCOUNT", "k"}) == ":4\r\n");
  CHECK(h.Run({"PFDEBUG", "ENCODING", "k"}) == "+dense\r\n");
}

TEST_CASE("not an HLL: WRONGTYPE; a corrupt sparse code: INVALIDOBJ") {
  Harness h;
  h.Run({"RPUSH", "list", "a"});
  h.Run({"SET", "str", "hello"});
  h.Run({"SET", "num", "12345678901234567890"});
  for (std::string_view key : {"list"sv}) {
    CHECK(h.Run({"PFADD", key, "a"}) == kWrongType);
    CHECK(h.Run({"PFCOUNT", key}) == kWrongType);
    CHECK(h.Run({"PFCOUNT", key, "other"}) == kWrongType);
    CHECK(h.Run({"PFMERGE", "dest", key}) == kWrongType);
    CHECK(h.Run({"PFMERGE", key}) == kWrongType);
    CHECK(h.Run({"PFDEBUG", "ENCODING", key}) == kWrongType);
  }
  for (std::string_view key : {"str"sv, "num"sv}) {
    CHECK(h.Run({"PFADD", key, "a"}) == kNotHll);
    CHECK(h.Run({"PFCOUNT", key}) == kNotHll);
    CHECK(h.Run({"PFCOUNT", "missing", key}) == kNotHll);
    CHECK(h.Run({"PFMERGE", "dest", key}) == kNotHll);
    CHECK(h.Run({"PFDEBUG", "GETREG", key}) == kNotHll);
  }
  CHECK(h.Run({"EXISTS", "dest"}) == ":0\r\n");
  // A bad encoding byte, a dense value of the wrong length.
  std::string bad = hll::NewSparse();
  bad[4] = 2;
  h.Run({"SET", "bad", bad});
  CHECK(h.Run({"PFCOUNT", "bad"}) == kNotHll);
  std::string dense = *hll::ToDense(hll::NewSparse());
  h.Run({"SET", "short", std::string_view(dense).substr(0, dense.size() - 1)});
  CHECK(h.Run({"PFADD", "short", "a"}) == kNotHll);
  // A sparse code covering too few registers passes the header check but not a count.
  h.Run({"SET", "corrupt", SparseValue("\x7f\xfe"sv)});
  CHECK(h.Run({"PFCOUNT", "corrupt"}) == kCorrupt);
  CHECK(h.Run({"PFCOUNT", "corrupt", "missing"}) == kCorrupt);
  CHECK(h.Run({"PFMERGE", "dest", "corrupt"}) == kCorrupt);
  CHECK(h.Run({"PFDEBUG", "TODENSE", "corrupt"}) == kCorrupt);
  CHECK(h.Run({"PFDEBUG", "GETREG", "corrupt"}) == kCorrupt);
  CHECK(h.Run({"PFDEBUG", "DECODE", "corrupt"}) == Bulk("Z:16383"));
  CHECK(h.Run({"EXISTS", "dest"}) == ":0\r\n");
  // PFADD: an element landing past the covered registers fails; one inside it lands first
  // and stays, as in Redis.
  hll::Pattern inside{};
  std::string element;
  for (int i = 0;; ++i) {
    element = "e" + std::to_string(i);
    inside = hll::PatternOf(element);
    if (inside.index < 16383 && inside.count <= 32) break;
  }
  std::string outside;
  for (int i = 0;; ++i) {
    outside = "o" + std::to_string(i);
    if (hll::PatternOf(outside).index == 16383) break;
  }
  CHECK(h.Run({"PFADD", "corrupt", element, outside}) == kCorrupt);
  CHECK(Get(h, "corrupt") != SparseValue("\x7f\xfe"sv));
}

TEST_CASE("PFCOUNT: caches the count in the value, counted as a write and logged") {
  Harness h;
  std::vector<std::vector<std::string>> log;
  h.server.propagate = [&](size_t, std::span<const std::string_view> cmd) {
    log.emplace_back(cmd.begin(), cmd.end());
  };
  CHECK(h.Run({"PFCOUNT", "missing"}) == ":0\r\n");
  CHECK(h.Run({"PFADD", "k", "a", "b"}) == ":1\r\n");
  const std::string stale = Get(h, "k");
  CHECK(hll::CachedCardinality(stale) == std::nullopt);
  log.clear();
  CHECK(h.Run({"PFCOUNT", "k"}) == ":2\r\n");
  CHECK(hll::CachedCardinality(Get(h, "k")) == 2u);
  CHECK(log == std::vector<std::vector<std::string>>{{"PFCOUNT", "k"}});
  // Cached: nothing written, nothing logged.
  log.clear();
  CHECK(h.Run({"PFCOUNT", "k"}) == ":2\r\n");
  CHECK(log.empty());
  // Several keys: the union, nothing stored.
  CHECK(h.Run({"PFADD", "j", "b", "c"}) == ":1\r\n");
  const std::string j = Get(h, "j");
  log.clear();
  CHECK(h.Run({"PFCOUNT", "k", "j", "missing"}) == ":3\r\n");
  CHECK(Get(h, "j") == j);
  CHECK(log.empty());
  // A stored count is trusted as it is (Redis does not recount).
  std::string forged = Get(h, "k");
  hll::StoreCardinality(std::span<char>(forged), 99);
  h.Run({"SET", "k", forged});
  CHECK(h.Run({"PFCOUNT", "k"}) == ":99\r\n");
}

TEST_CASE("PFMERGE: the union into destkey, which counts too; dense if any input is") {
  Harness h;
  RunWith(h, {"PFADD", "a"}, HllElements("a", 100));
  RunWith(h, {"PFADD", "b"}, HllElements("a", 150, 50));
  CHECK(h.Run({"PFMERGE", "u", "a", "b"}) == "+OK\r\n");
  const std::string union_count = h.Run({"PFCOUNT", "a", "b"});
  CHECK(h.Run({"PFCOUNT", "u"}) == union_count);
  CHECK(h.Run({"PFDEBUG", "ENCODING", "u"}) == "+sparse\r\n");
  // destkey is a source too.
  RunWith(h, {"PFADD", "c"}, HllElements("c", 20));
  CHECK(h.Run({"PFMERGE", "c", "a"}) == "+OK\r\n");
  CHECK(h.Run({"PFCOUNT", "c"}) == h.Run({"PFCOUNT", "a", "c"}));
  // Only destkey, or missing sources: an empty HLL, or destkey as it was (cache stale).
  CHECK(h.Run({"PFMERGE", "only"}) == "+OK\r\n");
  CHECK(h.Run({"PFCOUNT", "only"}) == ":0\r\n");
  CHECK(h.Run({"PFMERGE", "only", "missing1", "missing2"}) == "+OK\r\n");
  CHECK(h.Run({"PFCOUNT", "only"}) == ":0\r\n");
  // A dense source makes a dense destination; a dense destination is edited in place.
  CHECK(h.Run({"PFDEBUG", "TODENSE", "b"}) == ":1\r\n");
  CHECK(h.Run({"PFMERGE", "d", "a", "b"}) == "+OK\r\n");
  CHECK(h.Run({"PFDEBUG", "ENCODING", "d"}) == "+dense\r\n");
  CHECK(h.Run({"PFCOUNT", "d"}) == union_count);
  RunWith(h, {"PFADD", "more"}, HllElements("m", 30));
  CHECK(h.Run({"PFMERGE", "d", "more"}) == "+OK\r\n");
  CHECK(h.Run({"PFCOUNT", "d"}) == h.Run({"PFCOUNT", "a", "b", "more"}));
}

TEST_CASE("edits keep the key's TTL, sparse or dense") {
  Harness h;
  h.Run({"PFADD", "s", "a"});
  h.Run({"PFADD", "d", "a"});
  h.Run({"PFDEBUG", "TODENSE", "d"});
  h.Run({"PFADD", "m", "a"});
  for (std::string_view key : {"s"sv, "d"sv, "m"sv}) h.Run({"EXPIRE", key, "100"});
  CHECK(h.Run({"PFADD", "s", "b"}) == ":1\r\n");
  CHECK(h.Run({"PFADD", "d", "b"}) == ":1\r\n");
  CHECK(h.Run({"PFCOUNT", "d"}) == ":2\r\n");
  CHECK(h.Run({"PFMERGE", "m", "s"}) == "+OK\r\n");
  CHECK(h.Run({"PFDEBUG", "TODENSE", "s"}) == ":1\r\n");
  for (std::string_view key : {"s"sv, "d"sv, "m"sv}) {
    CAPTURE(key);
    CHECK(h.Run({"TTL", key}) == ":100\r\n");
  }
}

TEST_CASE("keyspace events: PFADD and PFMERGE fire pfadd; PFCOUNT and PFDEBUG none") {
  Harness h;
  EventLog events(h);
  h.Run({"PFADD", "k", "a"});
  h.Run({"PFADD", "k", "a"});  // no change, no event
  h.Run({"PFCOUNT", "k"});
  h.Run({"PFMERGE", "m", "k"});
  h.Run({"PFDEBUG", "TODENSE", "m"});
  h.Run({"PFADD", "new"});
  CHECK(events.Take() == std::vector<std::string>{"pfadd k", "pfadd m", "pfadd new"});
}

TEST_CASE("PFDEBUG: GETREG, DECODE, ENCODING, TODENSE and their errors") {
  Harness h;
  CHECK(h.Run({"PFDEBUG", "GETREG", "missing"}) == "-ERR The specified key does not exist\r\n");
  CHECK(h.Run({"PFDEBUG", "nosuch", "missing"}) == "-ERR The specified key does not exist\r\n");
  CHECK(h.Run({"PFADD", "k", "x"}) == ":1\r\n");
  CHECK(h.Run({"PFDEBUG", "nosuch", "k"}) == "-ERR Unknown PFDEBUG subcommand 'nosuch'\r\n");
  CHECK(h.Run({"PFDEBUG", "GETREG"}) == "-ERR wrong number of arguments for 'pfdebug' command\r\n");
  CHECK(h.Run({"pfdebug", "encoding", "k"}) == "+sparse\r\n");
  CHECK(h.Run({"PFDEBUG", "Decode", "k"}) == Bulk("Z:16374 v:2,1 z:9"));
  // GETREG turns the value dense for good.
  std::optional<RespValue> regs = RespReader::ParseOne(h.Run({"PFDEBUG", "GETREG", "k"}));
  REQUIRE(regs);
  REQUIRE(regs->elems.size() == hll::kRegisters);
  for (size_t i = 0; i < hll::kRegisters; ++i) {
    if (regs->elems[i].integer != (i == 16374 ? 2 : 0)) FAIL("register " << i);
  }
  CHECK(h.Run({"PFDEBUG", "ENCODING", "k"}) == "+dense\r\n");
  CHECK(h.Run({"PFDEBUG", "DECODE", "k"}) == "-ERR HLL encoding is not sparse\r\n");
  CHECK(h.Run({"PFDEBUG", "TODENSE", "k"}) == ":0\r\n");
  CHECK(h.Run({"PFADD", "k2", "x"}) == ":1\r\n");
  CHECK(h.Run({"PFDEBUG", "TODENSE", "k2"}) == ":1\r\n");
  CHECK(Get(h, "k2") == Get(h, "k"));
  CHECK(h.Run({"PFCOUNT", "k2"}) == ":1\r\n");
}

TEST_CASE("hll-sparse-max-bytes: a real parameter, the sparse size limit") {
  Harness h;
  CHECK(h.Run({"CONFIG", "GET", "hll-sparse-max-bytes"}) ==
        "*2\r\n$20\r\nhll-sparse-max-bytes\r\n$4\r\n3000\r\n");
  CHECK(h.Run({"CONFIG", "SET", "hll-sparse-max-bytes", "-1"}).starts_with("-ERR CONFIG SET"));
  CHECK(h.Run({"CONFIG", "SET", "hll-sparse-max-bytes", "0"}) == "+OK\r\n");
  CHECK(h.Run({"PFADD", "k"}) == ":1\r\n");  // the empty HLL is sparse whatever the limit
  CHECK(h.Run({"PFDEBUG", "ENCODING", "k"}) == "+sparse\r\n");
  CHECK(h.Run({"PFADD", "k", "a"}) == ":1\r\n");  // the first split outgrows 0 bytes
  CHECK(h.Run({"PFDEBUG", "ENCODING", "k"}) == "+dense\r\n");
  CHECK(h.Run({"CONFIG", "SET", "hll-sparse-max-bytes", "1kb"}) == "+OK\r\n");
  CHECK(h.Run({"CONFIG", "GET", "hll-sparse-max-bytes"}) ==
        "*2\r\n$20\r\nhll-sparse-max-bytes\r\n$4\r\n1024\r\n");
  RunWith(h, {"PFADD", "j"}, HllElements("j", 1000));
  CHECK(h.Run({"PFDEBUG", "ENCODING", "j"}) == "+dense\r\n");
}

TEST_CASE("inside MULTI and from a script") {
  Harness h;
  CHECK(h.Run({"MULTI"}) == "+OK\r\n");
  CHECK(h.Run({"PFADD", "k", "a", "b"}) == "+QUEUED\r\n");
  CHECK(h.Run({"PFCOUNT", "k"}) == "+QUEUED\r\n");
  CHECK(h.Run({"EXEC"}) == "*2\r\n:1\r\n:2\r\n");
  CHECK(h.Run({"EVAL", "redis.call('pfadd', KEYS[1], 'c'); return redis.call('pfcount', KEYS[1])",
               "1", "k"}) == ":3\r\n");
}

TEST_CASE("PFSELFTEST passes") {
  Harness h;
  CHECK(h.Run({"PFSELFTEST"}) == "+OK\r\n");
  CHECK(h.Run({"PFSELFTEST", "x"}) ==
        "-ERR wrong number of arguments for 'pfselftest' command\r\n");
}

}  // namespace
}  // namespace kvd::testing
