// A multibulk frame that is already whole in the buffer takes a shortcut; a frame that arrives
// in pieces goes through the incremental parser (byte by byte, every call after the first
// resumes a partial frame). Both must give the same commands, errors and sizes.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "protocol/resp_parser.h"
#include "unit/protocol/parse_driver.h"

namespace kvd {
namespace {

using namespace std::string_literals;
using test::Cmd;
using test::Cmds;
using test::FeedByteByByte;
using test::FeedInTwo;
using test::FeedWhole;
using test::Outcome;

// Random multibulk frames with binary data full of the protocol's own bytes.
struct Generated {
  std::string wire;
  Cmds cmds;
};

Generated GenerateFrames(std::mt19937& rng, int frames) {
  static constexpr char kData[] = "ab\r\n$*0\0";
  std::uniform_int_distribution<int> count_dist(1, 8);
  std::uniform_int_distribution<int> len_dist(0, 40);
  std::uniform_int_distribution<int> long_dist(0, 9);
  std::uniform_int_distribution<size_t> byte_dist(0, sizeof(kData) - 2);
  Generated g;
  for (int f = 0; f < frames; ++f) {
    const int count = count_dist(rng);
    g.wire += "*" + std::to_string(count) + "\r\n";
    Cmd cmd;
    for (int i = 0; i < count; ++i) {
      const int len = long_dist(rng) == 0 ? 300 + len_dist(rng) : len_dist(rng);
      std::string arg;
      for (int j = 0; j < len; ++j) arg += kData[byte_dist(rng)];
      g.wire += "$" + std::to_string(len) + "\r\n" + arg + "\r\n";
      cmd.push_back(arg);
    }
    g.cmds.push_back(cmd);
  }
  return g;
}

TEST_CASE("generated frames: whole, every split point, pieces and byte by byte agree") {
  std::mt19937 rng(2026);
  for (int round = 0; round < 3; ++round) {
    const Generated g = GenerateFrames(rng, 6);
    CAPTURE(round);
    REQUIRE(FeedWhole(g.wire) == Outcome{g.cmds, "", 0});
    test::ParseDriver whole;
    whole.Feed(g.wire);
    CHECK(whole.completed() == g.cmds.size());  // each frame consumed exactly
    REQUIRE(FeedByteByByte(g.wire) == Outcome{g.cmds, "", 0});
    for (size_t split = 0; split <= g.wire.size(); ++split) {
      CAPTURE(split);
      REQUIRE(FeedInTwo(g.wire, split) == Outcome{g.cmds, "", 0});
    }
    std::uniform_int_distribution<size_t> piece(1, 64);
    std::vector<std::string_view> pieces;
    for (size_t at = 0; at < g.wire.size();) {
      const size_t n = std::min(piece(rng), g.wire.size() - at);
      pieces.push_back(std::string_view(g.wire).substr(at, n));
      at += n;
    }
    CHECK(test::FeedAll(pieces) == Outcome{g.cmds, "", 0});
  }
}

// Every prefix of a frame, parsed fresh (one call on the partial frame) and parsed by a
// parser that saw it grow byte by byte, needs more input and wants the same size.
TEST_CASE("a partial frame: the same status and BytesWanted, fresh or resumed") {
  const std::string wire = "*3\r\n$3\r\nSET\r\n$12\r\nkey:00000001\r\n$16\r\n0123456789abcdef\r\n";
  RespParser resumed;
  std::vector<std::string_view> args;
  for (size_t len = 1; len < wire.size(); ++len) {
    CAPTURE(len);
    const std::string_view prefix = std::string_view(wire).substr(0, len);
    RespParser fresh;
    const ParseResult f = fresh.Parse(prefix, args);
    const ParseResult r = resumed.Parse(prefix, args);
    CHECK(f.status == ParseStatus::kNeedMore);
    CHECK(r.status == ParseStatus::kNeedMore);
    CHECK(fresh.BytesWanted() == resumed.BytesWanted());
  }
  const ParseResult done = resumed.Parse(wire, args);
  CHECK(done.status == ParseStatus::kComplete);
  CHECK(done.consumed == wire.size());
  CHECK(args == std::vector<std::string_view>{"SET", "key:00000001", "0123456789abcdef"});
  CHECK(resumed.BytesWanted() == 0);
}

// The same commands and error; what stays buffered after an error depends on the reads.
bool SameResult(const Outcome& a, const Outcome& b) {
  return a.cmds == b.cmds && a.error == b.error && (!a.error.empty() || a.buffered == b.buffered);
}

// Each byte of a valid frame replaced, preceded by an extra byte, or removed: the shortcut
// (whole buffer) and the incremental parser (byte by byte, and split anywhere) agree.
TEST_CASE("malformed frames at every position: the same commands and error as incremental") {
  const std::string frame = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$10\r\n0123456789\r\n";
  const std::string next = "*1\r\n$4\r\nPING\r\n";
  static constexpr char kBytes[] = "+-0 9x\r\n$*\0";
  for (size_t at = 0; at < frame.size(); ++at) {
    std::vector<std::string> variants;
    for (size_t b = 0; b + 1 < sizeof(kBytes); ++b) {
      std::string replaced = frame;
      replaced[at] = kBytes[b];
      variants.push_back(replaced);
      std::string inserted = frame;
      inserted.insert(inserted.begin() + static_cast<ptrdiff_t>(at), kBytes[b]);
      variants.push_back(inserted);
    }
    variants.push_back(std::string(frame).erase(at, 1));
    for (const std::string& v : variants) {
      const std::string wire = v + next;
      CAPTURE(wire);
      const Outcome incremental = FeedByteByByte(wire);
      CHECK(SameResult(FeedWhole(wire), incremental));
      for (size_t split = 0; split <= wire.size(); split += 3) {
        CAPTURE(split);
        CHECK(SameResult(FeedInTwo(wire, split), incremental));
      }
    }
  }
}

TEST_CASE("unusual but accepted frames, whole and byte by byte") {
  const std::vector<std::pair<std::string, Cmds>> cases = {
      // A bulk header ends at '\r'; the byte after it is skipped unchecked.
      {"*1\r\n$3\rXabc\r\n", {{"abc"}}},
      // The two bytes after bulk data are skipped unchecked.
      {"*2\r\n$1\r\naXY$1\r\nb\r\n", {{"a", "b"}}},
      {"*1\r\n$0\r\n\r\n", {{""}}},
      {"*1\r\n$2\r\n\r\n\r\n", {{"\r\n"}}},
      {"*2\r\n$3\r\nGET\r\n$3\r\n\0\0\0\r\n"s, {{"GET", "\0\0\0"s}}},
      {"*0\r\n*1\r\n$4\r\nPING\r\n", {{"PING"}}},
      {"*-1\r\n*1\r\n$4\r\nPING\r\n", {{"PING"}}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.first);
    const Outcome expected{c.second, "", 0};
    CHECK(FeedWhole(c.first) == expected);
    CHECK(FeedByteByByte(c.first) == expected);
  }
}

TEST_CASE("whole frames with bad lengths give the exact errors") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"*+1\r\n$4\r\nPING\r\n", "ERR Protocol error: invalid multibulk length"},
      {"*01\r\n$4\r\nPING\r\n", "ERR Protocol error: invalid multibulk length"},
      {"* 1\r\n$4\r\nPING\r\n", "ERR Protocol error: invalid multibulk length"},
      {"*-0\r\n$4\r\nPING\r\n", "ERR Protocol error: invalid multibulk length"},
      {"*1\r\n$+4\r\nPING\r\n", "ERR Protocol error: invalid bulk length"},
      {"*1\r\n$04\r\nPING\r\n", "ERR Protocol error: invalid bulk length"},
      {"*1\r\n$4 \r\nPING\r\n", "ERR Protocol error: invalid bulk length"},
      {"*1\r\n$-4\r\nPING\r\n", "ERR Protocol error: invalid bulk length"},
      {"*1\r\n$\r\nPING\r\n", "ERR Protocol error: invalid bulk length"},
      {"*1\r\n$999999999999999999\r\nPING\r\n", "ERR Protocol error: invalid bulk length"},
      {"*1\r\n$1000000000000000000\r\nPING\r\n", "ERR Protocol error: invalid bulk length"},
      {"*1\r\n$99999999999999999999\r\nPING\r\n", "ERR Protocol error: invalid bulk length"},
      {"*999999999999999999\r\n$4\r\nPING\r\n", "ERR Protocol error: invalid multibulk length"},
      // 2^64 + 1 and 2^64 + 4: a length read modulo 2^64 would look like 1 and 4.
      {"*18446744073709551617\r\n$4\r\nPING\r\n", "ERR Protocol error: invalid multibulk length"},
      {"*1\r\n$18446744073709551620\r\nPING\r\n", "ERR Protocol error: invalid bulk length"},
      {"*2\r\n$4\r\nPING\r\n#4\r\nPING\r\n", "ERR Protocol error: expected '$', got '#'"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.first);
    for (const Outcome& out : {FeedWhole(c.first), FeedByteByByte(c.first)}) {
      CHECK(out.cmds.empty());
      CHECK(out.error == c.second);
    }
  }
}

