// OBJECT IDLETIME|FREQ|REFCOUNT|HELP, CLIENT NO-TOUCH, and the maxmemory-policy / lfu-* /
// maxmemory-samples parameters behind them. The access clock moves with the server's cron,
// which these tests run by hand after moving the manual clock.
#include <doctest/doctest.h>

#include <string>

#include "unit/commands/harness.h"
#include "unit/commands/key_test_util.h"
#include "unit/commands/resp_reader.h"

namespace kvd::testing {
namespace {

const std::string kLfuSelected = Err(
    "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when "
    "switching between policies at runtime LRU and LFU data will take some time to adjust.");
const std::string kLfuNotSelected = Err(
    "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note "
    "that when switching between policies at runtime LRU and LFU data will take some time to "
    "adjust.");

// Moves the clock and runs the cron, which refreshes the access clock.
void Pass(Harness& h, int64_t ms) {
  h.clock.Advance(ms);
  h.server.Cron(h.clock.NowMs());
}

TEST_CASE("OBJECT IDLETIME: seconds since the last access; OBJECT itself is no access") {
  Harness h;
  CHECK(h.Run({"OBJECT", "IDLETIME", "k"}) == kNil);
  CHECK(h.Run({"SET", "k", "v"}) == kOk);
  CHECK(h.Run({"RPUSH", "l", "a"}) == Int(1));
  CHECK(h.Run({"OBJECT", "IDLETIME", "k"}) == Int(0));
  Pass(h, 10'500);
  CHECK(h.Run({"OBJECT", "IDLETIME", "k"}) == Int(10));
  CHECK(h.Run({"OBJECT", "ENCODING", "k"}) == Bulk("embstr"));
  CHECK(h.Run({"OBJECT", "REFCOUNT", "k"}) == Int(1));
  CHECK(h.Run({"OBJECT", "IDLETIME", "k"}) == Int(10));
  CHECK(h.Run({"GET", "k"}) == Bulk("v"));
  CHECK(h.Run({"OBJECT", "IDLETIME", "k"}) == Int(0));
  CHECK(h.Run({"OBJECT", "IDLETIME", "l"}) == Int(10));
  CHECK(h.Run({"LPUSH", "l", "b"}) == Int(2));  // a write is an access too
  CHECK(h.Run({"OBJECT", "IDLETIME", "l"}) == Int(0));
  // Lookups read the clock the cron keeps (Redis's server.lruclock), not the system clock.
  h.clock.Advance(5'000);
  CHECK(h.Run({"OBJECT", "IDLETIME", "k"}) == Int(0));
  h.server.Cron(h.clock.NowMs());
  CHECK(h.Run({"OBJECT", "IDLETIME", "k"}) == Int(5));
}

TEST_CASE("OBJECT looks keys up as Redis: hits and misses count, expired keys are gone") {
  Harness h;
  CHECK(h.Run({"SET", "t", "v", "PX", "100"}) == kOk);
  CHECK(h.Run({"OBJECT", "IDLETIME", "t"}) == Int(0));
  CHECK(h.Run({"OBJECT", "REFCOUNT", "nokey"}) == kNil);
  CHECK(h.server.stats.keyspace_hits == 1);
  CHECK(h.server.stats.keyspace_misses == 1);
  h.clock.Advance(101);
  CHECK(h.Run({"OBJECT", "IDLETIME", "t"}) == kNil);
  CHECK(h.Run({"OBJECT", "FREQ", "t"}) == kNil);  // missing comes before the policy check
  CHECK(h.Run({"EXISTS", "t"}) == Int(0));
}

TEST_CASE("OBJECT FREQ needs an LFU policy, OBJECT IDLETIME an LRU one") {
  Harness h;
  CHECK(h.Run({"SET", "k", "v"}) == kOk);
  CHECK(h.Run({"OBJECT", "FREQ", "k"}) == kLfuNotSelected);
  for (const char* policy : {"volatile-lfu", "allkeys-lfu"}) {
    CAPTURE(policy);
    CHECK(h.Run({"CONFIG", "SET", "maxmemory-policy", policy}) == kOk);
    CHECK(h.Run({"OBJECT", "IDLETIME", "k"}) == kLfuSelected);
    CHECK(h.Run({"OBJECT", "FREQ", "nokey"}) == kNil);
  }
  for (const char* policy : {"volatile-lru", "allkeys-lru", "volatile-random", "allkeys-random",
                             "volatile-ttl", "noeviction"}) {
    CAPTURE(policy);
    CHECK(h.Run({"CONFIG", "SET", "maxmemory-policy", policy}) == kOk);
    CHECK(h.Run({"OBJECT", "FREQ", "k"}) == kLfuNotSelected);
    CHECK(h.Run({"OBJECT", "IDLETIME", "k"}).front() == ':');
  }
}

TEST_CASE("OBJECT FREQ: new keys start at 5, accesses count logarithmically, idle time decays") {
  Harness h;
  CHECK(h.Run({"CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"}) == kOk);
  CHECK(h.Run({"SET", "k", "v"}) == kOk);
  CHECK(h.Run({"OBJECT", "FREQ", "k"}) == Int(5));
  CHECK(h.Run({"OBJECT", "FREQ", "k"}) == Int(5));  // OBJECT does not count
  CHECK(h.Run({"GET", "k"}) == Bulk("v"));
  CHECK(h.Run({"OBJECT", "FREQ", "k"}) == Int(6));  // certain at LFU_INIT_VAL
  CHECK(h.Run({"CONFIG", "SET", "lfu-log-factor", "0"}) == kOk);  // now every access counts
  for (int i = 0; i < 3; ++i) CHECK(h.Run({"EXISTS", "k"}) == Int(1));
  CHECK(h.Run({"OBJECT", "FREQ", "k"}) == Int(9));
  Pass(h, 2 * 60'000);  // lfu-decay-time 1: one less per idle minute
  CHECK(h.Run({"OBJECT", "FREQ", "k"}) == Int(7));
  CHECK(h.Run({"CONFIG", "SET", "lfu-decay-time", "0"}) == kOk);
  CHECK(h.Run({"OBJECT", "FREQ", "k"}) == Int(9));
  CHECK(h.Run({"CONFIG", "SET", "lfu-decay-time", "2"}) == kOk);
  CHECK(h.Run({"OBJECT", "FREQ", "k"}) == Int(8));

  // The default factor 10: 100 reads move a new key's counter only a few steps.
  CHECK(h.Run({"CONFIG", "SET", "lfu-log-factor", "10"}) == kOk);
  CHECK(h.Run({"SET", "hot", "v"}) == kOk);
  for (int i = 0; i < 100; ++i) h.Run({"GET", "hot"});
  const RespValue freq = *RespReader::ParseOne(h.Run({"OBJECT", "FREQ", "hot"}));
  CHECK(freq.integer >= 6);
  CHECK(freq.integer < 20);  // 20 would take about a thousand reads
}

TEST_CASE("CLIENT NO-TOUCH: the client's lookups leave the access time alone, but TOUCH") {
  Harness h;
  CHECK(h.Run({"MSET", "a", "1", "b", "2"}) == kOk);
  Pass(h, 20'000);
  CHECK(h.Run({"CLIENT", "NO-TOUCH", "on"}) == kOk);
  CHECK(h.client.no_touch);
  CHECK(h.Run({"GET", "a"}) == Bulk("1"));
  CHECK(h.Run({"APPEND", "a", "x"}) == Int(2));
  CHECK(h.Run({"OBJECT", "IDLETIME", "a"}) == Int(20));
  CHECK(h.Run({"TOUCH", "b"}) == Int(1));  // TOUCH is an access whatever the mode
  CHECK(h.Run({"OBJECT", "IDLETIME", "b"}) == Int(0));
  // Inside MULTI the rule holds for each queued command.
  Pass(h, 3'000);
  CHECK(h.Run({"MULTI"}) == kOk);
  CHECK(h.Run({"GET", "a"}) == "+QUEUED\r\n");
  CHECK(h.Run({"TOUCH", "b"}) == "+QUEUED\r\n");
  CHECK(h.Run({"EXEC"}) == "*2\r\n$2\r\n1x\r\n:1\r\n");
  CHECK(h.Run({"OBJECT", "IDLETIME", "a"}) == Int(23));
  CHECK(h.Run({"OBJECT", "IDLETIME", "b"}) == Int(0));
  CHECK(h.Run({"CLIENT", "NO-TOUCH", "OFF"}) == kOk);
  CHECK_FALSE(h.client.no_touch);
  CHECK(h.Run({"GET", "a"}) == Bulk("1x"));
  CHECK(h.Run({"OBJECT", "IDLETIME", "a"}) == Int(0));
  CHECK(h.Run({"CLIENT", "NO-TOUCH", "maybe"}) == kSyntax);
  CHECK(h.Run({"CLIENT", "NO-TOUCH"}).front() == '-');
}

TEST_CASE("CLIENT NO-TOUCH leaves the LFU counter alone too") {
  Harness h;
  CHECK(h.Run({"CONFIG", "SET", "maxmemory-policy", "volatile-lfu", "lfu-log-factor", "0"}) ==
        kOk);
  CHECK(h.Run({"SET", "k", "v"}) == kOk);
  CHECK(h.Run({"CLIENT", "NO-TOUCH", "ON"}) == kOk);
  CHECK(h.Run({"GET", "k"}) == Bulk("v"));
  CHECK(h.Run({"OBJECT", "FREQ", "k"}) == Int(5));
  CHECK(h.Run({"TOUCH", "k"}) == Int(1));
  CHECK(h.Run({"OBJECT", "FREQ", "k"}) == Int(6));
}

TEST_CASE("OBJECT REFCOUNT answers as Redis: shared integers 0..9999 unless LRU/LFU maxmemory") {
  Harness h;
  const std::string kShared = Int(2147483647);
  CHECK(h.Run({"SET", "n", "100"}) == kOk);
  CHECK(h.Run({"OBJECT", "REFCOUNT", "n"}) == kShared);
  CHECK(h.Run({"SET", "n", "0"}) == kOk);
  CHECK(h.Run({"OBJECT", "REFCOUNT", "n"}) == kShared);
  CHECK(h.Run({"SET", "n", "9999"}) == kOk);
  CHECK(h.Run({"OBJECT", "REFCOUNT", "n"}) == kShared);
  for (const char* v : {"10000", "-1", "007", "abc"}) {
    CAPTURE(v);
    CHECK(h.Run({"SET", "n", v}) == kOk);
    CHECK(h.Run({"OBJECT", "REFCOUNT", "n"}) == Int(1));
  }
  CHECK(h.Run({"RPUSH", "l", "1"}) == Int(1));
  CHECK(h.Run({"OBJECT", "REFCOUNT", "l"}) == Int(1));
  CHECK(h.Run({"SET", "n", "5"}) == kOk);
  CHECK(h.Run({"CONFIG", "SET", "maxmemory-policy", "allkeys-lru"}) == kOk);
  CHECK(h.Run({"OBJECT", "REFCOUNT", "n"}) == kShared);  // no maxmemory: still shared
  CHECK(h.Run({"CONFIG", "SET", "maxmemory", "1gb"}) == kOk);
  CHECK(h.Run({"OBJECT", "REFCOUNT", "n"}) == Int(1));
  CHECK(h.Run({"CONFIG", "SET", "maxmemory-policy", "allkeys-random"}) == kOk);
  CHECK(h.Run({"OBJECT", "REFCOUNT", "n"}) == kShared);
}

TEST_CASE("OBJECT HELP lists every subcommand; unknown ones point to it") {
  Harness h;
  const RespValue help = *RespReader::ParseOne(h.Run({"OBJECT", "HELP"}));
  REQUIRE(help.type == '*');
  REQUIRE(help.elems.size() == 15);
  CHECK(help.elems[0].str == "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  CHECK(help.elems[1].str == "ENCODING <key>");
  CHECK(help.elems[4].str == "FREQ <key>");
  CHECK(help.elems[7].str == "IDLETIME <key>");
  CHECK(help.elems[10].str == "REFCOUNT <key>");
  CHECK(help.elems[13].str == "HELP");
  CHECK(h.Run({"OBJECT", "FOO", "k"}) == Err("ERR unknown subcommand 'FOO'. Try OBJECT HELP."));
  CHECK(h.Run({"OBJECT", "FREQ"}).front() == '-');
}

TEST_CASE("maxmemory-policy takes Redis's eight policies; lfu-* and maxmemory-samples") {
  Harness h;
  CHECK(h.Run({"CONFIG", "GET", "lfu-log-factor"}) ==
        "*2\r\n$14\r\nlfu-log-factor\r\n$2\r\n10\r\n");
  CHECK(h.Run({"CONFIG", "GET", "lfu-decay-time"}) ==
        "*2\r\n$14\r\nlfu-decay-time\r\n$1\r\n1\r\n");
  CHECK(h.Run({"CONFIG", "GET", "maxmemory-samples"}) ==
        "*2\r\n$17\r\nmaxmemory-samples\r\n$1\r\n5\r\n");
  CHECK(h.Run({"CONFIG", "SET", "maxmemory-policy", "ALLKEYS-LFU"}) == kOk);
  CHECK(h.Run({"CONFIG", "GET", "maxmemory-policy"}) ==
        "*2\r\n$16\r\nmaxmemory-policy\r\n$11\r\nallkeys-lfu\r\n");
  CHECK(h.Run({"CONFIG", "SET", "maxmemory-policy", "bogus"}) ==
        Err("ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - "
            "argument(s) must be one of the following: volatile-lru, volatile-lfu, "
            "volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, "
            "noeviction"));
  CHECK(h.Run({"CONFIG", "SET", "lfu-log-factor", "-1"}) ==
        Err("ERR CONFIG SET failed (possibly related to argument 'lfu-log-factor') - argument "
            "must be between 0 and 2147483647 inclusive"));
  CHECK(h.Run({"CONFIG", "SET", "maxmemory-samples", "0"}) ==
        Err("ERR CONFIG SET failed (possibly related to argument 'maxmemory-samples') - "
            "argument must be between 1 and 2147483647 inclusive"));
  CHECK(h.Run({"CONFIG", "SET", "maxmemory-samples", "10", "lfu-decay-time", "3"}) == kOk);
  CHECK(h.server.config.values().maxmemory_samples == 10);
  CHECK(h.store.access_clock().lfu_decay_time() == 3);
  CHECK(h.store.access_clock().lfu());
  CHECK(h.Run({"CONFIG", "SET", "maxmemory-policy", "noeviction"}) == kOk);
  CHECK_FALSE(h.store.access_clock().lfu());
}

}  // namespace
}  // namespace kvd::testing
