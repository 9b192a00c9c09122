// Streams cross between kvd and the real redis-server as DUMP payloads, both ways: Redis 7.0
// restores what kvd dumps (checked deeply: sanitize-dump-payload yes) and reports the same
// entries, counters, groups, consumers and pending entries as for its own stream.
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

const std::string kRedisServer = "/usr/bin/redis-server";

// A stream over several nodes, with tombstones, two groups, pending entries and an idle
// consumer; and an emptied stream.
void FillStreams(RawClient& r) {
  for (int i = 1; i <= 350; ++i) {
    std::vector<std::string> cmd = {"XADD", "s", std::to_string(1000 + i / 3) + "-" +
                                                     std::to_string(i % 3)};
    if (i % 5 == 0) {
      cmd.insert(cmd.end(), {"other", std::string(static_cast<size_t>(i), 'x'), "n",
                             std::to_string(-i * 1001)});
    } else {
      cmd.insert(cmd.end(), {"f", std::to_string(i), "g", "v" + std::to_string(i)});
    }
    REQUIRE_FALSE(r.Exec(cmd).IsError());
  }
  for (int i = 1; i <= 350; i += 7) {
    REQUIRE_FALSE(r.Exec({"XDEL", "s", std::to_string(1000 + i / 3) + "-" +
                                           std::to_string(i % 3)}).IsError());
  }
  REQUIRE_FALSE(r.Exec({"XGROUP", "CREATE", "s", "g1", "0"}).IsError());
  REQUIRE_FALSE(
      r.Exec({"XREADGROUP", "GROUP", "g1", "alice", "COUNT", "5", "STREAMS", "s", ">"}).IsError());
  REQUIRE_FALSE(
      r.Exec({"XREADGROUP", "GROUP", "g1", "bob", "COUNT", "3", "STREAMS", "s", ">"}).IsError());
  REQUIRE_FALSE(r.Exec({"XGROUP", "CREATECONSUMER", "s", "g1", "idle"}).IsError());
  REQUIRE_FALSE(r.Exec({"XGROUP", "CREATE", "s", "g0", "$", "ENTRIESREAD", "350"}).IsError());
  REQUIRE_FALSE(r.Exec({"XADD", "e", "7-7", "a", "1"}).IsError());
  REQUIRE_FALSE(r.Exec({"XDEL", "e", "7-7"}).IsError());
}

// XINFO STREAM key FULL without the node counts (each server cuts nodes its own way).
std::string FullInfo(RawClient& r, const std::string& key) {
  const Reply info = r.Exec({"XINFO", "STREAM", key, "FULL"});
  REQUIRE(info.type == '*');
  std::string out;
  for (size_t i = 0; i + 1 < info.elements.size(); i += 2) {
    const std::string name = info.elements[i].Text();
    if (name == "radix-tree-keys" || name == "radix-tree-nodes") continue;
    out += name + "=" + info.elements[i + 1].raw;
  }
  return out;
}

TEST_CASE("stream DUMP payloads go from redis-server to kvd and back intact") {
  ServerProcess kvd;
  ServerProcess redis({"--sanitize-dump-payload", "yes"}, {.binary = kRedisServer});
  RawClient k(kvd.port()), r(redis.port());
  FillStreams(r);
  for (const std::string key : {"s", "e"}) {
    CAPTURE(key);
    const Reply from_redis = r.Exec({"DUMP", key});
    REQUIRE(from_redis.type == '$');
    REQUIRE(k.Call({"RESTORE", key, "0", from_redis.str}) == kOk);
    CHECK(k.Exec({"TYPE", key}).Text() == "stream");
    CHECK(k.Exec({"OBJECT", "ENCODING", key}).Text() == "stream");
    const Reply from_kvd = k.Exec({"DUMP", key});
    REQUIRE(from_kvd.type == '$');
    const std::string back = key + "-back";
    REQUIRE(r.Call({"RESTORE", back, "0", from_kvd.str}) == kOk);
    CHECK(r.Exec({"XRANGE", back, "-", "+"}).raw == r.Exec({"XRANGE", key, "-", "+"}).raw);
    CHECK(FullInfo(r, back) == FullInfo(r, key));
    CHECK(r.Exec({"XINFO", "GROUPS", back}).raw == r.Exec({"XINFO", "GROUPS", key}).raw);
  }
  CHECK(k.Exec({"DBSIZE"}).integer == 2);
}

TEST_CASE("a restored stream survives a restart through the snapshot") {
  TempDir dir;
  std::string payload;
  {
    ServerProcess redis({}, {.binary = kRedisServer});
    RawClient r(redis.port());
    FillStreams(r);
    payload = r.Exec({"DUMP", "s"}).str;
  }
  std::string dumped;
  {
    ServerProcess kvd({"--dir", dir.path()});
    RawClient k(kvd.port());
    REQUIRE(k.Call({"RESTORE", "s", "0", payload}) == kOk);
    dumped = k.Exec({"DUMP", "s"}).str;
    REQUIRE(k.Call({"SAVE"}) == kOk);
  }
  ServerProcess kvd({"--dir", dir.path()});
  RawClient k(kvd.port());
  CHECK(k.Exec({"DUMP", "s"}).str == dumped);
}

}  // namespace
}  // namespace kvd::e2e
