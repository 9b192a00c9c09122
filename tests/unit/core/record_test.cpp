#include "core/record.h"

#include <doctest/doctest.h>

#include <string>

#include "core/hash.h"

namespace kvd {
namespace {

using namespace std::string_view_literals;

// Frees the record at scope exit, whatever address it ends up at.
struct Owned {
  Record* r;
  ~Owned() { Record::Free(r); }
};

TEST_CASE("a small string record is header, access field, lengths, key and value only") {
  Owned o{Record::NewString("key:00000001", "0123456789abcdef", kNoExpiry)};
  CHECK(o.r->key() == "key:00000001");
  CHECK(o.r->string_value() == "0123456789abcdef");
  CHECK(o.r->type() == ValueType::kString);
  CHECK_FALSE(o.r->has_expiry());
  CHECK(o.r->expire_at_ms() == kNoExpiry);
  CHECK(o.r->UsedSize() == 1 + 3 + 1 + 12 + 1 + 16);
  CHECK(o.r->AllocSize() >= o.r->UsedSize());
  CHECK(o.r->access() == 0);
}

TEST_CASE("the 24-bit access field survives every reshape, Rekeyed included") {
  Owned o{Record::NewString("key:00000001", "0123456789abcdef", kNoExpiry)};
  o.r->set_access(0xabcdef);
  CHECK(o.r->access() == 0xabcdef);
  CHECK(o.r->key() == "key:00000001");  // the field does not spill into the key
  o.r = Record::SetString(o.r, std::string(5000, 'x'), kNoExpiry);  // reallocates
  CHECK(o.r->access() == 0xabcdef);
  o.r = Record::SetExpiry(o.r, 99);
  o.r = Record::ResizeString(o.r, 20000, /*greedy=*/true);
  CHECK(o.r->access() == 0xabcdef);
  CHECK(o.r->expire_at_ms() == 99);
  o.r->set_access(0x000102);
  CHECK(o.r->access() == 0x000102);
  CHECK(o.r->type() == ValueType::kString);  // the header byte is untouched
  Owned copy{Record::Rekeyed(*o.r, "other")};
  CHECK(copy.r->access() == 0x000102);
  CHECK(copy.r->key() == "other");
}

TEST_CASE("a TTL adds 8 bytes after the value and reads back") {
  Owned o{Record::NewString("k", "v", 1234567890123)};
  CHECK(o.r->has_expiry());
  CHECK(o.r->expire_at_ms() == 1234567890123);
  CHECK(o.r->UsedSize() == 1 + 3 + 1 + 1 + 1 + 1 + 8);
  // Expired only after the millisecond of its expiry, as Redis's keyIsExpired.
  CHECK_FALSE(o.r->IsExpiredAt(1234567890122));
  CHECK_FALSE(o.r->IsExpiredAt(1234567890123));
  CHECK(o.r->IsExpiredAt(1234567890124));
}

TEST_CASE("binary keys and values, empty ones and varint boundaries") {
  for (size_t klen : {0u, 1u, 127u, 128u, 16383u, 16384u}) {
    for (size_t vlen : {0u, 1u, 127u, 128u, 300u, 16384u}) {
      CAPTURE(klen);
      CAPTURE(vlen);
      std::string key(klen, '\0');
      std::string value(vlen, '\0');
      for (size_t i = 0; i < klen; ++i) key[i] = static_cast<char>(i * 7);
      for (size_t i = 0; i < vlen; ++i) value[i] = static_cast<char>(i * 13);
      Owned o{Record::NewString(key, value, 42)};
      CHECK(o.r->key() == key);
      CHECK(o.r->string_value() == value);
      CHECK(o.r->expire_at_ms() == 42);
    }
  }
}

TEST_CASE("overwrite in place keeps the record and its key bytes where they are") {
  Owned o{Record::NewString("key:00000001", "0123456789abcdef", kNoExpiry)};
  const Record* before = o.r;
  const char* key_bytes = o.r->key().data();
  o.r = Record::SetString(o.r, "shorter", kNoExpiry);
  CHECK(o.r == before);
  CHECK(o.r->key().data() == key_bytes);
  CHECK(o.r->string_value() == "shorter");
  // The 9 bytes freed make room for a TTL without reallocating.
  o.r = Record::SetExpiry(o.r, 99);
  CHECK(o.r == before);
  CHECK(o.r->key().data() == key_bytes);
  CHECK(o.r->expire_at_ms() == 99);
  CHECK(o.r->string_value() == "shorter");
  // Back to the original size, TTL kept by passing it on.
  o.r = Record::SetString(o.r, "0123456789", o.r->expire_at_ms());
  CHECK(o.r->string_value() == "0123456789");
  CHECK(o.r->expire_at_ms() == 99);
}

TEST_CASE("overwrite that does not fit reallocates and keeps key and TTL") {
  Owned o{Record::NewString("k", "v", 77)};
  const std::string big(5000, 'x');
  o.r = Record::SetString(o.r, big, 77);
  CHECK(o.r->key() == "k");
  CHECK(o.r->string_value() == big);
  CHECK(o.r->expire_at_ms() == 77);
  CHECK(o.r->AllocSize() >= o.r->UsedSize());
  // A tiny value gives the big allocation back.
  o.r = Record::SetString(o.r, "y", kNoExpiry);
  CHECK(o.r->string_value() == "y");
  CHECK_FALSE(o.r->has_expiry());
  CHECK(o.r->AllocSize() < 1000);
}

TEST_CASE("a value taken from the record itself survives its overwrite") {
  Owned o{Record::NewString("k", "abcdefgh", kNoExpiry)};
  o.r = Record::SetString(o.r, o.r->string_value().substr(2, 3), kNoExpiry);
  CHECK(o.r->string_value() == "cde");
}

TEST_CASE("resizing keeps the prefix across varint length changes") {
  Owned o{Record::NewString("key", std::string(127, 'a'), 5)};
  o.r = Record::ResizeString(o.r, 128, /*greedy=*/false);  // length varint grows to 2 bytes
  CHECK(o.r->string_value().substr(0, 127) == std::string(127, 'a'));
  CHECK(o.r->string_value().size() == 128);
  CHECK(o.r->expire_at_ms() == 5);
  o.r = Record::ResizeString(o.r, 100, /*greedy=*/false);  // and shrinks back to 1
  CHECK(o.r->string_value() == std::string(100, 'a'));
  CHECK(o.r->key() == "key");
  CHECK(o.r->expire_at_ms() == 5);
}

TEST_CASE("greedy growth reserves room so the next append stays in place") {
  Owned o{Record::NewString("k", "0123456789", kNoExpiry)};
  o.r = Record::ResizeString(o.r, 200, /*greedy=*/true);
  CHECK(o.r->AllocSize() >= 2 * o.r->UsedSize());
  const Record* grown = o.r;
  o.r = Record::ResizeString(o.r, 300, /*greedy=*/true);
  CHECK(o.r == grown);
  CHECK(o.r->string_value().substr(0, 10) == "0123456789");
}

TEST_CASE("removing a TTL never reallocates") {
  Owned o{Record::NewString("k", "value", 1000)};
  const Record* before = o.r;
  o.r = Record::SetExpiry(o.r, kNoExpiry);
  CHECK(o.r == before);
  CHECK_FALSE(o.r->has_expiry());
  CHECK(o.r->UsedSize() == 1 + 3 + 1 + 1 + 1 + 5);
  o.r = Record::SetExpiry(o.r, 2000);  // adding needs 8 bytes: may move, must stay intact
  CHECK(o.r->expire_at_ms() == 2000);
  CHECK(o.r->key() == "k");
  CHECK(o.r->string_value() == "value");
}

TEST_CASE("rekeyed copies value and TTL under the new key") {
  Owned src{Record::NewString("old", "payload\0x"sv, 31337)};
  Owned copy{Record::Rekeyed(*src.r, "a much longer new key")};
  CHECK(copy.r->key() == "a much longer new key");
  CHECK(copy.r->string_value() == "payload\0x"sv);
  CHECK(copy.r->expire_at_ms() == 31337);
  CHECK(src.r->key() == "old");
}

TEST_CASE("hash: deterministic within a process, sensitive to every byte") {
  CHECK(HashKey("abc") == HashKey("abc"));
  CHECK(HashKey("abc") != HashKey("abd"));
  CHECK(HashKey("") != HashKey(std::string_view("\0", 1)));
  std::string long_key(200, 'z');
  const uint64_t h = HashKey(long_key);
  for (size_t i = 0; i < long_key.size(); i += 13) {
    std::string k = long_key;
    k[i] = 'y';
    CHECK(HashKey(k) != h);
  }
}

}  // namespace
}  // namespace kvd
