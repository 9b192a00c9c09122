#include "core/zset_value.h"

#include <malloc.h>

#include <cmath>
#include <cstdlib>
#include <new>

namespace kvd {
namespace {

constexpr double kMaxExactInt = 9007199254740992.0;  // 2^53

// (a_score, a_member) < (b_score, b_member): Redis's order.
bool Before(double as, std::string_view am, double bs, std::string_view bm) {
  return as < bs || (as == bs && am < bm);
}

// Writes a score as a packed element (see the header); returns its size (<= 10).
size_t EncodeScore(double d, uint8_t* out) {
  // -0 too is an integer here, read back as 0, as Redis's listpack stores it (zzlInsertAt's
  // double2ll); a skiplist keeps the sign.
  if (d == std::trunc(d) && std::fabs(d) <= kMaxExactInt) {
    return packed::WriteVarint(out, (packed::ZigZag(static_cast<int64_t>(d)) << 1) | 1);
  }
  const auto f = static_cast<float>(d);
  if (static_cast<double>(f) == d) {
    out[0] = 4 << 1;
    std::memcpy(out + 1, &f, 4);
    return 5;
  }
  out[0] = 8 << 1;
  std::memcpy(out + 1, &d, 8);
  return 9;
}

size_t DecodeScore(const uint8_t* p, double* d) {
  uint64_t h;
  const size_t n = packed::ReadVarint(p, &h);
  if (h & 1) {
    *d = static_cast<double>(packed::UnZigZag(h >> 1));
    return n;
  }
  if ((h >> 1) == 4) {
    float f;
    std::memcpy(&f, p + n, 4);
    *d = f;
    return n + 4;
  }
  std::memcpy(d, p + n, 8);
  return n + 8;
}

int RandomLevel() {
  // Redis's zslRandomLevel: each further level with probability 1/4.
  thread_local uint64_t state = 0x9e3779b97f4a7c15ull ^ reinterpret_cast<uintptr_t>(&state);
  int level = 1;
  for (;;) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    if ((state & 3) != 0 || level >= 32) return level;
    ++level;
  }
}

}  // namespace

ZSetValue::~ZSetValue() {
  if (!skip_ || skip_->header == nullptr) return;
  for (Node* x = skip_->header->levels()[0].forward; x != nullptr;) {
    Node* next = x->levels()[0].forward;
    std::free(x);
    x = next;
  }
  std::free(skip_->header);
}

std::unique_ptr<ZSetValue> ZSetValue::Clone() const {
  std::unique_ptr<ZSetValue> out = Create();
  if (!skip_) {
    out->buf_ = ByteBuf(buf_);
    out->packed_count_ = packed_count_;
    out->packed_data_bytes_ = packed_data_bytes_;
  } else {
    out->SkipInit();
    const Node* first = skip_->header->levels()[0].forward;
    for (const Node* x = first; x != nullptr; x = x->levels()[0].forward) {
      out->skip_->table.ReserveOne();
      Node* n = out->SkipInsert(x->score, x->member());
      out->skip_->table.Insert(n, Table::Hash(n->member()));
    }
    out->skip_->data_bytes = skip_->data_bytes;
  }
  return out;
}

// ---- Packed ----

size_t ZSetValue::PackedNext(size_t off) const {
  const uint8_t* d = buf_.data();
  off += packed::Skip(d + off);
  double s;
  return off + DecodeScore(d + off, &s);
}

size_t ZSetValue::PackedSeek(size_t rank) const {
  size_t off = 0;
  for (; rank > 0 && off < buf_.size(); --rank) off = PackedNext(off);
  return off;
}

size_t ZSetValue::FindPacked(std::string_view member, double* score) const {
  const packed::Probe probe(member);
  const uint8_t* d = buf_.data();
  for (size_t off = 0; off < buf_.size();) {
    const size_t start = off;
    const bool hit = probe.Matches(d + off);
    off += packed::Skip(d + off);
    off += DecodeScore(d + off, score);
    if (hit) return start;
  }
  return SIZE_MAX;
}

