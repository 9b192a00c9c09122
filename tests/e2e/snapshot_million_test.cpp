// A snapshot round trip at scale: a million keys (strings with and without a TTL, integer
// strings, and hashes, lists, sets and sorted sets with and without one) go through SAVE and
// a restart, and every key, value and expiry time comes back; keys whose TTL passed while
// the server was down are dropped at load and counted as Redis counts them
// (rdb_last_load_keys_expired, not expired_keys). The count is KVD_E2E_SNAPSHOT_KEYS
// (default 1000000).
#include <signal.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <doctest/doctest.h>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

constexpr size_t kDefaultKeys = 1'000'000;
constexpr size_t kChunk = 10'000;  // commands per pipelined round
// Every value is read back; the expiry time of every kTtlStride-th string key (odd: both
// kinds) and of every collection. INFO keyspace counts the keys with a TTL.
constexpr size_t kTtlStride = 7;

size_t KeyCount() {
  const char* env = std::getenv("KVD_E2E_SNAPSHOT_KEYS");
  if (env == nullptr || *env == '\0') return kDefaultKeys;
  return std::max<size_t>(std::strtoull(env, nullptr, 10), 100);
}

int64_t WallMs() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t{ts.tv_sec} * 1000 + ts.tv_nsec / 1000000;
}

void AppendArg(std::string& out, std::string_view arg) {
  out += '$';
  out += std::to_string(arg.size());
  out += "\r\n";
  out.append(arg);
  out += "\r\n";
}

void AppendCommand(std::string& out, std::initializer_list<std::string_view> args) {
  out += '*';
  out += std::to_string(args.size());
  out += "\r\n";
  for (std::string_view a : args) AppendArg(out, a);
}

// Sends `count` commands built by `build` in pipelined chunks and hands each reply, in
// order, to `check`.
void Pipelined(RawClient& c, size_t count, const std::function<void(size_t, std::string&)>& build,
               const std::function<void(size_t, const Reply&)>& check) {
  std::string out;
  for (size_t start = 0; start < count; start += kChunk) {
    const size_t end = std::min(count, start + kChunk);
    out.clear();
    for (size_t i = start; i < end; ++i) build(i, out);
    c.Send(out);
    for (size_t i = start; i < end; ++i) check(i, c.ReadReply());
  }
}

uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char ch : s) {
    h ^= ch;
    h *= 1099511628211ull;
  }
  return h;
}

// The dataset, as a function of the key number: what is written and what must come back.
struct Dataset {
  size_t strings = 0;      // s:<i>
  size_t collections = 0;  // h:<j>, l:<j>, set:<j>, z:<j> each
  size_t short_lived = 0;  // x:<j>: expire while the server is down
  int64_t base_ms = 0;     // expiry times are absolute, from here

  static std::string Key(std::string_view prefix, size_t i) {
    return std::string(prefix) + std::to_string(i);
  }
  static std::string StringValue(size_t i) {
    if (i % 7 == 0) return std::to_string(i * 13);  // stored as an integer
    std::string v = "v" + std::to_string(i);
    if (i % 5 == 0) v.append(40, 'x');
    return v;
  }
  int64_t StringExpire(size_t i) const {
    return i % 2 == 0 ? base_ms + 3'600'000 + static_cast<int64_t>(i * 7919 % 86'400'000) : -1;
  }
  int64_t CollectionExpire(size_t j) const {
    return j % 2 == 0 ? base_ms + 7'200'000 + static_cast<int64_t>(j) * 1000 : -1;
  }
  size_t total() const { return strings + 4 * collections; }
  size_t with_ttl() const { return (strings + 1) / 2 + 4 * ((collections + 1) / 2); }
};

// Every key name the dataset holds after the restart, hashed and summed: SCAN must find the
// same sum and count.
uint64_t ExpectedKeyDigest(const Dataset& d) {
  uint64_t sum = 0;
  for (size_t i = 0; i < d.strings; ++i) sum += Fnv1a(Dataset::Key("s:", i));
  for (size_t j = 0; j < d.collections; ++j) {
    for (std::string_view p : {"h:", "l:", "set:", "z:"}) sum += Fnv1a(Dataset::Key(p, j));
  }
  return sum;
}

