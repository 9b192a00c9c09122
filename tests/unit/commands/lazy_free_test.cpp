// Lazy freeing: the LazyFree thread frees what it is handed (ASan's leak check fails the run
// otherwise), only values above Redis's threshold go to it, and UNLINK, DEL with
// lazyfree-lazy-user-del, FLUSHALL/FLUSHDB ASYNC and lazyfree-lazy-user-flush use it, with
// INFO memory's lazyfree_pending_objects and lazyfreed_objects counting as Redis does.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/collection.h"
#include "core/keyspace.h"
#include "core/set_value.h"
#include "server/lazy_free.h"
#include "unit/commands/harness.h"

namespace kvd::testing {
namespace {

constexpr int64_t kNow = 1'700'000'000'000;

// A set of n members too long for the compact encoding, so it is a table whatever its size
// (freeing it takes n allocations).
void FillSet(Keyspace& ks, std::string_view key, int n) {
  auto w = ks.Write<SetValue>(key, kNow, true);
  for (int i = 0; i < n; ++i) w->Add(std::string(70, 'm') + std::to_string(i));
}

DetachedValue Detach(Keyspace& ks, std::string_view key) {
  DetachedValue value;
  REQUIRE(ks.DeleteDetached(key, kNow, &value));
  return value;
}

std::string InfoMemoryField(Harness& h, std::string_view field) {
  std::string reply = h.Run({"INFO", "memory"});
  const std::string name = std::string(field) + ":";
  size_t at = reply.find(name);
  if (at == std::string::npos) return "";
  at += name.size();
  return reply.substr(at, reply.find('\r', at) - at);
}

std::vector<std::string_view> SaddArgs(std::vector<std::string>& storage, std::string_view key,
                                       int n) {
  storage.clear();
  for (int i = 0; i < n; ++i) storage.push_back("m" + std::to_string(i));
  std::vector<std::string_view> args = {"SADD", key};
  args.insert(args.end(), storage.begin(), storage.end());
  return args;
}

TEST_CASE("LazyFree frees a large value on its thread and counts it") {
  Keyspace ks;
  FillSet(ks, "big", 1000);
  DetachedValue big = Detach(ks, "big");
  const size_t bytes = big.AllocatedBytes();
  CHECK(bytes > 1000);
  LazyFree lazy;
  CHECK(lazy.Free(std::move(big)));
  CHECK(big.empty());  // ownership went to the thread
  lazy.Drain();
  CHECK(lazy.PendingObjects() == 0);
  CHECK(lazy.PendingBytes() == 0);
  CHECK(lazy.FreedObjects() == 1);
  lazy.ResetStats();
  CHECK(lazy.FreedObjects() == 0);
}

TEST_CASE("LazyFree frees a value at or below the threshold at once") {
  Keyspace ks;
  // 64 members stay in the packed encoding: one allocation, effort 1 (as a Redis listpack).
  FillSet(ks, "at", static_cast<int>(LazyFree::kThreshold));
  FillSet(ks, "above", 1000);
  LazyFree lazy;
  DetachedValue at = Detach(ks, "at");
  REQUIRE(at.FreeEffort() <= LazyFree::kThreshold);
  CHECK_FALSE(lazy.Free(std::move(at)));
  CHECK_FALSE(lazy.Free(DetachedValue()));
  CHECK(lazy.Free(Detach(ks, "above")));
  lazy.Drain();
  CHECK(lazy.FreedObjects() == 1);
}

TEST_CASE("LazyFree frees a whole keyspace, counting its keys") {
  Keyspace ks;
  for (int i = 0; i < 300; ++i) ks.Put("k" + std::to_string(i), "v");
  FillSet(ks, "set", 500);
  LazyFree lazy;
  lazy.Free(ks.DetachAll());
  CHECK(ks.Count(kNow) == 0);
  lazy.Free(Keyspace());  // nothing to free: not counted
  lazy.Drain();
  CHECK(lazy.FreedObjects() == 301);
  CHECK(lazy.PendingObjects() == 0);
}

TEST_CASE("LazyFree destroyed with work queued frees all of it") {
  // Nothing waits here: the destructor must free what is still queued (else ASan reports
  // the leak at exit).
  LazyFree lazy;
  for (int round = 0; round < 20; ++round) {
    Keyspace ks;
    FillSet(ks, "s", 200);
    for (int i = 0; i < 100; ++i) ks.Put("k" + std::to_string(i), std::string(100, 'x'));
    lazy.Free(Detach(ks, "s"));
    lazy.Free(ks.DetachAll());
  }
}

TEST_CASE("DetachAll keeps the database's expiry statistics") {
  Keyspace ks;
  ks.PutWithTtl("short", "v", 10, kNow);
  ks.Put("long", "v");
  CHECK(ks.Count(kNow + 11) == 1);  // "short" expires
  REQUIRE(ks.ExpiredCount() == 1);
  Keyspace old = ks.DetachAll();
  CHECK(ks.ExpiredCount() == 1);
  CHECK(old.ExpiredCount() == 0);
  CHECK(old.Count(kNow + 11) == 1);
  CHECK(ks.Count(kNow + 11) == 0);
  CHECK(ks.AllocatedBytes() == Keyspace().AllocatedBytes());
  ks.Put("again", "v");  // the emptied keyspace is usable
  CHECK(ks.Count(kNow) == 1);
}

TEST_CASE("UNLINK frees a large collection in the background") {
  Harness h;
  std::vector<std::string> members;
  REQUIRE(h.Run(SaddArgs(members, "big", 1000)) == ":1000\r\n");
  REQUIRE(h.Run(SaddArgs(members, "small", 3)) == ":3\r\n");
  REQUIRE(h.Run({"SET", "str", "v"}) == "+OK\r\n");
  CHECK(h.Run({"UNLINK", "big", "small", "str", "missing"}) == ":3\r\n");
  CHECK(h.Run({"EXISTS", "big", "small", "str"}) == ":0\r\n");
  CHECK(h.server.stats.dirty >= 3);
  h.server.lazyfree.Drain();
  CHECK(InfoMemoryField(h, "lazyfreed_objects") == "1");  // only "big" went to the thread
  CHECK(InfoMemoryField(h, "lazyfree_pending_objects") == "0");
  CHECK(h.Run({"CONFIG", "RESETSTAT"}) == "+OK\r\n");
  CHECK(InfoMemoryField(h, "lazyfreed_objects") == "0");
}

TEST_CASE("DEL is lazy only with lazyfree-lazy-user-del yes") {
  Harness h;
  std::vector<std::string> members;
  REQUIRE(h.Run(SaddArgs(members, "a", 500)) == ":500\r\n");
  CHECK(h.Run({"DEL", "a"}) == ":1\r\n");
  h.server.lazyfree.Drain();
  CHECK(InfoMemoryField(h, "lazyfreed_objects") == "0");
  CHECK(h.Run({"CONFIG", "GET", "lazyfree-lazy-user-del"}) ==
        "*2\r\n$22\r\nlazyfree-lazy-user-del\r\n$2\r\nno\r\n");
  CHECK(h.Run({"CONFIG", "SET", "lazyfree-lazy-user-del", "yes"}) == "+OK\r\n");
  REQUIRE(h.Run(SaddArgs(members, "a", 500)) == ":500\r\n");
  CHECK(h.Run({"DEL", "a", "a"}) == ":1\r\n");
  h.server.lazyfree.Drain();
  CHECK(InfoMemoryField(h, "lazyfreed_objects") == "1");
}

TEST_CASE("FLUSHALL ASYNC and FLUSHDB ASYNC free the databases in the background") {
  Harness h;
  std::vector<std::string> members;
  for (int i = 0; i < 10; ++i) REQUIRE(h.Run({"SET", "k" + std::to_string(i), "v"}) == "+OK\r\n");
  REQUIRE(h.Run(SaddArgs(members, "set", 100)) == ":100\r\n");
  REQUIRE(h.Run({"SELECT", "2"}) == "+OK\r\n");
  REQUIRE(h.Run({"SET", "other", "v"}) == "+OK\r\n");

  CHECK(h.Run({"FLUSHDB", "ASYNC"}) == "+OK\r\n");  // database 2: one key
  CHECK(h.Run({"DBSIZE"}) == ":0\r\n");
  h.server.lazyfree.Drain();
  CHECK(InfoMemoryField(h, "lazyfreed_objects") == "1");

  REQUIRE(h.Run({"SELECT", "0"}) == "+OK\r\n");
  CHECK(h.Run({"FLUSHALL", "async"}) == "+OK\r\n");
  CHECK(h.Run({"DBSIZE"}) == ":0\r\n");
  CHECK(h.Run({"SET", "k0", "new"}) == "+OK\r\n");  // the emptied database works at once
  h.server.lazyfree.Drain();
  CHECK(InfoMemoryField(h, "lazyfreed_objects") == "12");  // 11 keys of database 0, plus 1

  CHECK(h.Run({"FLUSHALL", "SYNC"}) == "+OK\r\n");
  h.server.lazyfree.Drain();
  CHECK(InfoMemoryField(h, "lazyfreed_objects") == "12");
  CHECK(h.Run({"FLUSHALL", "LAZY"}) == "-ERR syntax error\r\n");
}

TEST_CASE("lazyfree-lazy-user-flush makes a plain FLUSHALL/FLUSHDB asynchronous") {
  Harness h;
  REQUIRE(h.Run({"SET", "a", "v"}) == "+OK\r\n");
  CHECK(h.Run({"FLUSHALL"}) == "+OK\r\n");
  h.server.lazyfree.Drain();
  CHECK(InfoMemoryField(h, "lazyfreed_objects") == "0");
  CHECK(h.Run({"CONFIG", "SET", "lazyfree-lazy-user-flush", "yes"}) == "+OK\r\n");
  REQUIRE(h.Run({"SET", "a", "v"}) == "+OK\r\n");
  REQUIRE(h.Run({"SET", "b", "v"}) == "+OK\r\n");
  CHECK(h.Run({"FLUSHDB"}) == "+OK\r\n");
  CHECK(h.Run({"DBSIZE"}) == ":0\r\n");
  h.server.lazyfree.Drain();
  CHECK(InfoMemoryField(h, "lazyfreed_objects") == "2");
  REQUIRE(h.Run({"SET", "a", "v"}) == "+OK\r\n");
  CHECK(h.Run({"FLUSHALL", "SYNC"}) == "+OK\r\n");  // SYNC still wins
  h.server.lazyfree.Drain();
  CHECK(InfoMemoryField(h, "lazyfreed_objects") == "2");
}

}  // namespace
}  // namespace kvd::testing
