// Random input never crashes, hangs or reads out of bounds (ASan checks the reads), and the
// parser never claims more bytes than it was given.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "protocol/resp_parser.h"
#include "unit/protocol/parse_driver.h"

namespace kvd {
namespace {

// Bytes biased towards the protocol's own characters, so the parser goes deep, not just
// into the first error.
std::string RandomInput(std::mt19937& rng) {
  static constexpr char kAlphabet[] = "*$\r\n0123456789- \"'\\x\0aZ";
  std::uniform_int_distribution<int> len_dist(0, 200);
  std::uniform_int_distribution<int> mode(0, 3);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<size_t> pick(0, sizeof(kAlphabet) - 1);
  std::string s;
  const int len = len_dist(rng);
  const bool raw = mode(rng) == 0;
  for (int i = 0; i < len; ++i) {
    s += raw ? static_cast<char>(byte(rng)) : kAlphabet[pick(rng)];
  }
  return s;
}

// A mutated valid frame: most bytes right, a few flipped.
std::string MutatedFrame(std::mt19937& rng) {
  std::string s = "*3\r\n$3\r\nSET\r\n$4\r\nk\r\ny\r\n$5\r\nvalue\r\nGET \"a b\" 'c'\r\n";
  std::uniform_int_distribution<size_t> pos(0, s.size() - 1);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> flips(1, 4);
  for (int i = flips(rng); i > 0; --i) s[pos(rng)] = static_cast<char>(byte(rng));
  return s;
}

TEST_CASE("random bytes: no crash, consumed never exceeds the input") {
  std::mt19937 rng(12345);
  RespLimits small;
  small.max_bulk_len = 64;
  small.max_multibulk_len = 16;
  small.max_inline_len = 128;
  std::vector<std::string_view> args;
  for (int i = 0; i < 20000; ++i) {
    const std::string input = i % 2 ? RandomInput(rng) : MutatedFrame(rng);
    RespParser p(i % 3 ? RespLimits{} : small);
    // Whole buffer: parse until it stops making progress.
    size_t pos = 0;
    for (int guard = 0; guard <= static_cast<int>(input.size()) + 1; ++guard) {
      const ParseResult r = p.Parse(std::string_view(input).substr(pos), args);
      REQUIRE(r.consumed <= input.size() - pos);
      if (r.status != ParseStatus::kComplete) break;
      REQUIRE(r.consumed > 0);
      for (std::string_view a : args) {
        const bool in_input =
            a.data() >= input.data() && a.data() + a.size() <= input.data() + input.size();
        if (!in_input) continue;  // unquoted inline argument in parser storage
        REQUIRE(a.data() + a.size() <= input.data() + pos + r.consumed);
      }
      p.ReleaseInlineStorage();
      pos += r.consumed;
    }
    // The same bytes fed in random pieces through a moving buffer.
    test::ParseDriver d(i % 3 ? RespLimits{} : small);
    std::uniform_int_distribution<size_t> piece(1, 16);
    for (size_t at = 0; at < input.size();) {
      const size_t n = std::min(piece(rng), input.size() - at);
      d.Feed(std::string_view(input).substr(at, n));
      at += n;
    }
  }
}

TEST_CASE("random pieces give the same result as one buffer") {
  std::mt19937 rng(777);
  for (int i = 0; i < 3000; ++i) {
    const std::string input = MutatedFrame(rng) + MutatedFrame(rng);
    const test::Outcome whole = test::FeedWhole(input);
    std::vector<std::string_view> pieces;
    std::uniform_int_distribution<size_t> piece(1, 7);
    for (size_t at = 0; at < input.size();) {
      const size_t n = std::min(piece(rng), input.size() - at);
      pieces.push_back(std::string_view(input).substr(at, n));
      at += n;
    }
    CAPTURE(input);
    const test::Outcome split = test::FeedAll(pieces);
    CHECK(split.cmds == whole.cmds);
    CHECK(split.error == whole.error);
  }
}

}  // namespace
}  // namespace kvd
