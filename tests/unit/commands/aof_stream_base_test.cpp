// A stream in a command-form AOF base: the commands Redis's rewriteStreamObject writes.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "aof_test_util.h"
#include "core/store.h"
#include "core/stream_value.h"
#include "server/aof/aof_base_commands.h"

namespace kvd {
namespace {

using testing::AofCommands;

constexpr int64_t kNow = 1'700'000'000'000;

std::string BaseOf(const Store& s) {
  std::string out;
  REQUIRE(WriteStoreAsCommands(s, {}, kNow, [&](std::string_view b) {
    out.append(b);
    return true;
  }));
  return out;
}

TEST_CASE("AOF base: a stream as XADD, XSETID, XGROUP CREATE, XCLAIM and CREATECONSUMER") {
  Store s;
  {
    CollectionWrite<StreamValue> w = s.Db(0).Write<StreamValue>("s", kNow, true);
    const std::string_view a[] = {"f", "1"};
    const std::string_view b[] = {"f", "2", "g", "x"};
    w->Append({5, 0}, a);
    w->Append({5, 1}, b);
    w->Append({7, 0}, a);
    REQUIRE(w->Delete({7, 0}));
    StreamGroup* g = w->CreateGroup("grp", {5, 1}, 2);
    StreamConsumer& alice = g->FindOrCreateConsumer("alice", kNow, nullptr);
    g->FindOrCreateConsumer("idle", kNow, nullptr);
    g->Deliver({5, 0}, alice, kNow - 10);
    g->Deliver({5, 1}, alice, kNow - 5);
    g->Deliver({5, 1}, alice, kNow - 1);
    w->CreateGroup("late", {0, 0}, -1);
  }
  CHECK(BaseOf(s) ==
        AofCommands({{"SELECT", "0"},
                     {"XADD", "s", "5-0", "f", "1"},
                     {"XADD", "s", "5-1", "f", "2", "g", "x"},
                     {"XSETID", "s", "7-0", "ENTRIESADDED", "3", "MAXDELETEDID", "7-0"},
                     {"XGROUP", "CREATE", "s", "grp", "5-1", "ENTRIESREAD", "2"},
                     {"XCLAIM", "s", "grp", "alice", "0", "5-0", "TIME",
                      std::to_string(kNow - 10), "RETRYCOUNT", "1", "JUSTID", "FORCE"},
                     {"XCLAIM", "s", "grp", "alice", "0", "5-1", "TIME",
                      std::to_string(kNow - 1), "RETRYCOUNT", "2", "JUSTID", "FORCE"},
                     {"XGROUP", "CREATECONSUMER", "s", "grp", "idle"},
                     {"XGROUP", "CREATE", "s", "late", "0-0", "ENTRIESREAD", "-1"}}));
}

TEST_CASE("AOF base: an empty stream comes back through XADD MAXLEN 0") {
  Store s;
  REQUIRE(s.Db(0).StoreCollection("e", StreamValue::Create(), kNow + 5000, kNow));
  CHECK(BaseOf(s) ==
        AofCommands({{"SELECT", "0"},
                     {"XADD", "e", "MAXLEN", "0", "0-1", "x", "y"},
                     {"XSETID", "e", "0-0", "ENTRIESADDED", "0", "MAXDELETEDID", "0-0"},
                     {"PEXPIREAT", "e", std::to_string(kNow + 5000)}}));
}

}  // namespace
}  // namespace kvd
