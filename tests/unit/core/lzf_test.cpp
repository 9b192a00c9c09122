#include "core/lzf.h"

#include <doctest/doctest.h>

#include <optional>
#include <random>
#include <string>
#include <vector>

namespace kvd {
namespace {

// Compresses into a heap buffer of exactly `capacity` bytes (so ASan sees any overrun);
// the compressed bytes, or nullopt when LzfCompress said it does not fit.
std::optional<std::string> Compress(std::string_view in, size_t capacity) {
  std::vector<char> out(capacity);
  const size_t n = LzfCompress(in, out.data(), capacity);
  if (n == 0) return std::nullopt;
  REQUIRE(n <= capacity);
  return std::string(out.data(), n);
}

std::optional<std::string> Decompress(std::string_view in, size_t capacity) {
  std::vector<char> out(capacity);
  const std::optional<size_t> n = LzfDecompress(in, out.data(), capacity);
  if (!n) return std::nullopt;
  REQUIRE(*n <= capacity);
  return std::string(out.data(), *n);
}

// liblzf's worst case for incompressible input: one control byte per 32 literals.
size_t Roomy(size_t n) { return n + n / 32 + 8; }

std::string RandomBytes(std::mt19937& rng, size_t n) {
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

std::vector<std::string> Samples() {
  std::mt19937 rng(7);
  std::vector<std::string> out = {
      "a",
      "ab",
      "abc",
      std::string(21, 'a'),
      std::string(300, 'x'),
      std::string(100000, '\0'),
      "abcabcabcabcabcabcabcabcabcabcabc",
      "The quick brown fox jumps over the lazy dog. The quick brown fox jumps again.",
      RandomBytes(rng, 1),
      RandomBytes(rng, 33),
      RandomBytes(rng, 5000),
  };
  std::string text;
  for (int i = 0; i < 3000; ++i) text += "line " + std::to_string(i % 97) + " of some text\n";
  out.push_back(text);
  // Long matches (> 264 bytes, the longest reference) and far ones (> 8 KB back).
  std::string far = RandomBytes(rng, 9000);
  out.push_back(far + far.substr(0, 2000) + far.substr(8500, 500));
  // Every run length around the 32-literal and 7/264-byte reference boundaries.
  for (size_t lit : {31, 32, 33, 64, 65}) {
    for (size_t rep : {3, 8, 9, 10, 263, 264, 265, 266, 600}) {
      std::string s = RandomBytes(rng, lit);
      out.push_back(s + std::string(rep, s.back()) + RandomBytes(rng, 3));
    }
  }
  return out;
}

TEST_CASE("lzf: compress then decompress gives the input back") {
  for (const std::string& s : Samples()) {
    CAPTURE(s.size());
    const std::optional<std::string> c = Compress(s, Roomy(s.size()));
    REQUIRE(c.has_value());
    CHECK(Decompress(*c, s.size()) == s);
    // Exactly the original size is enough room; one byte less is not.
    CHECK_FALSE(Decompress(*c, s.size() - 1).has_value());
  }
}

TEST_CASE("lzf: compressible data shrinks, as Redis needs to use it") {
  const std::string s(1000, 'z');
  const std::optional<std::string> c = Compress(s, s.size() - 4);
  REQUIRE(c.has_value());
  CHECK(c->size() < 20);
  // 21 bytes, just over Redis's threshold: two literals and one reference, the very bytes
  // redis-server 7.0 wrote for this value.
  CHECK(Compress(std::string(21, 'a'), 17) == std::string("\x01\x61\x61\xe0\x0a\x00", 6));
}

TEST_CASE("lzf: output that would not fit is refused at every capacity, never overrun") {
  std::mt19937 rng(11);
  std::vector<std::string> inputs = {RandomBytes(rng, 200), std::string(200, 'q')};
  std::string mixed;
  for (int i = 0; i < 20; ++i) mixed += RandomBytes(rng, 5) + std::string(7, 'm');
  inputs.push_back(mixed);
  for (const std::string& s : inputs) {
    const size_t needed = Compress(s, Roomy(s.size()))->size();
    for (size_t cap = 0; cap <= needed + 8; ++cap) {
      CAPTURE(cap);
      const std::optional<std::string> c = Compress(s, cap);
      if (c) {
        CHECK(Decompress(*c, s.size()) == s);
      } else {
        // liblzf keeps a few bytes of slack: it may give up slightly early, never late.
        CHECK(cap < needed + 4);
      }
    }
  }
  // Incompressible data with Redis's room (size - 4) does not compress.
  CHECK_FALSE(Compress(RandomBytes(rng, 100), 96).has_value());
  CHECK(LzfCompress("", nullptr, 0) == 0);
}

TEST_CASE("lzf: compression is deterministic across calls") {
  const std::vector<std::string> samples = Samples();
  std::vector<std::string> first;
  for (const std::string& s : samples) first.push_back(*Compress(s, Roomy(s.size())));
  for (size_t i = samples.size(); i-- > 0;) {
    CHECK(Compress(samples[i], Roomy(samples[i].size())) == first[i]);
  }
}

TEST_CASE("lzf: malformed input is refused") {
  using std::string_literals::operator""s;
  struct Case {
    const char* name;
    std::string in;
  };
  const std::vector<Case> cases = {
      {"literal run cut short", "\x03" "ab"s},
      {"reference before the start", "\x00" "a" "\x20\x01"s},
      {"reference far before the start", "\x00" "a" "\x3f\xff"s},
      {"reference without its offset byte", "\x00" "a" "\x20"s},
      {"long reference without its length byte", "\x00" "a" "\xe0"s},
      {"long reference without its offset byte", "\x00" "a" "\xe0\x05"s},
      {"reference as the first run", "\x20\x00"s},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    CHECK_FALSE(Decompress(c.in, 1000).has_value());
  }
  // Output beyond the capacity: a literal run and a reference.
  CHECK_FALSE(Decompress("\x02" "abc", 2).has_value());
  CHECK_FALSE(Decompress("\x00" "a" "\x20\x00"s, 3).has_value());
  CHECK(Decompress("\x00" "a" "\x20\x00"s, 4) == "aaaa");
  CHECK(Decompress("", 10) == "");
}

TEST_CASE("lzf: every prefix of a valid stream decodes short or is refused") {
  std::string text;
  for (int i = 0; i < 200; ++i) text += "value " + std::to_string(i % 13) + ";";
  const std::string c = *Compress(text, Roomy(text.size()));
  for (size_t n = 0; n < c.size(); ++n) {
    CAPTURE(n);
    const std::optional<std::string> d = Decompress(c.substr(0, n), text.size());
    if (d) CHECK(d->size() < text.size());
  }
}

TEST_CASE("lzf: random garbage never reads or writes out of bounds") {
  std::mt19937 rng(3);
  for (int i = 0; i < 20000; ++i) {
    const std::string in = RandomBytes(rng, rng() % 64);
    const size_t cap = rng() % 200;
    const std::optional<std::string> d = Decompress(in, cap);
    if (d) CHECK(d->size() <= cap);
  }
}

TEST_CASE("lzf: LzfMaxExpansion bounds what a stream can produce") {
  // The densest stream: one literal, then 3-byte references of 264 bytes each.
  std::string dense = std::string("\x00", 1) + "x";
  for (int i = 0; i < 100; ++i) dense += std::string("\xe0\xff\x00", 3);
  const std::optional<std::string> d = Decompress(dense, 1 << 20);
  REQUIRE(d.has_value());
  CHECK(d->size() == 1 + 100 * 264);
  CHECK(d->size() <= LzfMaxExpansion(dense.size()));
}

}  // namespace
}  // namespace kvd
