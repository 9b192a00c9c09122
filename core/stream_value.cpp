#include "core/stream_value.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <tuple>
#include <utility>

#include "core/encoding_limits.h"

namespace kvd {

bool StreamId::Increment() {
  if (seq != UINT64_MAX) {
    ++seq;
    return true;
  }
  if (ms == UINT64_MAX) return false;
  ++ms;
  seq = 0;
  return true;
}

bool StreamId::Decrement() {
  if (seq != 0) {
    --seq;
    return true;
  }
  if (ms == 0) return false;
  --ms;
  seq = UINT64_MAX;
  return true;
}

void StreamId::AppendTo(std::string& out) const {
  char buf[41];
  char* p = std::to_chars(buf, buf + 20, ms).ptr;
  *p++ = '-';
  p = std::to_chars(p, buf + sizeof buf, seq).ptr;
  out.append(buf, p);
}

std::string StreamId::ToString() const {
  std::string s;
  AppendTo(s);
  return s;
}

// ---- Entries ----

// One malloc'd block: this header, then `used` bytes of entries in ID order.
struct StreamValue::Chunk {
  StreamId first;  // the first entry's ID (live or not): the base of the ms deltas
  StreamId last;   // the last entry's ID
  uint32_t entries = 0;  // deleted ones included
  uint32_t live = 0;
  size_t used = 0;
  size_t capacity = 0;
  uint8_t* data() { return reinterpret_cast<uint8_t*>(this + 1); }
  const uint8_t* data() const { return reinterpret_cast<const uint8_t*>(this + 1); }
};

namespace {

constexpr uint8_t kDeleted = 1;
// The entry has the fields of its chunk's first entry (the "master" entry, as Redis's
// STREAM_ITEM_FLAG_SAMEFIELDS): only its values are stored, the pair count is the master's.
constexpr uint8_t kSameFields = 2;
// Redis's STREAM_LISTPACK_MAX_SIZE: no chunk grows past it whatever the config says.
constexpr size_t kMaxChunkBytes = size_t{1} << 30;

// An entry decoded from a chunk.
struct Decoded {
  StreamId id;
  bool deleted;
  size_t pairs;
  const uint8_t* pair_data;    // pairs, or values only when master_pairs is set
  const uint8_t* master_pairs; // the master entry's pairs, whose fields this entry shares
  size_t size;                 // the whole entry's bytes
  size_t data_bytes;           // its fields' and values' bytes plus 16 (only when asked)
};

// The pairs of a chunk's master entry (its first, at `data`), read from its header alone.
const uint8_t* MasterPairs(const uint8_t* data, size_t* count) {
  uint64_t unused, pairs;
  const uint8_t* m = data + 1;  // past the flags
  m += varint::Read(m, &unused);
  m += varint::Read(m, &unused);
  m += varint::Read(m, &pairs);
  *count = static_cast<size_t>(pairs);
  return m;
}

// The entry at `off` of a chunk whose entries start at `data` and whose first ID is `first`;
// the master entry is the one at offset 0.
Decoded DecodeEntry(const uint8_t* data, size_t off, StreamId first, bool count_data) {
  Decoded d;
  const uint8_t* p = data + off;
  const uint8_t flags = *p++;
  d.deleted = (flags & kDeleted) != 0;
  uint64_t ms_delta, seq;
  p += varint::Read(p, &ms_delta);
  p += varint::Read(p, &seq);
  d.id = {first.ms + ms_delta, seq};
  d.master_pairs = nullptr;
  d.data_bytes = 16;
  if (flags & kSameFields) {
    const uint8_t* m = MasterPairs(data, &d.pairs);
    d.master_pairs = m;
    if (count_data) {
      for (size_t i = 0; i < d.pairs; ++i) {
        Elem field;
        m += packed::Decode(m, &field);
        m += packed::Skip(m);
        d.data_bytes += field.size();
      }
    }
  } else {
    uint64_t pairs;
    p += varint::Read(p, &pairs);
    d.pairs = static_cast<size_t>(pairs);
  }
  d.pair_data = p;
  const size_t strings = d.master_pairs != nullptr ? d.pairs : 2 * d.pairs;
  for (size_t i = 0; i < strings; ++i) {
    if (count_data) {
      Elem e;
      p += packed::Decode(p, &e);
      d.data_bytes += e.size();
    } else {
      p += packed::Skip(p);
    }
  }
  d.size = static_cast<size_t>(p - (data + off));
  return d;
}

// Whether field_values (field, value, ...) has exactly the fields of the master entry.
bool HasMasterFields(const uint8_t* data, std::span<const std::string_view> field_values) {
  size_t pairs;
  const uint8_t* m = MasterPairs(data, &pairs);
  if (pairs * 2 != field_values.size()) return false;
  for (size_t i = 0; i < field_values.size(); i += 2) {
    if (!packed::Probe(field_values[i]).Matches(m)) return false;
    m += packed::Skip(m);
    m += packed::Skip(m);
  }
  return true;
}

}  // namespace

StreamValue::Limits StreamValue::Limits::Current() {
  return {encoding_limits.stream_node_max_bytes, encoding_limits.stream_node_max_entries};
}

StreamValue::StreamValue()
    : chunks_(ChunkVector::allocator_type(&bytes_)), groups_(Groups::allocator_type(&bytes_)) {}

StreamValue::~StreamValue() {
  groups_.clear();
  for (Chunk* c : chunks_) FreeChunk(c);
}

std::unique_ptr<StreamValue> StreamValue::Clone() const {
  std::unique_ptr<StreamValue> copy = Create();
  copy->chunks_.reserve(chunks_.size());
  for (const Chunk* c : chunks_) {
    Chunk* n = copy->NewChunk(c->first, c->used);
    n->last = c->last;
    n->entries = c->entries;
    n->live = c->live;
    n->used = c->used;
    std::memcpy(n->data(), c->data(), c->used);
    copy->chunks_.push_back(n);
  }
  copy->length_ = length_;
  copy->data_bytes_ = data_bytes_;
  copy->last_id_ = last_id_;
  copy->max_deleted_id_ = max_deleted_id_;
  copy->entries_added_ = entries_added_;
  for (const auto& [name, g] : groups_) {
    StreamGroup* cg = copy->CreateGroup(name, g.last_id, g.entries_read);
    for (const auto& [cname, c] : g.consumers) {
      StreamConsumer& cc = cg->FindOrCreateConsumer(cname, c.seen_time, nullptr);
      cc.active_time = c.active_time;
    }
    for (const auto& [id, p] : g.pel) {
      StreamPending& cp = cg->pel[id];
      cp.delivery_time = p.delivery_time;
      cp.delivery_count = p.delivery_count;
      if (p.consumer != nullptr) {
        cp.consumer = cg->FindConsumer(p.consumer->name);
        cp.consumer->pending.insert(id);
      }
    }
  }
  return copy;
}

StreamValue::Chunk* StreamValue::NewChunk(StreamId first, size_t capacity) {
  void* mem = std::malloc(sizeof(Chunk) + capacity);
  if (mem == nullptr) throw std::bad_alloc();
  Chunk* c = new (mem) Chunk;
  c->first = c->last = first;
  c->capacity = malloc_usable_size(mem) - sizeof(Chunk);
  bytes_ += malloc_usable_size(mem);
  return c;
}

void StreamValue::FreeChunk(Chunk* c) {
  bytes_ -= malloc_usable_size(c);
  std::free(c);
}

void StreamValue::EraseChunks(size_t first, size_t last) {
  for (size_t i = first; i < last; ++i) FreeChunk(chunks_[i]);
  chunks_.erase(chunks_.begin() + static_cast<ptrdiff_t>(first),
                chunks_.begin() + static_cast<ptrdiff_t>(last));
}

size_t StreamValue::ChunkFor(StreamId id) const {
  // The first chunk whose first ID is greater than id, then one back.
  auto it = std::upper_bound(chunks_.begin(), chunks_.end(), id,
                             [](StreamId v, const Chunk* c) { return v < c->first; });
  if (it == chunks_.begin()) return chunks_.size();
  return static_cast<size_t>(it - chunks_.begin()) - 1;
}

void StreamValue::Append(StreamId id, std::span<const std::string_view> field_values,
                         const Limits& limits) {
  AppendEntry(id, field_values, limits);
  last_id_ = id;
  ++entries_added_;
}

void StreamValue::AppendLoaded(StreamId id, std::span<const std::string_view> field_values,
                               const Limits& limits) {
  AppendEntry(id, field_values, limits);
}

void StreamValue::AppendEntry(StreamId id, std::span<const std::string_view> field_values,
                              const Limits& limits) {
  // The entry's size: flags, the ID (its ms as a delta from the chunk's first), the pair
  // count and the packed strings, or only the values when it has the master entry's fields.
  // Both depend on the chunk: size it for the last chunk first, then for a new one.
  size_t strings = 0, values = 0;
  size_t data = 16;
  for (size_t i = 0; i < field_values.size(); ++i) {
    const size_t n = packed::Probe(field_values[i]).size();
    strings += n;
    if (i % 2 == 1) values += n;
    data += field_values[i].size();
  }
  const size_t pairs = field_values.size() / 2;
  const auto entry_size = [&](StreamId first, bool same) {
    return 1 + varint::Size(id.ms - first.ms) + varint::Size(id.seq) +
           (same ? values : varint::Size(pairs) + strings);
  };
  const size_t max_bytes =
      limits.bytes == 0 || limits.bytes > kMaxChunkBytes ? kMaxChunkBytes : limits.bytes;
  Chunk* c = chunks_.empty() ? nullptr : chunks_.back();
  bool same = c != nullptr && HasMasterFields(c->data(), field_values);
  // Redis's rule (streamAppendItem): a new chunk once the last one would reach the byte
  // bound, or holds stream-node-max-entries entries, deleted ones included.
  if (c != nullptr && (c->used + entry_size(c->first, same) >= max_bytes ||
                       (limits.entries != 0 && c->entries >= limits.entries))) {
    c = nullptr;
  }
  if (c == nullptr) {
    same = false;  // the first entry of a chunk is its master
    chunks_.reserve(chunks_.size() + 1);
    const size_t size = entry_size(id, false);
    const size_t capacity = std::max(size, std::min<size_t>(max_bytes, 256));
    c = NewChunk(id, capacity);
    chunks_.push_back(c);
  }
  const size_t size = entry_size(c->first, same);
  if (c->used + size > c->capacity) {
    const size_t want = std::max(c->used + size, std::min(2 * c->capacity, max_bytes));
    const size_t old_alloc = malloc_usable_size(c);
    void* mem = std::realloc(c, sizeof(Chunk) + want);
    if (mem == nullptr) throw std::bad_alloc();
    c = static_cast<Chunk*>(mem);
    bytes_ = bytes_ - old_alloc + malloc_usable_size(mem);
    c->capacity = malloc_usable_size(mem) - sizeof(Chunk);
    chunks_.back() = c;
  }
  uint8_t* p = c->data() + c->used;
  *p++ = same ? kSameFields : 0;
  p += varint::Write(p, id.ms - c->first.ms);
  p += varint::Write(p, id.seq);
  if (!same) p += varint::Write(p, pairs);
  for (size_t i = same ? 1 : 0; i < field_values.size(); i += same ? 2 : 1) {
    p += packed::Probe(field_values[i]).Write(p);
  }
  c->used += size;
  c->last = id;
  ++c->entries;
  ++c->live;
  ++length_;
  data_bytes_ += data;
}

size_t StreamValue::RangeImpl(StreamId start, StreamId end, bool reverse, size_t count,
                              void* ctx, VisitFn fn) const {
  size_t visited = 0;
  if (chunks_.empty() || start > end) return 0;
  if (!reverse) {
    size_t i = ChunkFor(start);
    if (i == chunks_.size()) i = 0;
    for (; i < chunks_.size(); ++i) {
      const Chunk* c = chunks_[i];
      if (c->first > end) break;
      if (c->last < start) continue;
      for (size_t off = 0; off < c->used;) {
        const Decoded d = DecodeEntry(c->data(), off, c->first, false);
        off += d.size;
        if (d.id > end) return visited;
        if (d.deleted || d.id < start) continue;
        ++visited;
        if (!fn(ctx, Entry(d.id, d.pair_data, d.pairs, d.master_pairs))) return visited;
        if (count != 0 && visited == count) return visited;
      }
    }
    return visited;
  }
  size_t i = ChunkFor(end);
  if (i == chunks_.size()) return 0;
  std::vector<size_t> offsets;
  for (size_t k = i + 1; k-- > 0;) {
    const Chunk* c = chunks_[k];
    if (c->last < start) break;
    offsets.clear();
    for (size_t off = 0; off < c->used;) {
      offsets.push_back(off);
      off += DecodeEntry(c->data(), off, c->first, false).size;
    }
    for (size_t j = offsets.size(); j-- > 0;) {
      const Decoded d = DecodeEntry(c->data(), offsets[j], c->first, false);
      if (d.id < start) return visited;
      if (d.deleted || d.id > end) continue;
      ++visited;
      if (!fn(ctx, Entry(d.id, d.pair_data, d.pairs, d.master_pairs))) return visited;
      if (count != 0 && visited == count) return visited;
    }
  }
  return visited;
}

StreamValue::ChunkInfo StreamValue::chunk_info(size_t i) const {
  const Chunk* c = chunks_[i];
  return {c->first, c->live, c->entries - c->live};
}

void StreamValue::ForEachInChunk(size_t i,
                                 const std::function<void(const Entry&, bool)>& f) const {
  const Chunk* c = chunks_[i];
  for (size_t off = 0; off < c->used;) {
    const Decoded d = DecodeEntry(c->data(), off, c->first, false);
    f(Entry(d.id, d.pair_data, d.pairs, d.master_pairs), d.deleted);
    off += d.size;
  }
}

bool StreamValue::Contains(StreamId id) const {
  bool found = false;
  Range(id, id, false, 1, [&](const Entry&) { return found = true; });
  return found;
}

StreamId StreamValue::first_id() const {
  StreamId first;
  Range(StreamId{}, StreamId::Max(), false, 1, [&](const Entry& e) {
    first = e.id();
    return false;
  });
  return first;
}

StreamId StreamValue::last_live_id() const {
  StreamId last;
  Range(StreamId{}, StreamId::Max(), true, 1, [&](const Entry& e) {
    last = e.id();
    return false;
  });
  return last;
}

void StreamValue::DropChunk(const Chunk* c) {
  length_ -= c->live;
  for (size_t off = 0; off < c->used;) {
    const Decoded d = DecodeEntry(c->data(), off, c->first, true);
    if (!d.deleted) data_bytes_ -= d.data_bytes;
    off += d.size;
  }
}

bool StreamValue::MarkDeleted(size_t i, size_t off) {
  Chunk* c = chunks_[i];
  const Decoded d = DecodeEntry(c->data(), off, c->first, true);
  c->data()[off] |= kDeleted;
  --c->live;
  --length_;
  data_bytes_ -= d.data_bytes;
  if (c->live != 0) return false;
  EraseChunks(i, i + 1);
  return true;
}

bool StreamValue::Delete(StreamId id) {
  const size_t i = ChunkFor(id);
  if (i == chunks_.size() || chunks_[i]->last < id) return false;
  const Chunk* c = chunks_[i];
  for (size_t off = 0; off < c->used;) {
    const Decoded d = DecodeEntry(c->data(), off, c->first, false);
    if (d.id > id) return false;
    if (d.id == id) {
      if (d.deleted) return false;
      MarkDeleted(i, off);
      if (id > max_deleted_id_) max_deleted_id_ = id;
      return true;
    }
    off += d.size;
  }
  return false;
}

// Redis's streamTrim: whole chunks from the front while they may all go, then (unless
// approximate) entries of the next chunk one by one; never more than `limit` entries.
size_t StreamValue::TrimMaxLen(size_t maxlen, bool approx, size_t limit) {
  size_t removed = 0;
  size_t whole = 0;
  while (whole < chunks_.size() && length_ > maxlen) {
    const Chunk* c = chunks_[whole];
    if (limit != 0 && removed + c->live > limit) break;
    if (length_ - c->live >= maxlen) {
      removed += c->live;
      DropChunk(c);
      ++whole;
      continue;
    }
    if (approx) break;
    for (size_t off = 0; off < c->used && length_ > maxlen;) {
      const Decoded d = DecodeEntry(c->data(), off, c->first, false);
      if (!d.deleted) {
        ++removed;
        if (MarkDeleted(whole, off)) break;  // cannot happen: length_ > maxlen keeps one
      }
      off += d.size;
    }
    break;
  }
  EraseChunks(0, whole);
  return removed;
}

size_t StreamValue::TrimMinId(StreamId min_id, bool approx, size_t limit) {
  size_t removed = 0;
  size_t whole = 0;
  while (whole < chunks_.size()) {
    const Chunk* c = chunks_[whole];
    if (limit != 0 && removed + c->live > limit) break;
    if (c->last < min_id) {
      removed += c->live;
      DropChunk(c);
      ++whole;
      continue;
    }
    if (approx) break;
    for (size_t off = 0; off < c->used;) {
      const Decoded d = DecodeEntry(c->data(), off, c->first, false);
      if (d.id >= min_id) break;
      if (!d.deleted) {
        ++removed;
        if (MarkDeleted(whole, off)) break;  // its entries from min_id on were deleted
      }
      off += d.size;
    }
    break;
  }
  EraseChunks(0, whole);
  return removed;
}

bool StreamValue::RangeHasTombstones(StreamId start, StreamId end) const {
  if (length_ == 0 || max_deleted_id_.IsZero()) return false;
  if (first_id() > max_deleted_id_) return false;
  return start <= max_deleted_id_ && max_deleted_id_ <= end;
}

std::optional<int64_t> StreamValue::EstimateDistanceFromFirstEverEntry(StreamId id) const {
  const auto added = static_cast<int64_t>(entries_added_);
  if (entries_added_ == 0) return 0;
  if (length_ == 0 && id <= last_id_) return added;
  if (id == last_id_) return added;
  if (id > last_id_) return std::nullopt;
  const StreamId first = first_id();
  if (max_deleted_id_.IsZero() || max_deleted_id_ < first) {
    if (id < first) return added - static_cast<int64_t>(length_);
    if (id == first) return added - static_cast<int64_t>(length_) + 1;
  }
  return std::nullopt;
}

// ---- Groups ----

StreamGroup* StreamValue::FindGroup(std::string_view name) {
  auto it = groups_.find(name);
  return it == groups_.end() ? nullptr : &it->second;
}

const StreamGroup* StreamValue::FindGroup(std::string_view name) const {
  auto it = groups_.find(name);
  return it == groups_.end() ? nullptr : &it->second;
}

StreamGroup* StreamValue::CreateGroup(std::string_view name, StreamId last_id,
                                      int64_t entries_read) {
  if (groups_.find(name) != groups_.end()) return nullptr;
  auto it = groups_
                .emplace(std::piecewise_construct,
                         std::forward_as_tuple(name, CountedAllocator<char>(&bytes_)),
                         std::forward_as_tuple(&bytes_, last_id))
                .first;
  it->second.entries_read = entries_read;
  return &it->second;
}

bool StreamValue::DestroyGroup(std::string_view name) {
  auto it = groups_.find(name);
  if (it == groups_.end()) return false;
  groups_.erase(it);
  return true;
}

size_t StreamValue::AllocatedBytes() const {
  return malloc_usable_size(const_cast<StreamValue*>(this)) + bytes_;
}

}  // namespace kvd