void ZSetValue::PackedInsert(std::string_view member, double score) {
  const uint8_t* d = buf_.data();
  size_t off = 0;
  while (off < buf_.size()) {
    Elem m;
    const size_t mlen = packed::Decode(d + off, &m);
    double s;
    const size_t slen = DecodeScore(d + off + mlen, &s);
    if (Before(score, member, s, m.view())) break;
    off += mlen + slen;
  }
  const packed::Probe p(member);
  uint8_t score_bytes[10];
  const size_t slen = EncodeScore(score, score_bytes);
  uint8_t* dst = buf_.Splice(off, 0, p.size() + slen);
  p.Write(dst);
  std::memcpy(dst + p.size(), score_bytes, slen);
  ++packed_count_;
}

void ZSetValue::PackedErase(size_t off) {
  const uint8_t* d = buf_.data();
  const size_t mlen = packed::Skip(d + off);
  double s;
  const size_t slen = DecodeScore(d + off + mlen, &s);
  buf_.Splice(off, mlen + slen, 0);
  --packed_count_;
}

void ZSetValue::ConvertToSkiplist() {
  if (skip_) return;
  // Build aside so a failed allocation leaves the packed set intact.
  std::unique_ptr<ZSetValue> tmp = Create();
  tmp->SkipInit();
  ForEach([&](std::string_view m, double s) {
    tmp->skip_->table.ReserveOne();
    Node* n = tmp->SkipInsert(s, m);
    tmp->skip_->table.Insert(n, Table::Hash(n->member()));
  });
  tmp->skip_->data_bytes = packed_data_bytes_;
  skip_ = std::move(tmp->skip_);
  buf_.Clear();
  packed_count_ = 0;
  packed_data_bytes_ = 0;
}

// ---- Skiplist (after Redis's t_zset.c) ----

void ZSetValue::SkipInit() {
  skip_ = std::make_unique<Skiplist>();
  try {
    skip_->header = NewNode(kMaxLevel, 0, {});
  } catch (...) {
    skip_.reset();
    throw;
  }
  for (int i = 0; i < kMaxLevel; ++i) skip_->header->levels()[i] = {nullptr, 0};
  skip_->header->backward = nullptr;
  skip_->tail = nullptr;
  skip_->level = 1;
  skip_->len = 0;
}

ZSetValue::Node* ZSetValue::NewNode(int level, double score, std::string_view member) {
  const size_t need = sizeof(Node) + level * sizeof(Level) + member.size();
  auto* n = static_cast<Node*>(std::malloc(need));
  if (n == nullptr) throw std::bad_alloc();
  n->score = score;
  n->backward = nullptr;
  n->len = static_cast<uint32_t>(member.size());
  n->level = static_cast<uint8_t>(level);
  if (!member.empty()) std::memcpy(n->levels() + level, member.data(), member.size());
  skip_->node_bytes += malloc_usable_size(n);
  return n;
}

void ZSetValue::FreeNode(Node* n) {
  skip_->node_bytes -= malloc_usable_size(n);
  std::free(n);
}

ZSetValue::Node* ZSetValue::SkipInsert(double score, std::string_view member) {
  Node* update[kMaxLevel];
  size_t rank[kMaxLevel];
  Node* x = skip_->header;
  for (int i = skip_->level - 1; i >= 0; --i) {
    rank[i] = i == skip_->level - 1 ? 0 : rank[i + 1];
    for (Node* f; (f = x->levels()[i].forward) != nullptr &&
                  Before(f->score, f->member(), score, member);) {
      rank[i] += x->levels()[i].span;
      x = f;
    }
    update[i] = x;
  }
  const int level = RandomLevel();
  Node* n = NewNode(level, score, member);
  if (level > skip_->level) {
    for (int i = skip_->level; i < level; ++i) {
      rank[i] = 0;
      update[i] = skip_->header;
      skip_->header->levels()[i].span = skip_->len;
    }
    skip_->level = level;
  }
  for (int i = 0; i < level; ++i) {
    n->levels()[i].forward = update[i]->levels()[i].forward;
    update[i]->levels()[i].forward = n;
    n->levels()[i].span = update[i]->levels()[i].span - (rank[0] - rank[i]);
    update[i]->levels()[i].span = (rank[0] - rank[i]) + 1;
  }
  for (int i = level; i < skip_->level; ++i) ++update[i]->levels()[i].span;
  ++skip_->len;
  n->backward = update[0] == skip_->header ? nullptr : update[0];
  if (Node* f = n->levels()[0].forward) {
    f->backward = n;
  } else {
    skip_->tail = n;
  }
  return n;
}

