#include "core/list_value.h"

#include <malloc.h>

#include <algorithm>
#include <cstdlib>
#include <new>

namespace kvd {
namespace {

// Writes len as a varint read backwards from its last byte: the last byte holds the low 7
// bits, and a set high bit says another byte precedes.
void WriteBacklen(uint8_t* p, size_t len, size_t k) {
  for (size_t i = 0; i < k; ++i) {
    p[k - 1 - i] = static_cast<uint8_t>(((len >> (7 * i)) & 0x7f) | (i + 1 < k ? 0x80 : 0));
  }
}

}  // namespace

ListValue::~ListValue() {
  for (size_t i = 0; i < n_; ++i) std::free(chunk(i));
  std::free(ring_);
}

std::unique_ptr<ListValue> ListValue::Clone() const {
  std::unique_ptr<ListValue> out = Create();
  for (size_t i = 0; i < n_; ++i) {
    const Chunk* src = chunk(i);
    Chunk* ch = NewChunk(src->bytes);
    std::memcpy(ch, src, sizeof(Chunk) + src->bytes);
    try {
      out->RingInsert(i, ch);
    } catch (...) {
      std::free(ch);
      throw;
    }
    out->chunk_bytes_ += malloc_usable_size(ch);
  }
  out->count_ = count_;
  out->data_bytes_ = data_bytes_;
  out->quick_ = quick_;
  return out;
}

// ---- Chunks and the ring ----

ListValue::Chunk* ListValue::NewChunk(size_t bytes) {
  auto* ch = static_cast<Chunk*>(std::malloc(sizeof(Chunk) + bytes));
  if (ch == nullptr) throw std::bad_alloc();
  ch->bytes = 0;
  ch->count = 0;
  return ch;
}

ListValue::Chunk* ListValue::ResizeChunk(size_t c, size_t bytes) {
  Chunk* ch = chunk(c);
  const size_t before = malloc_usable_size(ch);
  void* p = std::realloc(ch, sizeof(Chunk) + bytes);
  if (p == nullptr) throw std::bad_alloc();
  ch = static_cast<Chunk*>(p);
  chunk_ref(c) = ch;
  chunk_bytes_ = chunk_bytes_ - before + malloc_usable_size(ch);
  return ch;
}

void ListValue::FreeChunk(Chunk* ch) {
  chunk_bytes_ -= malloc_usable_size(ch);
  std::free(ch);
}

uint8_t* ListValue::SpliceChunk(size_t c, size_t off, size_t old_len, size_t new_len, size_t cap) {
  Chunk* ch = chunk(c);
  const size_t need = ch->bytes - old_len + new_len;
  const size_t room = malloc_usable_size(ch) - sizeof(Chunk);
  if (need > room) {
    // Grow by a quarter (an allocator size class's worth), up to the chunk limit: pushes
    // copy each byte a bounded number of times, at most ~25% of a chunk stays unused.
    ch = ResizeChunk(c, std::max(need, std::min(need + need / 4, cap)));
  }
  const size_t tail = ch->bytes - off - old_len;
  if (tail > 0 && old_len != new_len) {
    std::memmove(ch->data() + off + new_len, ch->data() + off + old_len, tail);
  }
  ch->bytes = static_cast<uint32_t>(need);
  if (room > 2 * need && room - need >= 64) ch = ResizeChunk(c, need);
  return ch->data() + off;
}

void ListValue::RingInsert(size_t i, Chunk* ch) {
  if (n_ == cap_) {
    const size_t cap = cap_ == 0 ? 2 : cap_ * 2;
    auto** ring = static_cast<Chunk**>(std::malloc(cap * sizeof(Chunk*)));
    if (ring == nullptr) throw std::bad_alloc();
    for (size_t j = 0; j < n_; ++j) ring[j] = chunk(j);
    if (ring_ != nullptr) ring_bytes_ -= malloc_usable_size(ring_);
    std::free(ring_);
    ring_ = ring;
    ring_bytes_ += malloc_usable_size(ring_);
    cap_ = cap;
    head_ = 0;
  }
  if (i == 0) {
    head_ = (head_ + cap_ - 1) & (cap_ - 1);
  } else {
    for (size_t j = n_; j > i; --j) chunk_ref(j) = chunk(j - 1);
  }
  ++n_;
  chunk_ref(i) = ch;
}

void ListValue::RingErase(size_t i) {
  if (i == 0) {
    head_ = (head_ + 1) & (cap_ - 1);
  } else {
    for (size_t j = i; j + 1 < n_; ++j) chunk_ref(j) = chunk(j + 1);
  }
  if (--n_ == 0) {
    ring_bytes_ = 0;
    std::free(ring_);
    ring_ = nullptr;
    cap_ = head_ = 0;
  }
}

void ListValue::SplitChunk(size_t c, size_t off) {
  Chunk* ch = chunk(c);
  const size_t moved = ch->bytes - off;
  Chunk* tail = NewChunk(moved);
  std::memcpy(tail->data(), ch->data() + off, moved);
  tail->bytes = static_cast<uint32_t>(moved);
  for (size_t o = 0; o < moved; o = NextOffset(tail->data(), o)) ++tail->count;
  try {
    RingInsert(c + 1, tail);
  } catch (...) {
    std::free(tail);
    throw;
  }
  chunk_bytes_ += malloc_usable_size(tail);
  ch->count -= tail->count;
  ch->bytes = static_cast<uint32_t>(off);
  ResizeChunk(c, off);
}

void ListValue::Compact(size_t c, const ChunkLimit& limit) {
  if (c >= n_) return;
  if (chunk(c)->count == 0) {
    FreeChunk(chunk(c));
    RingErase(c);
    return;
  }
  if (c + 1 >= n_) return;
  const Chunk* next = chunk(c + 1);
  if (!limit.Fits(size_t{chunk(c)->bytes} + next->bytes, size_t{chunk(c)->count} + next->count)) {
    return;
  }
  const size_t at = chunk(c)->bytes;
  const uint32_t next_count = next->count;
  try {
    std::memcpy(SpliceChunk(c, at, 0, next->bytes, limit.max_bytes()), next->data(), next->bytes);
  } catch (const std::bad_alloc&) {
    return;  // merging saves memory; it is never required
  }
  chunk(c)->count += next_count;
  FreeChunk(chunk(c + 1));
  RingErase(c + 1);
}

void ListValue::UpdateEncoding(const ChunkLimit& limit, Change change) {
  if (n_ != 1) {
    quick_ = n_ > 1;
    return;
  }
  const Chunk* ch = chunk(0);
  if (change != Change::kShrank && !quick_ && !limit.Fits(ch->bytes, ch->count)) quick_ = true;
  if (change != Change::kGrew && quick_ && limit.FitsHalf(ch->bytes, ch->count)) quick_ = false;
}

void ListValue::Locate(size_t i, size_t* c, size_t* off) const {
  size_t k = 0;
  if (i < count_ / 2) {
    while (i >= chunk(k)->count) i -= chunk(k++)->count;
  } else {
    size_t from_end = count_ - 1 - i;  // elements after i
    k = n_ - 1;
    while (from_end >= chunk(k)->count) from_end -= chunk(k--)->count;
    i = chunk(k)->count - 1 - from_end;
  }
  const Chunk* ch = chunk(k);
  const uint8_t* d = ch->data();
  size_t o;
  if (i < ch->count / 2) {
    o = 0;
    for (; i > 0; --i) o = NextOffset(d, o);
  } else {
    o = LastOffset(ch);
    for (size_t back = ch->count - 1 - i; back > 0; --back) o = PrevOffset(d, o);
  }
  *c = k;
  *off = o;
}

// ---- Elements ----

Elem ListValue::At(size_t i) const {
  size_t c;
  size_t off;
  Locate(i, &c, &off);
  return packed::At(chunk(c)->data() + off);
}

void ListValue::InsertAt(size_t i, std::string_view s) { InsertWith(i, s, ChunkLimit::Current()); }

void ListValue::InsertWith(size_t i, std::string_view s, const ChunkLimit& limit) {
  const packed::Probe p(s);
  const size_t bl = BacklenSize(p.size());
  const size_t esize = p.size() + bl;
  size_t c;
  size_t off;
  if (n_ == 0) {
    Chunk* ch = NewChunk(esize);
    try {
      RingInsert(0, ch);
    } catch (...) {
      std::free(ch);
      throw;
    }
    chunk_bytes_ += malloc_usable_size(ch);
    c = 0;
    off = 0;
  } else if (i == count_) {
    c = n_ - 1;
    off = chunk(c)->bytes;
  } else {
    Locate(i, &c, &off);
  }
  // Whether chunk k can take the element.
  auto room = [&](size_t k) {
    const Chunk* ch = chunk(k);
    return limit.Fits(ch->bytes + esize, size_t{ch->count} + 1);
  };
  if (chunk(c)->count != 0 && !room(c)) {
    // The chunk is full: use a neighbour with room or a new chunk, splitting this one when
    // the element goes into its middle.
    if (off != 0 && off != chunk(c)->bytes) {
      SplitChunk(c, off);
      off = chunk(c)->bytes;
    }
    if (room(c)) {
      // The split left room.
    } else if (off == 0 && c > 0 && room(c - 1)) {
      --c;
      off = chunk(c)->bytes;
    } else if (off != 0 && c + 1 < n_ && room(c + 1)) {
      ++c;
      off = 0;
    } else {
      Chunk* fresh = NewChunk(esize);
      const size_t at = off == 0 ? c : c + 1;
      try {
        RingInsert(at, fresh);
      } catch (...) {
        std::free(fresh);
        throw;
      }
      chunk_bytes_ += malloc_usable_size(fresh);
      c = at;
      off = 0;
    }
  }
  uint8_t* dst = SpliceChunk(c, off, 0, esize, limit.max_bytes());
  p.Write(dst);
  WriteBacklen(dst + p.size(), p.size(), bl);
  ++chunk(c)->count;
  ++count_;
  data_bytes_ += s.size();
  UpdateEncoding(limit, Change::kGrew);
}

void ListValue::Erase(size_t i, size_t n) { EraseWith(i, n, ChunkLimit::Current()); }

void ListValue::EraseWith(size_t i, size_t n, const ChunkLimit& limit) {
  n = std::min(n, count_ - std::min(i, count_));
  while (n > 0) {
    size_t c;
    size_t off;
    Locate(i, &c, &off);
    const uint8_t* d = chunk(c)->data();
    size_t end = off;
    size_t k = 0;
    size_t text = 0;
    for (; k < n && end < chunk(c)->bytes; ++k) {
      text += packed::At(d + end).size();
      end = NextOffset(d, end);
    }
    SpliceChunk(c, off, end - off, 0);
    chunk(c)->count -= static_cast<uint32_t>(k);
    count_ -= k;
    data_bytes_ -= text;
    n -= k;
    const size_t before = n_;
    Compact(c, limit);  // drops the chunk when emptied, else merges with the next
    if (c > 0 && n_ == before) Compact(c - 1, limit);
  }
  UpdateEncoding(limit, Change::kShrank);
}

std::string ListValue::PopFront() {
  std::string out = At(0).str();
  Erase(0, 1);
  return out;
}

std::string ListValue::PopBack() {
  std::string out = At(count_ - 1).str();
  Erase(count_ - 1, 1);
  return out;
}

void ListValue::Set(size_t i, std::string_view s) {
  const ChunkLimit limit = ChunkLimit::Current();
  size_t c;
  size_t off;
  Locate(i, &c, &off);
  const uint8_t* d = chunk(c)->data();
  const size_t old_len = NextOffset(d, off) - off;
  const size_t old_text = packed::At(d + off).size();
  const packed::Probe p(s);
  const size_t bl = BacklenSize(p.size());
  if (chunk(c)->count > 1 &&
      !limit.Fits(chunk(c)->bytes - old_len + p.size() + bl, chunk(c)->count)) {
    // It would overfill the chunk: let InsertAt find room.
    EraseWith(i, 1, limit);
    InsertWith(i, s, limit);
    UpdateEncoding(limit, Change::kReplaced);
    return;
  }
  uint8_t* dst = SpliceChunk(c, off, old_len, p.size() + bl, limit.max_bytes());
  p.Write(dst);
  WriteBacklen(dst + p.size(), p.size(), bl);
  data_bytes_ = data_bytes_ - old_text + s.size();
  UpdateEncoding(limit, Change::kReplaced);
}

std::optional<size_t> ListValue::Find(std::string_view s) const {
  std::optional<size_t> out;
  size_t i = 0;
  Visit(0, false, [&](const Elem& e) {
    if (e == s) {
      out = i;
      return false;
    }
    ++i;
    return true;
  });
  return out;
}

size_t ListValue::Remove(std::string_view s, int64_t count) {
  const ChunkLimit chunk_limit = ChunkLimit::Current();
  const packed::Probe p(s);
  size_t removed = 0;
  const size_t limit = count == 0 ? SIZE_MAX : static_cast<size_t>(count < 0 ? -count : count);
  if (count >= 0) {
    for (size_t c = 0; c < n_ && removed < limit;) {
      size_t off = 0;
      while (off < chunk(c)->bytes && removed < limit) {
        const uint8_t* d = chunk(c)->data();
        const size_t next = NextOffset(d, off);
        if (p.Matches(d + off)) {
          SpliceChunk(c, off, next - off, 0);
          --chunk(c)->count;
          ++removed;
        } else {
          off = next;
        }
      }
      if (chunk(c)->count == 0) {
        FreeChunk(chunk(c));
        RingErase(c);
      } else {
        ++c;
      }
    }
  } else {
    for (size_t c = n_; c-- > 0 && removed < limit;) {
      size_t off = LastOffset(chunk(c));
      for (;;) {
        const uint8_t* d = chunk(c)->data();
        const size_t prev = off == 0 ? 0 : PrevOffset(d, off);
        if (p.Matches(d + off)) {
          SpliceChunk(c, off, NextOffset(d, off) - off, 0);
          --chunk(c)->count;
          if (++removed == limit) break;
        }
        if (off == 0) break;
        off = prev;
      }
      if (chunk(c)->count == 0) {
        FreeChunk(chunk(c));
        RingErase(c);
      }
    }
  }
  if (removed == 0) return 0;
  count_ -= removed;
  data_bytes_ -= removed * s.size();
  for (size_t c = 0; c + 1 < n_;) {
    const size_t before = n_;
    Compact(c, chunk_limit);
    if (n_ == before) ++c;
  }
  UpdateEncoding(chunk_limit, Change::kShrank);
  return removed;
}

size_t ListValue::AllocatedBytes() const {
  return malloc_usable_size(const_cast<ListValue*>(this)) + ring_bytes_ + chunk_bytes_;
}

size_t ListValue::RecountAllocatedBytes() const {
  size_t n = malloc_usable_size(const_cast<ListValue*>(this));
  if (ring_ != nullptr) n += malloc_usable_size(ring_);
  for (size_t i = 0; i < n_; ++i) n += malloc_usable_size(chunk(i));
  return n;
}

}  // namespace kvd
