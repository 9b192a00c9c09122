// Lazy freeing end to end: UNLINK, FLUSHALL/FLUSHDB ASYNC and the lazyfree-lazy-user-*
// parameters free large values in the background; INFO memory shows the pending and freed
// objects and used_memory falls once they are freed.
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

int64_t MemoryField(RawClient& c, std::string_view field) {
  Reply r = c.Exec({"INFO", "memory"});
  REQUIRE(r.type == '$');
  return std::stoll(InfoField(r.str, field).value_or("-1"));
}

// SADD key m0..m<n-1>: a set too large to free on the command path (Redis's threshold: 64).
void AddSet(RawClient& c, const std::string& key, int n) {
  std::vector<std::string> cmd = {"SADD", key};
  for (int i = 0; i < n; ++i) cmd.push_back("member:" + std::to_string(i));
  REQUIRE(c.Call(cmd) == Int(n));
}

bool FreedObjectsReach(RawClient& c, int64_t n) {
  return WaitFor([&] { return MemoryField(c, "lazyfreed_objects") == n; });
}

TEST_CASE("UNLINK frees a large set in the background and used_memory falls") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"CONFIG", "RESETSTAT"}) == kOk);
  const int64_t before = MemoryField(c, "used_memory");
  AddSet(c, "big", 100000);
  const int64_t peak = MemoryField(c, "used_memory");
  CHECK(peak > before + 1000000);
  CHECK(c.Call({"UNLINK", "big"}) == Int(1));
  CHECK(c.Call({"EXISTS", "big"}) == Int(0));
  CHECK(FreedObjectsReach(c, 1));
  CHECK(MemoryField(c, "lazyfree_pending_objects") == 0);
  CHECK(WaitFor([&] { return MemoryField(c, "used_memory") < before + 1000000; }));

  // Small values are freed at once: nothing more goes to the background.
  CHECK(c.Call({"SADD", "small", "a", "b"}) == Int(2));
  CHECK(c.Call({"SET", "str", "v"}) == kOk);
  CHECK(c.Call({"UNLINK", "small", "str", "missing"}) == Int(2));
  CHECK(MemoryField(c, "lazyfreed_objects") == 1);

  CHECK(c.Call({"CONFIG", "RESETSTAT"}) == kOk);
  CHECK(MemoryField(c, "lazyfreed_objects") == 0);
}

TEST_CASE("FLUSHALL ASYNC and FLUSHDB ASYNC free every key in the background") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"CONFIG", "RESETSTAT"}) == kOk);
  std::string pipeline;
  for (int i = 0; i < 1000; ++i) pipeline += Command({"SET", "k" + std::to_string(i), "v"});
  c.Send(pipeline);
  for (int i = 0; i < 1000; ++i) REQUIRE(c.ReadReply().raw == kOk);
  AddSet(c, "set", 1000);
  CHECK(c.Call({"SELECT", "5"}) == kOk);
  CHECK(c.Call({"SET", "in5", "v"}) == kOk);
  CHECK(c.Call({"SET", "also-in5", "v"}) == kOk);

  CHECK(c.Call({"FLUSHDB", "ASYNC"}) == kOk);
  CHECK(c.Call({"DBSIZE"}) == Int(0));
  CHECK(FreedObjectsReach(c, 2));

  CHECK(c.Call({"SELECT", "0"}) == kOk);
  CHECK(c.Call({"FLUSHALL", "ASYNC"}) == kOk);
  CHECK(c.Call({"DBSIZE"}) == Int(0));
  CHECK(c.Call({"SET", "after", "v"}) == kOk);  // usable at once
  CHECK(FreedObjectsReach(c, 2 + 1001));
  CHECK(MemoryField(c, "lazyfree_pending_objects") == 0);
  CHECK(c.Call({"GET", "after"}) == Bulk("v"));
  CHECK(c.Call({"FLUSHALL", "LATER"}) == kSyntaxErr);
  CHECK(c.Call({"FLUSHDB", "ASYNC", "SYNC"}) == kSyntaxErr);
}

TEST_CASE("lazyfree-lazy-user-del and lazyfree-lazy-user-flush (default no)") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Exec({"CONFIG", "GET", "lazyfree-lazy-user-del"}).elements.at(1).str == "no");
  CHECK(c.Exec({"CONFIG", "GET", "lazyfree-lazy-user-flush"}).elements.at(1).str == "no");
  CHECK(c.Call({"CONFIG", "RESETSTAT"}) == kOk);

  AddSet(c, "a", 1000);
  CHECK(c.Call({"DEL", "a"}) == Int(1));  // freed on the spot
  CHECK(c.Call({"FLUSHALL"}) == kOk);
  CHECK(MemoryField(c, "lazyfreed_objects") == 0);

  CHECK(c.Call({"CONFIG", "SET", "lazyfree-lazy-user-del", "yes"}) == kOk);
  AddSet(c, "a", 1000);
  CHECK(c.Call({"DEL", "a"}) == Int(1));
  CHECK(FreedObjectsReach(c, 1));

  CHECK(c.Call({"CONFIG", "SET", "lazyfree-lazy-user-flush", "yes"}) == kOk);
  CHECK(c.Call({"SET", "x", "1"}) == kOk);
  CHECK(c.Call({"SET", "y", "1"}) == kOk);
  CHECK(c.Call({"FLUSHALL"}) == kOk);
  CHECK(FreedObjectsReach(c, 3));
  CHECK(c.Call({"SET", "x", "1"}) == kOk);
  CHECK(c.Call({"FLUSHDB", "SYNC"}) == kOk);  // SYNC overrides the parameter
  CHECK(MemoryField(c, "lazyfreed_objects") == 3);
  CHECK(c.Call({"CONFIG", "SET", "lazyfree-lazy-user-del", "maybe"}) ==
        Err("ERR CONFIG SET failed (possibly related to argument 'lazyfree-lazy-user-del') - "
            "argument must be 'yes' or 'no'"));
}

}  // namespace
}  // namespace kvd::e2e
