// GEORADIUS, GEORADIUSBYMEMBER, their _RO forms, GEOSEARCH and GEOSEARCHSTORE. The expected
// replies were recorded from redis-server 7.0.15, byte for byte (members at the same place,
// as MessinaTwin, come out in Redis's order too), except that stored scores are printed as
// Redis 7.2 prints them (shortest round-trip text); then keyspace events, the append-only
// log, and the search checked against every member of a large random set.
#include <doctest/doctest.h>

#include <algorithm>
#include <optional>
#include <random>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/geohash.h"
#include "unit/commands/harness.h"
#include "unit/commands/pubsub_test_util.h"
#include "unit/commands/resp_reader.h"
#include "unit/commands/zset_test_util.h"

namespace kvd::testing {
namespace {

TEST_CASE("GEORADIUS finds the members within the radius, in any order or sorted") {
  Harness h;
  REQUIRE(Run(h,
              "GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania 12.758489 "
              "38.788135 edge1 17.241510 38.222176 edge2 13.583333 37.316667 Agrigento 15.55 38.2 "
              "Messina 15.55 38.2 MessinaTwin 15.55 38.2 MessinaThird 14.0 37.5 Caltanissetta")
              .rfind("-", 0) != 0);
  CHECK(Run(h, "GEORADIUS Sicily 15 37 200 km") ==
        "*7\r\n$9\r\nAgrigento\r\n$13\r\nCaltanissetta\r\n$7\r\nPalermo\r\n$7\r\nCatania\r\n$"
        "7\r\nMessina\r\n$12\r\nMessinaThird\r\n$11\r\nMessinaTwin\r\n");
  CHECK(Run(h, "GEORADIUS Sicily 15 37 200 km ASC") ==
        "*7\r\n$7\r\nCatania\r\n$13\r\nCaltanissetta\r\n$9\r\nAgrigento\r\n$7\r\nMessina\r\n$"
        "12\r\nMessinaThird\r\n$11\r\nMessinaTwin\r\n$7\r\nPalermo\r\n");
  CHECK(Run(h, "GEORADIUS Sicily 15 37 200 km DESC") ==
        "*7\r\n$7\r\nPalermo\r\n$7\r\nMessina\r\n$12\r\nMessinaThird\r\n$11\r\nMessinaTwin\r\n$"
        "9\r\nAgrigento\r\n$13\r\nCaltanissetta\r\n$7\r\nCatania\r\n");
  CHECK(Run(h, "GEORADIUS Sicily 15 37 200 km WITHDIST WITHCOORD WITHHASH ASC") ==
        "*7\r\n*4\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n:3479447370796909\r\n*2\r\n$20\r\n15."
        "08726745843887329\r\n$20\r\n37.50266842333162032\r\n*4\r\n$13\r\nCaltanissetta\r\n$"
        "8\r\n104.5527\r\n:3479043355519990\r\n*2\r\n$20\r\n14.00000184774398804\r\n$19\r\n37."
        "4999993619508345\r\n*4\r\n$9\r\nAgrigento\r\n$8\r\n130.4235\r\n:3479030013248308\r\n*"
        "2\r\n$19\r\n13.5833314061164856\r\n$20\r\n37.31666804993816555\r\n*4\r\n$7\r\nMessina\r\n$"
        "8\r\n141.9985\r\n:3479616603511949\r\n*2\r\n$20\r\n15.55000215768814087\r\n$19\r\n38."
        "2000006309196749\r\n*4\r\n$12\r\nMessinaThird\r\n$8\r\n141.9985\r\n:3479616603511949\r\n*"
        "2\r\n$20\r\n15.55000215768814087\r\n$19\r\n38.2000006309196749\r\n*4\r\n$"
        "11\r\nMessinaTwin\r\n$8\r\n141.9985\r\n:3479616603511949\r\n*2\r\n$20\r\n15."
        "55000215768814087\r\n$19\r\n38.2000006309196749\r\n*4\r\n$7\r\nPalermo\r\n$8\r\n190."
        "4424\r\n:3479099956230698\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38."
        "11555639549629859\r\n");
  CHECK(Run(h, "GEORADIUS Sicily 15 37 200 km withhash withdist desc") ==
        "*7\r\n*3\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n:3479099956230698\r\n*3\r\n$"
        "7\r\nMessina\r\n$8\r\n141.9985\r\n:3479616603511949\r\n*3\r\n$12\r\nMessinaThird\r\n$"
        "8\r\n141.9985\r\n:3479616603511949\r\n*3\r\n$11\r\nMessinaTwin\r\n$8\r\n141.9985\r\n:"
        "3479616603511949\r\n*3\r\n$9\r\nAgrigento\r\n$8\r\n130.4235\r\n:3479030013248308\r\n*"
        "3\r\n$13\r\nCaltanissetta\r\n$8\r\n104.5527\r\n:3479043355519990\r\n*3\r\n$"
        "7\r\nCatania\r\n$7\r\n56.4413\r\n:3479447370796909\r\n");
  CHECK(Run(h, "GEORADIUS Sicily 15 37 100000 m WITHDIST ASC") ==
        "*1\r\n*2\r\n$7\r\nCatania\r\n$10\r\n56441.2579\r\n");
  CHECK(
      Run(h, "GEORADIUS Sicily 15 37 100 mi WITHDIST ASC") ==
      "*6\r\n*2\r\n$7\r\nCatania\r\n$7\r\n35.0711\r\n*2\r\n$13\r\nCaltanissetta\r\n$7\r\n64."
      "9662\r\n*2\r\n$9\r\nAgrigento\r\n$7\r\n81.0416\r\n*2\r\n$7\r\nMessina\r\n$7\r\n88.2340\r\n*"
      "2\r\n$12\r\nMessinaThird\r\n$7\r\n88.2340\r\n*2\r\n$11\r\nMessinaTwin\r\n$7\r\n88.2340\r\n");
  CHECK(Run(h, "GEORADIUS Sicily 15 37 400000 FT WITHDIST ASC") ==
        "*2\r\n*2\r\n$7\r\nCatania\r\n$11\r\n185174.7305\r\n*2\r\n$13\r\nCaltanissetta\r\n$"
        "11\r\n343020.6103\r\n");
  CHECK(Run(h, "GEORADIUS Sicily 15 37 10 km") == "*0\r\n");
  CHECK(Run(h, "GEORADIUS Sicily 15 37 0 km") == "*0\r\n");
  CHECK(Run(h, "GEORADIUS Sicily 15.55 38.2 0 m WITHDIST") == "*0\r\n");
  CHECK(Run(h, "GEORADIUS nokey 15 37 200 km") == "*0\r\n");
  CHECK(Run(h, "GEORADIUS Sicily 15 37 200 km COUNT 2") ==
        "*2\r\n$7\r\nCatania\r\n$13\r\nCaltanissetta\r\n");
  CHECK(Run(h, "GEORADIUS Sicily 15 37 200 km COUNT 2 DESC WITHDIST") ==
        "*2\r\n*2\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n*2\r\n$11\r\nMessinaTwin\r\n$8\r\n141."
        "9985\r\n");
  CHECK(Run(h, "GEORADIUS Sicily 15 37 200 km COUNT 100 ASC") ==
        "*7\r\n$7\r\nCatania\r\n$13\r\nCaltanissetta\r\n$9\r\nAgrigento\r\n$7\r\nMessina\r\n$"
        "12\r\nMessinaThird\r\n$11\r\nMessinaTwin\r\n$7\r\nPalermo\r\n");
  CHECK(Run(h, "GEORADIUS Sicily 15 37 200 km COUNT 3 ANY") ==
        "*3\r\n$9\r\nAgrigento\r\n$13\r\nCaltanissetta\r\n$7\r\nPalermo\r\n");
  CHECK(Run(h, "GEORADIUS Sicily 15 37 200 km COUNT 3 ANY ASC WITHDIST") ==
        "*3\r\n*2\r\n$13\r\nCaltanissetta\r\n$8\r\n104.5527\r\n*2\r\n$9\r\nAgrigento\r\n$8\r\n130."
        "4235\r\n*2\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n");
  CHECK(
      Run(h, "GEORADIUS Sicily 15.55 38.2 1 km COUNT 2 WITHDIST") ==
      "*2\r\n*2\r\n$7\r\nMessina\r\n$6\r\n0.0002\r\n*2\r\n$12\r\nMessinaThird\r\n$6\r\n0.0002\r\n");
  CHECK(Run(h, "GEORADIUS_RO Sicily 15 37 200 km WITHDIST ASC") ==
        "*7\r\n*2\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n*2\r\n$13\r\nCaltanissetta\r\n$8\r\n104."
        "5527\r\n*2\r\n$9\r\nAgrigento\r\n$8\r\n130.4235\r\n*2\r\n$7\r\nMessina\r\n$8\r\n141."
        "9985\r\n*2\r\n$12\r\nMessinaThird\r\n$8\r\n141.9985\r\n*2\r\n$11\r\nMessinaTwin\r\n$"
        "8\r\n141.9985\r\n*2\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n");
  Run(h, "HELLO 3");
  CHECK(Run(h, "GEORADIUS Sicily 15 37 100 km WITHCOORD WITHDIST ASC") ==
        "*1\r\n*3\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n*2\r\n,15.08726745843887329\r\n,37."
        "50266842333162032\r\n");
  CHECK(Run(h, "GEORADIUS Sicily 15 37 1 km") == "*0\r\n");
}

TEST_CASE("GEORADIUSBYMEMBER searches around a member") {
  Harness h;
  REQUIRE(Run(h,
              "GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania 12.758489 "
              "38.788135 edge1 17.241510 38.222176 edge2 13.583333 37.316667 Agrigento 15.55 38.2 "
              "Messina 15.55 38.2 MessinaTwin 15.55 38.2 MessinaThird 14.0 37.5 Caltanissetta")
              .rfind("-", 0) != 0);
  CHECK(Run(h, "GEORADIUSBYMEMBER Sicily Agrigento 100 km") ==
        "*3\r\n$9\r\nAgrigento\r\n$13\r\nCaltanissetta\r\n$7\r\nPalermo\r\n");
  CHECK(Run(h, "GEORADIUSBYMEMBER Sicily Agrigento 100 km WITHDIST ASC") ==
        "*3\r\n*2\r\n$9\r\nAgrigento\r\n$6\r\n0.0000\r\n*2\r\n$13\r\nCaltanissetta\r\n$7\r\n42."
        "0830\r\n*2\r\n$7\r\nPalermo\r\n$7\r\n90.9778\r\n");
  CHECK(Run(h, "GEORADIUSBYMEMBER Sicily Messina 0 km WITHDIST") ==
        "*3\r\n*2\r\n$7\r\nMessina\r\n$6\r\n0.0000\r\n*2\r\n$12\r\nMessinaThird\r\n$6\r\n0."
        "0000\r\n*2\r\n$11\r\nMessinaTwin\r\n$6\r\n0.0000\r\n");
  CHECK(Run(h, "GEORADIUSBYMEMBER_RO Sicily Palermo 200 km COUNT 3 DESC WITHCOORD") ==
        "*3\r\n*2\r\n$7\r\nMessina\r\n*2\r\n$20\r\n15.55000215768814087\r\n$19\r\n38."
        "2000006309196749\r\n*2\r\n$11\r\nMessinaTwin\r\n*2\r\n$20\r\n15.55000215768814087\r\n$"
        "19\r\n38.2000006309196749\r\n*2\r\n$12\r\nMessinaThird\r\n*2\r\n$20\r\n15."
        "55000215768814087\r\n$19\r\n38.2000006309196749\r\n");
  CHECK(Run(h, "GEORADIUSBYMEMBER Sicily nope 100 km") ==
        "-ERR could not decode requested zset member\r\n");
  CHECK(Run(h, "GEORADIUSBYMEMBER nokey nope 100 km") == "*0\r\n");
  CHECK(Run(h, "GEORADIUSBYMEMBER nokey nope x y") == "*0\r\n");
  CHECK(Run(h, "GEORADIUSBYMEMBER nokey nope x y WITHDIST") == "*0\r\n");
  CHECK(Run(h, "GEORADIUSBYMEMBER nokey nope x y bogus") == "-ERR syntax error\r\n");
}

TEST_CASE("GEOSEARCH by radius or box, from a member or a point") {
  Harness h;
  REQUIRE(Run(h,
              "GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania 12.758489 "
              "38.788135 edge1 17.241510 38.222176 edge2 13.583333 37.316667 Agrigento 15.55 38.2 "
              "Messina 15.55 38.2 MessinaTwin 15.55 38.2 MessinaThird 14.0 37.5 Caltanissetta")
              .rfind("-", 0) != 0);
  CHECK(Run(h, "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km ASC") ==
        "*7\r\n$7\r\nCatania\r\n$13\r\nCaltanissetta\r\n$9\r\nAgrigento\r\n$7\r\nMessina\r\n$"
        "12\r\nMessinaThird\r\n$11\r\nMessinaTwin\r\n$7\r\nPalermo\r\n");
  CHECK(Run(h, "GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 200 km DESC WITHDIST") ==
        "*8\r\n*2\r\n$7\r\nMessina\r\n$8\r\n191.6389\r\n*2\r\n$12\r\nMessinaThird\r\n$8\r\n191."
        "6389\r\n*2\r\n$11\r\nMessinaTwin\r\n$8\r\n191.6389\r\n*2\r\n$7\r\nCatania\r\n$8\r\n166."
        "2742\r\n*2\r\n$5\r\nedge1\r\n$7\r\n91.4007\r\n*2\r\n$9\r\nAgrigento\r\n$7\r\n90.9778\r\n*"
        "2\r\n$13\r\nCaltanissetta\r\n$7\r\n88.5261\r\n*2\r\n$7\r\nPalermo\r\n$6\r\n0.0000\r\n");
  CHECK(Run(h,
            "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 400 400 km ASC WITHCOORD WITHDIST WITHHASH") ==
        "*9\r\n*4\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n:3479447370796909\r\n*2\r\n$20\r\n15."
        "08726745843887329\r\n$20\r\n37.50266842333162032\r\n*4\r\n$13\r\nCaltanissetta\r\n$"
        "8\r\n104.5527\r\n:3479043355519990\r\n*2\r\n$20\r\n14.00000184774398804\r\n$19\r\n37."
        "4999993619508345\r\n*4\r\n$9\r\nAgrigento\r\n$8\r\n130.4235\r\n:3479030013248308\r\n*"
        "2\r\n$19\r\n13.5833314061164856\r\n$20\r\n37.31666804993816555\r\n*4\r\n$7\r\nMessina\r\n$"
        "8\r\n141.9985\r\n:3479616603511949\r\n*2\r\n$20\r\n15.55000215768814087\r\n$19\r\n38."
        "2000006309196749\r\n*4\r\n$12\r\nMessinaThird\r\n$8\r\n141.9985\r\n:3479616603511949\r\n*"
        "2\r\n$20\r\n15.55000215768814087\r\n$19\r\n38.2000006309196749\r\n*4\r\n$"
        "11\r\nMessinaTwin\r\n$8\r\n141.9985\r\n:3479616603511949\r\n*2\r\n$20\r\n15."
        "55000215768814087\r\n$19\r\n38.2000006309196749\r\n*4\r\n$7\r\nPalermo\r\n$8\r\n190."
        "4424\r\n:3479099956230698\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38."
        "11555639549629859\r\n*4\r\n$5\r\nedge2\r\n$8\r\n239.7489\r\n:3481148332747016\r\n*2\r\n$"
        "20\r\n17.24151045083999634\r\n$20\r\n38.22217690634273168\r\n*4\r\n$5\r\nedge1\r\n$"
        "8\r\n279.7405\r\n:3479273021651468\r\n*2\r\n$19\r\n12.7584877610206604\r\n$20\r\n38."
        "78813451624225195\r\n");
  CHECK(Run(h, "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 200 200 km ASC WITHDIST") ==
        "*2\r\n*2\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n*2\r\n$13\r\nCaltanissetta\r\n$8\r\n104."
        "5527\r\n");
  CHECK(Run(h, "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 100 400 km ASC") ==
        "*4\r\n$7\r\nCatania\r\n$7\r\nMessina\r\n$12\r\nMessinaThird\r\n$11\r\nMessinaTwin\r\n");
  CHECK(Run(h, "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 400 100 km ASC") ==
        "*1\r\n$9\r\nAgrigento\r\n");
  CHECK(Run(h, "GEOSEARCH Sicily FROMMEMBER Messina BYBOX 0 0 m WITHDIST") ==
        "*3\r\n*2\r\n$7\r\nMessina\r\n$6\r\n0.0000\r\n*2\r\n$12\r\nMessinaThird\r\n$6\r\n0."
        "0000\r\n*2\r\n$11\r\nMessinaTwin\r\n$6\r\n0.0000\r\n");
  CHECK(Run(h, "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 300 300 mi COUNT 2") ==
        "*2\r\n$7\r\nCatania\r\n$13\r\nCaltanissetta\r\n");
  CHECK(Run(h, "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km COUNT 1 ANY") ==
        "*1\r\n$9\r\nAgrigento\r\n");
  CHECK(Run(h, "GEOSEARCH Sicily BYRADIUS 200 km FROMLONLAT 15 37 WITHDIST ASC") ==
        "*7\r\n*2\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n*2\r\n$13\r\nCaltanissetta\r\n$8\r\n104."
        "5527\r\n*2\r\n$9\r\nAgrigento\r\n$8\r\n130.4235\r\n*2\r\n$7\r\nMessina\r\n$8\r\n141."
        "9985\r\n*2\r\n$12\r\nMessinaThird\r\n$8\r\n141.9985\r\n*2\r\n$11\r\nMessinaTwin\r\n$"
        "8\r\n141.9985\r\n*2\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n");
  CHECK(Run(h,
            "GEOSEARCH Sicily FROMMEMBER Palermo FROMMEMBER Catania BYRADIUS 1 km BYRADIUS 200 km "
            "ASC") ==
        "*7\r\n$7\r\nCatania\r\n$7\r\nMessina\r\n$12\r\nMessinaThird\r\n$11\r\nMessinaTwin\r\n$"
        "13\r\nCaltanissetta\r\n$9\r\nAgrigento\r\n$7\r\nPalermo\r\n");
  CHECK(Run(h, "GEOSEARCH nokey FROMMEMBER nope BYRADIUS 1 km") == "*0\r\n");
  CHECK(Run(h, "GEOSEARCH nokey FROMLONLAT 1 1 BYBOX 1 1 km") == "*0\r\n");
  CHECK(Run(h, "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km WITHDIST ASC STOREDIST") ==
        "-ERR syntax error\r\n");
}

TEST_CASE("GEOSEARCH and GEORADIUS errors, in Redis's order") {
  Harness h;
  REQUIRE(Run(h,
              "GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania 12.758489 "
              "38.788135 edge1 17.241510 38.222176 edge2 13.583333 37.316667 Agrigento 15.55 38.2 "
              "Messina 15.55 38.2 MessinaTwin 15.55 38.2 MessinaThird 14.0 37.5 Caltanissetta")
              .rfind("-", 0) != 0);
  REQUIRE(Run(h, "SET s x").rfind("-", 0) != 0);
  CHECK(Run(h, "GEOSEARCH s FROMMEMBER nope BYRADIUS x y") ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(Run(h, "GEORADIUS s 200 100 1 km") ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(Run(h, "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km FROMMEMBER Palermo") ==
        "-ERR syntax error\r\n");
  CHECK(Run(h, "GEOSEARCH Sicily FROMMEMBER Palermo FROMLONLAT 15 37 BYRADIUS 200 km") ==
        "-ERR syntax error\r\n");
  CHECK(Run(h, "GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 200 km BYBOX 1 1 km") ==
        "-ERR syntax error\r\n");
  CHECK(Run(h, "GEOSEARCH Sicily FROMMEMBER Palermo BYBOX 1 1 km BYRADIUS 200 km") ==
        "-ERR syntax error\r\n");
  CHECK(Run(h, "GEOSEARCH Sicily FROMMEMBER nope BYRADIUS 200 km") ==
        "-ERR could not decode requested zset member\r\n");
  CHECK(Run(h, "GEOSEARCH Sicily FROMLONLAT 200 37 BYRADIUS 200 km") ==
        "-ERR invalid longitude,latitude pair 200.000000,37.000000\r\n");
  CHECK(Run(h, "GEOSEARCH Sicily FROMLONLAT x 37 BYRADIUS 200 km") ==
        "-ERR value is not a valid float\r\n");
  CHECK(Run(h, "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS -1 km") ==
        "-ERR radius cannot be negative\r\n");
  CHECK(Run(h, "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS x km") ==
        "-ERR need numeric radius\r\n");
  CHECK(Run(h, "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 parsecs") ==
        "-ERR unsupported unit provided. please use M, KM, FT, MI\r\n");
  CHECK(Run(h, "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX x -1 km") == "-ERR need numeric width\r\n");
  CHECK(Run(h, "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 1 x km") == "-ERR need numeric height\r\n");
  CHECK(Run(h, "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX -1 1 km") ==
        "-ERR height or width cannot be negative\r\n");
  CHECK(Run(h, "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 1 1 parsecs") ==
        "-ERR unsupported unit provided. please use M, KM, FT, MI\r\n");
  CHECK(Run(h, "geosearch Sicily WITHDIST BYRADIUS 1 km") ==
        "-ERR wrong number of arguments for 'geosearch' command\r\n");
  CHECK(Run(h, "geosearch Sicily BYRADIUS 1 km WITHDIST ASC") ==
        "-ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for geosearch\r\n");
  CHECK(Run(h, "GeoSearch Sicily FROMLONLAT 15 37 WITHDIST ASC") ==
        "-ERR exactly one of BYRADIUS and BYBOX can be specified for GeoSearch\r\n");
  CHECK(Run(h, "GEOSEARCHSTORE dst Sicily BYBOX 1 1 km ASC") ==
        "-ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for GEOSEARCHSTORE\r\n");
  CHECK(Run(h, "GEOSEARCH Sicily BYRADIUS 1 km WITHDIST FROMLONLAT 15") == "-ERR syntax error\r\n");
  CHECK(Run(h, "geoSearch Sicily FROMLONLAT 15 37 WITHDIST") ==
        "-ERR wrong number of arguments for 'geosearch' command\r\n");
  CHECK(Run(h, "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km ANY") ==
        "-ERR the ANY argument requires COUNT argument\r\n");
  CHECK(Run(h, "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km COUNT 0") ==
        "-ERR COUNT must be > 0\r\n");
  CHECK(Run(h, "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km COUNT -1") ==
        "-ERR COUNT must be > 0\r\n");
  CHECK(Run(h, "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km COUNT x") ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(Run(h, "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km COUNT") == "-ERR syntax error\r\n");
  CHECK(Run(h, "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km STORE dst") ==
        "-ERR syntax error\r\n");
  CHECK(Run(h, "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1") == "-ERR syntax error\r\n");
  CHECK(Run(h, "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 1 1") == "-ERR syntax error\r\n");
  CHECK(Run(h, "GEOSEARCH Sicily FROMLONLAT 15 BYRADIUS 1 km") ==
        "-ERR value is not a valid float\r\n");
  CHECK(Run(h, "GEORADIUS Sicily 15 37 200 km STORE dst WITHDIST") ==
        "-ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD "
        "options\r\n");
  CHECK(Run(h, "GEORADIUS Sicily 15 37 200 km WITHCOORD STOREDIST dst") ==
        "-ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD "
        "options\r\n");
  CHECK(Run(h, "GEORADIUS Sicily 15 37 200 km STORE") == "-ERR syntax error\r\n");
  CHECK(Run(h, "GEORADIUS Sicily 15 37 200 km FROMLONLAT 1 1") == "-ERR syntax error\r\n");
  CHECK(Run(h, "GEORADIUS Sicily 15 37 200") ==
        "-ERR wrong number of arguments for 'georadius' command\r\n");
  CHECK(Run(h, "GEORADIUS Sicily x 37 200 km") == "-ERR value is not a valid float\r\n");
  CHECK(Run(h, "GEORADIUS Sicily 15 37 x km") == "-ERR need numeric radius\r\n");
  CHECK(Run(h, "GEORADIUS Sicily 15 37 -5 km") == "-ERR radius cannot be negative\r\n");
  CHECK(Run(h, "GEORADIUS Sicily 15 37 5 parsecs") ==
        "-ERR unsupported unit provided. please use M, KM, FT, MI\r\n");
  CHECK(Run(h, "GEORADIUS_RO Sicily 15 37 200 km STORE dst") == "-ERR syntax error\r\n");
  CHECK(Run(h, "GEORADIUSBYMEMBER_RO Sicily Palermo 200 km STOREDIST dst") ==
        "-ERR syntax error\r\n");
  CHECK(Run(h, "GEORADIUS Sicily 15 37 200 km COUNT 0") == "-ERR COUNT must be > 0\r\n");
  CHECK(Run(h, "GEORADIUS Sicily 15 37 200 km ANY") ==
        "-ERR the ANY argument requires COUNT argument\r\n");
  CHECK(Run(h, "GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 200 km WITHDIST") ==
        "-ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options\r\n");
  CHECK(Run(h, "GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 200 km STORE x") ==
        "-ERR syntax error\r\n");
  CHECK(Run(h, "GEOSEARCHSTORE dst s FROMLONLAT 15 37 BYRADIUS 200 km") ==
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  CHECK(Run(h, "EXISTS dst") == ":0\r\n");
}

TEST_CASE("GEORADIUS STORE and STOREDIST, GEOSEARCHSTORE") {
  Harness h;
  REQUIRE(Run(h,
              "GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania 12.758489 "
              "38.788135 edge1 17.241510 38.222176 edge2 13.583333 37.316667 Agrigento 15.55 38.2 "
              "Messina 15.55 38.2 MessinaTwin 15.55 38.2 MessinaThird 14.0 37.5 Caltanissetta")
              .rfind("-", 0) != 0);
  CHECK(Run(h, "GEORADIUS Sicily 15 37 200 km STORE dst") == ":7\r\n");
  CHECK(Run(h, "ZRANGE dst 0 -1 WITHSCORES") ==
        "*14\r\n$9\r\nAgrigento\r\n$16\r\n3479030013248308\r\n$13\r\nCaltanissetta\r\n$"
        "16\r\n3479043355519990\r\n$7\r\nPalermo\r\n$16\r\n3479099956230698\r\n$7\r\nCatania\r\n$"
        "16\r\n3479447370796909\r\n$7\r\nMessina\r\n$16\r\n3479616603511949\r\n$"
        "12\r\nMessinaThird\r\n$16\r\n3479616603511949\r\n$11\r\nMessinaTwin\r\n$"
        "16\r\n3479616603511949\r\n");
  CHECK(Run(h, "GEORADIUS Sicily 15 37 200 km STOREDIST dst ASC COUNT 3") == ":3\r\n");
  CHECK(Run(h, "ZRANGE dst 0 -1 WITHSCORES") ==
        "*6\r\n$7\r\nCatania\r\n$16\r\n56.4412578701582\r\n$13\r\nCaltanissetta\r\n$18\r\n104."
        "55268202685095\r\n$9\r\nAgrigento\r\n$18\r\n130.42348706714702\r\n");
  CHECK(Run(h, "GEORADIUSBYMEMBER Sicily Palermo 100 mi STOREDIST dst") == ":4\r\n");
  CHECK(
      Run(h, "ZRANGE dst 0 -1 WITHSCORES") ==
      "*8\r\n$7\r\nPalermo\r\n$1\r\n0\r\n$13\r\nCaltanissetta\r\n$17\r\n55.00773360206899\r\n$"
      "9\r\nAgrigento\r\n$18\r\n56.531095690156235\r\n$5\r\nedge1\r\n$17\r\n56.79387736948953\r\n");
  CHECK(Run(h, "GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYBOX 400 400 km DESC COUNT 4") ==
        ":4\r\n");
  CHECK(Run(h, "ZRANGE dst 0 -1 WITHSCORES") ==
        "*8\r\n$7\r\nPalermo\r\n$16\r\n3479099956230698\r\n$5\r\nedge1\r\n$"
        "16\r\n3479273021651468\r\n$12\r\nMessinaThird\r\n$16\r\n3479616603511949\r\n$"
        "5\r\nedge2\r\n$16\r\n3481148332747016\r\n");
  CHECK(Run(h, "GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 200 km STOREDIST") == ":7\r\n");
  CHECK(Run(h, "ZRANGE dst 0 -1 WITHSCORES") ==
        "*14\r\n$7\r\nCatania\r\n$16\r\n56.4412578701582\r\n$13\r\nCaltanissetta\r\n$18\r\n104."
        "55268202685095\r\n$9\r\nAgrigento\r\n$18\r\n130.42348706714702\r\n$7\r\nMessina\r\n$"
        "18\r\n141.99854207312495\r\n$12\r\nMessinaThird\r\n$18\r\n141.99854207312495\r\n$"
        "11\r\nMessinaTwin\r\n$18\r\n141.99854207312495\r\n$7\r\nPalermo\r\n$18\r\n190."
        "44242984775784\r\n");
  CHECK(Run(h, "GEOSEARCHSTORE Sicily Sicily FROMMEMBER Palermo BYRADIUS 1 km") == ":1\r\n");
  CHECK(Run(h, "ZRANGE Sicily 0 -1 WITHSCORES") ==
        "*2\r\n$7\r\nPalermo\r\n$16\r\n3479099956230698\r\n");
  REQUIRE(Run(h, "SET str x").rfind("-", 0) != 0);
  REQUIRE(Run(h, "EXPIRE str 100").rfind("-", 0) != 0);
  CHECK(Run(h, "GEOSEARCHSTORE str dst FROMLONLAT 15 37 BYRADIUS 200 km") == ":0\r\n");
  CHECK(Run(h, "TTL str") == ":-2\r\n");
  CHECK(Run(h, "TYPE str") == "+none\r\n");
  CHECK(Run(h, "OBJECT ENCODING str") == "$-1\r\n");
  CHECK(Run(h, "GEOSEARCHSTORE str dst FROMLONLAT 0 0 BYRADIUS 1 km") == ":0\r\n");
  CHECK(Run(h, "EXISTS str") == ":0\r\n");
  CHECK(Run(h, "GEOSEARCHSTORE dst nokey FROMLONLAT 0 0 BYRADIUS 1 km") == ":0\r\n");
  CHECK(Run(h, "EXISTS dst") == ":0\r\n");
  REQUIRE(Run(h, "SET dst x").rfind("-", 0) != 0);
  CHECK(Run(h, "GEORADIUS nokey 0 0 1 km STORE dst") == ":0\r\n");
  CHECK(Run(h, "EXISTS dst") == ":0\r\n");
  CHECK(Run(h, "GEORADIUSBYMEMBER nokey nope 1 km STOREDIST dst") == ":0\r\n");
}

TEST_CASE("geo searches over a skiplist-encoded set") {
  Harness h;
  REQUIRE(Run(h,
              "GEOADD big 12.0 36.5 p000 12.555 37.295 p001 13.11 38.09 p002 13.665 38.885 p003 "
              "14.22 36.68 p004 14.775 37.475 p005 12.33 38.27 p006 12.885 39.065 p007 13.44 36.86 "
              "p008 13.995 37.655 p009 14.55 38.45 p010 12.105 39.245 p011 12.66 37.04 p012 13.215 "
              "37.835 p013 13.77 38.63 p014 14.325 39.425 p015 14.88 37.22 p016 12.435 38.015 p017 "
              "12.99 38.81 p018 13.545 36.605 p019 14.1 37.4 p020 14.655 38.195 p021 12.21 38.99 "
              "p022 12.765 36.785 p023 13.32 37.58 p024 13.875 38.375 p025 14.43 39.17 p026 14.985 "
              "36.965 p027 12.54 37.76 p028 13.095 38.555 p029 13.65 39.35 p030 14.205 37.145 p031 "
              "14.76 37.94 p032 12.315 38.735 p033 12.87 36.53 p034 13.425 37.325 p035 13.98 38.12 "
              "p036 14.535 38.915 p037 12.09 36.71 p038 12.645 37.505 p039 13.2 38.3 p040 13.755 "
              "39.095 p041 14.31 36.89 p042 14.865 37.685 p043 12.42 38.48 p044 12.975 39.275 p045 "
              "13.53 37.07 p046 14.085 37.865 p047 14.64 38.66 p048 12.195 39.455 p049 12.75 37.25 "
              "p050 13.305 38.045 p051 13.86 38.84 p052 14.415 36.635 p053 14.97 37.43 p054 12.525 "
              "38.225 p055 13.08 39.02 p056 13.635 36.815 p057 14.19 37.61 p058 14.745 38.405 p059 "
              "12.3 39.2 p060 12.855 36.995 p061 13.41 37.79 p062 13.965 38.585 p063 14.52 39.38 "
              "p064 12.075 37.175 p065 12.63 37.97 p066 13.185 38.765 p067 13.74 36.56 p068 14.295 "
              "37.355 p069 14.85 38.15 p070 12.405 38.945 p071 12.96 36.74 p072 13.515 37.535 p073 "
              "14.07 38.33 p074 14.625 39.125 p075 12.18 36.92 p076 12.735 37.715 p077 13.29 38.51 "
              "p078 13.845 39.305 p079 14.4 37.1 p080 14.955 37.895 p081 12.51 38.69 p082 13.065 "
              "39.485 p083 13.62 37.28 p084 14.175 38.075 p085 14.73 38.87 p086 12.285 36.665 p087 "
              "12.84 37.46 p088 13.395 38.255 p089 13.95 39.05 p090 14.505 36.845 p091 12.06 37.64 "
              "p092 12.615 38.435 p093 13.17 39.23 p094 13.725 37.025 p095 14.28 37.82 p096 14.835 "
              "38.615 p097 12.39 39.41 p098 12.945 37.205 p099 13.5 38.0 p100 14.055 38.795 p101 "
              "14.61 36.59 p102 12.165 37.385 p103 12.72 38.18 p104 13.275 38.975 p105 13.83 36.77 "
              "p106 14.385 37.565 p107 14.94 38.36 p108 12.495 39.155 p109 13.05 36.95 p110 13.605 "
              "37.745 p111 14.16 38.54 p112 14.715 39.335 p113 12.27 37.13 p114 12.825 37.925 p115 "
              "13.38 38.72 p116 13.935 36.515 p117 14.49 37.31 p118 12.045 38.105 p119 12.6 38.9 "
              "p120 13.155 36.695 p121 13.71 37.49 p122 14.265 38.285 p123 14.82 39.08 p124 12.375 "
              "36.875 p125 12.93 37.67 p126 13.485 38.465 p127 14.04 39.26 p128 14.595 37.055 p129 "
              "12.15 37.85 p130 12.705 38.645 p131 13.26 39.44 p132 13.815 37.235 p133 14.37 38.03 "
              "p134 14.925 38.825 p135 12.48 36.62 p136 13.035 37.415 p137 13.59 38.21 p138 14.145 "
              "39.005 p139 14.7 36.8 p140 12.255 37.595 p141 12.81 38.39 p142 13.365 39.185 p143 "
              "13.92 36.98 p144 14.475 37.775 p145 12.03 38.57 p146 12.585 39.365 p147 13.14 37.16 "
              "p148 13.695 37.955 p149 14.25 38.75 p150 14.805 36.545 p151 12.36 37.34 p152 12.915 "
              "38.135 p153 13.47 38.93 p154 14.025 36.725 p155 14.58 37.52 p156 12.135 38.315 p157 "
              "12.69 39.11 p158 13.245 36.905 p159 13.8 37.7 p160 14.355 38.495 p161 14.91 39.29 "
              "p162 12.465 37.085 p163 13.02 37.88 p164 13.575 38.675 p165 14.13 39.47 p166 14.685 "
              "37.265 p167 12.24 38.06 p168 12.795 38.855 p169 13.35 36.65 p170 13.905 37.445 p171 "
              "14.46 38.24 p172 12.015 39.035 p173 12.57 36.83 p174 13.125 37.625 p175 13.68 38.42 "
              "p176 14.235 39.215 p177 14.79 37.01 p178 12.345 37.805 p179 12.9 38.6 p180 13.455 "
              "39.395 p181 14.01 37.19 p182 14.565 37.985 p183 12.12 38.78 p184 12.675 36.575 p185 "
              "13.23 37.37 p186 13.785 38.165 p187 14.34 38.96 p188 14.895 36.755 p189 12.45 37.55 "
              "p190 13.005 38.345 p191 13.56 39.14 p192 14.115 36.935 p193 14.67 37.73 p194 12.225 "
              "38.525 p195 12.78 39.32 p196 13.335 37.115 p197 13.89 37.91 p198 14.445 38.705 p199")
              .rfind("-", 0) != 0);
  CHECK(Run(h, "OBJECT ENCODING big") == "$8\r\nskiplist\r\n");
  CHECK(
      Run(h, "GEORADIUS big 13.5 38 30 km ASC WITHDIST") ==
      "*7\r\n*2\r\n$4\r\np100\r\n$6\r\n0.0001\r\n*2\r\n$4\r\np051\r\n$7\r\n17.8042\r\n*2\r\n$"
      "4\r\np149\r\n$7\r\n17.8143\r\n*2\r\n$4\r\np138\r\n$7\r\n24.6499\r\n*2\r\n$4\r\np062\r\n$"
      "7\r\n24.6572\r\n*2\r\n$4\r\np089\r\n$7\r\n29.8134\r\n*2\r\n$4\r\np111\r\n$7\r\n29.8233\r\n");
  CHECK(Run(h, "GEORADIUS big 13.5 38 30 km DESC COUNT 5 WITHHASH") ==
        "*5\r\n*2\r\n$4\r\np111\r\n:3479050467731338\r\n*2\r\n$4\r\np089\r\n:3479112803347985\r\n*"
        "2\r\n$4\r\np062\r\n:3479048557994723\r\n*2\r\n$4\r\np138\r\n:3479114773936378\r\n*2\r\n$"
        "4\r\np149\r\n:3479098520254755\r\n");
  CHECK(Run(h, "GEORADIUS big 13.5 38 30 km COUNT 5 ANY") ==
        "*5\r\n$4\r\np100\r\n$4\r\np149\r\n$4\r\np089\r\n$4\r\np138\r\n$4\r\np062\r\n");
  CHECK(Run(h, "GEOSEARCH big FROMMEMBER p050 BYBOX 60 40 km ASC WITHCOORD") ==
        "*5\r\n*2\r\n$4\r\np050\r\n*2\r\n$20\r\n12.75000125169754028\r\n$20\r\n37."
        "24999981400522842\r\n*2\r\n$4\r\np001\r\n*2\r\n$20\r\n12.55499929189682007\r\n$20\r\n37."
        "29500125346813633\r\n*2\r\n$4\r\np099\r\n*2\r\n$20\r\n12.94499784708023071\r\n$20\r\n37."
        "20500090926348946\r\n*2\r\n$4\r\np137\r\n*2\r\n$20\r\n13.03500205278396606\r\n$20\r\n37."
        "41500002259356705\r\n*2\r\n$4\r\np163\r\n*2\r\n$19\r\n12.4650004506111145\r\n$20\r\n37."
        "08499960541690399\r\n");
  CHECK(
      Run(h, "GEOSEARCH big FROMLONLAT 13.5 38 BYRADIUS 3000 km COUNT 7 WITHDIST") ==
      "*7\r\n*2\r\n$4\r\np100\r\n$6\r\n0.0001\r\n*2\r\n$4\r\np051\r\n$7\r\n17.8042\r\n*2\r\n$"
      "4\r\np149\r\n$7\r\n17.8143\r\n*2\r\n$4\r\np138\r\n$7\r\n24.6499\r\n*2\r\n$4\r\np062\r\n$"
      "7\r\n24.6572\r\n*2\r\n$4\r\np089\r\n$7\r\n29.8134\r\n*2\r\n$4\r\np111\r\n$7\r\n29.8233\r\n");
  CHECK(Run(h, "GEOSEARCH big FROMLONLAT 13.5 38 BYRADIUS 3000 km COUNT 7 ANY") ==
        "*7\r\n$4\r\np000\r\n$4\r\np038\r\n$4\r\np087\r\n$4\r\np136\r\n$4\r\np125\r\n$"
        "4\r\np174\r\n$4\r\np076\r\n");
  CHECK(Run(h, "GEOSEARCHSTORE dst big FROMLONLAT 13.5 38 BYRADIUS 50 km STOREDIST") == ":17\r\n");
  CHECK(Run(h, "ZRANGE dst 0 -1 WITHSCORES") ==
        "*34\r\n$4\r\np100\r\n$21\r\n1.1999433797373712e-4\r\n$4\r\np051\r\n$18\r\n17."
        "804156471395256\r\n$4\r\np149\r\n$18\r\n17.814328884546537\r\n$4\r\np138\r\n$18\r\n24."
        "649949615384244\r\n$4\r\np062\r\n$18\r\n24.657204816659085\r\n$4\r\np089\r\n$18\r\n29."
        "813436237377964\r\n$4\r\np111\r\n$18\r\n29.823254816098675\r\n$4\r\np187\r\n$18\r\n30."
        "974030436412104\r\n$4\r\np013\r\n$18\r\n31.019116776588106\r\n$4\r\np002\r\n$16\r\n35."
        "5977789645503\r\n$4\r\np198\r\n$17\r\n35.63814528563088\r\n$4\r\np040\r\n$16\r\n42."
        "4495971792833\r\n$4\r\np160\r\n$17\r\n42.51627915693086\r\n$4\r\np036\r\n$18\r\n44."
        "104205755733865\r\n$4\r\np164\r\n$17\r\n44.17020126670735\r\n$4\r\np176\r\n$17\r\n49."
        "29251612551751\r\n$4\r\np024\r\n$18\r\n49.321604717436585\r\n");
  CHECK(Run(h, "OBJECT ENCODING dst") == "$8\r\nlistpack\r\n");
  CHECK(Run(h, "GEOSEARCHSTORE dst big FROMLONLAT 13.5 38 BYRADIUS 5000 km") == ":200\r\n");
  CHECK(Run(h, "OBJECT ENCODING dst") == "$8\r\nskiplist\r\n");
  CHECK(Run(h, "ZCARD dst") == ":200\r\n");
}

// A subscriber to every keyevent channel, which sees each event as "<event> <key>".
std::vector<std::string> Events(PubSubPeer& peer) {
  std::vector<std::string> events;
  for (const auto& f : Frames(peer.Take())) {
    const std::string& channel = f[2];
    events.push_back(channel.substr(channel.find("__:") + 3) + " " + f[3]);
  }
  return events;
}

using Strings = std::vector<std::string>;

TEST_CASE("geo keyspace events: zadd, georadiusstore, geosearchstore, del") {
  Harness h;
  REQUIRE(Run(h, "CONFIG SET notify-keyspace-events KEA") == "+OK\r\n");
  PubSubPeer peer(h);
  peer.Run({"PSUBSCRIBE", "__keyevent@*__:*"});
  peer.Take();
  CHECK(Run(h, "GEOADD g 1 1 a 2 2 b") == ":2\r\n");
  CHECK(Events(peer) == Strings{"zadd g"});
  CHECK(Run(h, "GEOADD g 1 1 a") == ":0\r\n");
  CHECK(Events(peer).empty());
  CHECK(Run(h, "GEOADD g XX 3 3 a") == ":0\r\n");
  CHECK(Events(peer) == Strings{"zadd g"});
  CHECK(Run(h, "GEORADIUS g 1 1 500 km STORE d") == ":2\r\n");
  CHECK(Events(peer) == Strings{"georadiusstore d"});
  CHECK(Run(h, "GEORADIUSBYMEMBER g a 500 km STOREDIST d") == ":2\r\n");
  CHECK(Events(peer) == Strings{"georadiusstore d"});
  CHECK(Run(h, "GEOSEARCHSTORE d g FROMLONLAT 1 1 BYRADIUS 500 km") == ":2\r\n");
  CHECK(Events(peer) == Strings{"geosearchstore d"});
  CHECK(Run(h, "GEOSEARCHSTORE d g FROMLONLAT 50 50 BYRADIUS 1 km") == ":0\r\n");
  CHECK(Events(peer) == Strings{"del d"});
  CHECK(Run(h, "GEOSEARCHSTORE d g FROMLONLAT 50 50 BYRADIUS 1 km") == ":0\r\n");
  CHECK(Events(peer).empty());
  CHECK(Run(h, "GEORADIUS nokey 1 1 1 km STORE g") == ":0\r\n");
  CHECK(Events(peer) == Strings{"del g"});
  CHECK(Run(h, "GEORADIUS g 1 1 1 km") == "*0\r\n");
  CHECK(Events(peer).empty());
}

// What reaches the append-only log: GEOADD and the storing searches as sent, only when
// they changed something.
TEST_CASE("geo writes are logged as sent, and only when they change data") {
  Harness h;
  std::vector<std::vector<std::string>> log;
  h.server.propagate = [&](size_t, std::span<const std::string_view> command) {
    log.emplace_back(command.begin(), command.end());
  };
  using Log = std::vector<std::vector<std::string>>;
  CHECK(Run(h, "GEOADD g 1 1 a 2 2 b") == ":2\r\n");
  CHECK(Run(h, "GEOADD g NX 5 5 a") == ":0\r\n");
  CHECK(Run(h, "GEORADIUS g 1 1 500 km") == "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  CHECK(Run(h, "GEORADIUS g 1 1 500 km STORE d") == ":2\r\n");
  CHECK(Run(h, "GEOSEARCHSTORE e g FROMLONLAT 50 50 BYRADIUS 1 km") == ":0\r\n");
  CHECK(Run(h, "GEOSEARCHSTORE d g FROMLONLAT 50 50 BYRADIUS 1 km") == ":0\r\n");
  CHECK(log == Log{{"GEOADD", "g", "1", "1", "a", "2", "2", "b"},
                   {"GEORADIUS", "g", "1", "1", "500", "km", "STORE", "d"},
                   {"GEOSEARCHSTORE", "d", "g", "FROMLONLAT", "50", "50", "BYRADIUS", "1", "km"}});
}

// The members of an array reply of bulk strings.
std::set<std::string> Members(const std::string& reply) {
  std::optional<RespValue> v = RespReader::ParseOne(reply);
  REQUIRE(v);
  std::set<std::string> out;
  for (const RespValue& e : v->elems) out.insert(e.str);
  return out;
}

// Every search of a large random set finds exactly the members a scan of all of them finds.
TEST_CASE("geo searches find what a scan of every member finds") {
  Harness h;
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> lon(-20, 20), lat(30, 60);
  struct Point {
    std::string name;
    double score;
  };
  std::vector<Point> points;
  std::vector<std::string> add = {"GEOADD", "g"};
  for (int i = 0; i < 3000; ++i) {
    const double x = lon(rng), y = lat(rng);
    points.push_back({"m" + std::to_string(i), static_cast<double>(geo::ScoreOf(x, y))});
    add.insert(add.end(), {std::to_string(x), std::to_string(y), points.back().name});
  }
  REQUIRE(h.Run(std::vector<std::string_view>(add.begin(), add.end())) == ":3000\r\n");
  std::uniform_real_distribution<double> size(1, 900);
  for (int q = 0; q < 40; ++q) {
    geo::Shape s;
    s.center = {lon(rng), lat(rng)};
    s.to_meters = 1000;
    std::vector<std::string> cmd = {"GEOSEARCH", "g", "FROMLONLAT", std::to_string(s.center.lon),
                                    std::to_string(s.center.lat)};
    if (q % 2 == 0) {
      s.radius = size(rng);
      cmd.insert(cmd.end(), {"BYRADIUS", std::to_string(s.radius), "km"});
    } else {
      s.kind = geo::Shape::kBox;
      s.width = size(rng);
      s.height = size(rng);
      cmd.insert(cmd.end(), {"BYBOX", std::to_string(s.width), std::to_string(s.height), "km"});
    }
    // The shape as the server parsed it.
    s.center = {std::stod(cmd[3]), std::stod(cmd[4])};
    if (s.kind == geo::Shape::kCircle) {
      s.radius = std::stod(cmd[6]);
    } else {
      s.width = std::stod(cmd[6]);
      s.height = std::stod(cmd[7]);
    }
    std::set<std::string> expected;
    for (const Point& p : points) {
      double d;
      if (geo::WithinShape(s, geo::DecodeScore(p.score), &d)) expected.insert(p.name);
    }
    CAPTURE(q);
    CHECK(Members(h.Run(std::vector<std::string_view>(cmd.begin(), cmd.end()))) == expected);
  }
}

}  // namespace
}  // namespace kvd::testing
