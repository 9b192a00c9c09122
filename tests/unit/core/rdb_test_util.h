#pragma once
// Helpers shared by the RDB tests.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "core/crc64.h"
#include "core/rdb_reader.h"
#include "core/rdb_writer.h"
#include "core/record.h"
#include "core/store.h"

namespace kvd::rdb_test {

inline constexpr int64_t kNow = 1'700'000'000'000;

inline void Set(Store& s, size_t db, std::string_view k, std::string_view v,
                int64_t expire_at_ms = kNoExpiry) {
  s.Db(db).SetString(k, v, expire_at_ms, TtlMode::kClear, kNow);
}

// Every live entry of every database as "db|key|value|expiry" lines, sorted.
inline std::vector<std::string> Dump(const Store& s, int64_t now_ms) {
  std::vector<std::string> out;
  for (size_t db = 0; db < s.DatabaseCount(); ++db) {
    s.Db(db).ForEach(now_ms, [&](const Record& r) {
      out.push_back(std::to_string(db) + "|" + std::string(r.key()) + "|" +
                    std::string(r.string_value()) + "|" + std::to_string(r.expire_at_ms()));
    });
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A store whose contents a failed load must leave alone.
inline Store Sentinel() {
  Store s;
  Set(s, 2, "sentinel", "still here");
  return s;
}

inline void CheckUntouched(Store& s) {
  CHECK(Dump(s, kNow) == std::vector<std::string>{"2|sentinel|still here|" +
                                                  std::to_string(kNoExpiry)});
}

// An RDB file around `body` (what follows the header, up to EOF exclusive), with a
// correct checksum.
inline std::string Craft(std::string_view body, std::string_view version = "0009") {
  std::string out = "REDIS" + std::string(version) + std::string(body) + "\xff";
  const uint64_t crc = Crc64(0, out);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(crc >> (8 * i)));
  return out;
}

inline std::string ReadFixture(std::string_view name) {
  const std::string path = std::string(KVD_FIXTURES_DIR) + "/" + std::string(name);
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "missing fixture " << path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// LoadRdb into a sentinel store: the error, and a check that a failure left it alone.
inline std::string LoadError(std::string_view data, int64_t now_ms = kNow) {
  Store s = Sentinel();
  std::string err = LoadRdb(data, now_ms, s);
  if (!err.empty()) CheckUntouched(s);
  return err;
}

}  // namespace kvd::rdb_test