void ZSetValue::SkipUnlink(Node* x, Node** update) {
  for (int i = 0; i < skip_->level; ++i) {
    if (update[i]->levels()[i].forward == x) {
      update[i]->levels()[i].span += x->levels()[i].span - 1;
      update[i]->levels()[i].forward = x->levels()[i].forward;
    } else {
      --update[i]->levels()[i].span;
    }
  }
  if (Node* f = x->levels()[0].forward) {
    f->backward = x->backward;
  } else {
    skip_->tail = x->backward;
  }
  Skiplist& sl = *skip_;
  while (sl.level > 1 && sl.header->levels()[sl.level - 1].forward == nullptr) --sl.level;
  --sl.len;
}

void ZSetValue::SkipDelete(double score, std::string_view member) {
  Node* update[kMaxLevel];
  Node* x = skip_->header;
  for (int i = skip_->level - 1; i >= 0; --i) {
    for (Node* f; (f = x->levels()[i].forward) != nullptr &&
                  Before(f->score, f->member(), score, member);) {
      x = f;
    }
    update[i] = x;
  }
  x = x->levels()[0].forward;  // the node itself: the caller knows it exists
  SkipUnlink(x, update);
  FreeNode(x);
}

ZSetValue::Node* ZSetValue::SkipByRank(size_t rank) const {
  const size_t target = rank + 1;
  size_t traversed = 0;
  Node* x = skip_->header;
  for (int i = skip_->level - 1; i >= 0; --i) {
    while (x->levels()[i].forward != nullptr && traversed + x->levels()[i].span <= target) {
      traversed += x->levels()[i].span;
      x = x->levels()[i].forward;
    }
    if (traversed == target) return x;
  }
  return nullptr;
}

size_t ZSetValue::SkipRank(double score, std::string_view member) const {
  size_t rank = 0;
  const Node* x = skip_->header;
  for (int i = skip_->level - 1; i >= 0; --i) {
    for (const Node* f; (f = x->levels()[i].forward) != nullptr &&
                        (f->score < score || (f->score == score && f->member() <= member));) {
      rank += x->levels()[i].span;
      x = f;
    }
  }
  return rank - 1;
}

size_t ZSetValue::CountBelow(double s, bool inclusive) const {
  size_t rank = 0;
  const Node* x = skip_->header;
  for (int i = skip_->level - 1; i >= 0; --i) {
    for (const Node* f; (f = x->levels()[i].forward) != nullptr &&
                        (inclusive ? f->score <= s : f->score < s);) {
      rank += x->levels()[i].span;
      x = f;
    }
  }
  return rank;
}

size_t ZSetValue::CountBelowLex(std::string_view s, bool inclusive) const {
  size_t rank = 0;
  const Node* x = skip_->header;
  for (int i = skip_->level - 1; i >= 0; --i) {
    for (const Node* f; (f = x->levels()[i].forward) != nullptr &&
                        (inclusive ? f->member() <= s : f->member() < s);) {
      rank += x->levels()[i].span;
      x = f;
    }
  }
  return rank;
}

// ---- Public operations ----

std::optional<double> ZSetValue::Score(std::string_view member) const {
  if (!skip_) {
    double s;
    if (FindPacked(member, &s) == SIZE_MAX) return std::nullopt;
    return s;
  }
  const Node* n = skip_->table.Find(member);
  if (n == nullptr) return std::nullopt;
  return n->score;
}

