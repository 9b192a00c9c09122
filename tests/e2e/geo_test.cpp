// The geo commands over TCP: replies byte for byte as redis-server 7.0.15 sends them (run
// with KVD_E2E_SERVER=/usr/bin/redis-server to check), RESP3, redis-cli, and geo sets and
// stored searches surviving an append-only log restart and a snapshot.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "e2e/harness.h"
#include "e2e/types_test_util.h"

namespace kvd::e2e {
namespace {

const std::vector<std::string> kSicily = {
    "GEOADD",  "Sicily",    "13.361389", "38.115556", "Palermo", "15.087269", "37.502669",
    "Catania", "13.583333", "37.316667", "Agrigento", "15.55",   "38.2",      "Messina"};

const std::string kPalermoPos = Arr({Bulk("13.36138933897018433"), Bulk("38.11555639549629859")});

TEST_CASE("geo: GEOADD GEOPOS GEOHASH GEODIST over TCP") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call(kSicily) == Int(4));
  CHECK(c.Call({"GEOADD", "Sicily", "CH", "XX", "15", "37", "Catania", "1", "1", "nope"}) ==
        Int(1));
  CHECK(c.Call({"ZSCORE", "Sicily", "Palermo"}) == Bulk("3479099956230698"));
  CHECK(c.Call({"GEOPOS", "Sicily", "Palermo", "nope"}) == Arr({kPalermoPos, kNilArray}));
  CHECK(c.Call({"GEOHASH", "Sicily", "Palermo", "Messina", "nope"}) ==
        Arr({Bulk("sqc8b49rny0"), Bulk("sqg13f55jk0"), kNil}));
  CHECK(c.Call({"GEODIST", "Sicily", "Palermo", "Agrigento", "km"}) == Bulk("90.9778"));
  CHECK(c.Call({"GEODIST", "Sicily", "Palermo", "nope"}) == kNil);
  CHECK(c.Call({"GEOADD", "Sicily", "200", "100", "x"}) ==
        Err("ERR invalid longitude,latitude pair 200.000000,100.000000"));
  CHECK(c.Call({"GEODIST", "Sicily", "Palermo", "Catania", "yd"}) ==
        Err("ERR unsupported unit provided. please use M, KM, FT, MI"));
  CHECK(c.Call({"SET", "s", "x"}) == kOk);
  CHECK(c.Call({"GEOPOS", "s", "a"}) == kWrongType);

  // RESP3: coordinates are doubles, distances stay bulk strings.
  CHECK(c.Exec({"HELLO", "3"}).type == '%');
  CHECK(c.Call({"GEOPOS", "Sicily", "Palermo", "nope"}) ==
        "*2\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n_\r\n");
  CHECK(c.Call({"GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "100", "km", "WITHDIST",
                "WITHCOORD", "ASC"}) ==
        "*2\r\n*3\r\n$7\r\nPalermo\r\n$6\r\n0.0000\r\n*2\r\n,13.36138933897018433\r\n,"
        "38.11555639549629859\r\n*3\r\n$9\r\nAgrigento\r\n$7\r\n90.9778\r\n*2\r\n,"
        "13.5833314061164856\r\n,37.31666804993816555\r\n");
}

