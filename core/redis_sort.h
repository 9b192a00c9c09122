#pragma once
// The two sorts Redis orders geo search results with, reproduced so that elements that
// compare equal (members at the same distance) come out in the same order as in Redis:
//   MergeSort: glibc's qsort (glibc <= 2.36 sorts with a top-down merge sort: stable).
//   PartialQuickSort: Redis's pqsort (NetBSD's Bentley-McIlroy quicksort that skips the
//     partitions outside the wanted range; not stable).
// Both take a three-way comparator: cmp(a, b) < 0, == 0 or > 0, as qsort's.
#include <algorithm>
#include <cstddef>
#include <span>
#include <utility>
#include <vector>

namespace kvd {

namespace redis_sort_detail {

template <class T, class Cmp>
void MergeSortRun(T* b, size_t n, T* tmp, Cmp& cmp) {
  if (n <= 1) return;
  const size_t n1 = n / 2;
  const size_t n2 = n - n1;
  MergeSortRun(b, n1, tmp, cmp);
  MergeSortRun(b + n1, n2, tmp, cmp);
  // Merge into tmp, taking from the left run on ties.
  size_t i = 0, j = n1, k = 0;
  while (i < n1 && j < n) tmp[k++] = cmp(b[i], b[j]) <= 0 ? std::move(b[i++]) : std::move(b[j++]);
  while (i < n1) tmp[k++] = std::move(b[i++]);
  // What is left of the right run is already in place.
  std::move(tmp, tmp + k, b);
}

template <class T, class Cmp>
T* Med3(T* a, T* b, T* c, Cmp& cmp) {
  return cmp(*a, *b) < 0 ? (cmp(*b, *c) < 0 ? b : (cmp(*a, *c) < 0 ? c : a))
                         : (cmp(*b, *c) > 0 ? b : (cmp(*a, *c) < 0 ? a : c));
}

template <class T, class Cmp>
void InsertionSort(T* a, size_t n, Cmp& cmp) {
  for (T* pm = a + 1; pm < a + n; ++pm) {
    for (T* pl = pm; pl > a && cmp(*(pl - 1), *pl) > 0; --pl) std::swap(*pl, *(pl - 1));
  }
}

// Swaps the n elements from a with the n from b.
template <class T>
void VecSwap(T* a, T* b, ptrdiff_t n) {
  for (ptrdiff_t i = 0; i < n; ++i) std::swap(a[i], b[i]);
}

// Sorts a[0, n), whose first element is element `first` of the whole array, skipping the
// partitions that hold none of the whole array's elements [lo, hi].
template <class T, class Cmp>
void PartialRun(T* a, size_t first, size_t n, Cmp& cmp, size_t lo, size_t hi) {
  // Whether the whole array's positions [s, s + m) intersect [lo, hi].
  auto wanted = [&](size_t s, size_t m) {
    return !((lo < s && hi < s) || (lo >= s + m && hi >= s + m));
  };
  for (;;) {
    if (n < 7) return InsertionSort(a, n, cmp);
    T* pm = a + n / 2;
    if (n > 7) {
      T* pl = a;
      T* pn = a + n - 1;
      if (n > 40) {
        const size_t d = n / 8;
        pl = Med3(pl, pl + d, pl + 2 * d, cmp);
        pm = Med3(pm - d, pm, pm + d, cmp);
        pn = Med3(pn - 2 * d, pn - d, pn, cmp);
      }
      pm = Med3(pl, pm, pn, cmp);
    }
    std::swap(*a, *pm);
    T* pa = a + 1;
    T* pb = a + 1;
    T* pc = a + n - 1;
    T* pd = a + n - 1;
    for (;;) {
      int r;
      while (pb <= pc && (r = cmp(*pb, *a)) <= 0) {
        if (r == 0) {
          std::swap(*pa, *pb);
          ++pa;
        }
        ++pb;
      }
      while (pb <= pc && (r = cmp(*pc, *a)) >= 0) {
        if (r == 0) {
          std::swap(*pc, *pd);
          --pd;
        }
        --pc;
      }
      if (pb > pc) break;
      std::swap(*pb, *pc);
      ++pb;
      --pc;
    }
    // No switch to insertion sort when the partition moved nothing (NetBSD's swap_cnt):
    // Redis 7's pqsort has none, and it changes the order of ties.
    T* pn = a + n;
    ptrdiff_t r = std::min(pa - a, pb - pa);
    VecSwap(a, pb - r, r);
    r = std::min(pd - pc, pn - pd - 1);
    VecSwap(pb, pn - r, r);
    r = pb - pa;
    if (r > 1 && wanted(first, static_cast<size_t>(r))) {
      PartialRun(a, first, static_cast<size_t>(r), cmp, lo, hi);
    }
    r = pd - pc;
    if (r <= 1) return;
    // The upper partition, iteratively.
    first += static_cast<size_t>(pn - r - a);
    a = pn - r;
    n = static_cast<size_t>(r);
    if (!wanted(first, n)) return;
  }
}

}  // namespace redis_sort_detail

// Sorts v as glibc's qsort does (stable).
template <class T, class Cmp>
void MergeSort(std::span<T> v, Cmp cmp) {
  if (v.size() <= 1) return;
  std::vector<T> tmp(v.size());
  redis_sort_detail::MergeSortRun(v.data(), v.size(), tmp.data(), cmp);
}

// Puts the elements that belong at positions [lo, hi] there, in order, as Redis's pqsort
// (the rest ends up partitioned around them, in no useful order). lo <= hi < v.size().
template <class T, class Cmp>
void PartialQuickSort(std::span<T> v, Cmp cmp, size_t lo, size_t hi) {
  redis_sort_detail::PartialRun(v.data(), 0, v.size(), cmp, lo, hi);
}

}  // namespace kvd