TEST_CASE("limits apply to whole frames exactly at their boundaries") {
  RespLimits unauth;
  unauth.auth_required = true;
  std::string ten = "*10\r\n";
  for (int i = 0; i < 10; ++i) ten += "$1\r\nx\r\n";
  CHECK(FeedWhole(ten, unauth).cmds == Cmds{Cmd(10, "x")});
  CHECK(FeedWhole("*11\r\n" + ten.substr(5) + "$1\r\nx\r\n", unauth).error ==
        "ERR Protocol error: unauthenticated multibulk length");
  const std::string big(16384, 'v');
  CHECK(FeedWhole("*1\r\n$16384\r\n" + big + "\r\n", unauth).cmds == Cmds{{big}});
  CHECK(FeedWhole("*1\r\n$16385\r\n" + big + "v\r\n", unauth).error ==
        "ERR Protocol error: unauthenticated bulk length");
  // A smaller configured bulk limit still wins while unauthenticated.
  unauth.max_bulk_len = 3;
  CHECK(FeedWhole("*1\r\n$4\r\nPING\r\n", unauth).error ==
        "ERR Protocol error: invalid bulk length");

  RespLimits small;
  small.max_bulk_len = 4;
  small.max_multibulk_len = 2;
  CHECK(FeedWhole("*2\r\n$4\r\nPING\r\n$4\r\nPONG\r\n", small).cmds == Cmds{{"PING", "PONG"}});
  CHECK(FeedWhole("*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n", small).error ==
        "ERR Protocol error: invalid multibulk length");
  CHECK(FeedWhole("*1\r\n$5\r\nPINGS\r\n", small).error ==
        "ERR Protocol error: invalid bulk length");
}

