// Keyspace::EditString as a write of the key: the key listener (WATCH, tracking) and a
// running snapshot hear of it before the bytes change.
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

TEST_CASE("EditString tells the key listener and the running snapshot before the change") {
  Keyspace ks;
  ks.Put("k", "abc");
  Listener listener;
  Observer observer;
  ks.set_key_listener(&listener);
  ks.BeginSnapshot(&observer);
  ks.EditString("k", 1, kT0).bytes[1] = 'X';
  CHECK(listener.changed == std::vector<std::string>{"k"});
  CHECK(observer.before == std::vector<std::string>{"abc"});
  // Already handed over: a second edit during the same snapshot is not seen again.
  ks.EditString("k", 1, kT0).bytes[2] = 'Y';
  CHECK(observer.before.size() == 1);
  ks.EndSnapshot(/*walk_finished=*/false);
  ks.set_key_listener(nullptr);
  CHECK(ks.Get("k", kT0) == "aXY"sv);
}

}  // namespace
}  // namespace kvd::testing