void Populate(RawClient& c, const Dataset& d) {
  // The even keys, with a TTL: SET ... PXAT each.
  Pipelined(
      c, (d.strings + 1) / 2,
      [&](size_t n, std::string& out) {
        const size_t i = 2 * n;
        AppendCommand(out, {"SET", Dataset::Key("s:", i), Dataset::StringValue(i), "PXAT",
                            std::to_string(d.StringExpire(i))});
      },
      [](size_t, const Reply& r) { REQUIRE(r.raw == kOk); });
  // The odd ones, without: MSET, kPerMset at a time.
  constexpr size_t kPerMset = 500;
  const size_t odd = d.strings / 2;
  Pipelined(
      c, (odd + kPerMset - 1) / kPerMset,
      [&](size_t r, std::string& out) {
        const size_t end = std::min(odd, (r + 1) * kPerMset);
        out += '*';
        out += std::to_string(2 * (end - r * kPerMset) + 1);
        out += "\r\n";
        AppendArg(out, "MSET");
        for (size_t n = r * kPerMset; n < end; ++n) {
          AppendArg(out, Dataset::Key("s:", 2 * n + 1));
          AppendArg(out, Dataset::StringValue(2 * n + 1));
        }
      },
      [](size_t, const Reply& r) { REQUIRE(r.raw == kOk); });
  // Four commands per collection number: one of each type (then the TTLs).
  Pipelined(
      c, d.collections * 4,
      [&](size_t n, std::string& out) {
        const size_t j = n / 4;
        const std::string js = std::to_string(j);
        switch (n % 4) {
          case 0:
            AppendCommand(out, {"HSET", Dataset::Key("h:", j), "f1", js, "f2", "x" + js, "f3",
                                std::string(70, 'h')});  // past the listpack value limit
            break;
          case 1:
            AppendCommand(out, {"RPUSH", Dataset::Key("l:", j), "a", js, "c", "d"});
            break;
          case 2:
            AppendCommand(out, {"SADD", Dataset::Key("set:", j), js, "m", std::to_string(j + 1)});
            break;
          case 3:
            AppendCommand(out, {"ZADD", Dataset::Key("z:", j), "1.5", "a", js, "b", "-2", "c"});
            break;
        }
      },
      [](size_t, const Reply& r) { REQUIRE(r.type == ':'); });
  Pipelined(
      c, d.collections * 4,
      [&](size_t n, std::string& out) {
        const size_t j = n / 4;
        static constexpr std::string_view kPrefixes[] = {"h:", "l:", "set:", "z:"};
        const int64_t at = d.CollectionExpire(j);
        // PERSIST on a key without a TTL keeps the command count uniform.
        if (at < 0) {
          AppendCommand(out, {"PERSIST", Dataset::Key(kPrefixes[n % 4], j)});
        } else {
          AppendCommand(out, {"PEXPIREAT", Dataset::Key(kPrefixes[n % 4], j), std::to_string(at)});
        }
      },
      [&](size_t n, const Reply& r) {
        REQUIRE(r.raw == Int(d.CollectionExpire(n / 4) < 0 ? 0 : 1));
      });
}

