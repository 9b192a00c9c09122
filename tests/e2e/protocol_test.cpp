// The wire protocol end to end: inline commands, pipelining, binary safety, error texts and
// malformed input (ported from Redis's tests/unit/protocol.tcl).
#include <random>

#include <doctest/doctest.h>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

TEST_CASE("inline commands with Redis's quoting rules") {
  ServerProcess server;
  RawClient c(server.port());
  c.Send("PING\r\n");
  CHECK(c.ReadExact(7) == "+PONG\r\n");
  c.Send("PING\n");  // a bare LF ends a line too
  CHECK(c.ReadExact(7) == "+PONG\r\n");
  c.Send("SET k \"a b\"\r\n");
  CHECK(c.ReadExact(5) == kOk);
  CHECK(c.Call({"GET", "k"}) == Bulk("a b"));
  c.Send("  GET   k  \r\n");
  CHECK(c.ReadReply().raw == Bulk("a b"));
  c.Send("ECHO 'it\\'s'\r\n");
  CHECK(c.ReadReply().raw == Bulk("it's"));
  c.Send("ECHO \"\\x41\\n\\t\\\\\"\r\n");
  CHECK(c.ReadReply().raw == Bulk("A\n\t\\"));
  c.Send("ECHO \"\"\r\n");
  CHECK(c.ReadReply().raw == Bulk(""));
  // Empty lines are skipped; several commands and both framings mix in one write.
  c.Send("\r\n\r\nSET k2 v2\r\n*2\r\n$3\r\nGET\r\n$2\r\nk2\r\nGET k2\n");
  CHECK(c.ReadExact(5 + 2 * 8) == kOk + Bulk("v2") + Bulk("v2"));
  c.Send("FOO bar\r\n");
  CHECK(c.ReadReply().raw == Err("ERR unknown command 'FOO', with args beginning with: 'bar' "));
  c.Send("get\r\n");
  CHECK(c.ReadReply().raw == ArityErr("get"));
}

TEST_CASE("error texts for unknown commands and wrong arity") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"FOO"}) == Err("ERR unknown command 'FOO', with args beginning with: "));
  CHECK(c.Call({"foo", "a", "b c"}) ==
        Err("ERR unknown command 'foo', with args beginning with: 'a' 'b c' "));
  // The argument list is cut at 128 characters.
  CHECK(c.Call({"foo", std::string(200, 'a'), "b"}) ==
        Err("ERR unknown command 'foo', with args beginning with: '" + std::string(128, 'a') +
            "' "));
  // A newline in the echoed arguments cannot break the reply line.
  CHECK(c.Call({"foo", "a\r\nb"}) ==
        Err("ERR unknown command 'foo', with args beginning with: 'a  b' "));
  CHECK(c.Call({"SET", "k"}) == ArityErr("set"));
  CHECK(c.Call({"PING"}) == "+PONG\r\n");  // errors never close the connection
}

TEST_CASE("pipelining 10,000 commands in one write") {
  ServerProcess server;
  RawClient c(server.port());
  std::string request, expected;
  int counter = 0;
  for (int i = 0; i < 10000; ++i) {
    const std::string key = "key:" + std::to_string(i - i % 3);
    switch (i % 3) {
      case 0:
        request += Command({"SET", key, "value:" + std::to_string(i)});
        expected += kOk;
        break;
      case 1:
        request += Command({"GET", key});
        expected += Bulk("value:" + std::to_string(i - 1));
        break;
      default:
        request += Command({"INCR", "counter"});
        expected += Int(++counter);
    }
  }
  c.Send(request);
  std::string got = c.ReadExact(expected.size());
  CHECK(got.size() == expected.size());
  // Find the first difference rather than printing 100 KB.
  size_t diff = std::mismatch(got.begin(), got.end(), expected.begin()).first - got.begin();
  CAPTURE(diff);
  CHECK(got == expected);
  CHECK(c.Call({"DBSIZE"}) == Int(3334 + 1));
  CHECK(c.Call({"GET", "counter"}) == Bulk(std::to_string(counter)));
}

TEST_CASE("pipelined batches bigger than a read buffer, split anywhere") {
  // 1 KB values, 48 per write: each write overflows a 16 KB read buffer (which then grows)
  // and leaves a command cut at an arbitrary byte between reads.
  ServerProcess server;
  RawClient c(server.port());
  std::mt19937 rng(7);
  std::string expected_gets;
  for (int round = 0; round < 20; ++round) {
    std::string request, expected;
    for (int i = 0; i < 48; ++i) {
      const std::string key = "big:" + std::to_string(round * 48 + i);
      std::string value(1000 + rng() % 100, static_cast<char>('a' + rng() % 26));
      request += Command({"SET", key, value});
      expected += kOk;
      expected_gets += Bulk(value);
    }
    // Sent in two pieces cut at a random byte.
    const size_t cut = rng() % request.size();
    c.Send(request.substr(0, cut));
    c.Send(request.substr(cut));
    CHECK(c.ReadExact(expected.size()) == expected);
  }
  std::string gets;
  for (int i = 0; i < 20 * 48; ++i) gets += Command({"GET", "big:" + std::to_string(i)});
  c.Send(gets);
  CHECK(c.ReadExact(expected_gets.size()) == expected_gets);
  CHECK(c.Call({"DBSIZE"}) == Int(20 * 48));
}

