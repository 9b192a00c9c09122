// Keyspace::EditString as a write of the key: the key listener (WATCH, tracking) and a
// running snapshot hear of it before the bytes change.
#include <doctest/doctest.h>

#include <span>
#include <string>
#include <vector>

#include "core/keyspace.h"
#include "core/set_value.h"
#include "core/zset_value.h"
#include "unit/core/keyspace_test_util.h"

namespace kvd::testing {
namespace {

using namespace std::string_view_literals;

struct Listener : Keyspace::KeyListener {
  void KeyChanged(const Keyspace&, std::string_view key, bool tentative) override {
    changed.emplace_back(key);
    tentatives.push_back(tentative);
  }
  void Emptying(const Keyspace&) override {}
  std::vector<std::string> changed;
  std::vector<bool> tentatives;
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
  CHECK(listener.tentatives == std::vector<bool>{false});
  CHECK(observer.before == std::vector<std::string>{"abc"});
  // Already handed over: a second edit during the same snapshot is not seen again.
  ks.EditString("k", 1, kT0).bytes[2] = 'Y';
  CHECK(observer.before.size() == 1);
  ks.EndSnapshot(/*walk_finished=*/false);
  ks.set_key_listener(nullptr);
  CHECK(ks.Get("k", kT0) == "aXY"sv);
}

struct KeyObserver : Keyspace::SnapshotObserver {
  void BeforeChange(const Record& r) override { keys.emplace_back(r.key()); }
  std::vector<std::string> keys;
};

TEST_CASE("Reencode: the running snapshot encodes the key first, the key listener hears nothing") {
  Keyspace ks;
  {
    auto w = ks.Write<ZSetValue>("z", kT0, /*create=*/true);
    w->Add("a", 1);
    w->Add("b", 2);
  }
  const size_t bytes = ks.AllocatedBytes();
  Listener listener;
  KeyObserver observer;
  ks.set_key_listener(&listener);
  ks.BeginSnapshot(&observer);
  {
    auto w = ks.Reencode<ZSetValue>("z", kT0);
    REQUIRE(w);
    REQUIRE(w->is_packed());
    w->ConvertToSkiplist();
  }
  CHECK(listener.changed.empty());
  CHECK(observer.keys == std::vector<std::string>{"z"});
  CHECK_FALSE(ks.Read<ZSetValue>("z", kT0)->is_packed());
  CHECK(ks.AllocatedBytes() > bytes);  // the counters follow the new encoding
  CHECK_FALSE(ks.Reencode<ZSetValue>("missing", kT0));  // never creates
  ks.Write<ZSetValue>("z", kT0, /*create=*/false);  // a write is heard, tentatively
  CHECK(listener.changed == std::vector<std::string>{"z"});
  CHECK(listener.tentatives == std::vector<bool>{true});
  ks.EndSnapshot(/*walk_finished=*/false);
  ks.set_key_listener(nullptr);
}

}  // namespace
}  // namespace kvd::testing
