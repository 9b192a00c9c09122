// Keyspace::EditString: in-place edits of a string's bytes (SETBIT, BITFIELD), with growth
// zero-padded and the byte counters exact.
#include <doctest/doctest.h>

#include <span>
#include <string>

#include "core/keyspace.h"
#include "core/set_value.h"
#include "keyspace_test_util.h"

namespace kvd {
namespace {

using namespace std::string_view_literals;
using testing::CheckAccounting;
using testing::kT0;

TEST_CASE("EditString creates a zero-filled key, grows with zeros, edits in place") {
  Keyspace ks;
  Keyspace::StringEdit e = ks.EditString("k", 3, kT0);
  CHECK(e.created);
  CHECK(e.old_len == 0);
  REQUIRE(e.bytes.size() == 3);
  e.bytes[1] = 'x';
  CHECK(ks.Get("k", kT0) == "\0x\0"sv);
  CHECK(ks.DataBytes() == 4);
  CheckAccounting(ks, kT0);

  e = ks.EditString("k", 2,
                    kT0);  // already long enough: same length, same bytes
  CHECK_FALSE(e.created);
  CHECK(e.old_len == 3);
  REQUIRE(e.bytes.size() == 3);
  e.bytes[0] = 'a';
  CHECK(ks.Get("k", kT0) == "ax\0"sv);
  CHECK(ks.DataBytes() == 4);

  e = ks.EditString("k", 1000, kT0);
  CHECK(e.old_len == 3);
  REQUIRE(e.bytes.size() == 1000);
  e.bytes[999] = '!';
  const std::string v(*ks.Get("k", kT0));
  CHECK(v.substr(0, 3) == "ax\0"sv);
  CHECK(v.substr(3, 996) == std::string(996, '\0'));
  CHECK(v.back() == '!');
  CHECK(ks.DataBytes() == 1001);
  CheckAccounting(ks, kT0);
}

TEST_CASE("strings edited in place are marked edited; a whole write clears the mark") {
  Keyspace ks;
  const auto edited = [&](std::string_view key) { return ks.Find(key, kT0)->edited(); };
  ks.SetString("s", "abc", kNoExpiry, TtlMode::kClear, kT0);
  CHECK_FALSE(edited("s"));
  ks.Append("s", "d", kT0);
  CHECK(edited("s"));
  ks.Append("fresh", "x", kT0);  // created whole
  CHECK_FALSE(edited("fresh"));
  ks.SetRange("r", 1, "x", kT0);
  CHECK(edited("r"));
  ks.SetString("r", "y", kNoExpiry, TtlMode::kClear, kT0);
  CHECK_FALSE(edited("r"));
  ks.SetRange("r", 0, "z", kT0);
  CHECK(edited("r"));
  ks.EditString("bits", 2, kT0);
  CHECK(edited("bits"));
  ks.SetString("e", "abc", kNoExpiry, TtlMode::kClear, kT0);
  ks.EditString("e", 1, kT0);  // no growth: still an edit
  CHECK(edited("e"));
  ks.SetStringFilled("filled", 2, [](std::span<char> b) { b[0] = b[1] = 'f'; }, kT0);
  CHECK(edited("filled"));
  // A whole rewrite marked edited keeps the TTL, and creates a missing key without one.
  ks.SetString("m", "abc", kT0 + 5000, TtlMode::kClear, kT0);
  ks.SetEditedString("m", "abcd", kT0);
  CHECK(edited("m"));
  CHECK(ks.Find("m", kT0)->string_value() == "abcd");
  CHECK(ks.Find("m", kT0)->expire_at_ms() == kT0 + 5000);
  ks.SetEditedString("new", "xy", kT0);
  CHECK(edited("new"));
  CHECK_FALSE(ks.Find("new", kT0)->has_expiry());
  // Appending nothing still edits; marking changes no byte and tells no one.
  ks.SetString("empty-append", "12", kNoExpiry, TtlMode::kClear, kT0);
  CHECK(ks.Append("empty-append", "", kT0) == 2);
  CHECK(edited("empty-append"));
  ks.SetString("marked", "12", kNoExpiry, TtlMode::kClear, kT0);
  ks.MarkEdited("marked", kT0);
  CHECK(edited("marked"));
  CHECK(ks.Find("marked", kT0)->string_value() == "12");
  ks.MarkEdited("missing", kT0);
  CHECK(ks.Find("missing", kT0) == nullptr);
  // Text: INCRBYFLOAT's result, kept across TTL changes, cleared by a whole write.
  ks.SetString("f", "1", kT0 + 5000, TtlMode::kClear, kT0);
  ks.SetTextString("f", "2", kT0);
  CHECK(ks.Find("f", kT0)->text());
  CHECK_FALSE(edited("f"));
  CHECK(ks.Find("f", kT0)->expire_at_ms() == kT0 + 5000);
  CHECK(ks.Persist("f", kT0));
  CHECK(ks.Find("f", kT0)->text());
  ks.SetString("f", "3", kNoExpiry, TtlMode::kClear, kT0);
  CHECK_FALSE(ks.Find("f", kT0)->text());
  // Moving the value or its TTL keeps the mark.
  CHECK(ks.SetExpire("s", kT0 + 1000, kT0));
  CHECK(edited("s"));
  CHECK(ks.Rename("s", "s2", kT0));
  CHECK(edited("s2"));
  CheckAccounting(ks, kT0);
}

TEST_CASE("EditString keeps the TTL and does not copy the value on every call") {
  Keyspace ks;
  ks.PutWithTtl("k", "abc", 5000, kT0);
  int moves = 0;
  for (size_t len = 4; len <= 20000; ++len) {
    const Record* before = ks.Peek("k");
    Keyspace::StringEdit e = ks.EditString("k", len, kT0);
    e.bytes[len - 1] = 'z';
    moves += ks.Peek("k") != before;
  }
  CHECK(moves <= 30);  // geometric growth: a few reallocations for 20 KB
  CHECK(ks.GetExpire("k", kT0) == kT0 + 5000);
  CHECK(ks.Get("k", kT0)->substr(0, 4) == "abcz");
  CheckAccounting(ks, kT0);
}

TEST_CASE("EditString on an expired key starts a new one") {
  Keyspace ks;
  ks.PutWithTtl("k", "abc", 10, kT0);
  Keyspace::StringEdit e = ks.EditString("k", 2, kT0 + 11);
  CHECK(e.created);
  CHECK(e.bytes.size() == 2);
  CHECK(ks.Get("k", kT0 + 11) == "\0\0"sv);
  CHECK(ks.GetExpire("k", kT0 + 11) == kNoExpiry);
  CheckAccounting(ks, kT0 + 11);
}

}  // namespace
}  // namespace kvd
