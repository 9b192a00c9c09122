// ZUNION, ZINTER, ZDIFF, their *STORE forms and ZINTERCARD, with WEIGHTS, AGGREGATE and
// plain sets as inputs. Expected replies were recorded from redis-server.
#include <doctest/doctest.h>

#include <string>

#include "unit/commands/harness.h"
#include "unit/commands/zset_test_util.h"

namespace kvd::testing {
namespace {

TEST_CASE("ZUNION, ZINTER and ZDIFF with weights and aggregates") {
  Harness h;
  CHECK(Run(h, "ZADD a 1 x 2 y 3 z") == ":3\r\n");
  CHECK(Run(h, "ZADD b 10 y 20 z 30 w") == ":3\r\n");
  CHECK(Run(h, "ZUNION 2 a b") == "*4\r\n$1\r\nx\r\n$1\r\ny\r\n$1\r\nz\r\n$1\r\nw\r\n");
  CHECK(Run(h, "ZUNION 2 a b WITHSCORES") ==
        "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n$1\r\nw\r\n"
        "$2\r\n30\r\n");
  CHECK(Run(h, "ZINTER 2 a b WITHSCORES") ==
        "*4\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n");
  CHECK(Run(h, "ZDIFF 2 a b WITHSCORES") == "*2\r\n$1\r\nx\r\n$1\r\n1\r\n");
  CHECK(Run(h, "ZDIFF 2 b a") == "*1\r\n$1\r\nw\r\n");
  CHECK(Run(h, "ZUNION 2 a b WEIGHTS 2 0.5 WITHSCORES") ==
        "*8\r\n$1\r\nx\r\n$1\r\n2\r\n$1\r\ny\r\n$1\r\n9\r\n$1\r\nw\r\n$2\r\n15\r\n$1\r\nz\r\n"
        "$2\r\n16\r\n");
  CHECK(Run(h, "ZUNION 2 a b AGGREGATE MIN WITHSCORES") ==
        "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n3\r\n$1\r\nw\r\n"
        "$2\r\n30\r\n");
  CHECK(Run(h, "ZUNION 2 a b AGGREGATE max WITHSCORES") ==
        "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n10\r\n$1\r\nz\r\n$2\r\n20\r\n$1\r\nw\r\n"
        "$2\r\n30\r\n");
  CHECK(Run(h, "ZINTER 2 a b WEIGHTS 1 -1 AGGREGATE SUM WITHSCORES") ==
        "*4\r\n$1\r\nz\r\n$3\r\n-17\r\n$1\r\ny\r\n$2\r\n-8\r\n");
  CHECK(Run(h, "ZINTER 2 a b AGGREGATE MIN") == "*2\r\n$1\r\ny\r\n$1\r\nz\r\n");
  CHECK(Run(h, "ZUNION 3 a b nokey WITHSCORES") ==
        "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n$1\r\nw\r\n"
        "$2\r\n30\r\n");
  CHECK(Run(h, "ZINTER 3 a b nokey") == "*0\r\n");
  CHECK(Run(h, "ZDIFF 2 nokey a") == "*0\r\n");
  CHECK(Run(h, "ZDIFF 1 a") == "*3\r\n$1\r\nx\r\n$1\r\ny\r\n$1\r\nz\r\n");
  CHECK(Run(h, "ZINTER 2 a a WITHSCORES") ==
        "*6\r\n$1\r\nx\r\n$1\r\n2\r\n$1\r\ny\r\n$1\r\n4\r\n$1\r\nz\r\n$1\r\n6\r\n");
  CHECK(Run(h, "ZUNION 1 a WEIGHTS 1 WEIGHTS 3 WITHSCORES") ==
        "*6\r\n$1\r\nx\r\n$1\r\n3\r\n$1\r\ny\r\n$1\r\n6\r\n$1\r\nz\r\n$1\r\n9\r\n");
}

TEST_CASE("Set operations take plain sets as scores of 1") {
  Harness h;
  CHECK(Run(h, "ZADD a 1 x 2 y 3 z") == ":3\r\n");
  AddSet(h, "s", {"y", "q"});
  CHECK(Run(h, "ZUNION 2 a s WITHSCORES") ==
        "*8\r\n$1\r\nq\r\n$1\r\n1\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n3\r\n$1\r\nz\r\n"
        "$1\r\n3\r\n");
  CHECK(Run(h, "ZINTER 2 a s WEIGHTS 1 5 WITHSCORES") == "*2\r\n$1\r\ny\r\n$1\r\n7\r\n");
  CHECK(Run(h, "ZDIFF 2 a s") == "*2\r\n$1\r\nx\r\n$1\r\nz\r\n");
  CHECK(Run(h, "ZDIFF 2 s a WITHSCORES") == "*2\r\n$1\r\nq\r\n$1\r\n1\r\n");
  CHECK(Run(h, "ZINTERSTORE d 2 s s") == ":2\r\n");
  CHECK(Run(h, "ZRANGE d 0 -1 WITHSCORES") == "*4\r\n$1\r\nq\r\n$1\r\n2\r\n$1\r\ny\r\n$1\r\n2\r\n");
  CHECK(Run(h, "TYPE d") == "+zset\r\n");
}

TEST_CASE("Infinite scores and weights follow Redis's NaN rules") {
  Harness h;
  CHECK(Run(h, "ZADD a +inf x -inf y 1 z") == ":3\r\n");
  CHECK(Run(h, "ZADD b -inf x -inf y 0 z") == ":3\r\n");
  CHECK(Run(h, "ZUNION 2 a b WITHSCORES") ==
        "*6\r\n$1\r\ny\r\n$4\r\n-inf\r\n$1\r\nx\r\n$1\r\n0\r\n$1\r\nz\r\n$1\r\n1\r\n");
  CHECK(Run(h, "ZINTER 2 a b WEIGHTS 0 1 WITHSCORES") ==
        "*6\r\n$1\r\nx\r\n$4\r\n-inf\r\n$1\r\ny\r\n$4\r\n-inf\r\n$1\r\nz\r\n$1\r\n0\r\n");
  CHECK(Run(h, "ZUNION 1 a WEIGHTS 0 WITHSCORES") ==
        "*6\r\n$1\r\nx\r\n$1\r\n0\r\n$1\r\ny\r\n$1\r\n0\r\n$1\r\nz\r\n$1\r\n0\r\n");
}

TEST_CASE("Set operation errors") {
  Harness h;
  CHECK(Run(h, "ZADD a 1 x") == ":1\r\n");
  CHECK(Run(h, "SET s v") == "+OK\r\n");
  CHECK(Run(h, "ZUNION 0 a") == "-ERR at least 1 input key is needed for 'zunion' command\r\n");
  CHECK(Run(h, "ZINTER 0 a") == "-ERR at least 1 input key is needed for 'zinter' command\r\n");
  CHECK(Run(h, "ZDIFF 0 a") == "-ERR at least 1 input key is needed for 'zdiff' command\r\n");
  CHECK(Run(h, "ZUNION x a") == "-ERR value is not an integer or out of range\r\n");
  CHECK(Run(h, "ZUNION 2 a") == "-ERR syntax error\r\n");
  CHECK(Run(h, "ZUNION -1 a") == "-ERR at least 1 input key is needed for 'zunion' command\r\n");
  CHECK(Run(h, "ZUNION 1 a WEIGHTS") == "-ERR syntax error\r\n");
  CHECK(Run(h, "ZUNION 1 a WEIGHTS x") == "-ERR weight value is not a float\r\n");
  CHECK(Run(h, "ZUNION 2 a a WEIGHTS 1") == "-ERR syntax error\r\n");
  CHECK(Run(h, "ZUNION 1 a AGGREGATE") == "-ERR syntax error\r\n");
  CHECK(Run(h, "ZUNION 1 a AGGREGATE AVG") == "-ERR syntax error\r\n");
  CHECK(Run(h, "ZDIFF 1 a WEIGHTS 1") == "-ERR syntax error\r\n");
  CHECK(Run(h, "ZDIFF 1 a AGGREGATE SUM") == "-ERR syntax error\r\n");
  CHECK(Run(h, "ZUNION 1 a FOO") == "-ERR syntax error\r\n");
  CHECK(Run(h, "ZUNION 2 a s") ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(Run(h, "ZUNION 2 s a FOO") ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(Run(h, "ZINTER 2 nokey s") ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(Run(h, "ZUNIONSTORE d 1 a WITHSCORES") == "-ERR syntax error\r\n");
  CHECK(Run(h, "ZUNIONSTORE d 0 a") ==
        "-ERR at least 1 input key is needed for 'zunionstore' command\r\n");
  CHECK(Run(h, "ZINTERSTORE d 0 a") ==
        "-ERR at least 1 input key is needed for 'zinterstore' command\r\n");
  CHECK(Run(h, "ZDIFFSTORE d 0 a") ==
        "-ERR at least 1 input key is needed for 'zdiffstore' command\r\n");
  CHECK(Run(h, "ZUNIONSTORE d 2 a") == "-ERR syntax error\r\n");
}

TEST_CASE("ZUNIONSTORE, ZINTERSTORE and ZDIFFSTORE replace the destination") {
  Harness h;
  CHECK(Run(h, "ZADD a 1 x 2 y 3 z") == ":3\r\n");
  CHECK(Run(h, "ZADD b 10 y 20 z 30 w") == ":3\r\n");
  CHECK(Run(h, "SET d v") == "+OK\r\n");
  CHECK(Run(h, "EXPIRE d 100") == ":1\r\n");
  CHECK(Run(h, "ZUNIONSTORE d 2 a b WEIGHTS 1 2 AGGREGATE MAX") == ":4\r\n");
  CHECK(Run(h, "ZRANGE d 0 -1 WITHSCORES") ==
        "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n20\r\n$1\r\nz\r\n$2\r\n40\r\n$1\r\nw\r\n"
        "$2\r\n60\r\n");
  CHECK(Run(h, "TTL d") == ":-1\r\n");
  CHECK(Run(h, "ZINTERSTORE d 2 a b") == ":2\r\n");
  CHECK(Run(h, "ZRANGE d 0 -1 WITHSCORES") ==
        "*4\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n");
  CHECK(Run(h, "ZDIFFSTORE d 2 a b") == ":1\r\n");
  CHECK(Run(h, "ZRANGE d 0 -1 WITHSCORES") == "*2\r\n$1\r\nx\r\n$1\r\n1\r\n");
  CHECK(Run(h, "ZINTERSTORE d 2 a nokey") == ":0\r\n");
  CHECK(Run(h, "EXISTS d") == ":0\r\n");
  CHECK(Run(h, "ZDIFFSTORE a 2 a b") == ":1\r\n");
  CHECK(Run(h, "ZRANGE a 0 -1 WITHSCORES") == "*2\r\n$1\r\nx\r\n$1\r\n1\r\n");
  CHECK(Run(h, "ZUNIONSTORE b 2 b b") == ":3\r\n");
  CHECK(Run(h, "ZRANGE b 0 -1 WITHSCORES") ==
        "*6\r\n$1\r\ny\r\n$2\r\n20\r\n$1\r\nz\r\n$2\r\n40\r\n$1\r\nw\r\n$2\r\n60\r\n");
}

TEST_CASE("ZINTERCARD counts the intersection, up to LIMIT") {
  Harness h;
  CHECK(Run(h, "ZADD a 1 x 2 y 3 z 4 w") == ":4\r\n");
  CHECK(Run(h, "ZADD b 1 y 1 z 1 w") == ":3\r\n");
  AddSet(h, "s", {"z", "w"});
  CHECK(Run(h, "ZINTERCARD 2 a b") == ":3\r\n");
  CHECK(Run(h, "ZINTERCARD 3 a b s") == ":2\r\n");
  CHECK(Run(h, "ZINTERCARD 2 a b LIMIT 2") == ":2\r\n");
  CHECK(Run(h, "ZINTERCARD 2 a b LIMIT 0") == ":3\r\n");
  CHECK(Run(h, "ZINTERCARD 2 a b LIMIT 10") == ":3\r\n");
  CHECK(Run(h, "ZINTERCARD 2 a nokey") == ":0\r\n");
  CHECK(Run(h, "ZINTERCARD 1 a") == ":4\r\n");
  CHECK(Run(h, "ZINTERCARD 0 a") ==
        "-ERR at least 1 input key is needed for 'zintercard' command\r\n");
  CHECK(Run(h, "ZINTERCARD x a") == "-ERR value is not an integer or out of range\r\n");
  CHECK(Run(h, "ZINTERCARD 3 a b") == "-ERR syntax error\r\n");
  CHECK(Run(h, "ZINTERCARD 1 a LIMIT -1") == "-ERR LIMIT can't be negative\r\n");
  CHECK(Run(h, "ZINTERCARD 1 a LIMIT x") == "-ERR LIMIT can't be negative\r\n");
  CHECK(Run(h, "ZINTERCARD 1 a LIMIT") == "-ERR syntax error\r\n");
  CHECK(Run(h, "ZINTERCARD 1 a WEIGHTS 1") == "-ERR syntax error\r\n");
  CHECK(Run(h, "ZINTERCARD 1 a WITHSCORES") == "-ERR syntax error\r\n");
  CHECK(Run(h, "SET str v") == "+OK\r\n");
  CHECK(Run(h, "ZINTERCARD 2 a str") ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
}

TEST_CASE("Set operations answer pairs in RESP3") {
  Harness h;
  h.client.resp = 3;
  CHECK(Run(h, "ZADD a 1 x 2.5 y") == ":2\r\n");
  CHECK(Run(h, "ZUNION 1 a WITHSCORES") ==
        "*2\r\n*2\r\n$1\r\nx\r\n,1\r\n*2\r\n$1\r\ny\r\n,2.5\r\n");
  CHECK(Run(h, "ZINTER 1 a") == "*2\r\n$1\r\nx\r\n$1\r\ny\r\n");
  CHECK(Run(h, "ZDIFF 1 a WITHSCORES") ==
        "*2\r\n*2\r\n$1\r\nx\r\n,1\r\n*2\r\n$1\r\ny\r\n,2.5\r\n");
}

TEST_CASE("ZUNIONSTORE over large inputs builds a skiplist destination") {
  Harness h;
  Fill(h, "a", 200, "m");
  Fill(h, "b", 200, "m");
  CHECK(Run(h, "ZUNIONSTORE d 2 a b") == ":200\r\n");
  CHECK(Run(h, "OBJECT ENCODING d") == "$8\r\nskiplist\r\n");
  CHECK(Run(h, "ZSCORE d m150") == "$3\r\n300\r\n");
  CHECK(Run(h, "ZINTERSTORE d 2 a b WEIGHTS 1 0 AGGREGATE MIN") == ":200\r\n");
  CHECK(Run(h, "ZCOUNT d 0 0") == ":200\r\n");
  CHECK(Run(h, "ZDIFFSTORE d 2 a b") == ":0\r\n");
  CHECK(Run(h, "EXISTS d") == ":0\r\n");
}

}  // namespace
}  // namespace kvd::testing