TEST_CASE("geo: searches, sorted and counted, and their errors") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call(kSicily) == Int(4));
  CHECK(c.Call({"GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHDIST", "WITHHASH", "ASC",
                "COUNT", "2"}) ==
        Arr({Arr({Bulk("Catania"), Bulk("56.4413"), Int(3479447370796909)}),
             Arr({Bulk("Agrigento"), Bulk("130.4235"), Int(3479030013248308)})}));
  CHECK(c.Call({"GEORADIUSBYMEMBER_RO", "Sicily", "Catania", "100", "km", "DESC"}) ==
        Arr({Bulk("Messina"), Bulk("Catania")}));
  CHECK(c.Call({"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "400", "400", "km", "ASC",
                "WITHDIST"}) ==
        Arr({Arr({Bulk("Catania"), Bulk("56.4413")}), Arr({Bulk("Agrigento"), Bulk("130.4235")}),
             Arr({Bulk("Messina"), Bulk("141.9985")}), Arr({Bulk("Palermo"), Bulk("190.4424")})}));
  CHECK(c.Call({"GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km"}) ==
        "*0\r\n");
  CHECK(c.Call({"GEOSEARCH", "Sicily", "BYRADIUS", "1", "km", "ASC", "WITHDIST"}) ==
        Err("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for GEOSEARCH"));
  CHECK(c.Call({"GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "d", "WITHDIST"}) ==
        Err("ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and "
            "WITHCOORD options"));
  CHECK(c.Call({"GEORADIUSBYMEMBER", "Sicily", "nope", "1", "km"}) ==
        Err("ERR could not decode requested zset member"));
  CHECK(c.Call({"GEORADIUS", "Sicily", "15", "37", "1", "km", "COUNT", "0"}) ==
        Err("ERR COUNT must be > 0"));
}

TEST_CASE("geo: redis-cli shows coordinates and distances as Redis's") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call(kSicily) == Int(4));
  CliResult r = RunCli(server.port(), {"GEOPOS", "Sicily", "Palermo"});
  CHECK(r.code == 0);
  CHECK(r.out == "13.36138933897018433\n38.11555639549629859\n");
  r = RunCli(server.port(), {"GEODIST", "Sicily", "Palermo", "Catania", "km"});
  CHECK(r.out == "166.2742\n");
}

// What the restarts must keep: the geo set, both stored searches, and decoded positions.
std::vector<std::string> Stored(RawClient& c) {
  return {c.Call({"ZRANGE", "Sicily", "0", "-1", "WITHSCORES"}),
          c.Call({"ZRANGE", "near", "0", "-1", "WITHSCORES"}),
          c.Call({"ZRANGE", "dist", "0", "-1", "WITHSCORES"}),
          c.Call({"GEOPOS", "Sicily", "Palermo", "Messina"})};
}

TEST_CASE("geo: a geo set and stored searches survive an AOF restart and a snapshot") {
  TempDir dir;
  const std::vector<std::string> aof = {"--appendonly", "yes", "--dir", dir.path()};
  std::vector<std::string> before;
  {
    ServerProcess server(aof);
    RawClient c(server.port());
    CHECK(c.Call(kSicily) == Int(4));
    CHECK(c.Call({"GEOADD", "Sicily", "XX", "CH", "13.5", "38", "Palermo"}) == Int(1));
    CHECK(c.Call({"GEORADIUS", "Sicily", "15", "37", "140", "km", "STORE", "near"}) == Int(2));
    CHECK(c.Call({"GEOSEARCHSTORE", "dist", "Sicily", "FROMMEMBER", "Catania", "BYBOX", "500",
                  "500", "mi", "STOREDIST", "DESC", "COUNT", "3"}) == Int(3));
    CHECK(c.Call({"SET", "gone", "x"}) == kOk);
    CHECK(c.Call({"GEOSEARCHSTORE", "gone", "Sicily", "FROMLONLAT", "0", "0", "BYRADIUS", "1",
                  "m"}) == Int(0));
    before = Stored(c);
    CHECK(before[1] == Arr({Bulk("Agrigento"), Bulk("3479030013248308"), Bulk("Catania"),
                            Bulk("3479447370796909")}));
    // Scores are distances in miles (their text differs between Redis 7.0 and 7.2).
    CHECK(c.Call({"ZRANGE", "dist", "0", "-1"}) ==
          Arr({Bulk("Messina"), Bulk("Agrigento"), Bulk("Palermo")}));
  }
  {
    ServerProcess server(aof);  // replays the log
    RawClient c(server.port());
    CHECK(Stored(c) == before);
    CHECK(c.Call({"EXISTS", "gone"}) == Int(0));
    CHECK(c.Call({"SAVE"}) == kOk);
  }
  ServerProcess server({"--dir", dir.path()});  // loads dump.rdb
  RawClient c(server.port());
  CHECK(Stored(c) == before);
}

}  // namespace
}  // namespace kvd::e2e
