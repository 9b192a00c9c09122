// MergeSort (glibc's stable qsort) and PartialQuickSort (Redis's pqsort).
#include "core/redis_sort.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <span>
#include <utility>
#include <vector>

namespace kvd {
namespace {

// A key to sort by and the original position, to see what happens to ties.
using Item = std::pair<int, int>;

int ByKey(const Item& a, const Item& b) { return a.first < b.first ? -1 : a.first > b.first; }

std::vector<Item> Random(std::mt19937& rng, size_t n, int distinct) {
  std::uniform_int_distribution<int> key(0, distinct - 1);
  std::vector<Item> v;
  for (size_t i = 0; i < n; ++i) v.emplace_back(key(rng), static_cast<int>(i));
  return v;
}

TEST_CASE("MergeSort sorts stably") {
  std::mt19937 rng(1);
  for (size_t n : {0, 1, 2, 3, 7, 8, 40, 41, 100, 1000}) {
    for (int distinct : {1, 3, 1000}) {
      std::vector<Item> v = Random(rng, n, distinct);
      std::vector<Item> expected = v;
      std::stable_sort(expected.begin(), expected.end(),
                       [](const Item& a, const Item& b) { return a.first < b.first; });
      MergeSort(std::span<Item>(v), ByKey);
      CHECK(v == expected);  // ties keep their order
    }
  }
}

TEST_CASE("PartialQuickSort puts the wanted range in order") {
  std::mt19937 rng(2);
  for (size_t n : {1, 2, 6, 7, 8, 40, 41, 100, 1000, 5000}) {
    for (int distinct : {1, 2, 10, 100000}) {
      for (size_t lo : {size_t{0}, n / 3}) {
        for (size_t count : {size_t{1}, size_t{5}, n}) {
          if (lo >= n) continue;
          const size_t hi = std::min(n - 1, lo + count - 1);
          std::vector<Item> v = Random(rng, n, distinct);
          std::vector<Item> sorted = v;
          std::sort(sorted.begin(), sorted.end());
          PartialQuickSort(std::span<Item>(v), ByKey, lo, hi);
          CAPTURE(n);
          CAPTURE(distinct);
          CAPTURE(lo);
          CAPTURE(hi);
          for (size_t i = lo; i <= hi; ++i) CHECK(v[i].first == sorted[i].first);
          // Nothing is lost or duplicated.
          std::vector<Item> all = v;
          std::sort(all.begin(), all.end());
          CHECK(all == sorted);
        }
      }
    }
  }
}

TEST_CASE("PartialQuickSort orders ties as the Bentley-McIlroy partition leaves them") {
  // Few elements: insertion sort, which keeps ties in order.
  std::vector<Item> small = {{1, 0}, {0, 1}, {1, 2}, {0, 3}};
  PartialQuickSort(std::span<Item>(small), ByKey, 0, 1);
  CHECK(small == std::vector<Item>{{0, 1}, {0, 3}, {1, 0}, {1, 2}});
  // More: the pivot's equals are swapped to the ends and back, so ties do not keep their
  // order. The same input always gives the same output.
  std::vector<Item> a, b;
  for (int i = 0; i < 50; ++i) a.emplace_back(i % 3, i);
  b = a;
  PartialQuickSort(std::span<Item>(a), ByKey, 0, 9);
  PartialQuickSort(std::span<Item>(b), ByKey, 0, 9);
  CHECK(a == b);
  for (size_t i = 0; i < 10; ++i) CHECK(a[i].first == 0);
}

}  // namespace
}  // namespace kvd
