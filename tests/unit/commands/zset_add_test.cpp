// ZADD and its flags, ZINCRBY, ZSCORE, ZMSCORE, ZCARD, ZREM and the encoding switch.
// Expected replies were recorded from redis-server, except that scores are formatted as
// Redis 7.2 does (shortest round-trip text: 0.1, where 7.0 printed 0.10000000000000001).
#include <doctest/doctest.h>

#include "unit/commands/harness.h"
#include "unit/commands/zset_test_util.h"

namespace kvd::testing {
namespace {

TEST_CASE("ZADD adds members and ZSCORE, ZCARD, ZMSCORE read them") {
  Harness h;
  CHECK(Run(h, "ZADD z 1 a 2 b 3 c") == ":3\r\n");
  CHECK(Run(h, "ZCARD z") == ":3\r\n");
  CHECK(Run(h, "ZSCORE z b") == "$1\r\n2\r\n");
  CHECK(Run(h, "ZSCORE z nope") == "$-1\r\n");
  CHECK(Run(h, "ZSCORE nokey a") == "$-1\r\n");
  CHECK(Run(h, "ZMSCORE z a nope c") == "*3\r\n$1\r\n1\r\n$-1\r\n$1\r\n3\r\n");
  CHECK(Run(h, "ZMSCORE nokey a b") == "*2\r\n$-1\r\n$-1\r\n");
  CHECK(Run(h, "ZCARD nokey") == ":0\r\n");
  CHECK(Run(h, "ZADD z 1.5 a 4 d") == ":1\r\n");
  CHECK(Run(h, "ZSCORE z a") == "$3\r\n1.5\r\n");
  CHECK(Run(h, "ZADD z 1 x 1 x") == ":1\r\n");
  CHECK(Run(h, "ZSCORE z x") == "$1\r\n1\r\n");
  CHECK(Run(h, "ZADD z -inf lo +inf hi") == ":2\r\n");
  CHECK(Run(h, "ZSCORE z lo") == "$4\r\n-inf\r\n");
  CHECK(Run(h, "ZSCORE z hi") == "$3\r\ninf\r\n");
  CHECK(Run(h, "ZADD z 0.1 p") == ":1\r\n");
  CHECK(Run(h, "ZSCORE z p") == "$3\r\n0.1\r\n");
  CHECK(Run(h, "ZADD z 1e30 big") == ":1\r\n");
  CHECK(Run(h, "ZSCORE z big") == "$5\r\n1e+30\r\n");
  CHECK(Run(h, "ZRANGE z 0 -1 WITHSCORES") ==
        "*18\r\n$2\r\nlo\r\n$4\r\n-inf\r\n$1\r\np\r\n$3\r\n0.1\r\n$1\r\nx\r\n"
        "$1\r\n1\r\n$1\r\na\r\n$3\r\n1.5\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\n"
        "d\r\n$1\r\n4\r\n$3\r\nbig\r\n$5\r\n1e+30\r\n$2\r\nhi\r\n$3\r\ninf\r\n");
}

TEST_CASE("ZADD NX, XX, GT, LT and CH") {
  Harness h;
  CHECK(Run(h, "ZADD z 5 a") == ":1\r\n");
  CHECK(Run(h, "ZADD z NX 10 a 1 b") == ":1\r\n");
  CHECK(Run(h, "ZSCORE z a") == "$1\r\n5\r\n");
  CHECK(Run(h, "ZADD z XX 7 a 1 c") == ":0\r\n");
  CHECK(Run(h, "ZSCORE z a") == "$1\r\n7\r\n");
  CHECK(Run(h, "ZSCORE z c") == "$-1\r\n");
  CHECK(Run(h, "ZADD z XX CH 8 a 8 b") == ":2\r\n");
  CHECK(Run(h, "ZADD z GT CH 3 a 9 b 1 n") == ":2\r\n");
  CHECK(Run(h, "ZRANGE z 0 -1 WITHSCORES") ==
        "*6\r\n$1\r\nn\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n8\r\n$1\r\nb\r\n$1\r\n9\r\n");
  CHECK(Run(h, "ZADD z LT CH 3 a 20 b") == ":1\r\n");
  CHECK(Run(h, "ZRANGE z 0 -1 WITHSCORES") ==
        "*6\r\n$1\r\nn\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n9\r\n");
  CHECK(Run(h, "ZADD z CH 3 a") == ":0\r\n");
  CHECK(Run(h, "ZADD z ch xx gt 100 a") == ":1\r\n");
  CHECK(Run(h, "ZSCORE z a") == "$3\r\n100\r\n");
  CHECK(Run(h, "ZADD nokey XX 1 a") == ":0\r\n");
  CHECK(Run(h, "EXISTS nokey") == ":0\r\n");
}

TEST_CASE("ZADD INCR and ZINCRBY reply with the new score") {
  Harness h;
  CHECK(Run(h, "ZADD z INCR 2 a") == "$1\r\n2\r\n");
  CHECK(Run(h, "ZADD z INCR 2.5 a") == "$3\r\n4.5\r\n");
  CHECK(Run(h, "ZINCRBY z 10 a") == "$4\r\n14.5\r\n");
  CHECK(Run(h, "ZINCRBY z -1.5 b") == "$4\r\n-1.5\r\n");
  CHECK(Run(h, "ZADD z NX INCR 1 a") == "$-1\r\n");
  CHECK(Run(h, "ZADD z XX INCR 1 nope") == "$-1\r\n");
  CHECK(Run(h, "ZADD z GT INCR -1 a") == "$-1\r\n");
  CHECK(Run(h, "ZADD z LT INCR -1 a") == "$4\r\n13.5\r\n");
  CHECK(Run(h, "ZADD z INCR 0 a") == "$4\r\n13.5\r\n");
  CHECK(Run(h, "ZINCRBY z +inf a") == "$3\r\ninf\r\n");
  CHECK(Run(h, "ZINCRBY z -inf a") == "-ERR resulting score is not a number (NaN)\r\n");
  CHECK(Run(h, "ZADD z INCR -inf a") == "-ERR resulting score is not a number (NaN)\r\n");
  CHECK(Run(h, "ZSCORE z a") == "$3\r\ninf\r\n");
  CHECK(Run(h, "ZINCRBY z abc a") == "-ERR value is not a valid float\r\n");
  CHECK(Run(h, "ZINCRBY z nan a") == "-ERR value is not a valid float\r\n");
}

TEST_CASE("A score of -0 is 0 in a listpack and keeps its sign in a skiplist, as in Redis") {
  Harness h;
  CHECK(Run(h, "ZADD small -0 a") == ":1\r\n");
  CHECK(Run(h, "ZSCORE small a") == "$1\r\n0\r\n");
  CHECK(Run(h, "ZADD small 0 a") == ":0\r\n");
  CHECK(Run(h, "ZINCRBY small -0 a") == "$1\r\n0\r\n");  // 0 + -0 is 0
  CHECK(Run(h, "ZINCRBY small2 -0 a") == "$2\r\n-0\r\n");  // the reply: the sum itself
  CHECK(Run(h, "ZSCORE small2 a") == "$1\r\n0\r\n");
  Fill(h, "big", 129, "m");
  CHECK(Run(h, "ZADD big -0 a") == ":1\r\n");
  CHECK(Run(h, "OBJECT ENCODING big") == "$8\r\nskiplist\r\n");
  CHECK(Run(h, "ZSCORE big a") == "$2\r\n-0\r\n");
}

TEST_CASE("ZADD reports option and argument errors as Redis") {
  Harness h;
  CHECK(Run(h, "ZADD z NX XX 1 a") ==
        "-ERR XX and NX options at the same time are not compatible\r\n");
  CHECK(Run(h, "ZADD z GT LT 1 a") ==
        "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n");
  CHECK(Run(h, "ZADD z GT NX 1 a") ==
        "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n");
  CHECK(Run(h, "ZADD z LT NX 1 a") ==
        "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n");
  CHECK(Run(h, "ZADD z INCR 1 a 2 b") ==
        "-ERR INCR option supports a single increment-element pair\r\n");
  CHECK(Run(h, "ZADD z 1 a 2") == "-ERR syntax error\r\n");
  CHECK(Run(h, "ZADD z NX XX 1") == "-ERR syntax error\r\n");
  CHECK(Run(h, "ZADD z x a") == "-ERR value is not a valid float\r\n");
  CHECK(Run(h, "ZADD z nan a") == "-ERR value is not a valid float\r\n");
  CHECK(Run(h, "ZADD z 1 a foo b") == "-ERR value is not a valid float\r\n");
  CHECK(Run(h, "ZADD z CH") == "-ERR wrong number of arguments for 'zadd' command\r\n");
  CHECK(Run(h, "EXISTS z") == ":0\r\n");
  CHECK(Run(h, "SET s v") == "+OK\r\n");
  CHECK(Run(h, "ZADD s 1 a") ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(Run(h, "ZINCRBY s 1 a") ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(Run(h, "ZSCORE s a") ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(Run(h, "ZMSCORE s a") ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(Run(h, "ZCARD s") ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(Run(h, "ZREM s a") ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
}

TEST_CASE("ZSCORE and ZMSCORE answer doubles in RESP3") {
  Harness h;
  h.client.resp = 3;
  CHECK(Run(h, "ZADD z 1.5 a 2 b -inf c") == ":3\r\n");
  CHECK(Run(h, "ZSCORE z a") == ",1.5\r\n");
  CHECK(Run(h, "ZSCORE z c") == ",-inf\r\n");
  CHECK(Run(h, "ZSCORE z nope") == "_\r\n");
  CHECK(Run(h, "ZMSCORE z a nope b") == "*3\r\n,1.5\r\n_\r\n,2\r\n");
  CHECK(Run(h, "ZADD z INCR 1 b") == ",3\r\n");
  CHECK(Run(h, "ZINCRBY z 1 b") == ",4\r\n");
}

TEST_CASE("ZREM removes members and deletes the emptied key") {
  Harness h;
  CHECK(Run(h, "ZADD z 1 a 2 b 3 c") == ":3\r\n");
  CHECK(Run(h, "ZREM z a nope a") == ":1\r\n");
  CHECK(Run(h, "ZCARD z") == ":2\r\n");
  CHECK(Run(h, "ZREM z b c") == ":2\r\n");
  CHECK(Run(h, "EXISTS z") == ":0\r\n");
  CHECK(Run(h, "ZREM z a") == ":0\r\n");
  CHECK(Run(h, "ZREM nokey a") == ":0\r\n");
}

TEST_CASE("A sorted set switches from listpack to skiplist past 128 members or 64 bytes") {
  Harness h;
  Fill(h, "z", 128, "m");
  CHECK(Run(h, "OBJECT ENCODING z") == "$8\r\nlistpack\r\n");
  CHECK(Run(h, "ZADD z 200 extra") == ":1\r\n");
  CHECK(Run(h, "OBJECT ENCODING z") == "$8\r\nskiplist\r\n");
  CHECK(Run(h, "ZCARD z") == ":129\r\n");
  CHECK(Run(h, "ZSCORE z m100") == "$3\r\n100\r\n");
  CHECK(Run(h, "ZREM z extra") == ":1\r\n");
  CHECK(Run(h, "OBJECT ENCODING z") == "$8\r\nskiplist\r\n");
  CHECK(Run(h, "ZADD y 1 short") == ":1\r\n");
  CHECK(Run(h, "OBJECT ENCODING y") == "$8\r\nlistpack\r\n");
  CHECK(Run(h, "ZADD y 2 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa") ==
        ":1\r\n");
  CHECK(Run(h, "OBJECT ENCODING y") == "$8\r\nskiplist\r\n");
  CHECK(Run(h, "ZSCORE y aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa") ==
        "$1\r\n2\r\n");
  CHECK(Run(h, "TYPE y") == "+zset\r\n");
}

TEST_CASE("Sorted-set writes count as changes and reads as keyspace hits or misses") {
  Harness h;
  auto dirty = [&] { return h.server.stats.dirty; };
  uint64_t before = dirty();
  CHECK(Run(h, "ZADD z 1 a 2 b") == ":2\r\n");
  CHECK(dirty() == before + 2);
  CHECK(Run(h, "ZADD z 1 a x b") == "-ERR value is not a valid float\r\n");
  CHECK(Run(h, "ZADD z 1 a 5 b") == ":0\r\n");  // one update
  CHECK(dirty() == before + 3);
  CHECK(Run(h, "ZADD z 5 b") == ":0\r\n");  // unchanged
  CHECK(Run(h, "ZREM z nope") == ":0\r\n");
  CHECK(Run(h, "ZREMRANGEBYSCORE z 100 200") == ":0\r\n");
  CHECK(dirty() == before + 3);
  CHECK(Run(h, "ZPOPMIN z 5") == "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n5\r\n");
  CHECK(dirty() == before + 5);
  CHECK(Run(h, "ZUNIONSTORE d 1 nokey") == ":0\r\n");  // nothing to delete: no change
  CHECK(dirty() == before + 5);
  CHECK(Run(h, "ZADD src 1 a") == ":1\r\n");
  CHECK(Run(h, "ZRANGESTORE d src 0 -1") == ":1\r\n");
  CHECK(dirty() == before + 7);
  CHECK(Run(h, "ZRANGESTORE d src 5 6") == ":0\r\n");  // deletes d
  CHECK(dirty() == before + 8);

  const uint64_t hits = h.server.stats.keyspace_hits;
  const uint64_t misses = h.server.stats.keyspace_misses;
  CHECK(Run(h, "ZSCORE src a") == "$1\r\n1\r\n");
  CHECK(Run(h, "ZRANGE nokey 0 -1") == "*0\r\n");
  CHECK(Run(h, "ZCARD src") == ":1\r\n");
  CHECK(h.server.stats.keyspace_hits == hits + 2);
  CHECK(h.server.stats.keyspace_misses == misses + 1);
}

TEST_CASE("A sorted set with a TTL expires like any key") {
  Harness h;
  CHECK(Run(h, "ZADD z 1 a") == ":1\r\n");
  CHECK(Run(h, "PEXPIRE z 100") == ":1\r\n");
  CHECK(Run(h, "ZADD z 2 b") == ":1\r\n");  // a write keeps the TTL
  CHECK(Run(h, "PTTL z") == ":100\r\n");
  h.clock.Advance(101);
  CHECK(Run(h, "ZCARD z") == ":0\r\n");
  CHECK(Run(h, "ZADD z 3 c") == ":1\r\n");
  CHECK(Run(h, "PTTL z") == ":-1\r\n");
}

}  // namespace
}  // namespace kvd::testing
