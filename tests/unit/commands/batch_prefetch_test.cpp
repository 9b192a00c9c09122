// LookUpBatch finds each command as the dispatcher would. PrefetchBatchKeys is only a hint:
// whatever the batch holds (keyless, unknown, short or empty commands, keys present,
// missing or expired, any database), nothing changes.
#include "server/batch_prefetch.h"

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "unit/commands/harness.h"

namespace kvd::testing {
namespace {

using Batch = std::vector<std::vector<std::string_view>>;

std::vector<const CommandSpec*> LookUp(Harness& h, const Batch& batch) {
  std::vector<const CommandSpec*> specs(batch.size());
  LookUpBatch(h.server.commands, batch, specs);
  return specs;
}

}  // namespace

TEST_CASE("a batch's commands are looked up as the dispatcher would, unknown ones as null") {
  Harness h;
  const Batch batch = {{"GET", "k"}, {"get"}, {"nosuch", "k"}, {}, {"Client", "list"}, {"PING"}};
  const std::vector<const CommandSpec*> specs = LookUp(h, batch);
  REQUIRE(specs.size() == batch.size());
  CHECK(specs[0] == h.server.commands.Find("get"));
  CHECK(specs[1] == specs[0]);
  CHECK(specs[2] == nullptr);
  CHECK(specs[3] == nullptr);
  CHECK(specs[4] == h.server.commands.Find("client"));  // the container: its subcommand later
  CHECK(specs[5]->name == "ping");
}

TEST_CASE("prefetching a batch changes nothing and then every command runs as usual") {
  Harness h;
  CHECK(h.Run({"SET", "k1", "v1"}) == "+OK\r\n");
  CHECK(h.Run({"SET", "gone", "v", "PX", "5"}) == "+OK\r\n");
  h.clock.Advance(10);  // "gone" has expired, not yet reclaimed
  const size_t allocated = h.store.Db(0).AllocatedBytes();

  const Batch batch = {
      {"GET", "k1"},
      {"get", "missing"},
      {"PING"},
      {"nosuch", "k1"},
      {},
      {"GET"},
      {"GET", "gone"},
      {"MSET", "a", "1", "b", "2"},
      {"EXISTS", "k1"},
  };
  for (size_t db : {size_t{0}, size_t{1}, size_t{15}, size_t{16}, size_t{1000}}) {
    CAPTURE(db);
    const std::vector<const CommandSpec*> specs = LookUp(h, batch);
    PrefetchBatchKeys(h.server, db, batch, specs);
    PrefetchBatchKeys(h.server, db, {batch.data(), 1}, {specs.data(), 1});
    PrefetchBatchKeys(h.server, db, {}, {});
  }
  // Nothing was written, reclaimed or touched.
  CHECK(h.store.Db(0).AllocatedBytes() == allocated);
  CHECK(h.store.Db(0).ExpiredCount() == 0);
  CHECK(h.Run({"GET", "k1"}) == "$2\r\nv1\r\n");
  CHECK(h.Run({"GET", "gone"}) == "$-1\r\n");
  CHECK(h.Run({"DBSIZE"}) == ":1\r\n");
}

TEST_CASE("a batch longer than the prefetch window is handled") {
  Harness h;
  std::vector<std::string> keys;
  for (int i = 0; i < 200; ++i) keys.push_back("key:" + std::to_string(i));
  Batch batch;
  for (const std::string& k : keys) batch.push_back({"SET", k, "v"});
  const std::vector<const CommandSpec*> specs = LookUp(h, batch);
  PrefetchBatchKeys(h.server, 0, batch, specs);
  CHECK(h.Run({"DBSIZE"}) == ":0\r\n");
  for (const auto& args : batch) CHECK(h.Run(args) == "+OK\r\n");
  PrefetchBatchKeys(h.server, 0, batch, specs);
  CHECK(h.Run({"DBSIZE"}) == ":200\r\n");
}

}  // namespace kvd::testing
