#include "protocol/resp_parser.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "unit/protocol/parse_driver.h"

namespace kvd {
namespace {

using namespace std::string_literals;
using test::Cmds;
using test::FeedByteByByte;
using test::FeedInTwo;
using test::FeedWhole;
using test::Outcome;

struct Case {
  std::string wire;
  Cmds expected;
};

// Valid frames, including the odd ones Redis accepts.
std::vector<Case> ValidCases() {
  return {
      {"*1\r\n$4\r\nPING\r\n", {{"PING"}}},
      {"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhel\nl\r\n", {{"SET", "k", "hel\nl"}}},
      {"*2\r\n$3\r\nGET\r\n$0\r\n\r\n", {{"GET", ""}}},
      {"*2\r\n$4\r\nECHO\r\n$8\r\n\r\n\0\xff\r\n\r\n\r\n"s, {{"ECHO", "\r\n\0\xff\r\n\r\n"s}}},
      {"*1\r\n$10\r\n0123456789\r\n", {{"0123456789"}}},
      {"PING\r\n", {{"PING"}}},
      {"PING\n", {{"PING"}}},
      {"  set a \"b c\"\t\r\n", {{"set", "a", "b c"}}},
      {"echo 'x y' \"\\x41\\n\"\r\n", {{"echo", "x y", "A\n"}}},
      // Empty commands are consumed and skipped.
      {"\r\n", {}},
      {"\n", {}},
      {"   \r\n", {}},
      {"*0\r\n", {}},
      {"*-1\r\n", {}},
      {"*-10\r\n", {}},
      // Redis skips the two bytes after bulk data without checking them.
      {"*1\r\n$3\r\nabcXYPING\r\n", {{"abc"}, {"PING"}}},
      // A header ends at '\r'; the byte after it is skipped unchecked.
      {"*1\rX$4\r\nPING\r\n", {{"PING"}}},
  };
}

std::string AllWires(const std::vector<Case>& cases, Cmds& expected) {
  std::string wire;
  for (const Case& c : cases) {
    wire += c.wire;
    expected.insert(expected.end(), c.expected.begin(), c.expected.end());
  }
  return wire;
}

TEST_CASE("each valid frame parses to its command") {
  for (const Case& c : ValidCases()) {
    CAPTURE(c.wire);
    const Outcome whole = FeedWhole(c.wire);
    CHECK(whole.cmds == c.expected);
    CHECK(whole.error.empty());
    CHECK(whole.buffered == 0);
  }
}

TEST_CASE("every split into two pieces yields the same commands") {
  for (const Case& c : ValidCases()) {
    for (size_t split = 0; split <= c.wire.size(); ++split) {
      CAPTURE(c.wire);
      CAPTURE(split);
      CHECK(FeedInTwo(c.wire, split) == Outcome{c.expected, "", 0});
    }
  }
}

TEST_CASE("byte by byte yields the same commands") {
  for (const Case& c : ValidCases()) {
    CAPTURE(c.wire);
    CHECK(FeedByteByByte(c.wire) == Outcome{c.expected, "", 0});
  }
}

TEST_CASE("all frames back to back: any split, byte by byte, several pieces") {
  Cmds expected;
  const std::string wire = AllWires(ValidCases(), expected);
  CHECK(FeedWhole(wire) == Outcome{expected, "", 0});
  CHECK(FeedByteByByte(wire) == Outcome{expected, "", 0});
  for (size_t split = 0; split <= wire.size(); ++split) {
    CAPTURE(split);
    REQUIRE(FeedInTwo(wire, split) == Outcome{expected, "", 0});
  }
  for (size_t step = 2; step < 40; ++step) {
    std::vector<std::string_view> pieces;
    for (size_t i = 0; i < wire.size(); i += step)
      pieces.push_back(std::string_view(wire).substr(i, step));
    CAPTURE(step);
    CHECK(test::FeedAll(pieces) == Outcome{expected, "", 0});
  }
}

TEST_CASE("one call parses one command and reports its exact size") {
  RespParser p;
  std::vector<std::string_view> args;
  const std::string wire = "*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\nQUIT\r\n";
  ParseResult r = p.Parse(wire, args);
  REQUIRE(r.status == ParseStatus::kComplete);
  CHECK(r.consumed == 14);
  CHECK(args == std::vector<std::string_view>{"PING"});
  r = p.Parse(std::string_view(wire).substr(14), args);
  REQUIRE(r.status == ParseStatus::kComplete);
  CHECK(r.consumed == 22);
  CHECK(args == std::vector<std::string_view>{"ECHO", "hi"});
  r = p.Parse(std::string_view(wire).substr(36), args);
  REQUIRE(r.status == ParseStatus::kComplete);
  CHECK(r.consumed == 6);
  CHECK(args == std::vector<std::string_view>{"QUIT"});
  r = p.Parse(std::string_view(wire).substr(42), args);
  CHECK(r.status == ParseStatus::kNeedMore);
  CHECK(r.consumed == 0);
  CHECK(args.empty());
}

TEST_CASE("multibulk arguments are views into the input, not copies") {
  RespParser p;
  std::vector<std::string_view> args;
  const std::string wire = "*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n";
  REQUIRE(p.Parse(wire, args).status == ParseStatus::kComplete);
  REQUIRE(args.size() == 2);
  CHECK(args[0].data() == wire.data() + 8);
  CHECK(args[1].data() == wire.data() + 17);
}

TEST_CASE("inline arguments without quotes are views; quoted ones live in the parser") {
  RespParser p;
  std::vector<std::string_view> args;
  const std::string wire = "SET k \"a b\"\r\n";
  REQUIRE(p.Parse(wire, args).status == ParseStatus::kComplete);
  REQUIRE(args.size() == 3);
  CHECK(args[1].data() == wire.data() + 4);
  CHECK(args[2] == "a b");
  CHECK((args[2].data() < wire.data() || args[2].data() >= wire.data() + wire.size()));
}

TEST_CASE("quoted inline arguments of a whole batch stay valid until the batch is released") {
  // A connection parses a batch of commands before running any: the views of the first
  // command's quoted arguments must survive the quoted arguments stored after them.
  RespParser p;
  const std::string wire = "SET k1 \"first value\"\r\nSET k2 'second value'\r\n"
                           "RPUSH l \"x y\" \"z\\n\"\r\n";
  std::vector<std::vector<std::string_view>> batch(3);
  size_t pos = 0;
  for (auto& args : batch) {
    const ParseResult r = p.Parse(std::string_view(wire).substr(pos), args);
    REQUIRE(r.status == ParseStatus::kComplete);
    pos += r.consumed;
  }
  CHECK(batch[0][2] == "first value");
  CHECK(batch[1][2] == "second value");
  CHECK(batch[2][2] == "x y");
  CHECK(batch[2][3] == "z\n");
  p.ReleaseInlineStorage();
  std::vector<std::string_view> args;
  REQUIRE(p.Parse("GET \"k 3\"\r\n", args).status == ParseStatus::kComplete);
  CHECK(args[1] == "k 3");
}

TEST_CASE("empty commands complete with no arguments and are consumed") {
  for (std::string wire : {"*0\r\n", "*-1\r\n", "\r\n", "\n", " \t \r\n"}) {
    CAPTURE(wire);
    RespParser p;
    std::vector<std::string_view> args{"stale"};
    const ParseResult r = p.Parse(wire, args);
    CHECK(r.status == ParseStatus::kComplete);
    CHECK(r.consumed == wire.size());
    CHECK(args.empty());
  }
}

TEST_CASE("a 10,000-command pipeline in one buffer") {
  std::string wire;
  for (int i = 0; i < 10000; ++i) {
    const std::string key = "key:" + std::to_string(i);
    wire += "*3\r\n$3\r\nSET\r\n$" + std::to_string(key.size()) + "\r\n" + key + "\r\n$1\r\nv\r\n";
    if (i % 100 == 0) wire += "PING\r\n";
  }
  const Outcome out = FeedWhole(wire);
  REQUIRE(out.error.empty());
  REQUIRE(out.cmds.size() == 10100);
  CHECK(out.cmds.front() == test::Cmd{"SET", "key:0", "v"});
  CHECK(out.cmds[1] == test::Cmd{"PING"});
  CHECK(out.cmds.back() == test::Cmd{"SET", "key:9999", "v"});
  CHECK(out.buffered == 0);
}

TEST_CASE("BytesWanted reports the whole frame size once a bulk header is read") {
  const std::string value(100000, 'x');
  const std::string wire = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100000\r\n" + value + "\r\n";
  RespParser p;
  std::vector<std::string_view> args;
  CHECK(p.BytesWanted() == 0);
  CHECK(p.Parse(std::string_view(wire).substr(0, 2), args).status == ParseStatus::kNeedMore);
  CHECK(p.BytesWanted() == 0);  // inside the multibulk header
  CHECK(p.Parse(std::string_view(wire).substr(0, 10), args).status == ParseStatus::kNeedMore);
  CHECK(p.BytesWanted() == 13);  // "SET" bulk: its header is read
  CHECK(p.Parse(std::string_view(wire).substr(0, 25), args).status == ParseStatus::kNeedMore);
  CHECK(p.BytesWanted() == 0);  // inside the third bulk's header
  CHECK(p.Parse(std::string_view(wire).substr(0, 40), args).status == ParseStatus::kNeedMore);
  CHECK(p.BytesWanted() == wire.size());
  CHECK(p.Parse(std::string_view(wire).substr(0, wire.size() - 1), args).status ==
        ParseStatus::kNeedMore);
  CHECK(p.BytesWanted() == wire.size());
  REQUIRE(p.Parse(wire, args).status == ParseStatus::kComplete);
  CHECK(args.size() == 3);
  CHECK(args[2].size() == 100000);
  CHECK(p.BytesWanted() == 0);
}

TEST_CASE("a big bulk fed in small reads completes once") {
  const std::string value(1 << 20, 'v');
  const std::string wire = "*2\r\n$4\r\nECHO\r\n$1048576\r\n" + value + "\r\n";
  test::ParseDriver d;
  for (size_t i = 0; i < wire.size(); i += 1000) d.Feed(std::string_view(wire).substr(i, 1000));
  REQUIRE(d.cmds().size() == 1);
  CHECK(d.cmds()[0][1] == value);
  CHECK(d.buffered() == 0);
}

TEST_CASE("Reset forgets a partial frame") {
  RespParser p;
  std::vector<std::string_view> args;
  CHECK(p.Parse("*2\r\n$3\r\nGET\r\n$3\r\n", args).status == ParseStatus::kNeedMore);
  p.Reset();
  CHECK(p.BytesWanted() == 0);
  const ParseResult r = p.Parse("PING\r\n", args);
  CHECK(r.status == ParseStatus::kComplete);
  CHECK(args == std::vector<std::string_view>{"PING"});
}

TEST_CASE("a parser is reusable after an error") {
  RespParser p;
  std::vector<std::string_view> args;
  CHECK(p.Parse("*1\r\n$x\r\n", args).status == ParseStatus::kError);
  const ParseResult r = p.Parse("*1\r\n$4\r\nPING\r\n", args);
  CHECK(r.status == ParseStatus::kComplete);
  CHECK(args == std::vector<std::string_view>{"PING"});
}

}  // namespace
}  // namespace kvd
