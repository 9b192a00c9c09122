// The snapshot codec with hashes, lists, sets and sorted sets.
#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "core/byte_io.h"
#include "core/crc64.h"
#include "core/hash_value.h"
#include "core/list_value.h"
#include "core/set_value.h"
#include "core/snapshot.h"
#include "core/zset_value.h"
#include "keyspace_test_util.h"

namespace kvd {
namespace {

using namespace std::string_view_literals;
using testing::CheckAccounting;
using testing::kT0;

// Every key of a database as "key|type|encoding|ttl|elements...", sorted.
std::vector<std::string> Dump(Keyspace& ks) {
  std::vector<std::string> out;
  ks.ForEach(kT0, [&](const Record& r) {
    std::string line = std::string(r.key()) + "|" + std::string(TypeName(r.type())) + "|" +
                       std::string(ObjectEncodingName(r)) + "|" +
                       std::to_string(r.expire_at_ms());
    auto add = [&](std::string_view s) { (line += "|") += s; };
    switch (r.type()) {
      case ValueType::kString: add(r.string_value()); break;
      case ValueType::kHash: {
        std::map<std::string, std::string> sorted;
        static_cast<const HashValue*>(r.object())->ForEach(
            [&](std::string_view f, std::string_view v) { sorted[std::string(f)] = v; });
        for (const auto& [f, v] : sorted) add(f + "=" + v);
        break;
      }
      case ValueType::kList: static_cast<const ListValue*>(r.object())->ForEach(add); break;
      case ValueType::kSet: {
        std::vector<std::string> sorted;
        static_cast<const SetValue*>(r.object())->ForEach(
            [&](std::string_view m) { sorted.emplace_back(m); });
        std::sort(sorted.begin(), sorted.end());
        for (const std::string& m : sorted) add(m);
        break;
      }
      case ValueType::kZSet:
        static_cast<const ZSetValue*>(r.object())->ForEach([&](std::string_view m, double s) {
          add(std::string(m) + "@" + std::to_string(std::bit_cast<uint64_t>(s)));
        });
        break;
      case ValueType::kStream: break;  // the format has no streams
    }
    out.push_back(line);
  });
  std::sort(out.begin(), out.end());
  return out;
}

Store Sample() {
  Store s;
  for (const int n : {3, 600}) {
    const std::string suffix = std::to_string(n);
    for (int i = 0; i < n; ++i) {
      const std::string e = i % 3 ? "e\0" + std::to_string(i) : std::to_string(i - 5);
      s.Db(0).Write<HashValue>("h" + suffix, kT0, true)->Set(e, "v" + e);
      s.Db(0).Write<ListValue>("l" + suffix, kT0, true)->PushBack(e);
      s.Db(2).Write<SetValue>("s" + suffix, kT0, true)->Add(e);
      s.Db(2).Write<SetValue>("i" + suffix, kT0, true)->Add(std::to_string(i * 1000));
      s.Db(15).Write<ZSetValue>("z" + suffix, kT0, true)->Add(e, i % 7 == 0 ? 0.1 * i : i);
    }
  }
  s.Db(15).Write<ZSetValue>("zinf", kT0, true)->Add("a", -std::numeric_limits<double>::infinity());
  s.Db(15).Write<ZSetValue>("zinf", kT0, true)->Add("b", -0.0);
  s.Db(0).SetExpire("h600", kT0 + 1000, kT0);
  s.Db(2).SetExpire("s3", kT0 + 10, kT0);
  s.Db(0).Put("str", "plain");
  return s;
}

TEST_CASE("snapshot: every collection type round-trips with its encoding and TTL") {
  Store s = Sample();
  const std::string data = EncodeSnapshot(s, kT0);
  REQUIRE_FALSE(data.empty());
  Store into;
  const SnapshotError err = DecodeSnapshot(data, kT0, into);
  REQUIRE_MESSAGE(!err, err.message);
  for (const size_t db : {0u, 2u, 15u}) {
    CAPTURE(db);
    CHECK(Dump(into.Db(db)) == Dump(s.Db(db)));
    CheckAccounting(into.Db(db), kT0);
  }
  CHECK(into.Db(2).Read<SetValue>("i3", kT0)->EncodingName() == "intset");
  CHECK(into.Db(0).Read<ListValue>("l600", kT0)->EncodingName() == "listpack");
  CHECK(into.DataBytes() == s.DataBytes());
  // Loading after a TTL passed drops that key.
  Store later;
  REQUIRE_FALSE(DecodeSnapshot(data, kT0 + 11, later));
  CHECK_FALSE(later.Db(2).Contains("s3", kT0 + 11));
  CHECK(later.Db(2).Contains("s600", kT0 + 11));
  CheckAccounting(later.Db(2), kT0 + 11);
}

std::string Sealed(std::string body) {
  ByteWriter(body).U64(Crc64(0, body));
  return body;
}

// A snapshot of one entry of `type` whose value bytes the caller writes.
template <class F>
std::string OneEntry(uint8_t type, F&& value) {
  std::string b;
  ByteWriter w(b);
  w.Bytes(kSnapshotMagic);
  w.U8(kSnapshotVersion);
  w.U32(1);
  w.U32(0);
  w.U64(1);
  w.U8(type);
  w.I64(kNoExpiry);
  w.U32(1);
  w.Bytes("k");
  value(w);
  return Sealed(b);
}

TEST_CASE("snapshot: malformed collections are refused") {
  Store into;
  auto str = [](ByteWriter& w, std::string_view s) {
    w.U32(static_cast<uint32_t>(s.size()));
    w.Bytes(s);
  };
  CHECK(DecodeSnapshot(OneEntry(2, [](ByteWriter& w) { w.U64(0); }), kT0, into).message ==
        "empty collection at key 'k' in db 0");
  CHECK(DecodeSnapshot(OneEntry(2,
                                [&](ByteWriter& w) {
                                  w.U64(2);
                                  str(w, "a");
                                  str(w, "a");
                                }),
                       kT0, into)
            .message == "duplicate element in key 'k' in db 0");
  CHECK(DecodeSnapshot(OneEntry(3,
                                [&](ByteWriter& w) {
                                  w.U64(1);
                                  str(w, "a");
                                  w.U64(std::bit_cast<uint64_t>(std::nan("")));
                                }),
                       kT0, into)
            .message == "NaN score in key 'k' in db 0");
  CHECK(DecodeSnapshot(OneEntry(4,
                                [&](ByteWriter& w) {
                                  w.U64(UINT64_MAX);
                                  str(w, "f");
                                }),
                       kT0, into)
            .message.starts_with("snapshot truncated at offset "));
  const std::string ok = OneEntry(1, [&](ByteWriter& w) {
    w.U64(2);
    str(w, "x");
    str(w, "");
  });
  REQUIRE_FALSE(DecodeSnapshot(ok, kT0, into));
  CHECK(Dump(into.Db(0)) == std::vector<std::string>{"k|list|listpack|" +
                                                     std::to_string(kNoExpiry) + "|x|"});
  // Every truncation of a snapshot with collections fails cleanly.
  const std::string data = EncodeSnapshot(Sample(), kT0);
  for (size_t len = 0; len < data.size(); len += 1 + len / 64) {
    CAPTURE(len);
    Store fresh;
    CHECK(DecodeSnapshot(std::string_view(data).substr(0, len), kT0, fresh));
  }
}

}  // namespace
}  // namespace kvd
