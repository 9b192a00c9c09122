// Collections in the keyspace: type tags, create/read/write, delete-when-empty, RENAME /
// COPY / MOVE of every type, SET over a collection, expiry, lazy-free detaching, and the
// byte counters staying exact through all of it.
#include <doctest/doctest.h>

#include <string>

#include "core/collection.h"
#include "core/hash_value.h"
#include "core/keyspace.h"
#include "core/list_value.h"
#include "core/set_value.h"
#include "core/stream_value.h"
#include "core/zset_value.h"
#include "keyspace_test_util.h"

namespace kvd {
namespace {

using testing::CheckAccounting;
using testing::kT0;

// Fills key with n elements of the type (n > 128 gives the scalable encodings).
void Fill(Keyspace& ks, std::string_view key, ValueType type, int n) {
  for (int i = 0; i < n; ++i) {
    const std::string e = "e" + std::to_string(i);
    switch (type) {
      case ValueType::kHash: ks.Write<HashValue>(key, kT0, true)->Set(e, "v" + e); break;
      case ValueType::kList: ks.Write<ListValue>(key, kT0, true)->PushBack(e); break;
      case ValueType::kSet: ks.Write<SetValue>(key, kT0, true)->Add(e); break;
      case ValueType::kZSet: ks.Write<ZSetValue>(key, kT0, true)->Add(e, i); break;
      case ValueType::kString:
      case ValueType::kStream: break;
    }
  }
}

const ValueType kTypes[] = {ValueType::kHash, ValueType::kList, ValueType::kSet,
                            ValueType::kZSet};

TEST_CASE("collections: create, tag, read, wrong type") {
  Keyspace ks;
  const size_t baseline = ks.AllocatedBytes();
  {
    auto h = ks.Write<HashValue>("h", kT0, true);
    REQUIRE(h);
    CHECK(h.created());
    CHECK(h->Set("f", "v"));
  }
  CHECK(ks.Find("h", kT0)->type() == ValueType::kHash);
  CHECK(ks.Read<HashValue>("h", kT0)->Get("f") == "v");
  bool wrong = false;
  CHECK(ks.Read<SetValue>("h", kT0, &wrong) == nullptr);
  CHECK(wrong);
  CHECK(ks.Read<SetValue>("missing", kT0, &wrong) == nullptr);
  CHECK_FALSE(wrong);
  auto w = ks.Write<ListValue>("h", kT0, true);
  CHECK_FALSE(w);
  CHECK(w.wrong_type());
  CHECK_FALSE(ks.Write<ListValue>("nothing", kT0, false));
  CHECK_FALSE(ks.Contains("nothing", kT0));
  CHECK_FALSE(ks.Get("h", kT0).has_value());  // not a string
  CHECK(ObjectEncodingName(*ks.Find("h", kT0)) == "listpack");
  CheckAccounting(ks, kT0);
  CHECK(ks.Delete("h", kT0));
  CHECK(ks.AllocatedBytes() == baseline);
  CHECK(ks.DataBytes() == 0);
}

TEST_CASE("collections: an emptied collection deletes its key, counters back to baseline") {
  for (const ValueType type : kTypes) {
    CAPTURE(TypeName(type));
    Keyspace ks;
    ks.Put("other", "value");
    const size_t baseline = ks.AllocatedBytes();
    const size_t data = ks.DataBytes();
    Fill(ks, "k", type, 300);
    CHECK(ks.Find("k", kT0)->type() == type);
    CHECK(ObjectLength(*ks.Find("k", kT0)) == 300);
    CheckAccounting(ks, kT0);
    for (int i = 0; i < 300; ++i) {
      const std::string e = "e" + std::to_string(i);
      switch (type) {
        case ValueType::kHash: CHECK(ks.Write<HashValue>("k", kT0, false)->Delete(e)); break;
        case ValueType::kList: CHECK(ks.Write<ListValue>("k", kT0, false)->PopFront() == e); break;
        case ValueType::kSet: CHECK(ks.Write<SetValue>("k", kT0, false)->Remove(e)); break;
        case ValueType::kZSet: CHECK(ks.Write<ZSetValue>("k", kT0, false)->Remove(e)); break;
        case ValueType::kString:
        case ValueType::kStream: break;
      }
      if (i % 50 == 0) CheckAccounting(ks, kT0);
    }
    CHECK_FALSE(ks.Contains("k", kT0));
    CHECK(ks.Count(kT0) == 1);
    CHECK(ks.AllocatedBytes() == baseline);
    CHECK(ks.DataBytes() == data);
  }
}

TEST_CASE("collections: RENAME, COPY (deep) and MOVE of every type") {
  for (const ValueType type : kTypes) {
    for (const int n : {3, 300}) {
      CAPTURE(TypeName(type));
      CAPTURE(n);
      Keyspace ks;
      Keyspace other;
      Fill(ks, "a", type, n);
      ks.Put("target", "string to be replaced");
      CHECK(ks.Rename("a", "target", kT0));
      CHECK_FALSE(ks.Contains("a", kT0));
      CHECK(ks.Find("target", kT0)->type() == type);
      CheckAccounting(ks, kT0);

      CHECK(ks.CopyTo("target", ks, "copy", false, kT0));
      CheckAccounting(ks, kT0);
      // The copy is independent: emptying it leaves the original whole.
      const Record* orig = ks.Find("target", kT0);
      const Record* copy = ks.Find("copy", kT0);
      CHECK(orig->object() != copy->object());
      CHECK(ObjectLength(*copy) == static_cast<size_t>(n));
      CHECK(ObjectDataBytes(*copy) == ObjectDataBytes(*orig));
      CHECK(ObjectEncodingName(*copy) == ObjectEncodingName(*orig));
      CHECK(ks.Delete("copy", kT0));
      CHECK(ObjectLength(*ks.Find("target", kT0)) == static_cast<size_t>(n));

      CHECK(ks.CopyTo("target", other, "x", false, kT0));
      CHECK(ks.MoveTo("target", other, kT0) == true);
      CHECK(other.Find("target", kT0)->type() == type);
      CHECK(ks.Count(kT0) == 0);
      CHECK(ks.AllocatedBytes() == Keyspace().AllocatedBytes());
      CheckAccounting(ks, kT0);
      CheckAccounting(other, kT0);
      CHECK(other.Count(kT0) == 2);
    }
  }
}

TEST_CASE("collections: SET over a collection frees it; expiry and FLUSH free them too") {
  Keyspace ks;
  for (const ValueType type : kTypes) {
    const std::string key(TypeName(type));
    Fill(ks, key, type, 200);
    CHECK(ks.SetExpire(key, kT0 + 100, kT0));
    Fill(ks, key + "2", type, 200);
  }
  CheckAccounting(ks, kT0);
  ks.SetString("hash2", "now a string", kNoExpiry, TtlMode::kClear, kT0);
  CHECK(ks.Get("hash2", kT0) == "now a string");
  CheckAccounting(ks, kT0);
  // Writing keeps the TTL; reading after the deadline finds nothing.
  ks.Write<SetValue>("set", kT0, false)->Add("extra");
  CHECK(ks.GetExpire("set", kT0) == kT0 + 100);
  CHECK(ks.Read<SetValue>("set", kT0 + 101) == nullptr);
  CHECK_FALSE(ks.Write<ZSetValue>("zset", kT0 + 101, false));
  CheckAccounting(ks, kT0 + 101);  // reclaims the rest
  CHECK(ks.Count(kT0 + 101) == 4);
  ks.Clear();  // ASan checks nothing leaked
  CHECK(ks.AllocatedBytes() == 0);
}

TEST_CASE("collections: StoreCollection replaces, an empty one deletes") {
  Keyspace ks;
  ks.Put("dst", "old");
  auto s = SetValue::Create();
  s->Add("a");
  s->Add("b");
  CHECK_FALSE(ks.StoreCollection("dst", std::move(s), kNoExpiry, kT0));
  CHECK(ks.Read<SetValue>("dst", kT0)->size() == 2);
  auto z = ZSetValue::Create();
  z->Add("m", 1);
  CHECK(ks.StoreCollection("fresh", std::move(z), kT0 + 50, kT0));
  CHECK(ks.GetExpire("fresh", kT0) == kT0 + 50);
  CheckAccounting(ks, kT0);
  CHECK_FALSE(ks.StoreCollection("dst", SetValue::Create(), kNoExpiry, kT0));
  CHECK_FALSE(ks.Contains("dst", kT0));
  CHECK(ks.StoreCollection("never", HashValue::Create(), kNoExpiry, kT0));
  CHECK_FALSE(ks.Contains("never", kT0));
  CheckAccounting(ks, kT0);
}

TEST_CASE("collections: DeleteDetached hands the value over for lazy freeing") {
  Keyspace ks;
  Fill(ks, "big", ValueType::kSet, 1000);
  Fill(ks, "small", ValueType::kList, 3);
  DetachedValue big;
  CHECK(ks.DeleteDetached("big", kT0, &big));
  CHECK_FALSE(ks.Contains("big", kT0));
  CHECK(big.type() == ValueType::kSet);
  CHECK(big.FreeEffort() == 1000);  // above Redis's LAZYFREE_THRESHOLD (64)
  DetachedValue small;
  CHECK(ks.DeleteDetached("small", kT0, &small));
  CHECK(small.FreeEffort() == 1);
  CheckAccounting(ks, kT0);
  CHECK(ks.AllocatedBytes() == Keyspace().AllocatedBytes());
  CHECK_FALSE(ks.DeleteDetached("big", kT0, &big));
  big.Reset();  // frees it here; `small` frees in its destructor
  CHECK(big.empty());
}

TEST_CASE("collections: MEMORY USAGE counts the object") {
  Keyspace ks;
  Fill(ks, "z", ValueType::kZSet, 500);
  const Record* r = ks.Find("z", kT0);
  CHECK(ks.MemoryUsage(*r) == r->AllocSize() + ObjectAllocatedBytes(*r) + 8);
  CHECK(ObjectAllocatedBytes(*r) > 500 * 8);
}

}  // namespace
}  // namespace kvd

