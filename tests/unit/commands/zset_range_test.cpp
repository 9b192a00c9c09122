// ZRANGE in all its forms (rank, BYSCORE, BYLEX, REV, LIMIT, WITHSCORES), the older
// ZREVRANGE / Z[REV]RANGEBYSCORE / Z[REV]RANGEBYLEX, ZRANGESTORE, ZCOUNT, ZLEXCOUNT, ZRANK,
// ZREVRANK and ZREMRANGEBY*. Expected replies were recorded from redis-server; ZRANK's
// WITHSCORE (Redis 7.2) is checked by hand at the end.
#include <doctest/doctest.h>

#include <string>

#include "unit/commands/harness.h"
#include "unit/commands/zset_test_util.h"

namespace kvd::testing {
namespace {

TEST_CASE("ZRANGE by rank, forwards and reversed, with scores") {
  Harness h;
  CHECK(Run(h, "ZADD z 1 a 2 b 3 c 4 d 5 e") == ":5\r\n");
  CHECK(Run(h, "ZRANGE z 0 -1") == "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n");
  CHECK(Run(h, "ZRANGE z 1 2 WITHSCORES") == "*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n");
  CHECK(Run(h, "ZRANGE z -2 -1") == "*2\r\n$1\r\nd\r\n$1\r\ne\r\n");
  CHECK(Run(h, "ZRANGE z -100 1") == "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  CHECK(Run(h, "ZRANGE z 3 100") == "*2\r\n$1\r\nd\r\n$1\r\ne\r\n");
  CHECK(Run(h, "ZRANGE z 5 10") == "*0\r\n");
  CHECK(Run(h, "ZRANGE z 2 1") == "*0\r\n");
  CHECK(Run(h, "ZRANGE z 0 -1 REV") ==
        "*5\r\n$1\r\ne\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n");
  CHECK(Run(h, "ZRANGE z 0 1 REV WITHSCORES") ==
        "*4\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nd\r\n$1\r\n4\r\n");
  CHECK(Run(h, "ZREVRANGE z 0 1") == "*2\r\n$1\r\ne\r\n$1\r\nd\r\n");
  CHECK(Run(h, "ZREVRANGE z -1 -1 WITHSCORES") == "*2\r\n$1\r\na\r\n$1\r\n1\r\n");
  CHECK(Run(h, "ZRANGE nokey 0 -1") == "*0\r\n");
  CHECK(Run(h, "ZRANGE z a 1") == "-ERR value is not an integer or out of range\r\n");
  CHECK(Run(h, "ZRANGE z 0 1 LIMIT 0 1") ==
        "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or "
        "BYLEX\r\n");
  CHECK(Run(h, "ZRANGE z 0 1 LIMIT 1 -1") == "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  CHECK(Run(h, "ZREVRANGE z 0 1 REV") == "-ERR syntax error\r\n");
  CHECK(Run(h, "ZRANGE z 0 1 withscores withscores") ==
        "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n");
}

TEST_CASE("ZRANGE BYSCORE with exclusive bounds, infinities, REV and LIMIT") {
  Harness h;
  CHECK(Run(h, "ZADD z 1 a 2 b 3 c 4 d 5 e") == ":5\r\n");
  CHECK(Run(h, "ZRANGE z 2 4 BYSCORE") == "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n");
  CHECK(Run(h, "ZRANGE z (2 4 BYSCORE") == "*2\r\n$1\r\nc\r\n$1\r\nd\r\n");
  CHECK(Run(h, "ZRANGE z (2 (4 BYSCORE WITHSCORES") == "*2\r\n$1\r\nc\r\n$1\r\n3\r\n");
  CHECK(Run(h, "ZRANGE z -inf +inf BYSCORE LIMIT 1 2") == "*2\r\n$1\r\nb\r\n$1\r\nc\r\n");
  CHECK(Run(h, "ZRANGE z -inf +inf BYSCORE LIMIT 1 -1") ==
        "*4\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n");
  CHECK(Run(h, "ZRANGE z -inf +inf BYSCORE LIMIT -1 2") == "*0\r\n");
  CHECK(Run(h, "ZRANGE z -inf +inf BYSCORE LIMIT 10 2") == "*0\r\n");
  CHECK(Run(h, "ZRANGE z -inf +inf BYSCORE LIMIT 0 0") == "*0\r\n");
  CHECK(Run(h, "ZRANGE z 4 2 BYSCORE REV") == "*3\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n");
  CHECK(Run(h, "ZRANGE z +inf (3 BYSCORE REV LIMIT 1 5 WITHSCORES") ==
        "*2\r\n$1\r\nd\r\n$1\r\n4\r\n");
  CHECK(Run(h, "ZRANGE z 2 4 BYSCORE REV") == "*0\r\n");
  CHECK(Run(h, "ZRANGE z 5 1 BYSCORE") == "*0\r\n");
  CHECK(Run(h, "ZRANGEBYSCORE z 2 4 WITHSCORES") ==
        "*6\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n");
  CHECK(Run(h, "ZRANGEBYSCORE z (1 +inf LIMIT 0 2") == "*2\r\n$1\r\nb\r\n$1\r\nc\r\n");
  CHECK(Run(h, "ZREVRANGEBYSCORE z 4 2") == "*3\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n");
  CHECK(Run(h, "ZREVRANGEBYSCORE z +inf -inf LIMIT 1 2 WITHSCORES") ==
        "*4\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n");
  CHECK(Run(h, "ZRANGEBYSCORE z x 2") == "-ERR min or max is not a float\r\n");
  CHECK(Run(h, "ZRANGEBYSCORE z 1 (x") == "-ERR min or max is not a float\r\n");
  CHECK(Run(h, "ZRANGEBYSCORE z nan 2") == "-ERR min or max is not a float\r\n");
  CHECK(Run(h, "ZRANGEBYSCORE z 1 3 REV") == "-ERR syntax error\r\n");
  CHECK(Run(h, "ZREVRANGEBYSCORE z 3 1 REV") == "-ERR syntax error\r\n");
  CHECK(Run(h, "ZRANGEBYSCORE z 1 3 BYSCORE") == "-ERR syntax error\r\n");
  CHECK(Run(h, "ZRANGEBYSCORE z 1 3 LIMIT 0") == "-ERR syntax error\r\n");
  CHECK(Run(h, "ZRANGEBYSCORE z 1 3 LIMIT a 1") ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(Run(h, "ZRANGEBYSCORE nokey 1 3") == "*0\r\n");
}

TEST_CASE("ZRANGE BYLEX and the LEX forms") {
  Harness h;
  CHECK(Run(h, "ZADD z 0 a 0 b 0 c 0 d 0 e") == ":5\r\n");
  CHECK(Run(h, "ZRANGE z - + BYLEX") ==
        "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n");
  CHECK(Run(h, "ZRANGE z [b (d BYLEX") == "*2\r\n$1\r\nb\r\n$1\r\nc\r\n");
  CHECK(Run(h, "ZRANGE z (b [d BYLEX") == "*2\r\n$1\r\nc\r\n$1\r\nd\r\n");
  CHECK(Run(h, "ZRANGE z + - BYLEX REV LIMIT 1 2") == "*2\r\n$1\r\nd\r\n$1\r\nc\r\n");
  CHECK(Run(h, "ZRANGE z [d [b BYLEX REV") == "*3\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n");
  CHECK(Run(h, "ZRANGEBYLEX z - [c") == "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n");
  CHECK(Run(h, "ZRANGEBYLEX z - + LIMIT 2 10") == "*3\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n");
  CHECK(Run(h, "ZREVRANGEBYLEX z + (c") == "*2\r\n$1\r\ne\r\n$1\r\nd\r\n");
  CHECK(Run(h, "ZRANGEBYLEX z + -") == "*0\r\n");
  CHECK(Run(h, "ZRANGEBYLEX z a c") == "-ERR min or max not valid string range item\r\n");
  CHECK(Run(h, "ZRANGEBYLEX z [a c") == "-ERR min or max not valid string range item\r\n");
  CHECK(Run(h, "ZRANGEBYLEX z -x +") == "-ERR min or max not valid string range item\r\n");
  CHECK(Run(h, "ZRANGEBYLEX z - + WITHSCORES") ==
        "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n");
  CHECK(Run(h, "ZRANGE z - + BYLEX WITHSCORES") ==
        "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n");
  CHECK(Run(h, "ZLEXCOUNT z [b (e") == ":3\r\n");
  CHECK(Run(h, "ZLEXCOUNT z - +") == ":5\r\n");
  CHECK(Run(h, "ZLEXCOUNT z (c (c") == ":0\r\n");
  CHECK(Run(h, "ZLEXCOUNT z a b") == "-ERR min or max not valid string range item\r\n");
  CHECK(Run(h, "ZLEXCOUNT nokey - +") == ":0\r\n");
}

TEST_CASE("ZCOUNT counts a score range") {
  Harness h;
  CHECK(Run(h, "ZADD z 1 a 2 b 3 c 4 d 5 e") == ":5\r\n");
  CHECK(Run(h, "ZCOUNT z 2 4") == ":3\r\n");
  CHECK(Run(h, "ZCOUNT z (2 4") == ":2\r\n");
  CHECK(Run(h, "ZCOUNT z -inf +inf") == ":5\r\n");
  CHECK(Run(h, "ZCOUNT z (5 +inf") == ":0\r\n");
  CHECK(Run(h, "ZCOUNT z 4 2") == ":0\r\n");
  CHECK(Run(h, "ZCOUNT z x 1") == "-ERR min or max is not a float\r\n");
  CHECK(Run(h, "ZCOUNT nokey 1 2") == ":0\r\n");
  CHECK(Run(h, "ZCOUNT z 0x2 4") == ":3\r\n");
}

TEST_CASE("ZRANGE WITHSCORES replies pairs in RESP3") {
  Harness h;
  h.client.resp = 3;
  CHECK(Run(h, "ZADD z 1 a 2.5 b 3 c") == ":3\r\n");
  CHECK(Run(h, "ZRANGE z 0 -1 WITHSCORES") ==
        "*3\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n*2\r\n$1\r\nc\r\n,3\r\n");
  CHECK(Run(h, "ZRANGE z 0 -1") == "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n");
  CHECK(Run(h, "ZRANGE z +inf (1 BYSCORE REV WITHSCORES") ==
        "*2\r\n*2\r\n$1\r\nc\r\n,3\r\n*2\r\n$1\r\nb\r\n,2.5\r\n");
  CHECK(Run(h, "ZREVRANGEBYSCORE z +inf -inf WITHSCORES LIMIT 0 1") ==
        "*1\r\n*2\r\n$1\r\nc\r\n,3\r\n");
  CHECK(Run(h, "ZRANGE nokey 0 -1 WITHSCORES") == "*0\r\n");
}

TEST_CASE("ZRANGESTORE stores a range and deletes the destination when empty") {
  Harness h;
  CHECK(Run(h, "ZADD z 1 a 2 b 3 c 4 d") == ":4\r\n");
  CHECK(Run(h, "ZRANGESTORE d z 1 2") == ":2\r\n");
  CHECK(Run(h, "ZRANGE d 0 -1 WITHSCORES") == "*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n");
  CHECK(Run(h, "ZRANGESTORE d z +inf (1 BYSCORE REV LIMIT 0 2") == ":2\r\n");
  CHECK(Run(h, "ZRANGE d 0 -1 WITHSCORES") == "*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n");
  CHECK(Run(h, "ZRANGESTORE d z [b [c BYLEX") == ":2\r\n");
  CHECK(Run(h, "ZRANGE d 0 -1") == "*2\r\n$1\r\nb\r\n$1\r\nc\r\n");
  CHECK(Run(h, "ZRANGESTORE d z 10 20") == ":0\r\n");
  CHECK(Run(h, "EXISTS d") == ":0\r\n");
  CHECK(Run(h, "ZRANGESTORE d nokey 0 -1") == ":0\r\n");
  CHECK(Run(h, "ZRANGESTORE d z 0 -1 WITHSCORES") == "-ERR syntax error\r\n");
  CHECK(Run(h, "SET s v") == "+OK\r\n");
  CHECK(Run(h, "ZRANGESTORE d s 0 -1") ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(Run(h, "ZRANGESTORE s z 0 0") == ":1\r\n");
  CHECK(Run(h, "TYPE s") == "+zset\r\n");
  CHECK(Run(h, "ZRANGESTORE z z 0 1") == ":2\r\n");
  CHECK(Run(h, "ZRANGE z 0 -1") == "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
}

TEST_CASE("ZREMRANGEBYRANK, ZREMRANGEBYSCORE and ZREMRANGEBYLEX") {
  Harness h;
  CHECK(Run(h, "ZADD z 1 a 2 b 3 c 4 d 5 e 6 f") == ":6\r\n");
  CHECK(Run(h, "ZREMRANGEBYRANK z 0 1") == ":2\r\n");
  CHECK(Run(h, "ZRANGE z 0 -1") == "*4\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n");
  CHECK(Run(h, "ZREMRANGEBYRANK z -1 -1") == ":1\r\n");
  CHECK(Run(h, "ZREMRANGEBYRANK z 5 10") == ":0\r\n");
  CHECK(Run(h, "ZREMRANGEBYRANK z x 1") == "-ERR value is not an integer or out of range\r\n");
  CHECK(Run(h, "ZRANGE z 0 -1") == "*3\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n");
  CHECK(Run(h, "ZREMRANGEBYSCORE z (3 4") == ":1\r\n");
  CHECK(Run(h, "ZRANGE z 0 -1") == "*2\r\n$1\r\nc\r\n$1\r\ne\r\n");
  CHECK(Run(h, "ZREMRANGEBYSCORE z x 1") == "-ERR min or max is not a float\r\n");
  CHECK(Run(h, "ZREMRANGEBYSCORE z -inf +inf") == ":2\r\n");
  CHECK(Run(h, "EXISTS z") == ":0\r\n");
  CHECK(Run(h, "ZADD l 0 a 0 b 0 c 0 d") == ":4\r\n");
  CHECK(Run(h, "ZREMRANGEBYLEX l (a [c") == ":2\r\n");
  CHECK(Run(h, "ZRANGE l 0 -1") == "*2\r\n$1\r\na\r\n$1\r\nd\r\n");
  CHECK(Run(h, "ZREMRANGEBYLEX l x y") == "-ERR min or max not valid string range item\r\n");
  CHECK(Run(h, "ZREMRANGEBYLEX l - +") == ":2\r\n");
  CHECK(Run(h, "EXISTS l") == ":0\r\n");
  CHECK(Run(h, "ZREMRANGEBYRANK nokey 0 -1") == ":0\r\n");
  CHECK(Run(h, "ZREMRANGEBYSCORE nokey 0 1") == ":0\r\n");
  CHECK(Run(h, "ZREMRANGEBYLEX nokey - +") == ":0\r\n");
  CHECK(Run(h, "SET s v") == "+OK\r\n");
  CHECK(Run(h, "ZREMRANGEBYRANK s 0 1") ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(Run(h, "ZREMRANGEBYRANK s x 1") == "-ERR value is not an integer or out of range\r\n");
}

TEST_CASE("Range commands refuse keys of another type") {
  Harness h;
  CHECK(Run(h, "SET s v") == "+OK\r\n");
  CHECK(Run(h, "ZRANGE s 0 -1") ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(Run(h, "ZRANGEBYSCORE s 0 1") ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(Run(h, "ZRANGEBYLEX s - +") ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(Run(h, "ZCOUNT s 0 1") ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(Run(h, "ZLEXCOUNT s - +") ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(Run(h, "ZRANK s a") ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(Run(h, "ZRANGE s x 1") == "-ERR value is not an integer or out of range\r\n");
  CHECK(Run(h, "ZCOUNT s x 1") == "-ERR min or max is not a float\r\n");
}

TEST_CASE("ZRANK and ZREVRANK") {
  Harness h;
  CHECK(Run(h, "ZADD z 1 a 2 b 3 c") == ":3\r\n");
  CHECK(Run(h, "ZRANK z a") == ":0\r\n");
  CHECK(Run(h, "ZRANK z c") == ":2\r\n");
  CHECK(Run(h, "ZREVRANK z a") == ":2\r\n");
  CHECK(Run(h, "ZRANK z nope") == "$-1\r\n");
  CHECK(Run(h, "ZRANK nokey a") == "$-1\r\n");
  CHECK(Run(h, "ZREVRANK z nope") == "$-1\r\n");
}

TEST_CASE("Range queries and removals on a large (skiplist) sorted set") {
  Harness h;
  Fill(h, "z", 200, "m");
  CHECK(Run(h, "OBJECT ENCODING z") == "$8\r\nskiplist\r\n");
  CHECK(Run(h, "ZRANGE z 150 152 WITHSCORES") ==
        "*6\r\n$4\r\nm150\r\n$3\r\n150\r\n$4\r\nm151\r\n$3\r\n151\r\n$4\r\nm152\r\n$3\r\n"
        "152\r\n");
  CHECK(Run(h, "ZRANGE z -2 -1 REV") == "*2\r\n$4\r\nm001\r\n$4\r\nm000\r\n");
  CHECK(Run(h, "ZRANGE z (10 20 BYSCORE LIMIT 2 3") ==
        "*3\r\n$4\r\nm013\r\n$4\r\nm014\r\n$4\r\nm015\r\n");
  CHECK(Run(h, "ZRANGE z 120 100 BYSCORE REV LIMIT 0 2 WITHSCORES") ==
        "*4\r\n$4\r\nm120\r\n$3\r\n120\r\n$4\r\nm119\r\n$3\r\n119\r\n");
  CHECK(Run(h, "ZCOUNT z 50 (150") == ":100\r\n");
  CHECK(Run(h, "ZRANK z m123") == ":123\r\n");
  CHECK(Run(h, "ZREVRANK z m123") == ":76\r\n");
  CHECK(Run(h, "ZREMRANGEBYSCORE z 0 (100") == ":100\r\n");
  CHECK(Run(h, "ZCARD z") == ":100\r\n");
  CHECK(Run(h, "ZRANGE z 0 0") == "*1\r\n$4\r\nm100\r\n");
  CHECK(Run(h, "ZREMRANGEBYRANK z 10 -11") == ":80\r\n");
  CHECK(Run(h, "ZRANGE z 0 -1") ==
        "*20\r\n$4\r\nm100\r\n$4\r\nm101\r\n$4\r\nm102\r\n$4\r\nm103\r\n$4\r\nm104\r\n$4\r\n"
        "m105\r\n$4\r\nm106\r\n$4\r\nm107\r\n$4\r\nm108\r\n$4\r\nm109\r\n$4\r\nm190\r\n$4\r\n"
        "m191\r\n$4\r\nm192\r\n$4\r\nm193\r\n$4\r\nm194\r\n$4\r\nm195\r\n$4\r\nm196\r\n$4\r\n"
        "m197\r\n$4\r\nm198\r\n$4\r\nm199\r\n");
  Fill(h, "l", 150, "k");
  CHECK(Run(h, "ZREMRANGEBYSCORE l 1 148") == ":148\r\n");
  CHECK(Run(h, "ZRANGE l 0 -1") == "*2\r\n$4\r\nk000\r\n$4\r\nk149\r\n");
  CHECK(Run(h, "ZRANGE l [k000 [k149 BYLEX") == "*2\r\n$4\r\nk000\r\n$4\r\nk149\r\n");
  CHECK(Run(h, "ZLEXCOUNT l - +") == ":2\r\n");
}

TEST_CASE("Lex ranges on a large (skiplist) sorted set") {
  Harness h;
  std::string add = "ZADD big";
  for (char c = 'a'; c <= 'z'; ++c) add += std::string(" 0 a") + c;
  add += " 0 " + std::string(79, 'y');
  CHECK(Run(h, add) == ":27\r\n");
  CHECK(Run(h, "OBJECT ENCODING big") == "$8\r\nskiplist\r\n");
  CHECK(Run(h, "ZRANGEBYLEX big (ax +") ==
        "*3\r\n$2\r\nay\r\n$2\r\naz\r\n$79\r\n"
        "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\r\n");
  CHECK(Run(h, "ZREVRANGEBYLEX big [ac - LIMIT 1 5") == "*2\r\n$2\r\nab\r\n$2\r\naa\r\n");
  CHECK(Run(h, "ZLEXCOUNT big [ab (ae") == ":3\r\n");
  CHECK(Run(h, "ZREMRANGEBYLEX big - (ay") == ":24\r\n");
  CHECK(Run(h, "ZRANGE big 0 -1") ==
        "*3\r\n$2\r\nay\r\n$2\r\naz\r\n$79\r\n"
        "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\r\n");
}

TEST_CASE("ZRANK and ZREVRANK WITHSCORE answer the rank and the score (Redis 7.2)") {
  Harness h;
  CHECK(Run(h, "ZADD z 1 a 2.5 b 3 c") == ":3\r\n");
  CHECK(Run(h, "ZRANK z b WITHSCORE") == "*2\r\n:1\r\n$3\r\n2.5\r\n");
  CHECK(Run(h, "ZREVRANK z c withscore") == "*2\r\n:0\r\n$1\r\n3\r\n");
  CHECK(Run(h, "ZRANK z nope WITHSCORE") == "*-1\r\n");
  CHECK(Run(h, "ZRANK nokey a WITHSCORE") == "*-1\r\n");
  CHECK(Run(h, "ZRANK z a WITHSCORES") == "-ERR syntax error\r\n");
  CHECK(Run(h, "ZRANK z a WITHSCORE x") ==
        "-ERR wrong number of arguments for 'zrank' command\r\n");
  CHECK(Run(h, "ZREVRANK z") == "-ERR wrong number of arguments for 'zrevrank' command\r\n");
  h.client.resp = 3;
  CHECK(Run(h, "ZRANK z b WITHSCORE") == "*2\r\n:1\r\n,2.5\r\n");
  CHECK(Run(h, "ZRANK z nope WITHSCORE") == "_\r\n");
  CHECK(Run(h, "ZRANK z nope") == "_\r\n");
}

TEST_CASE("A rank range ignores LIMIT whose count is -1, as Redis") {
  Harness h;
  CHECK(Run(h, "ZADD z 1 a") == ":1\r\n");
  CHECK(Run(h, "ZRANGE z 0 -1 LIMIT 5 -1") == "*1\r\n$1\r\na\r\n");
  CHECK(Run(h, "ZRANGE z 0 -1 LIMIT -5 -1") == "*1\r\n$1\r\na\r\n");
  CHECK(Run(h, "ZREVRANGE z 0 -1 LIMIT 0 5") ==
        "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or "
        "BYLEX\r\n");
  // ZINCRBY parses ZADD's flags too, so an increment spelled like a flag is a syntax error.
  CHECK(Run(h, "ZINCRBY z nx a") == "-ERR syntax error\r\n");
}

}  // namespace
}  // namespace kvd::testing