TEST_CASE("binary-safe keys and values") {
  ServerProcess server;
  RawClient c(server.port());
  const std::string key("a\0b\r\nc", 6);
  const std::string value("x\r\ny\0z\n$3\r\n", 11);
  CHECK(c.Call({"SET", key, value}) == kOk);
  CHECK(c.Call({"GET", key}) == Bulk(value));
  CHECK(c.Call({"GET", "a"}) == kNil);  // the NUL does not end the key
  CHECK(c.Call({"STRLEN", key}) == Int(11));
  CHECK(c.Call({"EXISTS", std::string("a\0b", 3)}) == Int(0));
  CHECK(c.Call({"KEYS", "*"}) == Arr({Bulk(key)}));
  CHECK(c.Call({"APPEND", key, std::string("\0", 1)}) == Int(12));
  CHECK(c.Call({"GETRANGE", key, "-2", "-1"}) == Bulk(std::string("\n\0", 2)));
  CHECK(c.Call({"MGET", key, "none"}) == Arr({Bulk(value + std::string("\0", 1)), kNil}));

  // Every byte value, in a key and in a 1 MB value that crosses many reads.
  std::string all_bytes;
  for (int b = 0; b < 256; ++b) all_bytes += static_cast<char>(b);
  std::string big;
  std::mt19937 rng(42);
  while (big.size() < (1 << 20)) big += static_cast<char>(rng());
  CHECK(c.Call({"SET", all_bytes, big}) == kOk);
  CHECK(c.Call({"GET", all_bytes}) == Bulk(big));
  CHECK(c.Call({"STRLEN", all_bytes}) == Int(1 << 20));
  CHECK(c.Call({"RENAME", all_bytes, "\xff"}) == kOk);
  CHECK(c.Call({"GETRANGE", "\xff", "0", "3"}) == Bulk(big.substr(0, 4)));
}

struct BadInput {
  const char* name;
  std::string bytes;
  std::string reply;
};

std::string GarbageWithoutNewline(size_t n) {
  std::mt19937 rng(7);
  std::string s;
  while (s.size() < n) {
    char ch = static_cast<char>(rng());
    if (ch != '\n' && ch != '\r' && ch != '\0' && ch != '*') s += ch;
  }
  return s;
}

TEST_CASE("malformed input gets a protocol error and a close; other clients are unaffected") {
  const std::vector<BadInput> cases = {
      {"multibulk length not a number", "*abc\r\n",
       "-ERR Protocol error: invalid multibulk length\r\n"},
      {"multibulk count too big", "*3000000000\r\n",
       "-ERR Protocol error: invalid multibulk length\r\n"},
      {"bulk expected, garbage found", "*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n",
       "-ERR Protocol error: expected '$', got 'f'\r\n"},
      {"garbage after the multibulk header", "*2\r\n!garbage\r\n",
       "-ERR Protocol error: expected '$', got '!'\r\n"},
      {"negative bulk length", "*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$-10\r\n",
       "-ERR Protocol error: invalid bulk length\r\n"},
      {"bulk length not a number", "*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$blabla\r\n",
       "-ERR Protocol error: invalid bulk length\r\n"},
      {"bulk length over proto-max-bulk-len (512 MB)",
       "*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$600000000\r\n",
       "-ERR Protocol error: invalid bulk length\r\n"},
      {"bulk length way too big", "*1\r\n$2000000000\r\n",
       "-ERR Protocol error: invalid bulk length\r\n"},
      {"unbalanced quotes", "set \"\"\"test-key\"\"\" test-value\r\nping\r\n",
       "-ERR Protocol error: unbalanced quotes in request\r\n"},
      {"unterminated quote", "echo \"abc\r\n",
       "-ERR Protocol error: unbalanced quotes in request\r\n"},
      {"inline line over 64 KB of garbage", GarbageWithoutNewline(70000),
       "-ERR Protocol error: too big inline request\r\n"},
      {"multibulk count line over 64 KB", "*" + std::string(70000, '1'),
       "-ERR Protocol error: too big mbulk count string\r\n"},
      {"bulk count line over 64 KB", "*1\r\n$" + std::string(70000, '1'),
       "-ERR Protocol error: too big bulk count string\r\n"},
  };
  ServerProcess server;
  RawClient bystander(server.port());
  int round = 0;
  for (const BadInput& bad : cases) {
    CAPTURE(bad.name);
    const std::string key = "k" + std::to_string(round++);
    // The bystander has half a command in flight while the other client misbehaves.
    bystander.Send("*3\r\n$3\r\nSET\r\n$" + std::to_string(key.size()) + "\r\n" + key);
    RawClient offender(server.port(), 5s);  // a server that never closes fails sooner
    CHECK(offender.Call({"PING"}) == "+PONG\r\n");
    offender.Send(bad.bytes);
    CHECK(offender.ReadUntilClosed() == bad.reply);
    bystander.Send("\r\n$5\r\nvalue\r\n");
    CHECK(bystander.ReadReply().raw == kOk);
    CHECK(bystander.Call({"GET", key}) == Bulk("value"));
  }
  // Harmless oddities are not errors: empty and negative multibulks are skipped.
  RawClient c(server.port());
  c.Send("*0\r\n*-10\r\n\r\nPING\r\n");
  CHECK(c.ReadExact(7) == "+PONG\r\n");
  CHECK(c.Call({"DBSIZE"}) == Int(static_cast<int64_t>(cases.size())));
}

}  // namespace
}  // namespace kvd::e2e