void CheckStrings(RawClient& c, const Dataset& d) {
  constexpr size_t kPerMget = 500;
  const size_t rounds = (d.strings + kPerMget - 1) / kPerMget;
  size_t mismatches = 0;
  Pipelined(
      c, rounds,
      [&](size_t r, std::string& out) {
        const size_t end = std::min(d.strings, (r + 1) * kPerMget);
        out += '*';
        out += std::to_string(end - r * kPerMget + 1);
        out += "\r\n";
        AppendArg(out, "MGET");
        for (size_t i = r * kPerMget; i < end; ++i) AppendArg(out, Dataset::Key("s:", i));
      },
      [&](size_t r, const Reply& reply) {
        for (size_t k = 0; k < reply.elements.size(); ++k) {
          if (reply.elements[k].str != Dataset::StringValue(r * kPerMget + k)) ++mismatches;
        }
      });
  CHECK(mismatches == 0);
  // The expiry times of a sample (every kTtlStride-th key, odd and even), exactly.
  mismatches = 0;
  Pipelined(
      c, (d.strings + kTtlStride - 1) / kTtlStride,
      [&](size_t n, std::string& out) {
        AppendCommand(out, {"PEXPIRETIME", Dataset::Key("s:", n * kTtlStride)});
      },
      [&](size_t n, const Reply& r) {
        if (r.type != ':' || r.integer != d.StringExpire(n * kTtlStride)) ++mismatches;
      });
  CHECK(mismatches == 0);
}

void CheckCollections(RawClient& c, const Dataset& d) {
  static constexpr std::string_view kPrefixes[] = {"h:", "l:", "set:", "z:"};
  size_t mismatches = 0;
  Pipelined(
      c, d.collections * 8,
      [&](size_t n, std::string& out) {
        const size_t j = n / 8;
        const std::string key = Dataset::Key(kPrefixes[(n % 8) / 2], j);
        if (n % 2 == 1) return AppendCommand(out, {"PEXPIRETIME", key});
        switch ((n % 8) / 2) {
          case 0: return AppendCommand(out, {"HGETALL", key});
          case 1: return AppendCommand(out, {"LRANGE", key, "0", "-1"});
          case 2: return AppendCommand(out, {"SMEMBERS", key});
          default: return AppendCommand(out, {"ZRANGE", key, "0", "-1", "WITHSCORES"});
        }
      },
      [&](size_t n, const Reply& r) {
        const size_t j = n / 8;
        const std::string js = std::to_string(j);
        if (n % 2 == 1) {
          if (r.integer != d.CollectionExpire(j)) ++mismatches;
          return;
        }
        std::vector<std::string> got;
        for (const Reply& e : r.elements) got.push_back(e.str);
        std::vector<std::string> want;
        switch ((n % 8) / 2) {
          case 0: {
            // Field order is the encoding's business: compare as pairs.
            std::vector<std::pair<std::string, std::string>> pairs;
            for (size_t k = 0; k + 1 < got.size(); k += 2) pairs.emplace_back(got[k], got[k + 1]);
            std::sort(pairs.begin(), pairs.end());
            got.clear();
            for (auto& [f, v] : pairs) got.insert(got.end(), {f, v});
            want = {"f1", js, "f2", "x" + js, "f3", std::string(70, 'h')};
            break;
          }
          case 1: want = {"a", js, "c", "d"}; break;
          case 2:
            want = {js, "m", std::to_string(j + 1)};
            std::sort(got.begin(), got.end());
            std::sort(want.begin(), want.end());
            break;
          default: {
            // Scores -2, 1.5 and j: j sorts among them by value.
            std::vector<std::pair<double, std::string>> z = {
                {-2, "c"}, {1.5, "a"}, {static_cast<double>(j), "b"}};
            std::sort(z.begin(), z.end());
            for (auto& [score, member] : z) {
              want.push_back(member);
              want.push_back(score == 1.5 ? "1.5" : std::to_string(static_cast<int64_t>(score)));
            }
          }
        }
        if (got != want) ++mismatches;
      });
  CHECK(mismatches == 0);
}

