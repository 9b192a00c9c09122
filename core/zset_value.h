#pragma once
// A sorted set: members with double scores, ordered by (score, member bytes) as in Redis.
// Two encodings:
//   packed ("listpack"): [member][score] pairs in order in one buffer, at most
//     zset-max-listpack-entries members of at most zset-max-listpack-value bytes
//     (encoding_limits), the buffer within kMaxPackedBytes. A score is a packed integer
//     when it is one (|s| <= 2^53), else 4 raw bytes when a float holds it exactly, else 8.
//     Every operation is O(n) over the pairs, which the limits keep few.
//   skiplist: Redis's skiplist with spans (rank queries in O(log n)) whose nodes also carry
//     the member, plus a BlobTable from member to node for O(1) score lookup; allocated at
//     conversion, so a small sorted set pays only for its buffer and 40 bytes of object.
// Ranks are 0-based in ascending order. Range queries are expressed as half-open spans of
// ranks: RankSpan() turns a score or lex range into one in O(log n), and VisitRanks() walks
// a span in either direction in O(log n + m).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "core/blob_table.h"
#include "core/encoding_limits.h"
#include "core/packed.h"
#include "core/value_type.h"

namespace kvd {

// A score interval, as ZRANGEBYSCORE's "(1 5" etc.
struct ScoreRange {
  double min;
  double max;
  bool min_exclusive = false;
  bool max_exclusive = false;
};

// One end of a lex interval: "-", "+", "[x" or "(x".
struct LexBound {
  enum Kind : uint8_t { kInclusive, kExclusive, kNegInf, kPosInf };
  Kind kind = kInclusive;
  std::string_view value;
};
struct LexRange {
  LexBound min;
  LexBound max;
};

// A contiguous run of ranks [first, last).
struct RankSpan {
  size_t first = 0;
  size_t last = 0;
  size_t size() const { return last > first ? last - first : 0; }
};

class ZSetValue : public MallocObject {
 public:
  static constexpr ValueType kType = ValueType::kZSet;
  // The packed encoding's bounds: zset-max-listpack-entries and zset-max-listpack-value.
  struct Limits {
    size_t entries;
    size_t value;
    static Limits Current() {
      return {encoding_limits.zset_max_listpack_entries, encoding_limits.zset_max_listpack_value};
    }
  };

  static std::unique_ptr<ZSetValue> Create() { return std::unique_ptr<ZSetValue>(new ZSetValue); }
  ~ZSetValue();
  ZSetValue(const ZSetValue&) = delete;
  ZSetValue& operator=(const ZSetValue&) = delete;
  std::unique_ptr<ZSetValue> Clone() const;

  size_t size() const { return skip_ ? skip_->table.size() : packed_count_; }
  bool empty() const { return size() == 0; }
  bool is_packed() const { return skip_ == nullptr; }
  std::string_view EncodingName() const { return skip_ ? "skiplist" : "listpack"; }

  std::optional<double> Score(std::string_view member) const;
  // Adds member with score or moves it to score; true when it was added. score is not NaN.
  // A packed set converts to a skiplist first when a new member does not fit `limits`
  // (Redis's zsetAdd); a moved member never converts it.
  bool Add(std::string_view member, double score) { return Add(member, score, Limits::Current()); }
  bool Add(std::string_view member, double score, const Limits& limits);
  // ZADD's sizing ahead of adding `count` members of at most `max_len` bytes: a packed set
  // becomes a skiplist when `count` exceeds the entries limit, or when it is empty (new)
  // and `max_len` exceeds the value limit (Redis's zsetTypeCreate / zsetTypeMaybeConvert).
  void PrepareForAdd(size_t count, size_t max_len);
  bool Remove(std::string_view member);
  // 0-based rank in ascending order (or descending when `reverse`).
  std::optional<size_t> Rank(std::string_view member, bool reverse = false) const;

