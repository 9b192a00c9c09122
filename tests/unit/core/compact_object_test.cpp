// A small collection pays for its packed buffer and a small object, nothing more: the
// state of the table or skiplist encoding is allocated only when the collection converts.
#include <doctest/doctest.h>

#include <malloc.h>

#include <string>

#include "core/hash_value.h"
#include "core/set_value.h"
#include "core/zset_value.h"

namespace kvd {
namespace {

// The bytes the allocator reserved for the object itself (what AllocatedBytes counts).
template <class T>
size_t ObjectBytes(const T& v) {
  return malloc_usable_size(const_cast<T*>(&v));
}

TEST_CASE("small hashes, sets and sorted sets carry no table state") {
  CHECK(sizeof(HashValue) <= 40);
  CHECK(sizeof(ZSetValue) <= 40);
  CHECK(sizeof(SetValue) <= 48);
}

TEST_CASE("converting to the large encoding allocates its state, and counts it") {
  auto h = HashValue::Create();
  auto z = ZSetValue::Create();
  auto s = SetValue::Create();
  for (int i = 0; i < 16; ++i) {
    h->Set("f" + std::to_string(i), "v");
    z->Add("m" + std::to_string(i), i);
    s->Add("s" + std::to_string(i));
  }
  REQUIRE(h->is_packed());
  REQUIRE(z->is_packed());
  REQUIRE(s->encoding() == SetValue::Encoding::kPacked);
  const size_t small_hash = h->AllocatedBytes();
  const size_t small_zset = z->AllocatedBytes();
  const size_t small_set = s->AllocatedBytes();
  // Object plus one buffer of at most 16 x (1 + 3 + 1 + 1) bytes (and malloc's rounding).
  CHECK(small_hash <= ObjectBytes(*h) + 16 * 6 + 24);
  CHECK(small_zset <= ObjectBytes(*z) + 16 * 5 + 24);
  CHECK(small_set <= ObjectBytes(*s) + 16 * 4 + 24);

  for (int i = 16; i < 600; ++i) {  // past every default entries limit
    h->Set("f" + std::to_string(i), "v");
    z->Add("m" + std::to_string(i), i);
    s->Add("s" + std::to_string(i));
  }
  CHECK(!h->is_packed());
  CHECK(!z->is_packed());
  CHECK(s->encoding() == SetValue::Encoding::kTable);
  CHECK(h->AllocatedBytes() == h->RecountAllocatedBytes());
  CHECK(z->AllocatedBytes() == z->RecountAllocatedBytes());
  CHECK(s->AllocatedBytes() == s->RecountAllocatedBytes());
  // Copies keep the encoding and the count.
  auto hc = h->Clone();
  auto zc = z->Clone();
  auto sc = s->Clone();
  CHECK(hc->size() == 600);
  CHECK(zc->size() == 600);
  CHECK(sc->size() == 600);
  CHECK(hc->DataBytes() == h->DataBytes());
  CHECK(zc->DataBytes() == z->DataBytes());
  CHECK(sc->DataBytes() == s->DataBytes());
  CHECK(hc->AllocatedBytes() == hc->RecountAllocatedBytes());
  CHECK(zc->AllocatedBytes() == zc->RecountAllocatedBytes());
  CHECK(sc->AllocatedBytes() == sc->RecountAllocatedBytes());
}

}  // namespace
}  // namespace kvd
