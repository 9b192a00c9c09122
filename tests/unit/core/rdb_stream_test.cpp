// Streams in RDB files: redis7_streams.rdb, written by the real redis-server 7.0
// (make_redis_fixtures.py, streams()), loads with every entry, counter, group, consumer and
// pending entry; kvd's own files (STREAM_LISTPACKS_2) load back the same; damage is refused.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/rdb_format.h"
#include "core/stream_value.h"
#include "rdb_test_util.h"

namespace kvd {
namespace {

using rdb_test::kNow;
using rdb_test::ReadFixture;

std::vector<std::string> Entries(const StreamValue& s) {
  std::vector<std::string> out;
  s.Range({}, StreamId::Max(), false, 0, [&](const StreamValue::Entry& e) {
    std::string line = e.id().ToString() + ":";
    e.ForEachPair([&](const Elem& f, const Elem& v) { line += f.str() + "=" + v.str() + ";"; });
    out.push_back(line);
    return true;
  });
  return out;
}

const StreamValue& StreamAt(Store& s, std::string_view key) {
  const StreamValue* v = s.Db(0).Read<StreamValue>(key, kNow);
  REQUIRE(v != nullptr);
  return *v;
}

// What streams() in make_redis_fixtures.py made, checked on a loaded store.
void CheckFixtureContents(Store& store) {
  const StreamValue& s = StreamAt(store, "s");
  std::vector<std::string> expected;
  for (int i : {1, 3, 4, 10}) {
    const std::string id = std::to_string(1000 + i) + "-" + std::to_string(i);
    if (i % 3 == 0) {
      expected.push_back(id + ":other=" + std::string(i * 10, 'x') + ";n=" +
                         std::to_string(-i * 1000) + ";");
    } else {
      expected.push_back(id + ":f=" + std::to_string(i) + ";g=v" + std::to_string(i) + ";");
    }
  }
  CHECK(Entries(s) == expected);
  CHECK(s.size() == 4);
  CHECK(s.last_id() == StreamId{1010, 10});
  CHECK(s.first_id() == StreamId{1001, 1});
  CHECK(s.max_deleted_id() == StreamId{1009, 9});
  CHECK(s.entries_added() == 10);
  REQUIRE(s.groups().size() == 2);
  const StreamGroup* g0 = s.FindGroup("g0");
  REQUIRE(g0 != nullptr);
  CHECK(g0->last_id == StreamId{1004, 4});
  CHECK(g0->pel.empty());
  const StreamGroup* g1 = s.FindGroup("g1");
  REQUIRE(g1 != nullptr);
  CHECK(g1->last_id == StreamId{1004, 4});
  // Unknown (-1): Redis could not count past the tombstone of 1009-9 when reading.
  CHECK(g1->entries_read == -1);
  REQUIRE(g1->pel.size() == 3);
  const std::vector<std::pair<StreamId, std::string>> owners = {
      {{1001, 1}, "alice"}, {{1003, 3}, "alice"}, {{1004, 4}, "bob"}};
  for (const auto& [id, owner] : owners) {
    const auto it = g1->pel.find(id);
    REQUIRE(it != g1->pel.end());
    CHECK(it->second.consumer->name == owner);
    CHECK(it->second.delivery_count == 1);
    CHECK(it->second.delivery_time > 0);
  }
  REQUIRE(g1->consumers.size() == 3);
  CHECK(g1->consumers.find("alice")->second.pending.size() == 2);
  CHECK(g1->consumers.find("bob")->second.pending.size() == 1);
  CHECK(g1->consumers.find("idle")->second.pending.empty());

  const StreamValue& emptied = StreamAt(store, "emptied");
  CHECK(emptied.size() == 0);
  CHECK(emptied.last_id() == StreamId{5, 1});
  CHECK(emptied.max_deleted_id() == StreamId{5, 1});
  CHECK(emptied.entries_added() == 1);
  const StreamValue& made = StreamAt(store, "made");
  CHECK(made.size() == 0);
  CHECK(made.last_id() == StreamId{});
  CHECK(made.FindGroup("g") != nullptr);
}

TEST_CASE("redis fixture: streams Redis 7.0 writes load with their groups") {
  const std::string file = ReadFixture("redis7_streams.rdb");
  const auto has = [&](uint8_t type, std::string_view key) {
    const std::string entry = std::string{static_cast<char>(type), static_cast<char>(key.size())};
    return file.find(entry + std::string(key)) != std::string::npos;
  };
  CHECK(has(rdb::kTypeStreamListpacks2, "s"));
  CHECK(has(rdb::kTypeStreamListpacks2, "made"));
  Store s;
  RdbLoadInfo info;
  REQUIRE(LoadRdb(file, kNow, s, &info) == "");
  CHECK(info.keys_loaded == 3);
  CheckFixtureContents(s);
}

TEST_CASE("rdb: streams saved by kvd load back the same, in any chunk size") {
  Store s;
  REQUIRE(LoadRdb(ReadFixture("redis7_streams.rdb"), kNow, s) == "");
  const std::string file = EncodeRdb(s, kNow, {});
  REQUIRE_FALSE(file.empty());
  Store again;
  REQUIRE(LoadRdb(file, kNow, again) == "");
  CheckFixtureContents(again);
  CHECK(rdb_test::Dump(again, kNow) == rdb_test::Dump(s, kNow));

  // Many entries over many chunks, some deleted, integers and long values.
  Store big;
  {
    CollectionWrite<StreamValue> w = big.Db(0).Write<StreamValue>("big", kNow, true);
    for (uint64_t i = 1; i <= 1000; ++i) {
      const std::string n = std::to_string(i * 7919);
      const std::string text(i % 50 == 0 ? 5000 : i % 7, 'q');
      const std::string_view fv[] = {"num", n, "text", text};
      w->Append({i / 4, i % 4}, fv, {4096, i < 500 ? 100u : 3u});
    }
    for (uint64_t i = 1; i <= 1000; i += 3) w->Delete({i / 4, i % 4});
    StreamGroup* g = w->CreateGroup("grp", {100, 0}, -1);
    StreamConsumer& c = g->FindOrCreateConsumer("c", 1234, nullptr);
    c.active_time = 1500;
    g->Deliver({50, 2}, c, 2000);
    g->Deliver({50, 2}, c, 3000);
  }
  Store big_again;
  REQUIRE(LoadRdb(EncodeRdb(big, kNow, {}), kNow, big_again) == "");
  CHECK(rdb_test::Dump(big_again, kNow) == rdb_test::Dump(big, kNow));
  CHECK(StreamAt(big_again, "big").FindGroup("grp")->entries_read == -1);
}

TEST_CASE("rdb: a damaged stream is refused with its key named") {
  Store s;
  REQUIRE(LoadRdb(ReadFixture("redis7_streams.rdb"), kNow, s) == "");
  s.Db(0).Delete("emptied", kNow);
  s.Db(0).Delete("made", kNow);
  RdbOptions no_checksum;
  no_checksum.checksum = false;
  const std::string file = EncodeRdb(s, kNow, no_checksum);
  // Every truncation fails cleanly.
  for (size_t cut = file.size() / 2; cut < file.size() - 9; cut += 7) {
    CHECK_FALSE(rdb_test::LoadError(file.substr(0, cut)).empty());
  }
  // A flipped byte inside the first node's listpack: "f" (6-bit string of 1 byte) becomes
  // something else; whatever it becomes, the load either fails or keeps the entries count.
  const size_t at = file.find(std::string("\x81" "f", 2));
  REQUIRE(at != std::string::npos);
  std::string bad = file;
  bad[at] = '\x7f';  // a 7-bit integer where the string was: the entry layout breaks
  const std::string err = rdb_test::LoadError(bad);
  CHECK(err.find("key 's'") != std::string::npos);
}

}  // namespace
}  // namespace kvd