TEST_CASE("snapshot round trip: a million keys with TTLs through SAVE and a restart") {
  const auto test_start = Clock::now();
  const size_t n = KeyCount();
  Dataset d;
  d.collections = std::max<size_t>(n / 1000, 1);
  d.strings = n - 4 * d.collections;
  d.short_lived = std::max<size_t>(n / 1000, 1);
  d.base_ms = WallMs();
  TempDir dir;
  int64_t short_expire_ms = 0;
  double populate_s = 0, save_s = 0;
  {
    ServerProcess server({"--dir", dir.path()});
    RawClient c(server.port(), 120s);
    auto t = Clock::now();
    Populate(c, d);
    populate_s = std::chrono::duration<double>(Clock::now() - t).count();
    // Keys that must outlive SAVE, then expire before the restart. Their TTL covers the
    // time the save of everything else takes (measured, with a wide margin).
    t = Clock::now();
    REQUIRE(c.Call({"SAVE"}) == kOk);
    save_s = std::chrono::duration<double>(Clock::now() - t).count();
    short_expire_ms = WallMs() + static_cast<int64_t>(save_s * 3000) + 1000;
    Pipelined(
        c, d.short_lived,
        [&](size_t j, std::string& out) {
          AppendCommand(out, {"SET", Dataset::Key("x:", j), "short", "PXAT",
                              std::to_string(short_expire_ms)});
        },
        [](size_t, const Reply& r) { REQUIRE(r.raw == kOk); });
    REQUIRE(c.Call({"SAVE"}) == kOk);
    // Still alive after SAVE returned, so alive when it started: they are in the file.
    Reply ttl = c.Exec({"PTTL", Dataset::Key("x:", d.short_lived - 1)});
    REQUIRE(ttl.integer > 0);
    CHECK(c.Call({"DBSIZE"}) == Int(static_cast<int64_t>(d.total() + d.short_lived)));
    CHECK(server.Stop(SIGTERM).code == 0);  // save "" (the harness): no save at exit
  }
  // The short-lived keys expire while the server is down.
  REQUIRE(WaitFor([&] { return WallMs() > short_expire_ms + 50; }, 60s));

  ServerProcess server({"--dir", dir.path()}, {.wait = ServerWait::kReady});
  RawClient c(server.port(), 120s);
  const auto load_start = Clock::now();
  REQUIRE(WaitLoaded(c, 120s));
  const double load_s = std::chrono::duration<double>(Clock::now() - load_start).count();

  CHECK(c.Call({"DBSIZE"}) == Int(static_cast<int64_t>(d.total())));
  const std::string keyspace = c.Exec({"INFO", "keyspace"}).str;
  CHECK(Contains(keyspace, "db0:keys=" + std::to_string(d.total()) +
                               ",expires=" + std::to_string(d.with_ttl()) + ","));
  const std::string persistence = c.Exec({"INFO", "persistence"}).str;
  CHECK(InfoField(persistence, "rdb_last_load_keys_loaded") == std::to_string(d.total()));
  CHECK(InfoField(persistence, "rdb_last_load_keys_expired") == std::to_string(d.short_lived));
  // Dropped at load, not expired: Redis does not count them in expired_keys.
  CHECK(InfoField(c.Exec({"INFO", "stats"}).str, "expired_keys") == "0");
  size_t short_left = 0;
  Pipelined(
      c, d.short_lived,
      [&](size_t j, std::string& out) { AppendCommand(out, {"EXISTS", Dataset::Key("x:", j)}); },
      [&](size_t, const Reply& r) { short_left += static_cast<size_t>(r.integer); });
  CHECK(short_left == 0);

  // Every key name, through SCAN: the same count and the same digest.
  uint64_t digest = 0;
  size_t scanned = 0;
  std::string cursor = "0";
  do {
    Reply r = c.Exec({"SCAN", cursor, "COUNT", "10000"});
    REQUIRE(r.elements.size() == 2);
    cursor = r.elements[0].str;
    for (const Reply& k : r.elements[1].elements) {
      digest += Fnv1a(k.str);
      ++scanned;
    }
  } while (cursor != "0");
  CHECK(scanned == d.total());
  CHECK(digest == ExpectedKeyDigest(d));

  // Every value and expiry time.
  CheckStrings(c, d);
  CheckCollections(c, d);
  MESSAGE("snapshot round trip of ", n, " keys: populate ", populate_s, " s, SAVE ", save_s,
          " s, load ", load_s, " s, whole test ",
          std::chrono::duration<double>(Clock::now() - test_start).count(), " s");
}

}  // namespace
}  // namespace kvd::e2e
