// Expiry observed end to end, without sleeping: short TTLs and bounded waits for a condition.
#include <doctest/doctest.h>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

std::string Info(RawClient& c, const std::string& section) { return c.Exec({"INFO", section}).str; }

int64_t ExpiredKeys(RawClient& c) {
  return std::stoll(InfoField(Info(c, "stats"), "expired_keys").value_or("-1"));
}

TEST_CASE("a key with PX disappears once its time is up") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"SET", "short", "v", "PX", "150"}) == kOk);
  CHECK(c.Call({"SET", "long", "v", "EX", "1000"}) == kOk);
  const int64_t pttl = c.Exec({"PTTL", "short"}).integer;
  CHECK((pttl > 0 && pttl <= 150));
  CHECK(WaitFor([&] { return c.Call({"GET", "short"}) == kNil; }));
  CHECK(c.Call({"EXISTS", "short"}) == Int(0));
  CHECK(c.Call({"TTL", "short"}) == Int(-2));
  CHECK(c.Call({"GET", "long"}) == Bulk("v"));
  CHECK(c.Call({"DBSIZE"}) == Int(1));
  // The key can be created again and lives normally.
  CHECK(c.Call({"SET", "short", "again"}) == kOk);
  CHECK(c.Call({"GET", "short"}) == Bulk("again"));
  CHECK(c.Call({"TTL", "short"}) == Int(-1));
}

TEST_CASE("expired keys are not counted, listed or returned") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"SET", "stay", "v"}) == kOk);
  CHECK(c.Call({"MSET", "a", "1", "b", "2"}) == kOk);
  CHECK(c.Call({"PEXPIRE", "a", "100"}) == Int(1));
  CHECK(c.Call({"PEXPIRE", "b", "100"}) == Int(1));
  // Watch them go through commands that do not delete what they look at.
  CHECK(WaitFor([&] { return c.Call({"KEYS", "*"}) == Arr({Bulk("stay")}); }));
  CHECK(c.Call({"MGET", "a", "b", "stay"}) == Arr({kNil, kNil, Bulk("v")}));
  CHECK(c.Call({"EXISTS", "a", "b"}) == Int(0));
  CHECK(c.Call({"SCAN", "0", "COUNT", "100"}) == Arr({Bulk("0"), Arr({Bulk("stay")})}));
  CHECK(c.Call({"RANDOMKEY"}) == Bulk("stay"));
  CHECK(c.Call({"RENAME", "a", "c"}) == Err("ERR no such key"));
  CHECK(c.Call({"SETNX", "b", "new"}) == Int(1));  // b is free again
  CHECK(c.Call({"TTL", "b"}) == Int(-1));
}

TEST_CASE("active expiry removes keys nobody reads") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"CONFIG", "RESETSTAT"}) == kOk);
  for (int i = 0; i < 10; ++i) CHECK(c.Call({"SET", "keep:" + std::to_string(i), "v"}) == kOk);
  std::string burst;
  for (int i = 0; i < 200; ++i) {
    burst += Command({"SET", "tmp:" + std::to_string(i), "v", "PX", "50"});
  }
  c.Send(burst);
  for (int i = 0; i < 200; ++i) REQUIRE(c.ReadReply().raw == kOk);
  CHECK(c.Call({"SELECT", "2"}) == kOk);  // expiry covers every database
  CHECK(c.Call({"SET", "db2:tmp", "v", "PX", "50"}) == kOk);
  CHECK(c.Call({"SELECT", "0"}) == kOk);

  // Only DBSIZE and INFO from here: neither touches a key, so only the timer can delete them.
  CHECK(WaitFor([&] { return ExpiredKeys(c) == 201; }));
  CHECK(c.Call({"DBSIZE"}) == Int(10));
  std::string keyspace = Info(c, "keyspace");
  CHECK(InfoField(keyspace, "db0").value_or("").rfind("keys=10,expires=0,", 0) == 0);
  CHECK(!InfoField(keyspace, "db2").has_value());
  CHECK(c.Call({"GET", "keep:3"}) == Bulk("v"));
  // The cycles found expired keys among those they sampled: the running estimate of stale
  // keys is above zero (it fades by 5% a cycle, ~14 s to read 0.00 again).
  const std::string stats = Info(c, "stats");
  CHECK(std::stod(InfoField(stats, "expired_stale_perc").value_or("0")) > 0);
  CHECK(InfoField(stats, "expired_time_cap_reached_count") == "0");
  CHECK(InfoField(stats, "expire_cycle_cpu_milliseconds").has_value());
}

TEST_CASE("PERSIST and a rewrite stop a pending expiry") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"SET", "persisted", "v", "PX", "100"}) == kOk);
  CHECK(c.Call({"SET", "rewritten", "v", "PX", "100"}) == kOk);
  CHECK(c.Call({"SET", "clock", "v", "PX", "100"}) == kOk);  // tells when the time is up
  CHECK(c.Call({"PERSIST", "persisted"}) == Int(1));
  CHECK(c.Call({"SET", "rewritten", "w"}) == kOk);
  CHECK(WaitFor([&] { return c.Call({"EXISTS", "clock"}) == Int(0); }));
  CHECK(c.Call({"GET", "persisted"}) == Bulk("v"));
  CHECK(c.Call({"GET", "rewritten"}) == Bulk("w"));
  CHECK(c.Call({"TTL", "persisted"}) == Int(-1));
}

}  // namespace
}  // namespace kvd::e2e
