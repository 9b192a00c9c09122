// EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT (with NX|XX|GT|LT), TTL, PTTL, EXPIRETIME,
// PEXPIRETIME, PERSIST.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "unit/commands/harness.h"
#include "unit/commands/key_test_util.h"

namespace kvd::testing {
namespace {

constexpr int64_t kStartMs = 1'700'000'000'000;  // where ManualClock starts

TEST_CASE("EXPIRE sets a TTL; the key lives through its last millisecond, as in Redis") {
  Harness h;
  CHECK(h.Run({"EXPIRE", "k", "10"}) == Int(0));
  CHECK(h.Run({"SET", "k", "v"}) == kOk);
  CHECK(h.Run({"EXPIRE", "k", "10"}) == Int(1));
  CHECK(h.Run({"TTL", "k"}) == Int(10));
  CHECK(h.Run({"PTTL", "k"}) == Int(10'000));
  h.clock.Advance(9'999);
  CHECK(h.Run({"GET", "k"}) == Bulk("v"));
  CHECK(h.Run({"PTTL", "k"}) == Int(1));
  h.clock.Advance(1);  // at the expiry itself
  CHECK(h.Run({"GET", "k"}) == Bulk("v"));
  CHECK(h.Run({"PTTL", "k"}) == Int(0));
  CHECK(h.Run({"TTL", "k"}) == Int(0));
  CHECK(h.Run({"EXISTS", "k"}) == Int(1));
  h.clock.Advance(1);
  CHECK(h.Run({"GET", "k"}) == kNil);
  CHECK(h.Run({"PTTL", "k"}) == Int(-2));
  CHECK(h.Run({"TTL", "k"}) == Int(-2));
}

TEST_CASE("PEXPIRE, EXPIREAT and PEXPIREAT") {
  Harness h;
  CHECK(h.Run({"MSET", "a", "1", "b", "2", "c", "3"}) == kOk);
  CHECK(h.Run({"PEXPIRE", "a", "1500"}) == Int(1));
  CHECK(h.Run({"PTTL", "a"}) == Int(1500));
  CHECK(h.Run({"EXPIREAT", "b", "1700000100"}) == Int(1));
  CHECK(h.Run({"PEXPIRETIME", "b"}) == Int(1'700'000'100'000));
  CHECK(h.Run({"TTL", "b"}) == Int(100));
  CHECK(h.Run({"PEXPIREAT", "c", "1700000000250"}) == Int(1));
  CHECK(h.Run({"PTTL", "c"}) == Int(250));
  CHECK(h.Run({"EXPIRETIME", "c"}) == Int(1'700'000'000));
  CHECK(h.Run({"PEXPIREAT", "missing", "1700000000250"}) == Int(0));
  // The largest absolute time is fine.
  CHECK(h.Run({"PEXPIREAT", "c", "9223372036854775807"}) == Int(1));
  CHECK(h.Run({"PEXPIRETIME", "c"}) == Int(INT64_MAX));
}

TEST_CASE("a time not after now deletes the key and answers 1") {
  Harness h;
  CHECK(h.Run({"MSET", "a", "1", "b", "2", "c", "3", "d", "4"}) == kOk);
  CHECK(h.Run({"EXPIRE", "a", "-1"}) == Int(1));
  CHECK(h.Run({"PEXPIRE", "b", "0"}) == Int(1));
  CHECK(h.Run({"EXPIREAT", "c", "1"}) == Int(1));
  CHECK(h.Run({"PEXPIREAT", "d", std::to_string(kStartMs)}) == Int(1));
  CHECK(h.Run({"EXISTS", "a", "b", "c", "d"}) == Int(0));
  CHECK(h.Run({"SET", "e", "5"}) == kOk);
  CHECK(h.Run({"PEXPIREAT", "e", "-9223372036854775808"}) == Int(1));
  CHECK(h.Run({"EXISTS", "e"}) == Int(0));
}

TEST_CASE("NX, XX, GT and LT decide whether the TTL changes") {
  Harness h;
  CHECK(h.Run({"SET", "k", "v"}) == kOk);
  // No TTL: XX and GT fail (no TTL counts as infinite), LT and NX pass.
  CHECK(h.Run({"EXPIRE", "k", "100", "XX"}) == Int(0));
  CHECK(h.Run({"EXPIRE", "k", "100", "GT"}) == Int(0));
  CHECK(h.Run({"TTL", "k"}) == Int(-1));
  CHECK(h.Run({"EXPIRE", "k", "100", "lt"}) == Int(1));
  CHECK(h.Run({"TTL", "k"}) == Int(100));
  CHECK(h.Run({"EXPIRE", "k", "50", "NX"}) == Int(0));
  CHECK(h.Run({"EXPIRE", "k", "200", "GT"}) == Int(1));
  CHECK(h.Run({"TTL", "k"}) == Int(200));
  CHECK(h.Run({"EXPIRE", "k", "200", "GT"}) == Int(0));  // equal is not greater
  CHECK(h.Run({"EXPIRE", "k", "100", "GT"}) == Int(0));
  CHECK(h.Run({"EXPIRE", "k", "300", "LT"}) == Int(0));
  CHECK(h.Run({"EXPIRE", "k", "50", "LT"}) == Int(1));
  CHECK(h.Run({"TTL", "k"}) == Int(50));
  CHECK(h.Run({"EXPIRE", "k", "60", "XX"}) == Int(1));
  CHECK(h.Run({"EXPIRE", "k", "70", "XX", "GT"}) == Int(1));
  CHECK(h.Run({"TTL", "k"}) == Int(70));
  CHECK(h.Run({"PERSIST", "k"}) == Int(1));
  CHECK(h.Run({"PEXPIRE", "k", "500", "NX"}) == Int(1));
  CHECK(h.Run({"PTTL", "k"}) == Int(500));
  CHECK(h.Run({"EXPIRE", "missing", "10", "NX"}) == Int(0));
}

TEST_CASE("EXPIRE option and overflow errors") {
  Harness h;
  CHECK(h.Run({"SET", "k", "v"}) == kOk);
  const std::string nx = "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n";
  const std::string gtlt = "-ERR GT and LT options at the same time are not compatible\r\n";
  CHECK(h.Run({"EXPIRE", "k", "10", "NX", "XX"}) == nx);
  CHECK(h.Run({"EXPIRE", "k", "10", "GT", "NX"}) == nx);
  CHECK(h.Run({"EXPIRE", "k", "10", "NX", "LT"}) == nx);
  CHECK(h.Run({"EXPIRE", "k", "10", "GT", "LT"}) == gtlt);
  CHECK(h.Run({"EXPIRE", "k", "10", "Foo"}) == "-ERR Unsupported option Foo\r\n");
  CHECK(h.Run({"EXPIRE", "missing", "10", "GT", "LT"}) == gtlt);  // before the key lookup
  CHECK(h.Run({"EXPIRE", "k", "ten"}) == kNotInt);
  CHECK(h.Run({"EXPIRE", "k", "10", "bad"}) == "-ERR Unsupported option bad\r\n");
  CHECK(h.Run({"EXPIRE", "k", "9223372036854775807"}) ==
        "-ERR invalid expire time in 'expire' command\r\n");
  CHECK(h.Run({"EXPIRE", "k", "-9223372036854775808"}) ==
        "-ERR invalid expire time in 'expire' command\r\n");
  CHECK(h.Run({"EXPIRE", "k", "9223372036854775"}) ==  // fits * 1000, not + now
        "-ERR invalid expire time in 'expire' command\r\n");
  CHECK(h.Run({"PEXPIRE", "k", "9223372036854775807"}) ==
        "-ERR invalid expire time in 'pexpire' command\r\n");
  CHECK(h.Run({"EXPIREAT", "k", "9223372036854775807"}) ==
        "-ERR invalid expire time in 'expireat' command\r\n");
  CHECK(h.Run({"EXPIRE", "k"}) == "-ERR wrong number of arguments for 'expire' command\r\n");
  CHECK(h.Run({"TTL", "k"}) == Int(-1));
}

TEST_CASE("TTL rounds to the nearest second; PTTL is exact") {
  Harness h;
  CHECK(h.Run({"SET", "k", "v"}) == kOk);
  CHECK(h.Run({"PEXPIRE", "k", "1500"}) == Int(1));
  CHECK(h.Run({"TTL", "k"}) == Int(2));
  CHECK(h.Run({"PEXPIRE", "k", "1499"}) == Int(1));
  CHECK(h.Run({"TTL", "k"}) == Int(1));
  CHECK(h.Run({"PEXPIRE", "k", "499"}) == Int(1));
  CHECK(h.Run({"TTL", "k"}) == Int(0));
  CHECK(h.Run({"PTTL", "k"}) == Int(499));
  CHECK(h.Run({"PTTL", "missing"}) == Int(-2));
  CHECK(h.Run({"SET", "p", "v"}) == kOk);
  CHECK(h.Run({"PTTL", "p"}) == Int(-1));
}

TEST_CASE("EXPIRETIME and PEXPIRETIME give the absolute time") {
  Harness h;
  CHECK(h.Run({"EXPIRETIME", "k"}) == Int(-2));
  CHECK(h.Run({"PEXPIRETIME", "k"}) == Int(-2));
  CHECK(h.Run({"SET", "k", "v"}) == kOk);
  CHECK(h.Run({"EXPIRETIME", "k"}) == Int(-1));
  CHECK(h.Run({"PEXPIRETIME", "k"}) == Int(-1));
  CHECK(h.Run({"PEXPIREAT", "k", "1700000010499"}) == Int(1));
  CHECK(h.Run({"EXPIRETIME", "k"}) == Int(1'700'000'010));
  CHECK(h.Run({"PEXPIREAT", "k", "1700000010500"}) == Int(1));
  CHECK(h.Run({"EXPIRETIME", "k"}) == Int(1'700'000'011));
  CHECK(h.Run({"PEXPIRETIME", "k"}) == Int(1'700'000'010'500));
}

TEST_CASE("PERSIST removes a TTL") {
  Harness h;
  CHECK(h.Run({"PERSIST", "k"}) == Int(0));
  CHECK(h.Run({"SET", "k", "v"}) == kOk);
  CHECK(h.Run({"PERSIST", "k"}) == Int(0));
  CHECK(h.Run({"EXPIRE", "k", "10"}) == Int(1));
  const uint64_t dirty = h.server.stats.dirty;
  CHECK(h.Run({"PERSIST", "k"}) == Int(1));
  CHECK(h.server.stats.dirty == dirty + 1);
  CHECK(h.Run({"TTL", "k"}) == Int(-1));
  h.clock.Advance(20'000);
  CHECK(h.Run({"GET", "k"}) == Bulk("v"));
  // An expired key cannot be saved.
  CHECK(h.Run({"PEXPIRE", "k", "5"}) == Int(1));
  h.clock.Advance(6);
  CHECK(h.Run({"PERSIST", "k"}) == Int(0));
  CHECK(h.Run({"EXISTS", "k"}) == Int(0));
}

TEST_CASE("TTL reads count keyspace hits and misses; EXPIRE does not") {
  Harness h;
  CHECK(h.Run({"SET", "k", "v"}) == kOk);
  h.Run({"TTL", "k"});
  h.Run({"PTTL", "nope"});
  h.Run({"EXPIRETIME", "k"});
  h.Run({"EXPIRE", "k", "10"});
  h.Run({"PERSIST", "k"});
  CHECK(h.server.stats.keyspace_hits == 2);
  CHECK(h.server.stats.keyspace_misses == 1);
}

}  // namespace
}  // namespace kvd::testing
