#include "core/list_value.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <climits>
#include <deque>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "collection_test_util.h"

namespace kvd {
namespace {

using testing::ListpackBytes;

std::vector<std::string> Items(const ListValue& l) {
  std::vector<std::string> out;
  l.ForEach([&](std::string_view s) { out.emplace_back(s); });
  return out;
}

void CheckMatches(const ListValue& l, const std::deque<std::string>& model) {
  REQUIRE(l.size() == model.size());
  CHECK(Items(l) == std::vector<std::string>(model.begin(), model.end()));
  std::vector<std::string> backwards;
  if (!model.empty()) {
    l.Visit(model.size() - 1, true, [&](const Elem& e) {
      backwards.push_back(e.str());
      return true;
    });
  }
  CHECK(backwards == std::vector<std::string>(model.rbegin(), model.rend()));
  size_t data = 0;
  for (const std::string& s : model) data += s.size();
  CHECK(l.DataBytes() == data);
  CHECK(l.AllocatedBytes() == l.RecountAllocatedBytes());
}

TEST_CASE("list: push and pop at both ends") {
  auto l = ListValue::Create();
  l->PushBack("b");
  l->PushBack("c");
  l->PushFront("a");
  l->PushFront("-1");
  CHECK(l->size() == 4);
  CHECK(l->Front() == "-1");
  CHECK(l->Back() == "c");
  CHECK(l->At(1) == "a");
  CHECK(l->PopFront() == "-1");
  CHECK(l->PopBack() == "c");
  CHECK(l->PopBack() == "b");
  CHECK(l->PopBack() == "a");
  CHECK(l->empty());
  CHECK(l->AllocatedBytes() == l->RecountAllocatedBytes());
}

TEST_CASE("list: chunks of 8 KB, big elements alone, and the encoding name") {
  testing::EncodingLimitsGuard guard;
  encoding_limits.list_max_listpack_size = -2;
  auto l = ListValue::Create();
  CHECK(l->EncodingName() == "listpack");
  for (int i = 0; i < 1000; ++i) l->PushBack("element-" + std::to_string(i));
  CHECK(l->EncodingName() == "quicklist");
  CHECK(l->chunk_count() > 1);
  CHECK(l->chunk_count() < 10);
  CHECK(l->At(500) == "element-500");
  const std::string big(20000, 'x');
  l->InsertAt(500, big);
  CHECK(l->At(500) == big);
  CHECK(l->At(501) == "element-500");
  CHECK(l->At(499) == "element-499");
  l->Erase(3, 997);  // leaves 0, 1, 2 and the last one
  CHECK(Items(*l) == std::vector<std::string>{"element-0", "element-1", "element-2",
                                              "element-999"});
  CHECK(l->chunk_count() == 1);
  CHECK(l->EncodingName() == "listpack");  // back to one small chunk
}

// A string whose element takes exactly 64 bytes in a chunk: a 1-byte header, 62 bytes, a
// 1-byte back-length.
std::string Elem64(int i) {
  std::string s = "e" + std::to_string(i);
  s.resize(62, '.');
  return s;
}

// Pushes s onto both the list and its model.
void PushBack(ListValue& l, std::deque<std::string>& model, std::string s) {
  l.PushBack(s);
  model.push_back(std::move(s));
}

TEST_CASE("list: a positive list-max-listpack-size bounds a chunk's elements") {
  testing::EncodingLimitsGuard guard;
  encoding_limits.list_max_listpack_size = 5;
  auto l = ListValue::Create();
  std::deque<std::string> model;
  for (int i = 0; i < 5; ++i) {
    PushBack(*l, model, std::to_string(i));
    REQUIRE(l->EncodingName() == "listpack");
  }
  PushBack(*l, model, "5");  // the sixth element
  CHECK(l->EncodingName() == "quicklist");
  CHECK(l->chunk_count() == 2);
  for (int i = 6; i < 23; ++i) PushBack(*l, model, std::to_string(i));
  CHECK(l->chunk_count() == 5);  // 23 elements, at most 5 per chunk
  l->InsertAt(11, "mid");
  model.insert(model.begin() + 11, "mid");
  CHECK(l->chunk_count() >= 5);
  CheckMatches(*l, model);
  // Back to a listpack once one chunk holds at most half the bound (2 elements).
  l->Erase(0, 20);
  model.erase(model.begin(), model.begin() + 20);
  REQUIRE(l->size() == 4);
  CHECK(l->chunk_count() == 1);
  CHECK(l->EncodingName() == "quicklist");
  l->PopBack();
  model.pop_back();
  CHECK(l->EncodingName() == "quicklist");  // 3 > 5 / 2
  l->PopBack();
  model.pop_back();
  CHECK(l->EncodingName() == "listpack");
  CheckMatches(*l, model);

  // 0 means one element per chunk; a one-element list is never within half of it.
  encoding_limits.list_max_listpack_size = 0;
  auto one = ListValue::Create();
  one->PushBack("a");
  CHECK(one->EncodingName() == "listpack");
  one->PushBack("b");
  CHECK(one->EncodingName() == "quicklist");
  CHECK(one->chunk_count() == 2);
  CHECK(one->PopFront() == "a");
  CHECK(one->EncodingName() == "quicklist");
}

TEST_CASE("list: a count bound still keeps chunks within 8 KB") {
  testing::EncodingLimitsGuard guard;
  encoding_limits.list_max_listpack_size = 1000;
  auto l = ListValue::Create();
  for (int i = 0; i < 128; ++i) l->PushBack(Elem64(i));  // 128 x 64 bytes = 8 KB
  CHECK(l->EncodingName() == "listpack");
  l->PushBack(Elem64(128));
  CHECK(l->EncodingName() == "quicklist");
  CHECK(l->chunk_count() == 2);
  // An element too large for any chunk: a chunk of its own; one chunk of it is within half
  // the count bound, so a removal makes it a listpack (Redis ignores the safety limit there).
  auto big = ListValue::Create();
  big->PushBack(std::string(20000, 'x'));
  CHECK(big->EncodingName() == "quicklist");
  big->PushBack("y");
  CHECK(big->chunk_count() == 2);
  CHECK(big->PopBack() == "y");
  CHECK(big->EncodingName() == "listpack");
}

TEST_CASE("list: a negative list-max-listpack-size bounds a chunk's bytes") {
  testing::EncodingLimitsGuard guard;
  const std::vector<std::pair<int, size_t>> cases = {
      {-1, 4096}, {-2, 8192}, {-3, 16384}, {-4, 32768}, {-5, 65536}, {-6, 65536}, {INT_MIN, 65536}};
  for (const std::pair<int, size_t>& c : cases) {
    const int fill = c.first;
    const size_t bytes = c.second;
    CAPTURE(fill);
    encoding_limits.list_max_listpack_size = fill;
    const size_t per_chunk = bytes / 64;
    auto l = ListValue::Create();
    std::deque<std::string> model;
    for (size_t i = 0; i < per_chunk; ++i) PushBack(*l, model, Elem64(static_cast<int>(i)));
    CHECK(l->EncodingName() == "listpack");
    CHECK(l->chunk_count() == 1);
    PushBack(*l, model, Elem64(-1));
    CHECK(l->EncodingName() == "quicklist");
    CHECK(l->chunk_count() == 2);
    // Removals merge the chunks again; the list is a listpack at half the bound.
    const size_t half = per_chunk / 2;
    l->Erase(0, l->size() - half - 1);
    model.erase(model.begin(), model.end() - static_cast<ptrdiff_t>(half + 1));
    CHECK(l->chunk_count() == 1);
    CHECK(l->EncodingName() == "quicklist");
    CHECK(l->PopFront() == model.front());
    model.pop_front();
    CHECK(l->EncodingName() == "listpack");
    CheckMatches(*l, model);
  }
}

TEST_CASE("list: LSET grows a listpack into a quicklist and back") {
  testing::EncodingLimitsGuard guard;
  encoding_limits.list_max_listpack_size = -1;  // 4 KB
  auto l = ListValue::Create();
  for (int i = 0; i < 3; ++i) l->PushBack(Elem64(i));
  l->Set(1, std::string(5000, 'z'));
  CHECK(l->EncodingName() == "quicklist");
  CHECK(l->At(1) == std::string(5000, 'z'));
  CHECK(l->chunk_count() == 3);  // the large element took a chunk of its own
  l->Set(1, "small");            // replaced in place: still three chunks, as in Redis
  CHECK(l->EncodingName() == "quicklist");
  CHECK(Items(*l) == std::vector<std::string>{Elem64(0), "small", Elem64(2)});
  // A lone element replaced in place by a larger one than the bound.
  auto one = ListValue::Create();
  one->PushBack("a");
  one->Set(0, std::string(5000, 'z'));
  CHECK(one->EncodingName() == "quicklist");
  CHECK(one->chunk_count() == 1);
  one->Set(0, "b");
  CHECK(one->EncodingName() == "listpack");
  CHECK(one->AllocatedBytes() == one->RecountAllocatedBytes());
}

TEST_CASE("list: remove, find, set") {
  auto l = ListValue::Create();
  for (const char* s : {"a", "x", "b", "x", "c", "x", "12", "x"}) l->PushBack(s);
  CHECK(l->Find("x") == 1);
  CHECK(l->Find("12") == 6);
  CHECK_FALSE(l->Find("zz").has_value());
  CHECK(l->Remove("x", 1) == 1);
  CHECK(l->Remove("x", -2) == 2);
  CHECK(Items(*l) == std::vector<std::string>{"a", "b", "x", "c", "12"});
  CHECK(l->Remove("x", 0) == 1);
  CHECK(l->Remove("nope", 0) == 0);
  l->Set(3, "twelve");
  l->Set(0, "7");
  CHECK(Items(*l) == std::vector<std::string>{"7", "b", "c", "twelve"});
}

TEST_CASE("list: small lists are at least as compact as a listpack") {
  auto l = ListValue::Create();
  std::vector<std::string> elems;
  for (int i = 0; i < 100; ++i) {
    elems.push_back(i % 2 ? std::to_string(i * 1000) : "item:" + std::to_string(i));
    l->PushBack(elems.back());
  }
  const size_t empty = ListValue::Create()->AllocatedBytes();
  const size_t ours = l->AllocatedBytes() - empty;
  MESSAGE("bytes per element: kvd ", ours / 100.0, ", Redis listpack ",
          ListpackBytes(elems) / 100.0);
  // Chunks grow by a quarter at a time (as allocator size classes round a listpack up).
  CHECK(ours <= ListpackBytes(elems) * 5 / 4);
  auto exact = l->Clone();  // a copy is sized exactly
  CHECK(exact->AllocatedBytes() - empty <= ListpackBytes(elems) + 32);
}

TEST_CASE("list: randomized against std::deque") {
  std::mt19937_64 rng(5);
  auto l = ListValue::Create();
  std::deque<std::string> model;
  auto value = [&] {
    const uint64_t k = rng() % 100;
    if (k == 0) return std::string(5000 + rng() % 6000, static_cast<char>('a' + rng() % 26));
    if (k < 30) return std::to_string(static_cast<int64_t>(rng() % 2000) - 1000);
    return "v" + std::string(rng() % 40, 'q') + std::to_string(rng() % 50);
  };
  for (int round = 0; round < 6; ++round) {
    const bool grow = round % 2 == 0;
    for (int op = 0; op < 4000; ++op) {
      const uint64_t what = rng() % 100;
      if (what < (grow ? 30u : 15u)) {
        const std::string v = value();
        if (rng() & 1) {
          l->PushBack(v);
          model.push_back(v);
        } else {
          l->PushFront(v);
          model.push_front(v);
        }
      } else if (what < 45) {
        if (model.empty()) continue;
        if (rng() & 1) {
          CHECK(l->PopBack() == model.back());
          model.pop_back();
        } else {
          CHECK(l->PopFront() == model.front());
          model.pop_front();
        }
      } else if (what < 60) {
        const size_t i = rng() % (model.size() + 1);
        const std::string v = value();
        l->InsertAt(i, v);
        model.insert(model.begin() + static_cast<ptrdiff_t>(i), v);
      } else if (what < 70) {
        if (model.empty()) continue;
        const size_t i = rng() % model.size();
        const std::string v = value();
        l->Set(i, v);
        model[i] = v;
      } else if (what < 85) {
        if (model.empty()) continue;
        const size_t i = rng() % model.size();
        CHECK(l->At(i) == model[i]);
      } else if (what < 90) {
        if (model.empty()) continue;
        const std::string v = model[rng() % model.size()];
        const int64_t count = static_cast<int64_t>(rng() % 5) - 2;
        size_t expect = 0;
        const size_t limit = count == 0 ? SIZE_MAX : static_cast<size_t>(std::abs(count));
        if (count >= 0) {
          for (auto it = model.begin(); it != model.end() && expect < limit;) {
            if (*it == v) {
              it = model.erase(it);
              ++expect;
            } else {
              ++it;
            }
          }
        } else {
          for (size_t i = model.size(); i-- > 0 && expect < limit;) {
            if (model[i] == v) {
              model.erase(model.begin() + static_cast<ptrdiff_t>(i));
              ++expect;
            }
          }
        }
        CHECK(l->Remove(v, count) == expect);
      } else if (what < (grow ? 92u : 97u)) {
        if (model.empty()) continue;
        const size_t i = rng() % model.size();
        const size_t n = rng() % (grow ? 20 : 400);
        l->Erase(i, n);
        model.erase(model.begin() + static_cast<ptrdiff_t>(i),
                    model.begin() + static_cast<ptrdiff_t>(std::min(model.size(), i + n)));
      } else {
        const std::string v =
            model.empty() || rng() % 4 == 0 ? "absent" : model[rng() % model.size()];
        const auto it = std::find(model.begin(), model.end(), v);
        const std::optional<size_t> got = l->Find(v);
        CHECK(got.has_value() == (it != model.end()));
        if (got) CHECK(*got == static_cast<size_t>(it - model.begin()));
      }
      if (op % 400 == 0) CheckMatches(*l, model);
    }
    CheckMatches(*l, model);
    auto copy = l->Clone();
    CheckMatches(*copy, model);
  }
  while (!model.empty()) {
    CHECK(l->PopFront() == model.front());
    model.pop_front();
  }
  CHECK(l->empty());
  CHECK(l->AllocatedBytes() == l->RecountAllocatedBytes());
}

}  // namespace
}  // namespace kvd