namespace kvd {
namespace {

using testing::CheckAccounting;
using testing::kT0;

TEST_CASE("collections: an emptied stream keeps its key; COPY and DEL account for it") {
  Keyspace ks;
  const size_t baseline = ks.AllocatedBytes();
  {
    CollectionWrite<StreamValue> w = ks.Write<StreamValue>("s", kT0, true);
    const std::string_view fv[] = {"field", "value"};
    w->Append({1, 0}, fv);
    w->Append({2, 0}, fv);
    REQUIRE(w->CreateGroup("g", {}, 0) != nullptr);
  }
  CheckAccounting(ks, kT0);
  CHECK(ks.Write<StreamValue>("s", kT0, false)->Delete({1, 0}));
  CHECK(ks.Write<StreamValue>("s", kT0, false)->Delete({2, 0}));
  REQUIRE(ks.Contains("s", kT0));
  CHECK(ObjectLength(*ks.Find("s", kT0)) == 0);
  CHECK(ks.Read<StreamValue>("s", kT0)->last_id() == StreamId{2, 0});
  CheckAccounting(ks, kT0);
  // An empty stream stored whole is kept too (XGROUP CREATE ... MKSTREAM, a load).
  CHECK(ks.StoreCollection("t", StreamValue::Create(), kNoExpiry, kT0));
  CHECK(ks.Contains("t", kT0));
  CHECK(ks.CopyTo("s", ks, "c", false, kT0));
  CHECK(ks.Read<StreamValue>("c", kT0)->FindGroup("g") != nullptr);
  CheckAccounting(ks, kT0);
  CHECK(ks.Delete("s", kT0));
  CHECK(ks.Delete("t", kT0));
  CHECK(ks.Delete("c", kT0));
  CHECK(ks.AllocatedBytes() == baseline);
}

}  // namespace
}  // namespace kvd