TEST_CASE("huge announced sizes within raised limits wait for the data") {
  RespLimits huge;
  huge.max_bulk_len = std::numeric_limits<int64_t>::max();
  huge.max_multibulk_len = std::numeric_limits<int64_t>::max();
  std::vector<std::string_view> args;
  for (const std::string len : {"999999999999999999", "1000000000000000000"}) {
    CAPTURE(len);
    RespParser p(huge);
    const std::string wire = "*1\r\n$" + len + "\r\nabc\r\n";
    CHECK(p.Parse(wire, args).status == ParseStatus::kNeedMore);
    CHECK(p.BytesWanted() == 4 + len.size() + 3 + std::stoull(len) + 2);
  }
  RespParser p(huge);
  CHECK(p.Parse("*999999999999999999\r\n$1\r\nx\r\n", args).status == ParseStatus::kNeedMore);
  CHECK(p.BytesWanted() == 0);
}

TEST_CASE("a whole frame reuses the caller's argument storage") {
  RespParser p;
  std::vector<std::string_view> args{"stale", "stale", "stale", "stale"};
  const std::string_view* const storage = args.data();
  const std::string wire =
      "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"
      "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n";
  ParseResult r = p.Parse(wire, args);
  REQUIRE(r.status == ParseStatus::kComplete);
  CHECK(args == std::vector<std::string_view>{"SET", "k", "v"});
  CHECK(args.data() == storage);
  r = p.Parse(std::string_view(wire).substr(r.consumed), args);
  REQUIRE(r.status == ParseStatus::kComplete);
  CHECK(args == std::vector<std::string_view>{"GET", "k"});
  CHECK(args.data() == storage);
}

}  // namespace
}  // namespace kvd
