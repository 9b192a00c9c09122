// MEMORY STATS and MEMORY DOCTOR against the real binary: Redis's field names and order in
// RESP2 and RESP3, figures that follow the data and agree with INFO memory, and DOCTOR's
// texts. The doctor's rules over given figures are in tests/unit/commands/memory_doctor_test.cpp.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

// Redis 7's top-level fields, in order; the db.N entries come right after functions.caches.
const std::vector<std::string> kHead = {
    "peak.allocated", "total.allocated", "startup.allocated", "replication.backlog",
    "clients.slaves", "clients.normal",  "cluster.links",     "aof.buffer",
    "lua.caches",     "functions.caches"};
const std::vector<std::string> kTail = {"overhead.total",
                                        "keys.count",
                                        "keys.bytes-per-key",
                                        "dataset.bytes",
                                        "dataset.percentage",
                                        "peak.percentage",
                                        "allocator.allocated",
                                        "allocator.active",
                                        "allocator.resident",
                                        "allocator-fragmentation.ratio",
                                        "allocator-fragmentation.bytes",
                                        "allocator-rss.ratio",
                                        "allocator-rss.bytes",
                                        "rss-overhead.ratio",
                                        "rss-overhead.bytes",
                                        "fragmentation",
                                        "fragmentation.bytes"};
const std::vector<std::string> kDoubles = {
    "dataset.percentage",  "peak.percentage",    "allocator-fragmentation.ratio",
    "allocator-rss.ratio", "rss-overhead.ratio", "fragmentation"};

const std::string kEmptyDoctor =
    "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be "
    "used in these conditions. Please, leave for your mission on Earth and fill it with some "
    "data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n";

// The map's keys (RESP3 map or RESP2 flat array) in order.
std::vector<std::string> Keys(const Reply& map) {
  std::vector<std::string> keys;
  for (size_t i = 0; i < map.elements.size(); i += 2) keys.push_back(map.elements[i].Text());
  return keys;
}

int64_t StatInt(const Reply& map, std::string_view field) {
  const Reply* v = map.Field(field);
  REQUIRE_MESSAGE(v != nullptr, field);
  REQUIRE_MESSAGE(v->type == ':', field);
  return v->integer;
}

double StatDouble(const Reply& map, std::string_view field) {
  const Reply* v = map.Field(field);
  REQUIRE_MESSAGE(v != nullptr, field);
  return std::strtod(v->str.c_str(), nullptr);
}

int64_t InfoMemory(RawClient& c, std::string_view field) {
  const std::string v = InfoField(c, "memory", field);
  REQUIRE_MESSAGE(!v.empty(), field);
  return std::stoll(v);
}

std::vector<std::string> Expected(const std::vector<std::string>& dbs) {
  std::vector<std::string> keys = kHead;
  keys.insert(keys.end(), dbs.begin(), dbs.end());
  keys.insert(keys.end(), kTail.begin(), kTail.end());
  return keys;
}

// Every field has its type: integers, and doubles as bulk strings (RESP2) or doubles (RESP3).
void CheckTypes(const Reply& stats, char double_type) {
  for (size_t i = 0; i + 1 < stats.elements.size(); i += 2) {
    const std::string key = stats.elements[i].Text();
    CAPTURE(key);
    const Reply& value = stats.elements[i + 1];
    if (key.rfind("db.", 0) == 0) continue;
    bool is_double = false;
    for (const std::string& d : kDoubles) is_double = is_double || d == key;
    CHECK(value.type == (is_double ? double_type : ':'));
  }
}

TEST_CASE("MEMORY STATS: Redis's fields in Redis's order, in RESP2 and RESP3") {
  ServerProcess server;
  RawClient c(server.port());
  const Reply resp2 = c.Exec({"MEMORY", "STATS"});
  REQUIRE(resp2.type == '*');
  CHECK(Keys(resp2) == Expected({}));
  CheckTypes(resp2, '$');
  CHECK(StatDouble(resp2, "peak.percentage") > 0);

  REQUIRE(c.Exec({"HELLO", "3"}).type == '%');
  const Reply resp3 = c.Exec({"MEMORY", "STATS"});
  REQUIRE(resp3.type == '%');
  CHECK(Keys(resp3) == Expected({}));
  CheckTypes(resp3, ',');
}

