// Randomized comparison of the keyspace against a std::map reference model: thousands of
// writes, deletes, expiries, renames and clock advances, checked op by op and in full.
#include <doctest/doctest.h>

#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/keyspace.h"
#include "keyspace_test_util.h"

namespace kvd {
namespace {

using testing::CheckAccounting;
using testing::kT0;
using testing::SortedKeys;

struct Entry {
  std::string value;
  int64_t expire_at_ms = kNoExpiry;
};

// What the keyspace should hold: a plain map that expires lazily like the real thing. A key
// lives through the millisecond of its expiry, as in Redis.
class Model {
 public:
  Entry* Live(const std::string& key, int64_t now) {
    auto it = map_.find(key);
    if (it == map_.end()) return nullptr;
    if (it->second.expire_at_ms != kNoExpiry && it->second.expire_at_ms < now) {
      map_.erase(it);
      return nullptr;
    }
    return &it->second;
  }
  void Set(const std::string& key, Entry e) { map_[key] = std::move(e); }
  void Erase(const std::string& key) { map_.erase(key); }
  std::map<std::string, Entry> LiveEntries(int64_t now) {
    std::map<std::string, Entry> out;
    for (const auto& [k, e] : map_) {
      if (e.expire_at_ms == kNoExpiry || e.expire_at_ms >= now) out.emplace(k, e);
    }
    return out;
  }

 private:
  std::map<std::string, Entry> map_;
};

class Fuzzer {
 public:
  explicit Fuzzer(uint64_t seed) : rng_(seed) {}

  std::string Key() {
    const uint64_t n = rng_() % 48;
    std::string k = "k" + std::to_string(n);
    if (n % 5 == 0) k.insert(0, 1, '\0');  // binary keys too
    if (n == 47) k.clear();                 // and the empty key
    return k;
  }
  std::string Value() {
    // Lengths around the one-byte varint limit, and some large ones.
    const uint64_t pick = rng_() % 10;
    const size_t len = pick < 6 ? rng_() % 40 : pick < 9 ? 100 + rng_() % 60 : rng_() % 3000;
    std::string v(len, '\0');
    for (char& c : v) c = static_cast<char>(rng_());
    return v;
  }
  int64_t Ttl() { return 1 + static_cast<int64_t>(rng_() % 200); }
  uint64_t Next() { return rng_(); }

 private:
  std::mt19937_64 rng_;
};

void CheckSame(Keyspace& ks, Model& model, int64_t now) {
  const auto live = model.LiveEntries(now);
  REQUIRE(ks.Count(now) == live.size());
  std::vector<std::string> expected;
  for (const auto& [k, e] : live) {
    expected.push_back(k);
    const Record* r = ks.Peek(k);
    REQUIRE(r != nullptr);
    CHECK(r->string_value() == e.value);
    CHECK(r->expire_at_ms() == e.expire_at_ms);
  }
  CHECK(SortedKeys(ks, now) == expected);
  CheckAccounting(ks, now);
}

TEST_CASE("keyspace matches a reference model over random operations") {
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    CAPTURE(seed);
    Fuzzer f(seed);
    Keyspace ks;
    Model model;
    int64_t now = kT0;
    for (int op = 0; op < 4000; ++op) {
      CAPTURE(op);
      const std::string key = f.Key();
      switch (f.Next() % 16) {
        case 0: {
          const std::string v = f.Value();
          ks.Put(key, v);
          model.Set(key, {v, kNoExpiry});
          break;
        }
        case 1: {
          const std::string v = f.Value();
          const int64_t at = now + f.Ttl();
          const bool existed = model.Live(key, now) != nullptr;
          CHECK(ks.SetString(key, v, at, TtlMode::kClear, now) == !existed);
          model.Set(key, {v, at});
          break;
        }
        case 2: {
          const std::string v = f.Value();
          Entry* e = model.Live(key, now);
          const int64_t keep = e ? e->expire_at_ms : kNoExpiry;
          CHECK(ks.SetString(key, v, now + 5, TtlMode::kKeep, now) == (e == nullptr));
          model.Set(key, {v, keep});
          break;
        }
        case 3: {
          const bool existed = model.Live(key, now) != nullptr;
          CHECK(ks.Delete(key, now) == existed);
          model.Erase(key);
          break;
        }
        case 4: {
          Entry* e = model.Live(key, now);
          const auto got = ks.Get(key, now);
          REQUIRE(got.has_value() == (e != nullptr));
          if (e) CHECK(*got == e->value);
          break;
        }
        case 5: {
          // Sometimes in the past, which deletes.
          const int64_t at = now - 20 + static_cast<int64_t>(f.Next() % 200);
          Entry* e = model.Live(key, now);
          CHECK(ks.SetExpire(key, at, now) == (e != nullptr));
          if (e && at <= now) model.Erase(key);
          else if (e) e->expire_at_ms = at;
          break;
        }
        case 6: {
          Entry* e = model.Live(key, now);
          const bool had = e && e->expire_at_ms != kNoExpiry;
          CHECK(ks.Persist(key, now) == had);
          if (had) e->expire_at_ms = kNoExpiry;
          break;
        }
        case 7: {
          const std::string to = f.Key();
          Entry* e = model.Live(key, now);
          model.Live(to, now);
          CHECK(ks.Rename(key, to, now) == (e != nullptr));
          if (e && key != to) {
            Entry moved = *e;
            model.Erase(key);
            model.Set(to, moved);
          }
          break;
        }
        case 8: {
          const std::string v = f.Value();
          Entry* e = model.Live(key, now);
          const size_t len = ks.Append(key, v, now);
          if (e) e->value += v;
          else model.Set(key, {v, kNoExpiry});
          CHECK(len == model.Live(key, now)->value.size());
          break;
        }
        case 9: {
          const std::string v = f.Value().substr(0, 20);
          const size_t offset = f.Next() % 300;
          Entry* e = model.Live(key, now);
          const size_t len = ks.SetRange(key, offset, v, now);
          if (v.empty()) {
            CHECK(len == (e ? e->value.size() : 0));
            break;
          }
          if (!e) {
            model.Set(key, {"", kNoExpiry});
            e = model.Live(key, now);
          }
          if (e->value.size() < offset + v.size()) e->value.resize(offset + v.size(), '\0');
          e->value.replace(offset, v.size(), v);
          CHECK(len == e->value.size());
          break;
        }
        case 10:
        case 11:
          now += static_cast<int64_t>(f.Next() % 30);
          break;
        case 12:
          CHECK(ks.Count(now) == model.LiveEntries(now).size());
          break;
        case 13:
          ks.ExpireSome(now, 1 + f.Next() % 20);
          break;
        case 14: {
          const std::string to = f.Key();
          const bool replace = f.Next() % 2 == 0;
          Entry* e = model.Live(key, now);
          const bool to_live = model.Live(to, now) != nullptr;
          const bool ok = e && key != to && (!to_live || replace);
          CHECK(ks.CopyTo(key, ks, to, replace, now) == ok);
          if (ok) {
            Entry copy = *model.Live(key, now);
            model.Set(to, copy);
          }
          break;
        }
        case 15: {
          Entry* e = model.Live(key, now);
          const auto got = ks.GetExpire(key, now);
          REQUIRE(got.has_value() == (e != nullptr));
          if (e) CHECK(*got == e->expire_at_ms);
          break;
        }
      }
      if (op % 200 == 0) CheckSame(ks, model, now);
    }
    CheckSame(ks, model, now);
    ks.Clear();
    CHECK(ks.AllocatedBytes() == 0);
  }
}

}  // namespace
}  // namespace kvd
