// Keyspace::EditString: bytes of a string value rewritten in place (a HyperLogLog register),
// as a write of the key that moves no byte counter.
#include <doctest/doctest.h>

#include <span>
#include <string>
#include <vector>

#include "core/keyspace.h"
#include "core/set_value.h"
#include "unit/core/keyspace_test_util.h"

namespace kvd::testing {
namespace {

using namespace std::string_view_literals;

struct Listener : Keyspace::KeyListener {
  void KeyChanged(const Keyspace&, std::string_view key, bool tentative) override {
    changed.emplace_back(key);
    CHECK_FALSE(tentative);
  }
  void Emptying(const Keyspace&) override {}
  std::vector<std::string> changed;
};

// Records what each record held when the snapshot was told of it.
struct Observer : Keyspace::SnapshotObserver {
  void BeforeChange(const Record& r) override { before.emplace_back(r.string_value()); }
  std::vector<std::string> before;
};

TEST_CASE("EditString rewrites bytes in place, keeping length, TTL and byte counts") {
  Keyspace ks;
  ks.PutWithTtl("k", "hello world", 1000, kT0);
  ks.Put("other", "x");
  const size_t data = ks.DataBytes();
  const size_t alloc = ks.AllocatedBytes();
  const char* where = ks.Get("k", kT0)->data();
  CHECK(ks.EditString("k", kT0, [](std::span<char> bytes) {
    CHECK(bytes.size() == 11);
    bytes[0] = 'H';
    bytes[10] = 'D';
  }));
  CHECK(ks.Get("k", kT0) == "Hello worlD"sv);
  CHECK(ks.Get("k", kT0)->data() == where);  // no copy
  CHECK(ks.GetExpire("k", kT0) == kT0 + 1000);
  CHECK(ks.DataBytes() == data);
  CHECK(ks.AllocatedBytes() == alloc);
  CheckAccounting(ks, kT0);
}

TEST_CASE("EditString does nothing on a missing, expired or non-string key") {
  Keyspace ks;
  int calls = 0;
  auto edit = [&](std::span<char>) { ++calls; };
  CHECK_FALSE(ks.EditString("missing", kT0, edit));
  ks.PutWithTtl("gone", "v", 10, kT0);
  CHECK_FALSE(ks.EditString("gone", kT0 + 10, edit));
  CHECK_FALSE(ks.Contains("gone", kT0 + 10));
  {
    auto w = ks.Write<SetValue>("set", kT0, /*create=*/true);
    REQUIRE(w);
    w->Add("m");
  }
  CHECK_FALSE(ks.EditString("set", kT0, edit));
  CHECK(calls == 0);
  CheckAccounting(ks, kT0 + 10);
}

TEST_CASE("EditString tells the key listener and the running snapshot before the change") {
  Keyspace ks;
  ks.Put("k", "abc");
  Listener listener;
  Observer observer;
  ks.set_key_listener(&listener);
  ks.BeginSnapshot(&observer);
  CHECK(ks.EditString("k", kT0, [](std::span<char> b) { b[1] = 'X'; }));
  CHECK(listener.changed == std::vector<std::string>{"k"});
  CHECK(observer.before == std::vector<std::string>{"abc"});
  // Already handed over: a second edit during the same snapshot is not seen again.
  CHECK(ks.EditString("k", kT0, [](std::span<char> b) { b[2] = 'Y'; }));
  CHECK(observer.before.size() == 1);
  ks.EndSnapshot(/*walk_finished=*/false);
  ks.set_key_listener(nullptr);
  CHECK(ks.Get("k", kT0) == "aXY"sv);
}

}  // namespace
}  // namespace kvd::testing