  RankSpan Span(const ScoreRange& range) const;
  // Meaningful when all scores are equal, as in Redis.
  RankSpan Span(const LexRange& range) const;
  // Calls f(std::string_view member, double score) for ranks [span.first, span.last), in
  // ascending order, or descending from span.last - 1 when `reverse`.
  template <class F>
  void VisitRanks(RankSpan span, bool reverse, F&& f) const {
    if (span.size() == 0) return;
    VisitImpl(span, reverse, const_cast<void*>(static_cast<const void*>(&f)),
              [](void* ctx, std::string_view m, double s) {
      (*static_cast<std::remove_reference_t<F>*>(ctx))(m, s);
    });
  }
  template <class F>
  void ForEach(F&& f) const {
    VisitRanks(RankSpan{0, size()}, false, f);
  }
  // Switches a packed set to the skiplist encoding for good (SORT does, as Redis's
  // zsetConvert before sorting); nothing for a skiplist.
  void ConvertToSkiplist();
  // Removes the ranks of span (ZREMRANGEBY*, ZPOPMIN/MAX); returns how many.
  size_t EraseRanks(RankSpan span);
  // Member and score at a rank (< size()).
  std::pair<std::string, double> At(size_t rank) const;
  // A member and its score picked by `r` (any 64-bit random number). Not empty.
  std::pair<std::string, double> Random(uint64_t r) const { return At(r % size()); }
  // ZSCAN: a packed set in one call; a skiplist through its member table.
  template <class F>
  uint64_t Scan(uint64_t cursor, F&& f) const {
    if (!skip_) {
      ForEach(f);
      return 0;
    }
    return skip_->table.Scan(cursor, [&](const Node* n) { f(n->member(), n->score); });
  }

  size_t AllocatedBytes() const;
  size_t RecountAllocatedBytes() const;
  // Members' bytes plus 8 per score.
  size_t DataBytes() const { return skip_ ? skip_->data_bytes : packed_data_bytes_; }
  size_t FreeEffort() const { return skip_ ? skip_->table.size() : 1; }

 private:
  static constexpr int kMaxLevel = 32;
  struct Node;
  struct Level {
    Node* forward;
    size_t span;
  };
  // One allocation: the node, its levels, then the member bytes.
  struct Node {
    double score;
    Node* backward;
    uint32_t len;
    uint8_t level;
    Level* levels() { return reinterpret_cast<Level*>(this + 1); }
    const Level* levels() const { return reinterpret_cast<const Level*>(this + 1); }
    std::string_view member() const {
      return {reinterpret_cast<const char*>(levels() + level), len};
    }
  };
  struct NodeKey {
    std::string_view operator()(const Node* n) const { return n->member(); }
  };
  using Table = BlobTable<Node, NodeKey>;
  using VisitFn = void (*)(void*, std::string_view, double);
  // The skiplist encoding's state, allocated at conversion.
  struct Skiplist : MallocObject {
    Node* header = nullptr;
    Node* tail = nullptr;
    int level = 1;
    size_t len = 0;  // nodes in the skiplist (the table can briefly disagree)
    Table table;
    size_t node_bytes = 0;  // allocation sizes of the nodes, header included
    size_t data_bytes = 0;
  };

  ZSetValue() = default;
  void VisitImpl(RankSpan span, bool reverse, void* ctx, VisitFn fn) const;

  // Packed helpers.
  // Offset of the pair of the given rank (size(): the end of the buffer).
  size_t PackedSeek(size_t rank) const;
  // Offset of the pair after the one at `off`.
  size_t PackedNext(size_t off) const;
  size_t FindPacked(std::string_view member, double* score) const;  // offset or SIZE_MAX
  void PackedInsert(std::string_view member, double score);
  void PackedErase(size_t off);

  // Skiplist helpers.
  Node* NewNode(int level, double score, std::string_view member);
  void FreeNode(Node* n);
  Node* SkipInsert(double score, std::string_view member);
  void SkipUnlink(Node* x, Node** update);
  void SkipDelete(double score, std::string_view member);
  Node* SkipByRank(size_t rank) const;  // 0-based
  // Elements ordered before the bound: count of (score < s), or (score <= s) when
  // `inclusive`.
  size_t CountBelow(double s, bool inclusive) const;
  size_t CountBelowLex(std::string_view s, bool inclusive) const;
  size_t SkipRank(double score, std::string_view member) const;  // 0-based, must exist
  // Switches an empty packed set to an empty skiplist.
  void SkipInit();
  void AddDataBytes(size_t n) {
    if (skip_) {
      skip_->data_bytes += n;
    } else {
      packed_data_bytes_ += static_cast<uint32_t>(n);
    }
  }
  void SubDataBytes(size_t n) {
    if (skip_) {
      skip_->data_bytes -= n;
    } else {
      packed_data_bytes_ -= static_cast<uint32_t>(n);
    }
  }

  ByteBuf buf_;                      // the packed encoding's pairs
  std::unique_ptr<Skiplist> skip_;   // the skiplist encoding; null while packed
  uint32_t packed_count_ = 0;
  uint32_t packed_data_bytes_ = 0;  // kept within 32 bits by Add
};

}  // namespace kvd
