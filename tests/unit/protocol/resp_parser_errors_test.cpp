// Protocol errors and limits, with Redis's exact texts (networking.c, tests/unit/protocol.tcl).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "protocol/resp_parser.h"
#include "unit/protocol/parse_driver.h"

namespace kvd {
namespace {

using namespace std::string_literals;
using test::FeedByteByByte;
using test::FeedInTwo;
using test::FeedWhole;
using test::Outcome;

struct ErrorCase {
  std::string wire;
  std::string error;
};

std::vector<ErrorCase> ErrorCases() {
  return {
      {"*3000000000\r\n", "ERR Protocol error: invalid multibulk length"},
      {"*1048577\r\n", "ERR Protocol error: invalid multibulk length"},
      {"*abc\r\n", "ERR Protocol error: invalid multibulk length"},
      {"*\r\n", "ERR Protocol error: invalid multibulk length"},
      {"*01\r\n", "ERR Protocol error: invalid multibulk length"},
      {"*+1\r\n", "ERR Protocol error: invalid multibulk length"},
      {"*1 \r\n", "ERR Protocol error: invalid multibulk length"},
      {"*-0\r\n", "ERR Protocol error: invalid multibulk length"},
      {"*99999999999999999999\r\n", "ERR Protocol error: invalid multibulk length"},
      {"*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n", "ERR Protocol error: expected '$', got 'f'"},
      {"*1\r\nfoo\r\n", "ERR Protocol error: expected '$', got 'f'"},
      {"*1\r\n\r\n", "ERR Protocol error: expected '$', got '\r'"},
      {"*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$-10\r\n", "ERR Protocol error: invalid bulk length"},
      {"*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$2000000000\r\n", "ERR Protocol error: invalid bulk length"},
      {"*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$blabla\r\n", "ERR Protocol error: invalid bulk length"},
      {"*1\r\n$-1\r\n", "ERR Protocol error: invalid bulk length"},
      {"*1\r\n$+1\r\n", "ERR Protocol error: invalid bulk length"},
      {"*1\r\n$\r\n", "ERR Protocol error: invalid bulk length"},
      {"*1\r\n$536870913\r\n", "ERR Protocol error: invalid bulk length"},
      {"set \"\"\"test-key\"\"\" test-value\r\nping\r\n",
       "ERR Protocol error: unbalanced quotes in request"},
      {"set a \"b\r\n", "ERR Protocol error: unbalanced quotes in request"},
      {"set a 'b\r\n", "ERR Protocol error: unbalanced quotes in request"},
      {"set a \"b\"c\r\n", "ERR Protocol error: unbalanced quotes in request"},
  };
}

TEST_CASE("protocol errors: same text for every split and byte by byte") {
  for (const ErrorCase& c : ErrorCases()) {
    CAPTURE(c.wire);
    CHECK(FeedWhole(c.wire).error == c.error);
    CHECK(FeedByteByByte(c.wire).error == c.error);
    for (size_t split = 0; split <= c.wire.size(); ++split) {
      CAPTURE(split);
      CHECK(FeedInTwo(c.wire, split).error == c.error);
    }
  }
}

TEST_CASE("commands before a protocol error are still parsed") {
  const Outcome out = FeedWhole("PING\r\n*1\r\n$4\r\nECHO\r\n*1\r\n$x\r\nPING\r\n");
  CHECK(out.cmds == test::Cmds{{"PING"}, {"ECHO"}});
  CHECK(out.error == "ERR Protocol error: invalid bulk length");
}

TEST_CASE("an error result consumes nothing and stays readable") {
  RespParser p;
  std::vector<std::string_view> args;
  const ParseResult r = p.Parse("*1\r\nxyz\r\n", args);
  CHECK(r.status == ParseStatus::kError);
  CHECK(r.consumed == 0);
  CHECK(r.error == "ERR Protocol error: expected '$', got 'x'");
  CHECK(args.empty());
}

TEST_CASE("the multibulk limit is inclusive") {
  RespParser p;
  std::vector<std::string_view> args;
  CHECK(p.Parse("*1048576\r\n", args).status == ParseStatus::kNeedMore);
}

TEST_CASE("proto-max-bulk-len is inclusive and configurable") {
  RespLimits limits;
  limits.max_bulk_len = 5;
  CHECK(FeedWhole("*1\r\n$5\r\nhello\r\n", limits).cmds == test::Cmds{{"hello"}});
  CHECK(FeedWhole("*1\r\n$6\r\nhello!\r\n", limits).error ==
        "ERR Protocol error: invalid bulk length");
  // The default accepts 512 MB exactly (announced, not sent).
  RespParser p;
  std::vector<std::string_view> args;
  CHECK(p.Parse("*1\r\n$536870912\r\n", args).status == ParseStatus::kNeedMore);
  // Limits can change between commands.
  p.Reset();
  p.set_limits(limits);
  CHECK(p.limits().max_bulk_len == 5);
  CHECK(p.Parse("*1\r\n$536870912\r\n", args).error == "ERR Protocol error: invalid bulk length");
}

TEST_CASE("the multibulk element limit is configurable") {
  RespLimits limits;
  limits.max_multibulk_len = 2;
  CHECK(FeedWhole("*2\r\n$1\r\na\r\n$1\r\nb\r\n", limits).cmds == test::Cmds{{"a", "b"}});
  CHECK(FeedWhole("*3\r\n", limits).error == "ERR Protocol error: invalid multibulk length");
}

TEST_CASE("too big inline request: only without a newline past the limit") {
  const std::string big(64 * 1024 + 1, 'a');
  CHECK(FeedWhole(big).error == "ERR Protocol error: too big inline request");
  // Exactly at the limit Redis keeps waiting.
  const Outcome at_limit = FeedWhole(big.substr(1));
  CHECK(at_limit.error.empty());
  CHECK(at_limit.buffered == 64 * 1024);
  // A longer line that arrives with its newline in one read is accepted, as in Redis.
  const Outcome with_newline = FeedWhole("ECHO " + big + "\r\n");
  CHECK(with_newline.error.empty());
  REQUIRE(with_newline.cmds.size() == 1);
  CHECK(with_newline.cmds[0][1] == big);
  // Growing past the limit over several reads fails.
  test::ParseDriver d;
  for (int i = 0; i < 65; ++i) d.Feed(std::string(1024, 'a'));
  CHECK(d.error() == "ERR Protocol error: too big inline request");
}

TEST_CASE("too big mbulk / bulk count string") {
  CHECK(FeedWhole("*" + std::string(64 * 1024, '1')).error ==
        "ERR Protocol error: too big mbulk count string");
  CHECK(FeedWhole("*1\r\n$" + std::string(64 * 1024, '1')).error ==
        "ERR Protocol error: too big bulk count string");
  // A long header that does end is just an invalid number.
  CHECK(FeedWhole("*" + std::string(100, '1') + "\r\n").error ==
        "ERR Protocol error: invalid multibulk length");
}

TEST_CASE("the line limit is configurable") {
  RespLimits limits;
  limits.max_inline_len = 8;
  CHECK(FeedWhole("PING PONG", limits).error == "ERR Protocol error: too big inline request");
  CHECK(FeedWhole("PING PON", limits).error.empty());
  CHECK(FeedWhole("PING PONG PANG\r\n", limits).cmds == test::Cmds{{"PING", "PONG", "PANG"}});
  CHECK(FeedWhole("*1234567890", limits).error == "ERR Protocol error: too big mbulk count string");
  CHECK(FeedWhole("*1\r\n$123456789", limits).error ==
        "ERR Protocol error: too big bulk count string");
}

TEST_CASE("unauthenticated clients get Redis's smaller limits") {
  RespLimits limits;
  limits.auth_required = true;
  CHECK(FeedWhole("*10\r\n", limits).error.empty());
  CHECK(FeedWhole("*11\r\n", limits).error ==
        "ERR Protocol error: unauthenticated multibulk length");
  CHECK(FeedWhole("*1\r\n$16384\r\n", limits).error.empty());
  CHECK(FeedWhole("*1\r\n$16385\r\n", limits).error ==
        "ERR Protocol error: unauthenticated bulk length");
}

// Redis finds line ends with strchr() on a NUL-terminated buffer: a NUL byte hides the
// line end, and the request only fails once it outgrows the limit (protocol.tcl's
// "Protocol desync regression test").
TEST_CASE("a NUL byte before the line end: wait, then fail at the size limit") {
  for (std::string start : {"\0"s, "*\0"s, "$\0"s, "PING\0 x\r\n"s, "*1\0\r\n"s}) {
    CAPTURE(start);
    test::ParseDriver d;
    d.Feed(start);
    CHECK(d.error().empty());
    CHECK(d.cmds().empty());
    const std::string payload = std::string(1024, 'A') + "\n";
    for (int i = 0; i < 70 && d.error().empty(); ++i) d.Feed(payload);
    CHECK(d.cmds().empty());
    CHECK(d.error().starts_with("ERR Protocol error: too big "));
  }
  CHECK(FeedByteByByte("*1\r\n$3\r\nab\0\r\n"s).cmds == test::Cmds{{"ab\0"s}});
}

}  // namespace
}  // namespace kvd
