// DUMP payloads cross between kvd and the real redis-server both ways, for every type and
// the encodings each server picks; RESTORE's keyspace event and its append-only log entry
// (an absolute expiry) survive a restart.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

const std::string kRedisServer = "/usr/bin/redis-server";

// Fills a server with one key of each type, small and large encodings.
void Fill(RawClient& c) {
  std::vector<std::string> big_list{"RPUSH", "biglist"}, big_set{"SADD", "bigset"},
      big_zset{"ZADD", "bigzset"}, big_hash{"HSET", "bighash"};
  for (int i = 0; i < 300; ++i) {
    const std::string n = std::to_string(i);
    big_list.push_back("element-" + n);
    big_set.push_back("member-" + n);
    big_zset.insert(big_zset.end(), {n + ".25", "member-" + n});
    big_hash.insert(big_hash.end(), {"field-" + n, std::string(100, 'v') + n});
  }
  for (const auto& cmd : std::vector<std::vector<std::string>>{
           {"SET", "str", "hello"},
           {"SET", "int", "-4096"},
           {"SET", "long", std::string(5000, 'z')},
           {"RPUSH", "list", "a", "b", "3"},
           {"SADD", "intset", "1", "2", "300000"},
           {"SADD", "set", "x", "y"},
           {"ZADD", "zset", "1.5", "a", "-inf", "b"},
           {"HSET", "hash", "f", "v", "n", "1"},
           big_list, big_set, big_zset, big_hash}) {
    REQUIRE_FALSE(c.Exec(cmd).IsError());
  }
}

const std::vector<std::string> kKeys = {"str",  "int",    "long",    "list",    "intset", "set",
                                        "zset", "hash",   "biglist", "bigset",  "bigzset",
                                        "bighash"};

// A key's type and whole content, in an order both servers agree on.
std::string Content(RawClient& c, const std::string& key) {
  const std::string type = c.Exec({"TYPE", key}).Text();
  std::string out = type + ":";
  const auto add = [&](const Reply& r) {
    std::vector<std::string> items;
    if (r.type == '*') {
      for (const Reply& e : r.elements) items.push_back(e.Text());
    } else {
      items.push_back(r.Text());
    }
    if (type == "set" || type == "hash") std::sort(items.begin(), items.end());
    for (const std::string& s : items) out += s + ",";
  };
  if (type == "string") add(c.Exec({"GET", key}));
  if (type == "list") add(c.Exec({"LRANGE", key, "0", "-1"}));
  if (type == "set") add(c.Exec({"SMEMBERS", key}));
  if (type == "zset") add(c.Exec({"ZRANGE", key, "0", "-1", "WITHSCORES"}));
  if (type == "hash") add(c.Exec({"HGETALL", key}));
  return out;
}

void CrossOver(RawClient& from, RawClient& to) {
  Fill(from);
  for (const std::string& key : kKeys) {
    CAPTURE(key);
    const Reply payload = from.Exec({"DUMP", key});
    REQUIRE(payload.type == '$');
    CHECK(to.Call({"RESTORE", key, "0", payload.str}) == kOk);
    CHECK(Content(to, key) == Content(from, key));
  }
}

TEST_CASE("DUMP payloads from kvd restore into redis-server with everything intact") {
  ServerProcess kvd;
  ServerProcess redis({}, {.binary = kRedisServer});
  RawClient k(kvd.port()), r(redis.port());
  CrossOver(k, r);
}

TEST_CASE("DUMP payloads from redis-server restore into kvd with everything intact") {
  ServerProcess kvd;
  ServerProcess redis({}, {.binary = kRedisServer});
  RawClient k(kvd.port()), r(redis.port());
  CrossOver(r, k);
}

TEST_CASE("RESTORE fires its keyspace event and is logged with an absolute expiry") {
  TempDir dir;
  std::string payload;
  int64_t expire_at = 0;
  {
    ServerProcess kvd({"--dir", dir.path(), "--appendonly", "yes", "--notify-keyspace-events",
                       "KEA"});
    RawClient c(kvd.port()), sub(kvd.port());
    sub.Exec({"SUBSCRIBE", "__keyspace@0__:copy"});
    CHECK(c.Call({"SET", "src", "value"}) == kOk);
    payload = c.Exec({"DUMP", "src"}).str;
    CHECK(c.Call({"RESTORE", "copy", "100000", payload}) == kOk);
    const Reply event = sub.ReadReply();
    REQUIRE(event.elements.size() == 3);
    CHECK(event.elements[2].Text() == "restore");
    expire_at = c.Exec({"PEXPIRETIME", "copy"}).integer;
    CHECK(expire_at > 0);
  }
  // Replayed from the log, the key keeps the expiry it was given, not a new one.
  ServerProcess kvd({"--dir", dir.path(), "--appendonly", "yes"});
  RawClient c(kvd.port());
  CHECK(c.Exec({"GET", "copy"}).Text() == "value");
  CHECK(c.Exec({"PEXPIRETIME", "copy"}).integer == expire_at);
}

}  // namespace
}  // namespace kvd::e2e
