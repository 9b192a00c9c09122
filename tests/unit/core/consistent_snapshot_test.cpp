// A snapshot taken a slice at a time while writes go on holds exactly the store of its
// starting moment, each key once, and leaves the store as the writes made it.
#include <doctest/doctest.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/consistent_snapshot.h"
#include "rdb_test_util.h"

namespace kvd {
namespace {

using rdb_test::Dump;
using rdb_test::kNow;
using rdb_test::Set;

// Runs the snapshot to its end, `between` called after each slice of `budget` keys.
template <class Between>
std::string Finish(ConsistentSnapshot& snap, size_t budget, Between&& between) {
  std::string file;
  while (!snap.Step(budget)) {
    snap.TakePending(file);
    between();
  }
  snap.TakePending(file);
  return file;
}

std::vector<std::string> Loaded(const std::string& file) {
  Store loaded;
  RdbLoadInfo info;
  const std::string err = LoadRdb(file, kNow, loaded, &info);
  REQUIRE(err == "");
  return Dump(loaded, kNow);
}

Store Sample(size_t keys) {
  Store s;
  for (size_t i = 0; i < keys; ++i) {
    const std::string k = "k" + std::to_string(i);
    Set(s, i % 3, k, "v" + std::to_string(i), i % 4 == 0 ? kNow + 100'000 : kNoExpiry);
  }
  auto h = s.Db(0).Write<HashValue>("hash", kNow, true);
  h->Set("f1", "a");
  h->Set("f2", "b");
  h.Commit();
  auto l = s.Db(1).Write<ListValue>("list", kNow, true);
  for (int i = 0; i < 300; ++i) l->PushBack(std::to_string(i));
  l.Commit();
  return s;
}

TEST_CASE("consistent snapshot: without writes it equals the one-shot encoding") {
  Store s = Sample(500);
  const std::vector<std::string> before = Dump(s, kNow);
  ConsistentSnapshot snap(s, kNow, {});
  const std::string file = Finish(snap, 7, [] {});
  CHECK(Loaded(file) == before);
  CHECK(Loaded(EncodeRdb(s, kNow, {})) == before);
  CHECK(snap.keys_written() == before.size());
}

TEST_CASE("consistent snapshot: writes during the walk do not show, and all land") {
  Store s = Sample(400);
  const std::vector<std::string> before = Dump(s, kNow);
  ConsistentSnapshot snap(s, kNow, {});
  REQUIRE_FALSE(snap.Step(3));
  int round = 0;
  const std::string file = Finish(snap, 5, [&] {
    const std::string k = "k" + std::to_string(round * 7 % 400);
    const size_t db = (round * 7 % 400) % 3;
    switch (round++ % 9) {
      case 0: Set(s, db, k, "overwritten"); break;
      case 1: s.Db(db).Delete(k, kNow); break;
      case 2: Set(s, round % 16, "new" + std::to_string(round), "fresh"); break;
      case 3: s.Db(db).Append(k, "+tail", kNow); break;
      case 4: s.Db(db).SetExpire(k, kNow + 5, kNow); break;
      case 5: s.Db(db).Rename(k, "renamed" + std::to_string(round), kNow); break;
      case 6: s.Db(db).MoveTo(k, s.Db(9), kNow); break;
      case 7: {
        auto l = s.Db(1).Write<ListValue>("list", kNow, false);
        if (l) l->PopFront();
        break;
      }
      case 8: s.Db(0).Persist(k, kNow); break;
    }
  });
  CHECK(Loaded(file) == before);
  CHECK(Dump(s, kNow) != before);
  CHECK(s.Db(0).snapshot_observer() == nullptr);
}

TEST_CASE("consistent snapshot: SWAPDB and FLUSHALL during the walk") {
  Store s = Sample(300);
  const std::vector<std::string> before = Dump(s, kNow);
  ConsistentSnapshot snap(s, kNow, {});
  int round = 0;
  const std::string file = Finish(snap, 10, [&] {
    if (round == 2) s.SwapDbs(0, 1);
    if (round == 4) s.SwapDbs(2, 7);
    if (round == 9) s.FlushAll();
    if (round > 9) Set(s, 0, "after" + std::to_string(round), "x");
    ++round;
  });
  REQUIRE(round > 9);
  CHECK(Loaded(file) == before);
  CHECK(s.Db(0).Count(kNow) == static_cast<size_t>(round - 10));
}

TEST_CASE("consistent snapshot: a database detached for a lazy flush is still written") {
  Store s = Sample(300);
  const std::vector<std::string> before = Dump(s, kNow);
  ConsistentSnapshot snap(s, kNow, {});
  REQUIRE_FALSE(snap.Step(5));
  std::string file;
  snap.TakePending(file);
  {
    Keyspace detached = s.Db(1).DetachAll();  // freed elsewhere, without the snapshot
    CHECK(detached.snapshot_observer() == nullptr);
  }
  Set(s, 1, "after", "x");
  file += Finish(snap, 5, [] {});
  CHECK(Loaded(file) == before);
}

TEST_CASE("consistent snapshot: the table growing and shrinking under the walk") {
  Store s = Sample(64);
  const std::vector<std::string> before = Dump(s, kNow);
  ConsistentSnapshot snap(s, kNow, {});
  int round = 0;
  const std::string file = Finish(snap, 1, [&] {
    // Grow db 0 far past its size, then empty most of it again so it shrinks.
    if (round < 20) {
      for (int i = 0; i < 200; ++i) Set(s, 0, "g" + std::to_string(round * 200 + i), "x");
    } else if (round < 40) {
      for (int i = 0; i < 200; ++i) s.Db(0).Delete("g" + std::to_string((round - 20) * 200 + i), kNow);
    }
    ++round;
  });
  CHECK(Loaded(file) == before);
}

TEST_CASE("consistent snapshot: keys expired at the start are left out") {
  Store s;
  Set(s, 0, "gone", "x", kNow - 1);
  Set(s, 0, "kept", "y", kNow + 10);
  ConsistentSnapshot snap(s, kNow, {});
  const std::vector<std::string> got = Loaded(Finish(snap, 100, [] {}));
  REQUIRE(got.size() == 1);
  CHECK(got[0].find("kept") != std::string::npos);
}

TEST_CASE("consistent snapshot: an abandoned one leaves the next one whole") {
  Store s = Sample(300);
  {
    ConsistentSnapshot first(s, kNow, {});
    first.Step(50);
    Set(s, 0, "k0", "changed");
  }
  CHECK(s.Db(0).snapshot_observer() == nullptr);
  const std::vector<std::string> before = Dump(s, kNow);
  ConsistentSnapshot second(s, kNow, {});
  CHECK(Loaded(Finish(second, 13, [] {})) == before);
}

TEST_CASE("consistent snapshot: randomized writes against a copy taken at the start") {
  std::mt19937 rng(42);
  for (int trial = 0; trial < 5; ++trial) {
    Store s = Sample(200 + trial * 50);
    const std::vector<std::string> before = Dump(s, kNow);
    ConsistentSnapshot snap(s, kNow, {});
    const std::string file = Finish(snap, 1 + rng() % 20, [&] {
      for (int i = 0; i < 5; ++i) {
        const std::string k = "k" + std::to_string(rng() % 400);
        const size_t db = rng() % 4;
        switch (rng() % 6) {
          case 0: Set(s, db, k, std::to_string(rng())); break;
          case 1: s.Db(db).Delete(k, kNow); break;
          case 2: s.Db(db).CopyTo(k, s.Db((db + 1) % 4), k, true, kNow); break;
          case 3: {
            auto h = s.Db(db).Write<HashValue>("h" + k, kNow, true);
            if (h) h->Set(std::to_string(rng() % 10), "v");
            break;
          }
          case 4: s.Db(db).SetExpire(k, kNow + 1 + rng() % 1000, kNow); break;
          case 5: s.SwapDbs(db, (db + 2) % 4); break;
        }
      }
    });
    CHECK(Loaded(file) == before);
  }
}

}  // namespace
}  // namespace kvd