bool ZSetValue::Add(std::string_view member, double score, const Limits& limits) {
  if (!skip_) {
    double old;
    const size_t off = FindPacked(member, &old);
    if (off != SIZE_MAX) {
      if (old == score) return false;
      PackedErase(off);
      PackedInsert(member, score);
      return false;
    }
    // A pair takes at most the member, a 10-byte header and a 10-byte score; the text
    // counter must stay within 32 bits.
    if (size_t{packed_count_} + 1 <= limits.entries && member.size() <= limits.value &&
        member.size() + 20 <= kMaxPackedBytes - buf_.size() &&
        size_t{packed_data_bytes_} + member.size() + sizeof(double) <= UINT32_MAX) {
      PackedInsert(member, score);
      AddDataBytes(member.size() + sizeof(double));
      return true;
    }
    ConvertToSkiplist();
  }
  const uint64_t hash = Table::Hash(member);
  const size_t i = skip_->table.FindIndex(member, hash);
  if (i != Table::kNotFound) {
    Node* n = skip_->table.At(i);
    if (n->score == score) return false;
    const Node* prev = n->backward;
    const Node* next = n->levels()[0].forward;
    if ((prev == nullptr || prev->score < score) && (next == nullptr || next->score > score)) {
      n->score = score;  // stays in place (Redis's zslUpdateScore shortcut)
      return false;
    }
    const std::string m(member);  // the node's bytes go with it
    SkipDelete(n->score, m);
    skip_->table.Replace(i, SkipInsert(score, m));
    return false;
  }
  skip_->table.ReserveOne();
  Node* n = SkipInsert(score, member);
  skip_->table.Insert(n, hash);
  AddDataBytes(member.size() + sizeof(double));
  return true;
}

void ZSetValue::PrepareForAdd(size_t count, size_t max_len) {
  if (skip_) return;
  const Limits limits = Limits::Current();
  if (count > limits.entries || (empty() && max_len > limits.value)) ConvertToSkiplist();
}

bool ZSetValue::Remove(std::string_view member) {
  if (!skip_) {
    double s;
    const size_t off = FindPacked(member, &s);
    if (off == SIZE_MAX) return false;
    PackedErase(off);
  } else {
    Node* n = skip_->table.Erase(member);
    if (n == nullptr) return false;
    SkipDelete(n->score, n->member());
  }
  SubDataBytes(member.size() + sizeof(double));
  return true;
}

std::optional<size_t> ZSetValue::Rank(std::string_view member, bool reverse) const {
  size_t rank;
  if (!skip_) {
    const packed::Probe probe(member);
    const uint8_t* d = buf_.data();
    rank = 0;
    size_t off = 0;
    for (; off < buf_.size(); ++rank) {
      if (probe.Matches(d + off)) break;
      off += packed::Skip(d + off);
      double s;
      off += DecodeScore(d + off, &s);
    }
    if (off >= buf_.size()) return std::nullopt;
  } else {
    const Node* n = skip_->table.Find(member);
    if (n == nullptr) return std::nullopt;
    rank = SkipRank(n->score, n->member());
  }
  return reverse ? size() - 1 - rank : rank;
}

RankSpan ZSetValue::Span(const ScoreRange& r) const {
  RankSpan out;
  if (!skip_) {
    const uint8_t* d = buf_.data();
    for (size_t off = 0; off < buf_.size();) {
      off += packed::Skip(d + off);
      double s;
      off += DecodeScore(d + off, &s);
      if (r.min_exclusive ? s <= r.min : s < r.min) ++out.first;
      if (r.max_exclusive ? s < r.max : s <= r.max) ++out.last;
    }
  } else {
    out.first = CountBelow(r.min, r.min_exclusive);
    out.last = CountBelow(r.max, !r.max_exclusive);
  }
  if (out.last < out.first) out.last = out.first;
  return out;
}

RankSpan ZSetValue::Span(const LexRange& r) const {
  // Ranks below a bound: members < v, or <= v.
  auto below = [&](std::string_view v, bool inclusive) {
    if (skip_) return CountBelowLex(v, inclusive);
    size_t n = 0;
    const uint8_t* d = buf_.data();
    for (size_t off = 0; off < buf_.size();) {
      Elem m;
      off += packed::Decode(d + off, &m);
      double s;
      off += DecodeScore(d + off, &s);
      if (inclusive ? m.view() <= v : m.view() < v) ++n;
    }
    return n;
  };
  auto position = [&](const LexBound& b, bool is_max) -> size_t {
    switch (b.kind) {
      case LexBound::kNegInf: return 0;
      case LexBound::kPosInf: return size();
      case LexBound::kInclusive: return below(b.value, is_max);
      case LexBound::kExclusive: return below(b.value, !is_max);
    }
    return 0;
  };
  RankSpan out{position(r.min, false), position(r.max, true)};
  if (out.last < out.first) out.last = out.first;
  return out;
}

