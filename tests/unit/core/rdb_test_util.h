#pragma once
// Helpers shared by the RDB tests.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/crc64.h"
#include "core/hash_value.h"
#include "core/list_value.h"
#include "core/rdb_reader.h"
#include "core/rdb_writer.h"
#include "core/record.h"
#include "core/set_value.h"
#include "core/store.h"
#include "core/stream_value.h"
#include "core/zset_value.h"

namespace kvd::rdb_test {

inline constexpr int64_t kNow = 1'700'000'000'000;

inline void Set(Store& s, size_t db, std::string_view k, std::string_view v,
                int64_t expire_at_ms = kNoExpiry) {
  s.Db(db).SetString(k, v, expire_at_ms, TtlMode::kClear, kNow);
}

// A stream as text: its counters, entries (id:field=value...), then each group with its
// pending entries and consumers.
inline void DescribeStream(const StreamValue& s, std::vector<std::string>& parts) {
  parts.push_back("last=" + s.last_id().ToString() + " added=" +
                  std::to_string(s.entries_added()) + " maxdel=" + s.max_deleted_id().ToString());
  s.Range({}, StreamId::Max(), false, 0, [&](const StreamValue::Entry& e) {
    std::string entry = e.id().ToString() + ":";
    e.ForEachPair([&](const Elem& f, const Elem& v) { entry += f.str() + "=" + v.str() + ";"; });
    parts.push_back(entry);
    return true;
  });
  for (const auto& [name, g] : s.groups()) {
    parts.push_back("group " + std::string(name) + " last=" + g.last_id.ToString() +
                    " read=" + std::to_string(g.entries_read));
    for (const auto& [id, p] : g.pel) {
      parts.push_back(" pel " + id.ToString() + " " + std::string(p.consumer->name) + " t=" +
                      std::to_string(p.delivery_time) + " n=" +
                      std::to_string(p.delivery_count));
    }
    for (const auto& [cname, c] : g.consumers) {
      parts.push_back(" consumer " + std::string(cname) + " seen=" +
                      std::to_string(c.seen_time) + " pending=" +
                      std::to_string(c.pending.size()));
    }
  }
}

// A value as text: a string as is; a collection as its type and elements, in order for a
// list or a sorted set (member=score), sorted for a set or a hash (field=value).
inline std::string Describe(const Record& r) {
  std::vector<std::string> parts;
  bool sort = true;
  switch (r.type()) {
    case ValueType::kString:
      return std::string(r.string_value());
    case ValueType::kList:
      sort = false;
      static_cast<const ListValue*>(r.object())->ForEach(
          [&](std::string_view e) { parts.emplace_back(e); });
      break;
    case ValueType::kSet:
      static_cast<const SetValue*>(r.object())->ForEach(
          [&](std::string_view e) { parts.emplace_back(e); });
      break;
    case ValueType::kZSet:
      sort = false;
      static_cast<const ZSetValue*>(r.object())->ForEach([&](std::string_view m, double score) {
        char t[32];
        std::snprintf(t, sizeof t, "%.17g", score);
        parts.push_back(std::string(m) + "=" + t);
      });
      break;
    case ValueType::kHash:
      static_cast<const HashValue*>(r.object())->ForEach(
          [&](std::string_view f, std::string_view v) {
            parts.push_back(std::string(f) + "=" + std::string(v));
          });
      break;
    case ValueType::kStream:
      sort = false;
      DescribeStream(*static_cast<const StreamValue*>(r.object()), parts);
      break;
  }
  if (sort) std::sort(parts.begin(), parts.end());
  std::string out = std::string(TypeName(r.type())) + "[";
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? "," : "") + parts[i];
  return out + "]";
}

// Every live entry of every database as "db|key|value|expiry" lines, sorted.
inline std::vector<std::string> Dump(const Store& s, int64_t now_ms) {
  std::vector<std::string> out;
  for (size_t db = 0; db < s.DatabaseCount(); ++db) {
    s.Db(db).ForEach(now_ms, [&](const Record& r) {
      out.push_back(std::to_string(db) + "|" + std::string(r.key()) + "|" + Describe(r) + "|" +
                    std::to_string(r.expire_at_ms()));
    });
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Collections built through the values' own API.
inline void List(Store& s, size_t db, std::string_view key, const std::vector<std::string>& items,
                 int64_t expire_at_ms = kNoExpiry) {
  auto v = ListValue::Create();
  for (const std::string& e : items) v->PushBack(e);
  s.Db(db).StoreCollection(key, std::move(v), expire_at_ms, kNow);
}
inline void SetOf(Store& s, size_t db, std::string_view key,
                  const std::vector<std::string>& members, int64_t expire_at_ms = kNoExpiry) {
  auto v = SetValue::Create();
  for (const std::string& m : members) v->Add(m);
  s.Db(db).StoreCollection(key, std::move(v), expire_at_ms, kNow);
}
inline void ZSet(Store& s, size_t db, std::string_view key,
                 const std::vector<std::pair<std::string, double>>& members,
                 int64_t expire_at_ms = kNoExpiry) {
  auto v = ZSetValue::Create();
  for (const auto& [m, score] : members) v->Add(m, score);
  s.Db(db).StoreCollection(key, std::move(v), expire_at_ms, kNow);
}
inline void Hash(Store& s, size_t db, std::string_view key,
                 const std::vector<std::pair<std::string, std::string>>& fields,
                 int64_t expire_at_ms = kNoExpiry) {
  auto v = HashValue::Create();
  for (const auto& [f, value] : fields) v->Set(f, value);
  s.Db(db).StoreCollection(key, std::move(v), expire_at_ms, kNow);
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
