// GEOADD, GEOPOS, GEOHASH and GEODIST. The expected replies were recorded from
// redis-server 7.0.15, byte for byte.
#include <doctest/doctest.h>

#include <string>

#include "unit/commands/harness.h"
#include "unit/commands/zset_test_util.h"

namespace kvd::testing {
namespace {

TEST_CASE("GEOADD stores each point's 52-bit geohash as its score") {
  Harness h;
  CHECK(Run(h, "GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania") ==
        ":2\r\n");
  CHECK(Run(h, "ZRANGE Sicily 0 -1 WITHSCORES") ==
        "*4\r\n$7\r\nPalermo\r\n$16\r\n3479099956230698\r\n$7\r\nCatania\r\n$"
        "16\r\n3479447370796909\r\n");
  CHECK(Run(h, "GEOADD Sicily 13.361389 38.115556 Palermo") == ":0\r\n");
  CHECK(Run(h, "GEOADD Sicily CH 13.361389 38.115556 Palermo 15 37 Catania") == ":1\r\n");
  CHECK(Run(h, "GEOADD Sicily NX 1 1 Palermo 2 2 New") == ":1\r\n");
  CHECK(Run(h, "ZSCORE Sicily Palermo") == "$16\r\n3479099956230698\r\n");
  CHECK(Run(h, "GEOADD Sicily XX 13 38 Palermo 3 3 Other") == ":0\r\n");
  CHECK(Run(h, "ZSCORE Sicily Other") == "$-1\r\n");
  CHECK(Run(h, "GEOADD Sicily xx ch 13.361389 38.115556 Palermo") == ":1\r\n");
  CHECK(Run(h, "GEOADD Sicily ch 13.361389 38.115556 Palermo") == ":0\r\n");
  CHECK(Run(h, "ZSCORE Sicily Palermo") == "$16\r\n3479099956230698\r\n");
  CHECK(Run(h, "GEOADD nokey XX 1 1 a") == ":0\r\n");
  CHECK(Run(h, "EXISTS nokey") == ":0\r\n");
  // The limits of the Mercator projection are accepted; the top corner sets a 53rd bit.
  CHECK(Run(h, "GEOADD edges -180 -85.05112878 sw 180 85.05112878 ne") == ":2\r\n");
  CHECK(Run(h, "ZRANGE edges 0 -1 WITHSCORES") ==
        "*4\r\n$2\r\nsw\r\n$1\r\n0\r\n$2\r\nne\r\n$17\r\n13510798882111488\r\n");
}

TEST_CASE("GEOADD errors: syntax, coordinates, arity and type, in Redis's order") {
  Harness h;
  CHECK(Run(h, "GEOADD g 200 100 x") ==
        "-ERR invalid longitude,latitude pair 200.000000,100.000000\r\n");
  CHECK(Run(h, "GEOADD g 180.0000001 0 x") ==
        "-ERR invalid longitude,latitude pair 180.000000,0.000000\r\n");
  CHECK(Run(h, "GEOADD g 0 -85.06 x") ==
        "-ERR invalid longitude,latitude pair 0.000000,-85.060000\r\n");
  CHECK(Run(h, "GEOADD g inf 0 x") == "-ERR invalid longitude,latitude pair inf,0.000000\r\n");
  CHECK(Run(h, "GEOADD g 1 2 a 1 90 b") ==
        "-ERR invalid longitude,latitude pair 1.000000,90.000000\r\n");
  CHECK(Run(h, "EXISTS g") == ":0\r\n");
  CHECK(Run(h, "GEOADD g 1 x m") == "-ERR value is not a valid float\r\n");
  CHECK(Run(h, "GEOADD g nan 0 m") == "-ERR value is not a valid float\r\n");
  CHECK(Run(h, "GEOADD g 1 2") == "-ERR wrong number of arguments for 'geoadd' command\r\n");
  CHECK(Run(h, "GEOADD g 1 2 a 3") == "-ERR syntax error\r\n");
  CHECK(Run(h, "GEOADD g NX XX 1 2 a") == "-ERR syntax error\r\n");
  CHECK(Run(h, "GEOADD g nx ch ch") == "-ERR syntax error\r\n");
  CHECK(Run(h, "GEOADD g 1 2 ch") == ":1\r\n");
  CHECK(Run(h, "ZRANGE g 0 -1") == "*1\r\n$2\r\nch\r\n");
  REQUIRE(Run(h, "SET s x").rfind("-", 0) != 0);
  CHECK(Run(h, "GEOADD s 200 1 a") ==
        "-ERR invalid longitude,latitude pair 200.000000,1.000000\r\n");
  CHECK(Run(h, "GEOADD s 1 1 a") ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(Run(h, "GEOADD s nx xx 1 1 a") == "-ERR syntax error\r\n");
}

TEST_CASE("GEOPOS returns the decoded cell centres, nil for a missing member") {
  Harness h;
  CHECK(Run(h, "GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania") ==
        ":2\r\n");
  CHECK(Run(h, "GEOPOS Sicily Palermo nope Catania") ==
        "*3\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n*-1\r\n*2\r\n$"
        "20\r\n15.08726745843887329\r\n$20\r\n37.50266842333162032\r\n");
  CHECK(Run(h, "GEOPOS nokey a b") == "*2\r\n*-1\r\n*-1\r\n");
  CHECK(Run(h, "GEOPOS Sicily") == "*0\r\n");
  REQUIRE(Run(h, "ZADD Sicily -1 minusone 0 zero inf infinite").rfind("-", 0) != 0);
  CHECK(Run(h, "GEOPOS Sicily minusone zero infinite") ==
        "*3\r\n*2\r\n$3\r\n180\r\n$19\r\n85.0511287799999991\r\n*2\r\n$22\r\n-179."
        "99999731779098511\r\n$21\r\n-85.05112751263942528\r\n*2\r\n$22\r\n-179."
        "99999731779098511\r\n$21\r\n-85.05112751263942528\r\n");
  REQUIRE(Run(h, "SET s x").rfind("-", 0) != 0);
  CHECK(Run(h, "GEOPOS s a") ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  Run(h, "HELLO 3");
  CHECK(Run(h, "GEOPOS Sicily Palermo nope") ==
        "*2\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n_\r\n");
}

TEST_CASE("GEOHASH returns 11-character standard geohashes") {
  Harness h;
  CHECK(Run(h,
            "GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania 0 0 zero "
            "-73.9857 40.7484 nyc") == ":4\r\n");
  CHECK(Run(h, "GEOHASH Sicily Palermo Catania nope zero nyc") ==
        "*5\r\n$11\r\nsqc8b49rny0\r\n$11\r\nsqdtr74hyu0\r\n$-1\r\n$11\r\ns0000000000\r\n$"
        "11\r\ndr5ru6j28h0\r\n");
  CHECK(Run(h, "GEOHASH nokey a") == "*1\r\n$-1\r\n");
  CHECK(Run(h, "GEOHASH Sicily") == "*0\r\n");
  REQUIRE(Run(h, "SET s x").rfind("-", 0) != 0);
  CHECK(Run(h, "GEOHASH s a") ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  Run(h, "HELLO 3");
  CHECK(Run(h, "GEOHASH Sicily Palermo nope") == "*2\r\n$11\r\nsqc8b49rny0\r\n_\r\n");
}

TEST_CASE("GEODIST in every unit, nil when a member or the key is missing") {
  Harness h;
  CHECK(Run(h, "GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania") ==
        ":2\r\n");
  CHECK(Run(h, "GEODIST Sicily Palermo Catania") == "$11\r\n166274.1516\r\n");
  CHECK(Run(h, "GEODIST Sicily Palermo Catania m") == "$11\r\n166274.1516\r\n");
  CHECK(Run(h, "GEODIST Sicily Palermo Catania km") == "$8\r\n166.2742\r\n");
  CHECK(Run(h, "GEODIST Sicily Palermo Catania KM") == "$8\r\n166.2742\r\n");
  CHECK(Run(h, "GEODIST Sicily Palermo Catania mi") == "$8\r\n103.3182\r\n");
  CHECK(Run(h, "GEODIST Sicily Palermo Catania Ft") == "$11\r\n545518.8700\r\n");
  CHECK(Run(h, "GEODIST Sicily Palermo Palermo") == "$6\r\n0.0000\r\n");
  CHECK(Run(h, "GEODIST Sicily Palermo nope") == "$-1\r\n");
  CHECK(Run(h, "GEODIST Sicily nope Palermo") == "$-1\r\n");
  CHECK(Run(h, "GEODIST nokey a b") == "$-1\r\n");
  CHECK(Run(h, "GEODIST Sicily Palermo Catania yards") ==
        "-ERR unsupported unit provided. please use M, KM, FT, MI\r\n");
  CHECK(Run(h, "GEODIST nokey a b yards") ==
        "-ERR unsupported unit provided. please use M, KM, FT, MI\r\n");
  CHECK(Run(h, "GEODIST Sicily Palermo Catania km extra") == "-ERR syntax error\r\n");
  CHECK(Run(h, "GEODIST Sicily Palermo") ==
        "-ERR wrong number of arguments for 'geodist' command\r\n");
  REQUIRE(Run(h, "SET s x").rfind("-", 0) != 0);
  CHECK(Run(h, "GEODIST s a b") ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(Run(h, "GEODIST s a b km") ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(Run(h, "GEODIST s a b yards") ==
        "-ERR unsupported unit provided. please use M, KM, FT, MI\r\n");
  Run(h, "HELLO 3");
  CHECK(Run(h, "GEODIST Sicily Palermo Catania") == "$11\r\n166274.1516\r\n");
  CHECK(Run(h, "GEODIST Sicily Palermo nope") == "_\r\n");
}

TEST_CASE("GEOADD picks the sorted-set encoding as ZADD does") {
  Harness h;
  CHECK(Run(h, "GEOADD g 1 1 a 2 2 b") == ":2\r\n");
  CHECK(Run(h, "OBJECT ENCODING g") == "$8\r\nlistpack\r\n");
  const std::string long_name(65, 'x');
  CHECK(h.Run({"GEOADD", "g", "3", "3", long_name}) == ":1\r\n");
  CHECK(Run(h, "OBJECT ENCODING g") == "$8\r\nskiplist\r\n");
  CHECK(h.Run({"GEOADD", "fresh", "3", "3", long_name}) == ":1\r\n");
  CHECK(Run(h, "OBJECT ENCODING fresh") == "$8\r\nskiplist\r\n");
  CHECK(h.Run({"GEOPOS", "g", long_name}) ==
        "*1\r\n*2\r\n$19\r\n2.99999982118606567\r\n$19\r\n3.00000091215010656\r\n");
}

TEST_CASE("GEOADD inside MULTI, and GEOPOS of what it queued") {
  Harness h;
  CHECK(Run(h, "MULTI") == "+OK\r\n");
  CHECK(Run(h, "GEOADD g 13.361389 38.115556 Palermo") == "+QUEUED\r\n");
  CHECK(Run(h, "GEOHASH g Palermo") == "+QUEUED\r\n");
  CHECK(Run(h, "EXEC") == "*2\r\n:1\r\n*1\r\n$11\r\nsqc8b49rny0\r\n");
}

}  // namespace
}  // namespace kvd::testing
