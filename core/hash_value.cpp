#include "core/hash_value.h"

#include <malloc.h>

#include <algorithm>
#include <cstdlib>
#include <new>

namespace kvd {
namespace {

std::string_view ReadString(const uint8_t* p, size_t* consumed) {
  uint64_t len;
  const size_t n = packed::ReadVarint(p, &len);
  *consumed = n + static_cast<size_t>(len);
  return {reinterpret_cast<const char*>(p + n), static_cast<size_t>(len)};
}

// Whether a packed buffer of `bytes` bytes holding `data` bytes of text stays within the
// safety bound and the 32-bit counter.
bool PackedFits(size_t bytes, size_t data) {
  return bytes <= kMaxPackedBytes && data <= UINT32_MAX;
}

}  // namespace

HashValue::~HashValue() {
  if (large_) large_->table.ForEach([](uint8_t* e) { std::free(e); });
}

std::unique_ptr<HashValue> HashValue::Clone() const {
  std::unique_ptr<HashValue> out = Create();
  if (!large_) {
    out->buf_ = ByteBuf(buf_);
    out->packed_count_ = packed_count_;
    out->packed_data_bytes_ = packed_data_bytes_;
    return out;
  }
  out->large_ = std::make_unique<Large>();
  ForEach([&](std::string_view f, std::string_view v) { out->Set(f, v); });
  return out;
}

std::string_view HashValue::EntryField(const uint8_t* e) {
  size_t n;
  return ReadString(e, &n);
}

std::string_view HashValue::EntryValue(const uint8_t* e) {
  size_t n;
  ReadString(e, &n);
  return ReadString(e + n, &n);
}

uint8_t* HashValue::NewEntry(std::string_view field, std::string_view value) {
  const size_t need = packed::VarintSize(field.size()) + field.size() +
                      packed::VarintSize(value.size()) + value.size();
  auto* e = static_cast<uint8_t*>(std::malloc(need));
  if (e == nullptr) throw std::bad_alloc();
  size_t off = packed::WriteVarint(e, field.size());
  if (!field.empty()) std::memcpy(e + off, field.data(), field.size());
  off += field.size();
  off += packed::WriteVarint(e + off, value.size());
  if (!value.empty()) std::memcpy(e + off, value.data(), value.size());
  return e;
}

size_t HashValue::FindPacked(std::string_view field) const {
  const packed::Probe probe(field);
  const uint8_t* base = buf_.data();
  for (size_t off = 0; off < buf_.size();) {
    if (probe.Matches(base + off)) return off;
    off += packed::Skip(base + off);
    off += packed::Skip(base + off);
  }
  return SIZE_MAX;
}

std::optional<Elem> HashValue::Get(std::string_view field) const {
  if (!large_) {
    const size_t off = FindPacked(field);
    if (off == SIZE_MAX) return std::nullopt;
    const uint8_t* p = buf_.data() + off;
    return packed::At(p + packed::Skip(p));
  }
  const uint8_t* e = large_->table.Find(field);
  if (e == nullptr) return std::nullopt;
  return Elem::View(EntryValue(e));
}

void HashValue::InsertEntry(uint8_t* e) {
  try {
    large_->table.Insert(e, Table::Hash(EntryField(e)));
  } catch (...) {
    std::free(e);
    throw;
  }
  large_->entry_bytes += malloc_usable_size(e);
}

std::optional<bool> HashValue::SetPacked(std::string_view field, std::string_view value,
                                         const Limits& limits) {
  if (field.size() > limits.value || value.size() > limits.value) return std::nullopt;
  const packed::Probe v(value);
  const size_t off = FindPacked(field);
  if (off != SIZE_MAX) {
    // More fields than the limit allows (it was lowered): Redis converts on any write.
    if (packed_count_ > limits.entries) return std::nullopt;
    const size_t voff = off + packed::Skip(buf_.data() + off);
    const size_t old_len = packed::Skip(buf_.data() + voff);
    const size_t old_size = packed::At(buf_.data() + voff).size();
    const size_t data = packed_data_bytes_ - old_size + value.size();
    if (!PackedFits(buf_.size() - old_len + v.size(), data)) return std::nullopt;
    v.Write(buf_.Splice(voff, old_len, v.size()));
    packed_data_bytes_ = static_cast<uint32_t>(data);
    return false;
  }
  const packed::Probe f(field);
  const size_t data = packed_data_bytes_ + field.size() + value.size();
  if (size_t{packed_count_} + 1 > limits.entries ||
      !PackedFits(buf_.size() + f.size() + v.size(), data)) {
    return std::nullopt;
  }
  uint8_t* p = buf_.Append(f.size() + v.size());
  v.Write(p + f.Write(p));
  ++packed_count_;
  packed_data_bytes_ = static_cast<uint32_t>(data);
  return true;
}

bool HashValue::Set(std::string_view field, std::string_view value, const Limits& limits) {
  if (!large_) {
    if (const std::optional<bool> added = SetPacked(field, value, limits)) return *added;
    ConvertToTable();
  }
  Large& large = *large_;
  const uint64_t hash = Table::Hash(field);
  const size_t i = large.table.FindIndex(field, hash);
  if (i != Table::kNotFound) {
    uint8_t* old = large.table.At(i);
    const size_t old_value = EntryValue(old).size();
    uint8_t* e = NewEntry(field, value);
    large.table.Replace(i, e);
    large.entry_bytes = large.entry_bytes - malloc_usable_size(old) + malloc_usable_size(e);
    std::free(old);
    large.data_bytes = large.data_bytes - old_value + value.size();
    return false;
  }
  InsertEntry(NewEntry(field, value));
  large.data_bytes += field.size() + value.size();
  return true;
}

void HashValue::PrepareForSet(size_t pairs, size_t max_len, size_t total_len) {
  if (large_) return;
  const Limits limits = Limits::Current();
  if (pairs > limits.entries || max_len > limits.value ||
      total_len > kMaxPackedBytes - std::min(buf_.size(), kMaxPackedBytes)) {
    ConvertToTable();
  }
}

bool HashValue::Delete(std::string_view field) {
  if (!large_) {
    const size_t off = FindPacked(field);
    if (off == SIZE_MAX) return false;
    const uint8_t* p = buf_.data() + off;
    const size_t flen = packed::Skip(p);
    const size_t vlen = packed::Skip(p + flen);
    const size_t removed = packed::At(p).size() + packed::At(p + flen).size();
    packed_data_bytes_ -= static_cast<uint32_t>(removed);
    buf_.Splice(off, flen + vlen, 0);
    --packed_count_;
    return true;
  }
  uint8_t* e = large_->table.Erase(field);
  if (e == nullptr) return false;
  large_->data_bytes -= EntryField(e).size() + EntryValue(e).size();
  large_->entry_bytes -= malloc_usable_size(e);
  std::free(e);
  return true;
}

std::pair<Elem, Elem> HashValue::Random(uint64_t r) const {
  if (!large_) {
    const uint8_t* p = buf_.data();
    for (uint64_t k = r % packed_count_; k > 0; --k) {
      p += packed::Skip(p);
      p += packed::Skip(p);
    }
    return {packed::At(p), packed::At(p + packed::Skip(p))};
  }
  const uint8_t* e = large_->table.Random(r);
  return {Elem::View(EntryField(e)), Elem::View(EntryValue(e))};
}

void HashValue::ConvertToTable() {
  // Build the table aside so a failed allocation leaves the packed hash intact.
  auto large = std::make_unique<Large>();
  try {
    ForEach([&](std::string_view f, std::string_view v) {
      uint8_t* e = NewEntry(f, v);
      try {
        large->table.Insert(e, Table::Hash(f));
      } catch (...) {
        std::free(e);
        throw;
      }
      large->entry_bytes += malloc_usable_size(e);
    });
  } catch (...) {
    large->table.ForEach([](uint8_t* e) { std::free(e); });
    throw;
  }
  large->data_bytes = packed_data_bytes_;
  large_ = std::move(large);
  buf_.Clear();
  packed_count_ = 0;
  packed_data_bytes_ = 0;
}

size_t HashValue::AllocatedBytes() const {
  size_t bytes = malloc_usable_size(const_cast<HashValue*>(this)) + buf_.allocated();
  if (large_) {
    bytes += malloc_usable_size(large_.get()) + large_->table.AllocatedBytes() +
             large_->entry_bytes;
  }
  return bytes;
}

size_t HashValue::RecountAllocatedBytes() const {
  size_t bytes = malloc_usable_size(const_cast<HashValue*>(this)) + buf_.allocated();
  if (large_) {
    bytes += malloc_usable_size(large_.get()) + large_->table.AllocatedBytes();
    large_->table.ForEach(
        [&](const uint8_t* e) { bytes += malloc_usable_size(const_cast<uint8_t*>(e)); });
  }
  return bytes;
}

}  // namespace kvd