void ZSetValue::VisitImpl(RankSpan span, bool reverse, void* ctx, VisitFn fn) const {
  span.last = std::min(span.last, size());
  if (span.size() == 0) return;
  if (!skip_) {
    const uint8_t* d = buf_.data();
    auto visit = [&](size_t off) {
      Elem m;
      const size_t mlen = packed::Decode(d + off, &m);
      double s;
      DecodeScore(d + off + mlen, &s);
      fn(ctx, m.view(), s);
    };
    size_t off = PackedSeek(span.first);
    if (!reverse) {
      for (size_t k = 0; k < span.size(); ++k, off = PackedNext(off)) visit(off);
      return;
    }
    // Pairs are walked forwards only: note the span's offsets, then visit them backwards.
    // On the stack for a set within the default limit, on the heap beyond.
    constexpr size_t kOnStack = 128;
    uint32_t stack_offs[kOnStack];
    std::unique_ptr<uint32_t[]> heap_offs;
    uint32_t* offs = stack_offs;
    if (span.size() > kOnStack) {
      heap_offs = std::make_unique_for_overwrite<uint32_t[]>(span.size());
      offs = heap_offs.get();
    }
    for (size_t k = 0; k < span.size(); ++k, off = PackedNext(off)) {
      offs[k] = static_cast<uint32_t>(off);
    }
    for (size_t k = span.size(); k-- > 0;) visit(offs[k]);
    return;
  }
  const Node* x = SkipByRank(reverse ? span.last - 1 : span.first);
  for (size_t k = 0; k < span.size(); ++k) {
    fn(ctx, x->member(), x->score);
    x = reverse ? x->backward : x->levels()[0].forward;
  }
}

std::pair<std::string, double> ZSetValue::At(size_t rank) const {
  std::pair<std::string, double> out;
  VisitRanks(RankSpan{rank, rank + 1}, false, [&](std::string_view m, double s) {
    out = {std::string(m), s};
  });
  return out;
}

size_t ZSetValue::EraseRanks(RankSpan span) {
  span.last = std::min(span.last, size());
  const size_t n = span.size();
  if (n == 0) return 0;
  if (!skip_) {
    const size_t first = PackedSeek(span.first);
    size_t end = first;
    size_t text = 0;
    for (size_t k = 0; k < n; ++k, end = PackedNext(end)) {
      text += packed::At(buf_.data() + end).size();
    }
    buf_.Splice(first, end - first, 0);
    packed_count_ -= static_cast<uint32_t>(n);
    SubDataBytes(text + n * sizeof(double));
    return n;
  }
  // Redis's zslDeleteRangeByRank: one descent, then unlink node after node.
  Node* update[kMaxLevel];
  size_t traversed = 0;
  Node* x = skip_->header;
  for (int i = skip_->level - 1; i >= 0; --i) {
    while (x->levels()[i].forward != nullptr && traversed + x->levels()[i].span <= span.first) {
      traversed += x->levels()[i].span;
      x = x->levels()[i].forward;
    }
    update[i] = x;
  }
  x = x->levels()[0].forward;
  for (size_t k = 0; k < n; ++k) {
    Node* next = x->levels()[0].forward;
    SkipUnlink(x, update);
    skip_->table.Erase(x->member());
    SubDataBytes(x->len + sizeof(double));
    FreeNode(x);
    x = next;
  }
  return n;
}

size_t ZSetValue::AllocatedBytes() const {
  size_t n = malloc_usable_size(const_cast<ZSetValue*>(this)) + buf_.allocated();
  if (skip_) {
    n += malloc_usable_size(skip_.get()) + skip_->table.AllocatedBytes() + skip_->node_bytes;
  }
  return n;
}

size_t ZSetValue::RecountAllocatedBytes() const {
  size_t n = malloc_usable_size(const_cast<ZSetValue*>(this)) + buf_.allocated();
  if (skip_) {
    n += malloc_usable_size(skip_.get()) + skip_->table.AllocatedBytes();
    for (Node* x = skip_->header; x != nullptr; x = x->levels()[0].forward) {
      n += malloc_usable_size(x);
    }
  }
  return n;
}

}  // namespace kvd
