// maxmemory and eviction against the real binary: each kind of policy keeps the keys it
// should, evicted keys reach subscribers and the append-only file, and the process's RSS
// stays near the limit while writes go far past it.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

int64_t InfoInt(RawClient& c, std::string_view section, std::string_view field) {
  Reply r = c.Exec({"INFO", std::string(section)});
  REQUIRE(r.type == '$');
  return std::stoll(InfoField(r.str, field).value_or("-1"));
}

// SETs prefix0..prefix<n-1> with `size`-byte values, pipelined; returns how many failed.
int Fill(RawClient& c, std::string_view prefix, int n, size_t size = 100,
         std::vector<std::string> extra = {}) {
  const std::string value(size, 'v');
  int failed = 0;
  for (int start = 0; start < n; start += 500) {
    std::string batch;
    const int end = std::min(n, start + 500);
    for (int i = start; i < end; ++i) {
      std::vector<std::string> cmd = {"SET", std::string(prefix) + std::to_string(i), value};
      cmd.insert(cmd.end(), extra.begin(), extra.end());
      batch += Command(cmd);
    }
    c.Send(batch);
    for (int i = start; i < end; ++i) failed += c.ReadReply().IsError();
  }
  return failed;
}

// Keys among prefix0..prefix<n-1> that exist.
int64_t Existing(RawClient& c, std::string_view prefix, int n) {
  std::vector<std::string> cmd = {"EXISTS"};
  for (int i = 0; i < n; ++i) cmd.push_back(std::string(prefix) + std::to_string(i));
  return c.Exec(cmd).integer;
}

// Sets maxmemory to what is used now plus `headroom` bytes.
void LimitAtUse(RawClient& c, int64_t headroom) {
  const int64_t used = InfoInt(c, "memory", "used_memory");
  REQUIRE(c.Call({"CONFIG", "SET", "maxmemory", std::to_string(used + headroom)}) == kOk);
}

void TouchAll(RawClient& c, std::string_view prefix, int n, int times) {
  std::string batch;
  for (int t = 0; t < times; ++t) {
    for (int i = 0; i < n; ++i) batch += Command({"GET", std::string(prefix) + std::to_string(i)});
  }
  c.Send(batch);
  for (int i = 0; i < n * times; ++i) REQUIRE(c.ReadReply().type == '$');
}

TEST_CASE("allkeys-lru keeps the recently used keys while new keys push out old ones") {
  ServerProcess server({"--maxmemory-policy", "allkeys-lru", "--maxmemory-samples", "10"});
  RawClient c(server.port());
  REQUIRE(Fill(c, "hot:", 100) == 0);
  REQUIRE(Fill(c, "cold:", 3000) == 0);
  LimitAtUse(c, 20000);
  // The LRU clock ticks once a second: let the cold keys age, then use the hot ones.
  REQUIRE(WaitFor([&] { return c.Exec({"OBJECT", "IDLETIME", "cold:0"}).integer >= 2; }));
  TouchAll(c, "hot:", 100, 1);
  CHECK(Fill(c, "new:", 1500) == 0);
  CHECK(InfoInt(c, "stats", "evicted_keys") >= 1000);
  CHECK(Existing(c, "hot:", 100) == 100);
  CHECK(Existing(c, "cold:", 3000) <= 2000);
  CHECK(InfoInt(c, "memory", "used_memory") <= InfoInt(c, "memory", "maxmemory") + 20000);
}

TEST_CASE("allkeys-lfu keeps the frequently used keys") {
  ServerProcess server({"--maxmemory-policy", "allkeys-lfu", "--lfu-log-factor", "0"});
  RawClient c(server.port());
  REQUIRE(Fill(c, "hot:", 100) == 0);
  TouchAll(c, "hot:", 100, 5);
  REQUIRE(Fill(c, "cold:", 3000) == 0);
  LimitAtUse(c, 20000);
  CHECK(Fill(c, "new:", 2000) == 0);
  CHECK(InfoInt(c, "stats", "evicted_keys") >= 1500);
  CHECK(Existing(c, "hot:", 100) == 100);
  CHECK(c.Exec({"OBJECT", "FREQ", "hot:0"}).integer >= 10);
}

