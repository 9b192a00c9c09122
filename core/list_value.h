#pragma once
// A list: a sequence of chunks, each a buffer of packed elements (Redis's quicklist of
// listpacks). An element in a chunk is [packed element][back-length], the back-length
// (the element's size as a reversed varint) letting a chunk be walked from its end.
// A chunk's size is bounded by list-max-listpack-size (encoding_limits; Redis's quicklist
// "fill", see ChunkLimit), 8 KB of elements by default; one element too large for it gets
// a chunk of its own. Byte bounds apply to the chunk's own encoding, which is no larger than
// a listpack of the same elements. The chunk pointers sit in a ring buffer, so:
//   push/pop at either end and LINDEX 0 / -1 are O(1);
//   access by index walks whole chunks, then one chunk: O(n / elements-per-chunk + chunk);
//   insert/remove in the middle rewrite one chunk (and may split or merge neighbours).
// OBJECT ENCODING is "listpack" while the list is one chunk within the bound and
// "quicklist" once it has outgrown that, until a removal leaves one chunk within half the
// bound (Redis 7.2's listTypeTryConversion).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/encoding_limits.h"
#include "core/packed.h"
#include "core/value_type.h"

namespace kvd {

class ListValue : public MallocObject {
 public:
  static constexpr ValueType kType = ValueType::kList;

  // A chunk's bound from list-max-listpack-size (Redis's quicklistNodeLimit): fill > 0 at
  // most `fill` elements, 0 one element, both within 8 KB (SIZE_SAFETY_LIMIT); fill < 0 at
  // most 4 KB << min(-fill - 1, 4) bytes, any number of elements.
  struct ChunkLimit {
    static constexpr size_t kSafetyBytes = 8192;
    size_t bytes;  // SIZE_MAX under a count bound
    size_t count;  // SIZE_MAX under a byte bound

    static ChunkLimit FromFill(int fill) {
      if (fill >= 0) return {SIZE_MAX, fill == 0 ? 1 : static_cast<size_t>(fill)};
      const int64_t level = std::min<int64_t>(-int64_t{fill} - 1, 4);
      return {size_t{4096} << level, SIZE_MAX};
    }
    static ChunkLimit Current() { return FromFill(encoding_limits.list_max_listpack_size); }
    // Whether a chunk of `b` bytes and `c` elements is within the bound (Redis's
    // quicklistNodeExceedsLimit, negated).
    bool Fits(size_t b, size_t c) const {
      return bytes != SIZE_MAX ? b <= bytes : b <= kSafetyBytes && c <= count;
    }
    // Whether it is within half the bound, where a one-chunk list turns back into a
    // listpack (listTypeTryConvertQuicklist; the safety limit plays no part there).
    bool FitsHalf(size_t b, size_t c) const { return b <= bytes / 2 && c <= count / 2; }
    // The most bytes a chunk of several elements may hold.
    size_t max_bytes() const { return bytes != SIZE_MAX ? bytes : kSafetyBytes; }
  };

  static std::unique_ptr<ListValue> Create() { return std::unique_ptr<ListValue>(new ListValue); }
  ~ListValue();
  ListValue(const ListValue&) = delete;
  ListValue& operator=(const ListValue&) = delete;
  std::unique_ptr<ListValue> Clone() const;

  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  std::string_view EncodingName() const { return quick_ ? "quicklist" : "listpack"; }
  size_t chunk_count() const { return n_; }

  void PushFront(std::string_view s) { InsertAt(0, s); }
  void PushBack(std::string_view s) { InsertAt(count_, s); }
  // Remove and return an end element. The list must not be empty.
  std::string PopFront();
  std::string PopBack();
  // The element at index i (0 <= i < size()); O(1) at both ends.
  Elem At(size_t i) const;
  Elem Front() const { return At(0); }
  Elem Back() const { return At(count_ - 1); }
  // LSET: replaces element i (< size()).
  void Set(size_t i, std::string_view s);
  // Inserts s before element i (i == size() appends).
  void InsertAt(size_t i, std::string_view s);
  // Index of the first element equal to s, from the head.
  std::optional<size_t> Find(std::string_view s) const;
  // LREM: removes up to |count| elements equal to s, from the head when count > 0, from the
  // tail when count < 0, all when 0. Returns how many went.
  size_t Remove(std::string_view s, int64_t count);
  // Removes n elements starting at index i (LTRIM, and the commands that pop many).
  void Erase(size_t i, size_t n);

