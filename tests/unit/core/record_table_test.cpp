#include "core/record_table.h"

#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "core/hash.h"

namespace kvd {
namespace {

// Owns the records a test puts in a table (the table never frees them).
class Records {
 public:
  Records() = default;
  Records(const Records&) = delete;
  Records& operator=(const Records&) = delete;
  ~Records() {
    for (Record* r : all_) Record::Free(r);
  }
  Record* Make(std::string_view key) {
    all_.push_back(Record::NewString(key, "v", kNoExpiry));
    return all_.back();
  }

 private:
  std::vector<Record*> all_;
};

constexpr uint64_t kTagBits = ~uint64_t{0} << 48;

// The first key "<prefix><n>" (n = 0, 1, ...) other than `not_key` whose hash satisfies pred.
template <class Pred>
std::string FindKey(std::string_view prefix, std::string_view not_key, Pred pred) {
  for (uint64_t n = 0;; ++n) {
    std::string k = std::string(prefix) + std::to_string(n);
    if (k != not_key && pred(HashKey(k))) return k;
  }
}

// Checks what the table claims against the model: every key found at a slot holding its
// (untagged) record, absent keys missing, ForEach exact, and the run invariant SCAN needs
// (every slot from a record's home slot to its own is occupied).
void CheckTable(const RecordTable& t, const std::set<Record*>& model) {
  REQUIRE(t.size() == model.size());
  for (Record* r : model) {
    const size_t i = t.FindIndex(r->key(), HashKey(r->key()));
    REQUIRE(i != RecordTable::kNotFound);
    CHECK(t.At(i) == r);
    CHECK(t.Find(r->key(), HashKey(r->key())) == r);
  }
  std::set<Record*> seen;
  t.ForEach([&](Record* r) { seen.insert(r); });
  CHECK(seen == model);
  size_t occupied = 0;
  for (size_t i = 0; i < t.capacity(); ++i) {
    if (!t.Occupied(i)) continue;
    ++occupied;
    const size_t mask = t.capacity() - 1;
    for (size_t j = t.HomeSlot(*t.At(i)); j != i; j = (j + 1) & mask) CHECK(t.Occupied(j));
  }
  CHECK(occupied == model.size());
  // 8 bytes a slot, as malloc_usable_size reports it (exactly 8 under ASan).
  CHECK(t.AllocatedBytes() >= t.capacity() * 8);
  CHECK(t.AllocatedBytes() <= t.capacity() * 8 + 4096);
}

TEST_CASE("record table: insert, find, erase with backward shift, resize both ways") {
  RecordTable t;
  CHECK(t.capacity() == 0);
  CHECK(t.AllocatedBytes() == 0);
  std::vector<Record*> recs;
  for (int i = 0; i < 1000; ++i) {
    recs.push_back(Record::NewString("k" + std::to_string(i), "v", kNoExpiry));
    t.Insert(recs.back(), HashKey(recs.back()->key()));
  }
  CHECK(t.size() == 1000);
  CHECK(t.capacity() >= 1000 * 8 / 7);
  for (Record* r : recs) CHECK(t.Find(r->key(), HashKey(r->key())) == r);
  CHECK(t.Find("absent", HashKey("absent")) == nullptr);
  // Erase all but 20: every remaining one must still be reachable after each shift.
  for (int i = 0; i < 980; ++i) {
    Record* r = recs[i];
    const size_t at = t.FindIndex(r->key(), HashKey(r->key()));
    REQUIRE(at != RecordTable::kNotFound);
    t.EraseAt(at);
    t.ShrinkIfSparse();
    Record::Free(r);
  }
  CHECK(t.size() == 20);
  CHECK(t.capacity() <= 128);  // 1/10 full triggers a shrink to at most 1/2 full
  for (int i = 980; i < 1000; ++i) {
    CHECK(t.Find(recs[i]->key(), HashKey(recs[i]->key())) == recs[i]);
  }
  for (int i = 980; i < 1000; ++i) {
    t.EraseAt(t.FindIndex(recs[i]->key(), HashKey(recs[i]->key())));
    Record::Free(recs[i]);
  }
  t.ShrinkIfSparse();
  CHECK(t.capacity() == 0);
  CHECK(t.AllocatedBytes() == 0);
}

TEST_CASE("record table: the tag rejects, the key decides") {
  Records recs;
  RecordTable t;
  const std::string a = "a";
  const uint64_t ha = HashKey(a);
  Record* ra = recs.Make(a);
  t.Insert(ra, ha);
  REQUIRE(t.capacity() == RecordTable::kMinCapacity);
  const uint64_t mask = t.capacity() - 1;
  const size_t home = ha & mask;
  CHECK(t.FindIndex(a, ha) == home);
  CHECK(t.At(home) == ra);  // the tag bits are not part of the pointer

  // Same home slot, same tag, another key: only the key comparison tells them apart.
  const std::string twin = FindKey(
      "t", a, [&](uint64_t h) { return (h & mask) == home && (h & kTagBits) == (ha & kTagBits); });
  CHECK(t.Find(twin, HashKey(twin)) == nullptr);
  // Same home slot, another tag: rejected on the tag.
  const std::string other = FindKey(
      "o", a, [&](uint64_t h) { return (h & mask) == home && (h & kTagBits) != (ha & kTagBits); });
  CHECK(t.Find(other, HashKey(other)) == nullptr);
  // The tag is checked: a's own key under a hash with another tag is not found.
  CHECK(t.FindIndex(a, ha ^ (uint64_t{1} << 63)) == RecordTable::kNotFound);

  Record* rt = recs.Make(twin);
  Record* ro = recs.Make(other);
  t.Insert(rt, HashKey(twin));
  t.Insert(ro, HashKey(other));
  // One cluster: home, home + 1, home + 2 in insertion order.
  CHECK(t.FindIndex(a, ha) == home);
  CHECK(t.FindIndex(twin, HashKey(twin)) == ((home + 1) & mask));
  CHECK(t.FindIndex(other, HashKey(other)) == ((home + 2) & mask));
  CheckTable(t, {ra, rt, ro});
  t.Reset();
}

TEST_CASE("record table: erasing the head of a cluster shifts the rest back") {
  Records recs;
  RecordTable t;
  t.ReserveOne();
  REQUIRE(t.capacity() == RecordTable::kMinCapacity);
  const uint64_t mask = t.capacity() - 1;
  // Three keys with home slot 7 (the run wraps to 0 and 1) and one with home slot 0.
  std::vector<Record*> cluster;
  std::string last;
  for (int i = 0; i < 3; ++i) {
    last = FindKey("c" + std::to_string(i) + "_", "", [&](uint64_t h) { return (h & mask) == 7; });
    cluster.push_back(recs.Make(last));
    t.Insert(cluster.back(), HashKey(last));
  }
  const std::string zero = FindKey("z", "", [&](uint64_t h) { return (h & mask) == 0; });
  Record* rz = recs.Make(zero);
  t.Insert(rz, HashKey(zero));
  CHECK(t.At(7) == cluster[0]);
  CHECK(t.At(0) == cluster[1]);
  CHECK(t.At(1) == cluster[2]);
  CHECK(t.At(2) == rz);

  t.EraseAt(7);
  // Each entry moves back one slot, across the wrap; slot 2 becomes free.
  CHECK(t.At(7) == cluster[1]);
  CHECK(t.At(0) == cluster[2]);
  CHECK(t.At(1) == rz);
  CHECK_FALSE(t.Occupied(2));
  CheckTable(t, {cluster[1], cluster[2], rz});

  // Erasing inside the run: the entry after it moves back to its own home slot.
  t.EraseAt(t.FindIndex(cluster[2]->key(), HashKey(cluster[2]->key())));
  CHECK(t.At(7) == cluster[1]);
  CHECK(t.At(0) == rz);
  CHECK_FALSE(t.Occupied(1));
  CheckTable(t, {cluster[1], rz});
  t.Reset();
  CHECK(t.size() == 0);
  CHECK(t.AllocatedBytes() == 0);
}

TEST_CASE("record table: Replace points the slot at a moved record and keeps it findable") {
  Records recs;
  RecordTable t;
  Record* r = recs.Make("moving");
  t.Insert(r, HashKey("moving"));
  Record* moved = recs.Make("moving");  // same key, another address
  const size_t i = t.FindIndex("moving", HashKey("moving"));
  t.Replace(i, moved);
  CHECK(t.At(i) == moved);
  CHECK(t.Find("moving", HashKey("moving")) == moved);
  t.Reset();
}

TEST_CASE("record table: random inserts and erases against a model") {
  Records recs;
  RecordTable t;
  std::set<Record*> model;
  std::vector<Record*> live;
  std::mt19937_64 rng(7);
  for (int step = 0; step < 6000; ++step) {
    // Grow for the first half, then mostly erase, so the table both grows and shrinks.
    const bool insert = live.empty() || rng() % 100 < (step < 3000 ? 70u : 25u);
    if (insert) {
      Record* r = recs.Make("key:" + std::to_string(step));
      t.Insert(r, HashKey(r->key()));
      model.insert(r);
      live.push_back(r);
    } else {
      const size_t pick = rng() % live.size();
      Record* r = live[pick];
      live[pick] = live.back();
      live.pop_back();
      t.EraseAt(t.FindIndex(r->key(), HashKey(r->key())));
      t.ShrinkIfSparse();
      model.erase(r);
    }
    CHECK(t.size() * 8 <= t.capacity() * 7);
    if (step % 500 == 0) CheckTable(t, model);
  }
  CheckTable(t, model);
  t.Reset();
}

TEST_CASE("record table: prefetches change nothing, on empty and full tables alike") {
  Records recs;
  RecordTable t;
  std::mt19937_64 rng(11);
  // Never allocated.
  for (int i = 0; i < 100; ++i) {
    t.PrefetchSlot(rng());
    t.PrefetchRecord(rng());
    t.PrefetchValue(rng());
  }
  CHECK(t.capacity() == 0);
  CHECK(t.AllocatedBytes() == 0);

  std::set<Record*> model;
  for (int i = 0; i < 7000; ++i) {
    Record* r = recs.Make("p" + std::to_string(i));
    t.Insert(r, HashKey(r->key()));
    model.insert(r);
  }
  const size_t capacity = t.capacity();
  const size_t allocated = t.AllocatedBytes();
  // Every key, absent keys, and hashes whose home is the last slot (the scan must not
  // read past the array) or any slot.
  for (Record* r : model) {
    t.PrefetchSlot(HashKey(r->key()));
    t.PrefetchRecord(HashKey(r->key()));
    t.PrefetchValue(HashKey(r->key()));
  }
  for (uint64_t h : {uint64_t{capacity - 1}, ~uint64_t{0}, uint64_t{0}}) {
    t.PrefetchSlot(h);
    t.PrefetchRecord(h);
    t.PrefetchValue(h);
  }
  for (int i = 0; i < 10000; ++i) {
    const uint64_t h = rng();
    t.PrefetchSlot(h);
    t.PrefetchRecord(h);
    t.PrefetchValue(h);
  }
  CHECK(t.capacity() == capacity);
  CHECK(t.AllocatedBytes() == allocated);
  CheckTable(t, model);

  // Emptied but not shrunk: the array is there, no record is.
  for (Record* r : model) t.EraseAt(t.FindIndex(r->key(), HashKey(r->key())));
  REQUIRE(t.size() == 0);
  REQUIRE(t.capacity() == capacity);
  for (int i = 0; i < 1000; ++i) {
    const uint64_t h = rng();
    t.PrefetchSlot(h);
    t.PrefetchRecord(h);
    t.PrefetchValue(h);
  }
  CHECK(t.size() == 0);
  t.Reset();
  t.PrefetchSlot(1);
  t.PrefetchRecord(1);
  t.PrefetchValue(1);
  CHECK(t.AllocatedBytes() == 0);
}

TEST_CASE("record table: an address wider than 48 bits aborts with a message") {
  int err[2];
  REQUIRE(pipe(err) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(err[1], STDERR_FILENO);
    RecordTable t;
    // Never dereferenced: the check comes first.
    t.Insert(reinterpret_cast<Record*>(uintptr_t{0xABCD'0000'0000'1000}), 42);
    _exit(0);  // not reached
  }
  close(err[1]);
  std::string message;
  char buf[256];
  for (ssize_t n; (n = read(err[0], buf, sizeof buf)) > 0;) message.append(buf, n);
  close(err[0]);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGABRT);
  CHECK(message.find("does not fit in 48 bits") != std::string::npos);
}

}  // namespace
}  // namespace kvd