TEST_CASE("volatile-ttl evicts keys with a TTL, soonest first, then writes get OOM") {
  ServerProcess server({"--maxmemory-policy", "volatile-ttl"});
  RawClient c(server.port());
  REQUIRE(Fill(c, "persistent:", 1000) == 0);
  std::string batch;
  for (int i = 0; i < 1000; ++i) {
    batch += Command({"SET", "ttl:" + std::to_string(i), std::string(100, 'v'), "EX",
                      std::to_string(10000 + i)});
  }
  c.Send(batch);
  for (int i = 0; i < 1000; ++i) REQUIRE(c.ReadReply().raw == kOk);
  LimitAtUse(c, 0);
  REQUIRE(Fill(c, "new:", 300) == 0);
  const int64_t evicted = InfoInt(c, "stats", "evicted_keys");
  CHECK(evicted >= 250);
  CHECK(Existing(c, "persistent:", 1000) == 1000);
  // The keys evicted are (nearly) all among the ones expiring first.
  CHECK(1000 - Existing(c, "ttl:", 500) >= evicted * 9 / 10);
  // Once no key with a TTL is left, writes are refused and reads still served.
  const int failed = Fill(c, "more:", 3000);
  CHECK(failed > 0);
  CHECK(Existing(c, "ttl:", 1000) == 0);
  // Client buffers count as of the last cron tick, so the fill's drained pipeline can bring
  // memory back under the limit for a moment: with nothing left to evict, writes are
  // refused again as soon as they take it over.
  const std::string oom = Err("OOM command not allowed when used memory > 'maxmemory'.");
  bool refused = false;
  for (int i = 0; i < 128 && !refused; ++i) {
    refused = c.Call({"SET", "pad:" + std::to_string(i), std::string(16 * 1024, 'p')}) == oom;
  }
  CHECK(refused);
  CHECK(InfoInt(c, "stats", "evicted_keys") == 1000);  // every key with a TTL, and no other
  CHECK(c.Exec({"GET", "persistent:1"}).str == std::string(100, 'v'));
}

TEST_CASE("evicted keys are published and logged: a restart from the log has the same keys") {
  TempDir dir;
  int64_t keys = 0;
  {
    ServerProcess server({"--appendonly", "yes", "--dir", dir.path(), "--maxmemory-policy",
                          "allkeys-random", "--notify-keyspace-events", "Ee"});
    RawClient sub(server.port());
    sub.Send(Command({"SUBSCRIBE", "__keyevent@0__:evicted"}));
    REQUIRE(sub.ReadReply().type == '*');
    RawClient c(server.port());
    REQUIRE(Fill(c, "k", 2000) == 0);
    LimitAtUse(c, 0);
    REQUIRE(Fill(c, "n", 500) == 0);
    CHECK(InfoInt(c, "stats", "evicted_keys") > 100);
    Reply msg = sub.ReadReply();
    REQUIRE(msg.elements.size() == 3);
    CHECK(msg.elements[1].str == "__keyevent@0__:evicted");
    CHECK(c.Exec({"EXISTS", msg.elements[2].str}).integer == 0);
    keys = c.Exec({"DBSIZE"}).integer;
    CHECK(keys < 2500);
  }
  ServerProcess again({"--appendonly", "yes", "--dir", dir.path()});
  RawClient c(again.port());
  CHECK(c.Exec({"DBSIZE"}).integer == keys);
}

int64_t ProcStatusKb(pid_t pid, std::string_view field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with(field)) return std::stoll(line.substr(field.size() + 1));
  }
  return -1;
}

TEST_CASE("RSS stays near maxmemory while writes go far past it") {
  // Under AddressSanitizer, freed memory waits in a quarantine before reuse: without one,
  // the process behaves as a normal build would.
  const char* asan = std::getenv("ASAN_OPTIONS");
  const std::string saved = asan ? asan : "";
  setenv("ASAN_OPTIONS", (saved + ":quarantine_size_mb=0").c_str(), 1);
  ServerProcess server({"--maxmemory", "32mb", "--maxmemory-policy", "allkeys-random"});
  setenv("ASAN_OPTIONS", saved.c_str(), 1);
  if (!asan) unsetenv("ASAN_OPTIONS");
  RawClient c(server.port());
  const int64_t base_kb = ProcStatusKb(server.pid(), "VmRSS:");
  REQUIRE(base_kb > 0);
  CHECK(Fill(c, "k", 128 * 1024, 1024) == 0);  // 128 MB of values, four times the limit
  CHECK(InfoInt(c, "stats", "evicted_keys") > 90000);
  CHECK(InfoInt(c, "memory", "used_memory") <= 34 * 1024 * 1024);
  const int64_t peak_kb = ProcStatusKb(server.pid(), "VmHWM:");
  MESSAGE("RSS baseline ", base_kb, " kB, peak ", peak_kb, " kB, maxmemory 32768 kB");
  // The data counts 32 MB; allocator overhead (and, under AddressSanitizer, its redzones and
  // shadow memory: about half again) come on top. Without eviction it would be 140 MB.
  CHECK(peak_kb - base_kb <= 64 * 1024);
}

}  // namespace
}  // namespace kvd::e2e