  // Calls f(Elem) on elements from index `start` (< size()) towards the tail (or the head
  // when `reverse`), while f returns true. LRANGE, LPOS, iteration.
  template <class F>
  void Visit(size_t start, bool reverse, F&& f) const {
    if (start >= count_) return;
    size_t c;
    size_t off;
    Locate(start, &c, &off);
    for (;;) {
      const Chunk* ch = chunk(c);
      const uint8_t* d = ch->data();
      if (!reverse) {
        for (; off < ch->bytes; off = NextOffset(d, off)) {
          if (!f(packed::At(d + off))) return;
        }
        if (++c == n_) return;
        off = 0;
      } else {
        for (;;) {
          if (!f(packed::At(d + off))) return;
          if (off == 0) break;
          off = PrevOffset(d, off);
        }
        if (c-- == 0) return;
        off = LastOffset(chunk(c));
      }
    }
  }
  template <class F>
  void ForEach(F&& f) const {
    Visit(0, false, [&](const Elem& e) {
      f(e.view());
      return true;
    });
  }

  size_t AllocatedBytes() const;
  size_t DataBytes() const { return data_bytes_; }
  size_t FreeEffort() const { return n_; }
  size_t RecountAllocatedBytes() const;

 private:
  struct Chunk {
    uint32_t bytes;  // bytes of elements
    uint32_t count;  // elements
    const uint8_t* data() const { return reinterpret_cast<const uint8_t*>(this + 1); }
    uint8_t* data() { return reinterpret_cast<uint8_t*>(this + 1); }
  };

  ListValue() = default;

  static size_t BacklenSize(size_t len) { return packed::VarintSize(len); }
  static size_t NextOffset(const uint8_t* d, size_t off) {
    const size_t len = packed::Skip(d + off);
    return off + len + BacklenSize(len);
  }
  // Offset of the element before the one at `off` (> 0).
  static size_t PrevOffset(const uint8_t* d, size_t off) {
    size_t len = 0;
    size_t k = 0;
    for (int shift = 0;; shift += 7) {
      const uint8_t b = d[off - ++k];
      len |= static_cast<size_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) break;
    }
    return off - k - len;
  }
  static size_t LastOffset(const Chunk* c) { return PrevOffset(c->data(), c->bytes); }

  Chunk* chunk(size_t i) const { return ring_[(head_ + i) & (cap_ - 1)]; }
  Chunk*& chunk_ref(size_t i) { return ring_[(head_ + i) & (cap_ - 1)]; }
  // Chunk index and byte offset of element i (< size()).
  void Locate(size_t i, size_t* c, size_t* off) const;
  // What an edit did, for the encoding name: growing turns a listpack that outgrew its
  // bound into a quicklist; shrinking turns a quicklist back into a listpack (Redis's
  // LIST_CONV_GROWING / LIST_CONV_SHRINKING); a replacement (LSET) does both.
  enum class Change : uint8_t { kGrew, kShrank, kReplaced };

  // InsertAt and Erase under a limit read once by the caller.
  void InsertWith(size_t i, std::string_view s, const ChunkLimit& limit);
  void EraseWith(size_t i, size_t n, const ChunkLimit& limit);

  // Chunk allocation and editing.
  static Chunk* NewChunk(size_t bytes);
  Chunk* ResizeChunk(size_t c, size_t bytes);  // may move the chunk
  void FreeChunk(Chunk* ch);
  // Replaces [off, off + old_len) of chunk c with new_len bytes; returns where they go. A
  // chunk that must grow is given room up to `cap` bytes ahead.
  uint8_t* SpliceChunk(size_t c, size_t off, size_t old_len, size_t new_len, size_t cap = 0);
  // Ring of chunk pointers.
  void RingInsert(size_t i, Chunk* ch);
  void RingErase(size_t i);
  // Splits chunk c at byte offset off (an element boundary) into two chunks.
  void SplitChunk(size_t c, size_t off);
  // Merges chunk c with its successor when both fit one chunk; drops c when empty.
  void Compact(size_t c, const ChunkLimit& limit);
  void UpdateEncoding(const ChunkLimit& limit, Change change);

  Chunk** ring_ = nullptr;
  size_t cap_ = 0;   // power of two (or 0)
  size_t head_ = 0;
  size_t n_ = 0;     // chunks
  size_t count_ = 0;
  size_t chunk_bytes_ = 0;  // allocation sizes of the chunks
  size_t ring_bytes_ = 0;
  size_t data_bytes_ = 0;
  bool quick_ = false;
};

}  // namespace kvd