TEST_CASE("MEMORY STATS: keys.count and dataset.bytes follow the data") {
  ServerProcess server;
  RawClient c(server.port());
  const Reply before = c.Exec({"MEMORY", "STATS"});
  CHECK(StatInt(before, "keys.count") == 0);
  CHECK(StatInt(before, "keys.bytes-per-key") == 0);

  std::vector<std::string> mset = {"MSET"};
  for (int i = 0; i < 1000; ++i) {
    mset.push_back("key:" + std::to_string(i));
    mset.push_back(std::string(100, 'v'));
  }
  CHECK(c.Call(mset) == kOk);
  const Reply after = c.Exec({"MEMORY", "STATS"});
  CHECK(StatInt(after, "keys.count") == 1000);
  CHECK(StatInt(after, "dataset.bytes") >= StatInt(before, "dataset.bytes") + 1000 * 100);
  CHECK(StatInt(after, "keys.bytes-per-key") >= 100);
  CHECK(StatInt(after, "total.allocated") > StatInt(before, "total.allocated") + 1000 * 100);
  // The dataset is what the overhead leaves of the total.
  CHECK(StatInt(after, "overhead.total") + StatInt(after, "dataset.bytes") ==
        StatInt(after, "total.allocated"));
  CHECK(StatDouble(after, "dataset.percentage") > 0);
  CHECK(StatDouble(after, "dataset.percentage") <= 100);

  CHECK(c.Call({"FLUSHALL"}) == kOk);
  const Reply flushed = c.Exec({"MEMORY", "STATS"});
  CHECK(StatInt(flushed, "keys.count") == 0);
  CHECK(StatInt(flushed, "dataset.bytes") < StatInt(after, "dataset.bytes") - 1000 * 100);
  // The peak stays (Redis samples it in its cron, so only kvd's is exact here).
  if (TestingKvd()) CHECK(StatInt(flushed, "peak.allocated") >= StatInt(after, "total.allocated"));
}

TEST_CASE("MEMORY STATS agrees with INFO memory") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"SET", "k", std::string(200 * 1024, 'v')}) == kOk);
  const int64_t used_before = InfoMemory(c, "used_memory");
  const Reply stats = c.Exec({"MEMORY", "STATS"});
  const int64_t used_after = InfoMemory(c, "used_memory");
  // The commands' own buffers are all that may differ between the measurements: a few bytes
  // of query buffer in kvd; Redis also keeps the INFO reply's allocations a while.
  const int64_t kSlack = TestingKvd() ? 256 : 64 * 1024;
  const int64_t total = StatInt(stats, "total.allocated");
  CHECK(StatInt(stats, "dataset.bytes") >= 200 * 1024);
  CHECK(total >= std::min(used_before, used_after) - kSlack);
  CHECK(total <= std::max(used_before, used_after) + kSlack);
  CHECK(StatInt(stats, "startup.allocated") == InfoMemory(c, "used_memory_startup"));
  CHECK(std::abs(StatInt(stats, "overhead.total") - InfoMemory(c, "used_memory_overhead")) <=
        kSlack);
  CHECK(std::abs(StatInt(stats, "dataset.bytes") - InfoMemory(c, "used_memory_dataset")) <= kSlack);
  CHECK(StatInt(stats, "replication.backlog") == InfoMemory(c, "mem_replication_backlog"));
  CHECK(StatInt(stats, "aof.buffer") == InfoMemory(c, "mem_aof_buffer"));
  CHECK(StatInt(stats, "clients.slaves") == InfoMemory(c, "mem_clients_slaves"));
  if (TestingKvd()) {
    // kvd measures the peak as it counts; Redis samples it, so its peak may lag the total.
    CHECK(StatInt(stats, "peak.allocated") >= total);
    CHECK(StatInt(stats, "peak.allocated") <= InfoMemory(c, "used_memory_peak"));
    // Every connected client counts: at least this one's state.
    CHECK(StatInt(stats, "clients.normal") > 0);
  }
}

