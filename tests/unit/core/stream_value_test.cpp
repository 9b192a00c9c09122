#include "core/stream_value.h"

#include <doctest/doctest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

namespace kvd {
namespace {

using Fields = std::vector<std::string>;
using Model = std::map<StreamId, Fields>;

Fields FieldsOf(const StreamValue::Entry& e) {
  Fields f;
  e.ForEachPair([&](const Elem& field, const Elem& value) {
    f.push_back(field.str());
    f.push_back(value.str());
  });
  return f;
}

Model Items(const StreamValue& s, StreamId start, StreamId end, bool reverse, size_t count) {
  Model out;
  std::vector<StreamId> order;
  s.Range(start, end, reverse, count, [&](const StreamValue::Entry& e) {
    order.push_back(e.id());
    out[e.id()] = FieldsOf(e);
    return true;
  });
  for (size_t i = 1; i < order.size(); ++i) CHECK((reverse ? order[i] < order[i - 1]
                                                           : order[i - 1] < order[i]));
  return out;
}

void Add(StreamValue& s, Model& model, StreamId id, Fields f,
         StreamValue::Limits limits = {4096, 100}) {
  std::vector<std::string_view> views(f.begin(), f.end());
  s.Append(id, views, limits);
  model[id] = std::move(f);
}

void CheckMatches(const StreamValue& s, const Model& model) {
  REQUIRE(s.size() == model.size());
  CHECK(Items(s, {}, StreamId::Max(), false, 0) == model);
  CHECK(Items(s, {}, StreamId::Max(), true, 0) == model);
  CHECK(s.first_id() == (model.empty() ? StreamId{} : model.begin()->first));
  size_t data = 0;
  for (const auto& [id, f] : model) {
    data += 16;
    for (const std::string& x : f) data += x.size();
  }
  CHECK(s.DataBytes() == data);
}

TEST_CASE("StreamId: order, text, increment at the edges") {
  CHECK(StreamId{1, 5} < StreamId{2, 0});
  CHECK(StreamId{1, 5}.ToString() == "1-5");
  StreamId id{3, UINT64_MAX};
  CHECK(id.Increment());
  CHECK(id == StreamId{4, 0});
  CHECK(id.Decrement());
  CHECK(id == StreamId{3, UINT64_MAX});
  StreamId max = StreamId::Max();
  CHECK_FALSE(max.Increment());
  StreamId zero;
  CHECK_FALSE(zero.Decrement());
}

TEST_CASE("StreamValue: appends, ranges both ways, counts and chunks") {
  std::unique_ptr<StreamValue> s = StreamValue::Create();
  Model model;
  for (uint64_t i = 1; i <= 250; ++i) {
    Add(*s, model, {1000 + i / 3, i % 3}, {"f", std::to_string(i), "g", std::string(i % 7, 'x')});
  }
  CheckMatches(*s, model);
  CHECK(s->chunk_count() == 3);  // 100 entries per chunk
  CHECK(s->last_id() == StreamId{1083, 1});
  CHECK(s->entries_added() == 250);
  // A bounded range from an ID between entries, forward and backward.
  Model first3 = Items(*s, {1010, 1}, StreamId::Max(), false, 3);
  REQUIRE(first3.size() == 3);
  CHECK(first3.begin()->first == StreamId{1010, 1});
  Model last2 = Items(*s, {}, {1050, 0}, true, 2);
  REQUIRE(last2.size() == 2);
  CHECK(last2.rbegin()->first == StreamId{1050, 0});
  CHECK(s->Contains({1050, 0}));
  CHECK_FALSE(s->Contains({1050, 7}));
  CHECK(Items(*s, {5000, 0}, StreamId::Max(), false, 0).empty());
  CHECK(Items(*s, {9, 0}, {1, 0}, false, 0).empty());
}

TEST_CASE("StreamValue: the byte bound starts new chunks") {
  std::unique_ptr<StreamValue> s = StreamValue::Create();
  Model model;
  for (uint64_t i = 1; i <= 20; ++i) Add(*s, model, {i, 0}, {"k", std::string(300, 'v')}, {1024, 0});
  CheckMatches(*s, model);
  CHECK(s->chunk_count() == 7);  // three 300-byte entries stay under 1024
}

TEST_CASE("StreamValue: entries with their chunk's first fields store only their values") {
  std::unique_ptr<StreamValue> same = StreamValue::Create();
  std::unique_ptr<StreamValue> other = StreamValue::Create();
  Model same_model, other_model;
  for (uint64_t i = 1; i <= 100; ++i) {
    const std::string v = std::to_string(i * 31);
    Add(*same, same_model, {i, 0}, {"user", v, "action", "click"});
    // The same sizes, other field names: nothing to share.
    Add(*other, other_model, {i, 0}, {"u" + std::string(3, 'a' + i % 20), v, "action", "click"});
  }
  CheckMatches(*same, same_model);
  CheckMatches(*other, other_model);
  CHECK(same->AllocatedBytes() + 100 * 10 <= other->AllocatedBytes());
  // The first entry's fields stay readable for the others once it is deleted.
  CHECK(same->Delete({1, 0}));
  same_model.erase({1, 0});
  CheckMatches(*same, same_model);
  CheckMatches(*same->Clone(), same_model);
  // Fewer fields, or the same ones in another order, are stored whole.
  Add(*same, same_model, {101, 0}, {"user", "x"});
  Add(*same, same_model, {102, 0}, {"action", "click", "user", "y"});
  CheckMatches(*same, same_model);
}

TEST_CASE("StreamValue: XDEL marks entries and frees emptied chunks") {
  std::unique_ptr<StreamValue> s = StreamValue::Create();
  Model model;
  for (uint64_t i = 1; i <= 10; ++i) Add(*s, model, {i, 0}, {"a", "1"}, {4096, 4});
  const size_t bytes = s->AllocatedBytes();
  CHECK(s->Delete({2, 0}));
  model.erase({2, 0});
  CHECK_FALSE(s->Delete({2, 0}));
  CHECK_FALSE(s->Delete({11, 0}));
  CHECK(s->max_deleted_id() == StreamId{2, 0});
  CheckMatches(*s, model);
  CHECK(s->AllocatedBytes() == bytes);  // marked, not freed
  for (uint64_t i = 5; i <= 8; ++i) {
    CHECK(s->Delete({i, 0}));
    model.erase({i, 0});
  }
  CHECK(s->chunk_count() == 2);
  CHECK(s->AllocatedBytes() < bytes);
  CHECK(s->max_deleted_id() == StreamId{8, 0});
  CHECK(s->Delete({3, 0}));
  model.erase({3, 0});
  CHECK(s->max_deleted_id() == StreamId{8, 0});  // only grows
  CheckMatches(*s, model);
  // Emptied, the stream keeps its last ID and counters.
  for (auto it = model.begin(); it != model.end();) {
    CHECK(s->Delete(it->first));
    it = model.erase(it);
  }
  CheckMatches(*s, model);
  CHECK(s->chunk_count() == 0);
  CHECK(s->last_id() == StreamId{10, 0});
  CHECK(s->entries_added() == 10);
}

TEST_CASE("StreamValue: trimming by length and by ID, exact and approximate") {
  std::unique_ptr<StreamValue> s = StreamValue::Create();
  Model model;
  for (uint64_t i = 1; i <= 35; ++i) Add(*s, model, {i, 0}, {"a", "1"}, {4096, 10});
  SUBCASE("approximate MAXLEN removes whole chunks only") {
    CHECK(s->TrimMaxLen(12, true, 0) == 20);
    CHECK(s->size() == 15);
    CHECK(s->first_id() == StreamId{21, 0});
    CHECK(s->TrimMaxLen(12, true, 0) == 0);
  }
  SUBCASE("exact MAXLEN") {
    CHECK(s->TrimMaxLen(12, false, 0) == 23);
    CHECK(s->size() == 12);
    CHECK(s->first_id() == StreamId{24, 0});
    CHECK(s->max_deleted_id() == StreamId{});  // trimming is no XDEL
  }
  SUBCASE("LIMIT stops before a chunk that would pass it") {
    CHECK(s->TrimMaxLen(0, true, 15) == 10);
    CHECK(s->size() == 25);
  }
  SUBCASE("MINID") {
    CHECK(s->TrimMinId({17, 0}, true, 0) == 10);
    CHECK(s->TrimMinId({17, 0}, false, 0) == 6);
    CHECK(s->first_id() == StreamId{17, 0});
    CHECK(s->TrimMinId({17, 0}, false, 0) == 0);
  }
  SUBCASE("MINID past entries that were deleted at the chunk's end") {
    for (uint64_t i = 28; i <= 30; ++i) CHECK(s->Delete({i, 0}));
    CHECK(s->TrimMinId({30, 0}, false, 0) == 27);
    CHECK(s->first_id() == StreamId{31, 0});
    CHECK(s->size() == 5);
  }
  Model rest;
  s->Range({}, StreamId::Max(), false, 0, [&](const StreamValue::Entry& e) {
    rest[e.id()] = FieldsOf(e);
    return true;
  });
  CheckMatches(*s, rest);
}

TEST_CASE("StreamValue: randomized against a model") {
  std::mt19937_64 rng(7);
  std::unique_ptr<StreamValue> s = StreamValue::Create();
  Model model;
  StreamId next{1, 0};
  for (int step = 0; step < 3000; ++step) {
    const int op = static_cast<int>(rng() % 10);
    if (op < 6) {
      next.ms += rng() % 3;
      next.seq = rng() % 2 == 0 ? 0 : next.seq + 1;
      if (next <= s->last_id()) next = s->last_id(), next.Increment();
      Fields f;
      for (uint64_t k = 0; k <= rng() % 3; ++k) {
        f.push_back("f" + std::to_string(k));
        f.push_back(std::to_string(rng() % 100000));
      }
      Add(*s, model, next, f, {512, 7});
    } else if (op < 9 && !model.empty()) {
      auto it = model.begin();
      std::advance(it, static_cast<long>(rng() % model.size()));
      CHECK(s->Delete(it->first));
      model.erase(it);
    } else if (!model.empty()) {
      const size_t keep = model.size() - std::min<size_t>(model.size(), rng() % 5);
      const size_t removed = s->TrimMaxLen(keep, false, 0);
      CHECK(removed == model.size() - keep);
      while (model.size() > keep) model.erase(model.begin());
    }
  }
  CheckMatches(*s, model);
  std::unique_ptr<StreamValue> copy = s->Clone();
  CheckMatches(*copy, model);
  CHECK(copy->last_id() == s->last_id());
  CHECK(copy->entries_added() == s->entries_added());
}

TEST_CASE("StreamValue: groups, consumers and the pending entries list") {
  std::unique_ptr<StreamValue> s = StreamValue::Create();
  Model model;
  for (uint64_t i = 1; i <= 5; ++i) Add(*s, model, {i, 0}, {"a", "1"});
  const size_t bytes = s->AllocatedBytes();
  StreamGroup* g = s->CreateGroup("workers-with-a-long-name", {}, 0);
  REQUIRE(g != nullptr);
  CHECK(s->CreateGroup("workers-with-a-long-name", {}, 0) == nullptr);
  bool created = false;
  StreamConsumer& alice = g->FindOrCreateConsumer("alice-the-first-consumer", 100, &created);
  CHECK(created);
  CHECK(alice.name == "alice-the-first-consumer");
  StreamConsumer& bob = g->FindOrCreateConsumer("bob", 100, &created);
  g->Deliver({1, 0}, alice, 200);
  g->Deliver({2, 0}, alice, 200);
  g->Deliver({3, 0}, bob, 200);
  StreamPending& again = g->Deliver({2, 0}, bob, 300);
  CHECK(again.delivery_count == 2);
  CHECK(again.consumer == &bob);
  CHECK(alice.pending.size() == 1);
  CHECK(bob.pending.size() == 2);
  CHECK(g->Ack({3, 0}));
  CHECK_FALSE(g->Ack({3, 0}));
  CHECK(bob.pending.size() == 1);

  std::unique_ptr<StreamValue> copy = s->Clone();
  StreamGroup* cg = copy->FindGroup("workers-with-a-long-name");
  REQUIRE(cg != nullptr);
  REQUIRE(cg->pel.size() == 2);
  CHECK(cg->pel.at({2, 0}).consumer == cg->FindConsumer("bob"));
  CHECK(cg->pel.at({2, 0}).delivery_count == 2);
  CHECK(cg->FindConsumer("bob")->pending.count({2, 0}) == 1);
  CHECK(copy->AllocatedBytes() <= s->AllocatedBytes());  // chunks copied to their size

  CHECK(g->DeleteConsumer("alice-the-first-consumer") == size_t{1});
  CHECK_FALSE(g->DeleteConsumer("alice-the-first-consumer"));
  CHECK(g->pel.size() == 1);
  CHECK(s->DestroyGroup("workers-with-a-long-name"));
  CHECK_FALSE(s->DestroyGroup("workers-with-a-long-name"));
  CHECK(s->AllocatedBytes() == bytes);  // every group allocation counted and given back
}

TEST_CASE("StreamValue: lag estimates follow Redis") {
  std::unique_ptr<StreamValue> s = StreamValue::Create();
  CHECK(s->EstimateDistanceFromFirstEverEntry({5, 0}) == 0);
  Model model;
  for (uint64_t i = 1; i <= 5; ++i) Add(*s, model, {i, 0}, {"a", "1"});
  CHECK(s->EstimateDistanceFromFirstEverEntry({5, 0}) == 5);
  CHECK(s->EstimateDistanceFromFirstEverEntry({1, 0}) == 1);
  CHECK(s->EstimateDistanceFromFirstEverEntry({0, 5}) == 0);
  CHECK_FALSE(s->EstimateDistanceFromFirstEverEntry({6, 0}));
  CHECK_FALSE(s->EstimateDistanceFromFirstEverEntry({3, 0}));
  CHECK(s->Delete({3, 0}));
  CHECK(s->RangeHasTombstones({2, 0}, {4, 0}));
  CHECK_FALSE(s->RangeHasTombstones({4, 0}, {5, 0}));
  CHECK_FALSE(s->EstimateDistanceFromFirstEverEntry({1, 0}));
}

}  // namespace
}  // namespace kvd