TEST_CASE("MEMORY STATS: a db.N entry for each non-empty database") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"SET", "a", "1"}) == kOk);
  CHECK(c.Call({"SELECT", "5"}) == kOk);
  CHECK(c.Call({"SET", "b", "2", "EX", "1000"}) == kOk);
  CHECK(c.Call({"SET", "c", "3"}) == kOk);
  for (const char* protocol : {"2", "3"}) {
    CAPTURE(protocol);
    REQUIRE(c.Exec({"HELLO", protocol}).type != '-');
    const Reply stats = c.Exec({"MEMORY", "STATS"});
    CHECK(Keys(stats) == Expected({"db.0", "db.5"}));
    CHECK(StatInt(stats, "keys.count") == 3);
    const Reply* db0 = stats.Field("db.0");
    const Reply* db5 = stats.Field("db.5");
    REQUIRE(db0 != nullptr);
    REQUIRE(db5 != nullptr);
    CHECK(db0->type == (protocol[0] == '3' ? '%' : '*'));
    const std::vector<std::string> nested = {"overhead.hashtable.main",
                                             "overhead.hashtable.expires"};
    for (const Reply* db : {db0, db5}) {
      std::vector<std::string> keys = Keys(*db);
      // Redis 7.0 adds overhead.hashtable.slot-to-keys; 7.2 dropped it.
      if (!Expects72() && keys.size() == 3) keys.pop_back();
      CHECK(keys == nested);
      CHECK(StatInt(*db, "overhead.hashtable.main") > 0);
    }
    CHECK(StatInt(*db0, "overhead.hashtable.expires") == 0);  // no key with a TTL there
    CHECK(StatInt(*db5, "overhead.hashtable.expires") > 0);
  }
  CHECK(c.Call({"FLUSHDB"}) == kOk);  // db 5
  CHECK(Keys(c.Exec({"MEMORY", "STATS"})) == Expected({"db.0"}));
}

TEST_CASE("MEMORY DOCTOR: the empty instance's text, as bulk (RESP2) and verbatim (RESP3)") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"MEMORY", "DOCTOR"}) == Bulk(kEmptyDoctor));
  REQUIRE(c.Exec({"HELLO", "3"}).type == '%');
  const Reply verbatim = c.Exec({"MEMORY", "DOCTOR"});
  CHECK(verbatim.type == '=');
  CHECK(verbatim.raw ==
        "=" + std::to_string(kEmptyDoctor.size() + 4) + "\r\ntxt:" + kEmptyDoctor + "\r\n");
}

TEST_CASE("MEMORY DOCTOR past 5 MB runs its checks") {
  ServerProcess server;
  RawClient c(server.port());
  const std::string value(100 * 1024, 'v');
  for (int i = 0; i < 60; ++i) CHECK(c.Call({"SET", "big:" + std::to_string(i), value}) == kOk);
  REQUIRE(StatInt(c.Exec({"MEMORY", "STATS"}), "total.allocated") > 5 * 1024 * 1024);
  const std::string report = c.Exec({"MEMORY", "DOCTOR"}).Text();
  CAPTURE(report);
  const bool healthy = report ==
                       "Hi Sam, I can't find any memory issue in your instance. I can only "
                       "account for what occurs on this base.\n";
  const bool issues =
      report.rfind("Sam, I detected a few issues in this Redis instance memory implants:\n\n * ",
                   0) == 0 &&
      report.ends_with("\n\nI'm here to keep you safe, Sam. I want to help you.\n");
  CHECK((healthy || issues));
}

TEST_CASE("MEMORY STATS and DOCTOR: arity, unknown subcommand, HELP") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"MEMORY", "STATS", "x"}) == ArityErr("memory|stats"));
  CHECK(c.Call({"MEMORY", "DOCTOR", "x"}) == ArityErr("memory|doctor"));
  CHECK(c.Call({"MEMORY"}) == ArityErr("memory"));
  CHECK(c.Call({"MEMORY", "Nope"}) == Err("ERR unknown subcommand 'Nope'. Try MEMORY HELP."));
  const Reply help = c.Exec({"MEMORY", "HELP"});
  std::vector<std::string> lines;
  for (const Reply& line : help.elements) lines.push_back(line.Text());
  CHECK(lines == std::vector<std::string>{
                     "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", "DOCTOR",
                     "    Return memory problems reports.", "MALLOC-STATS",
                     "    Return internal statistics report from the memory allocator.", "PURGE",
                     "    Attempt to purge dirty pages for reclamation by the allocator.", "STATS",
                     "    Return information about the memory usage of the server.",
                     "USAGE <key> [SAMPLES <count>]",
                     "    Return memory in bytes used by <key> and its value. Nested values are",
                     "    sampled up to <count> times (default: 5, 0 means sample all).", "HELP",
                     "    Prints this help."});
}

}  // namespace
}  // namespace kvd::e2e
