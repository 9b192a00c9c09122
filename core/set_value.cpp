#include "core/set_value.h"

#include <malloc.h>

#include <algorithm>
#include <cstdlib>
#include <new>
#include <vector>

#include "core/numeric.h"

namespace kvd {
namespace {

uint8_t WidthFor(int64_t v) {
  if (v >= INT16_MIN && v <= INT16_MAX) return 2;
  if (v >= INT32_MIN && v <= INT32_MAX) return 4;
  return 8;
}

void WriteInt(uint8_t* p, int64_t v, uint8_t width) {
  if (width == 2) {
    const auto x = static_cast<int16_t>(v);
    std::memcpy(p, &x, 2);
  } else if (width == 4) {
    const auto x = static_cast<int32_t>(v);
    std::memcpy(p, &x, 4);
  } else {
    std::memcpy(p, &v, 8);
  }
}

int64_t ReadInt(const uint8_t* p, uint8_t width) {
  if (width == 2) {
    int16_t x;
    std::memcpy(&x, p, 2);
    return x;
  }
  if (width == 4) {
    int32_t x;
    std::memcpy(&x, p, 4);
    return x;
  }
  int64_t x;
  std::memcpy(&x, p, 8);
  return x;
}

uint8_t* NewMember(std::string_view s) {
  const size_t need = packed::VarintSize(s.size()) + s.size();
  auto* m = static_cast<uint8_t*>(std::malloc(need));
  if (m == nullptr) throw std::bad_alloc();
  const size_t off = packed::WriteVarint(m, s.size());
  if (!s.empty()) std::memcpy(m + off, s.data(), s.size());
  return m;
}

}  // namespace

SetValue::~SetValue() {
  if (large_) large_->table.ForEach([](uint8_t* m) { std::free(m); });
}

std::unique_ptr<SetValue> SetValue::Clone() const {
  std::unique_ptr<SetValue> out = Create();
  out->encoding_ = encoding_;
  out->width_ = width_;
  out->data_bytes_ = data_bytes_;
  if (encoding_ != Encoding::kTable) {
    out->buf_ = ByteBuf(buf_);
    out->packed_count_ = packed_count_;
    return out;
  }
  out->large_ = std::make_unique<Large>();
  Large& large = *out->large_;
  ForEach([&](std::string_view m) { TableAdd(large.table, large.member_bytes, m); });
  return out;
}

size_t SetValue::size() const {
  switch (encoding_) {
    case Encoding::kIntset: return buf_.size() / width_;
    case Encoding::kPacked: return packed_count_;
    case Encoding::kTable: return large_->table.size();
  }
  return 0;
}

std::string_view SetValue::EncodingName() const {
  switch (encoding_) {
    case Encoding::kIntset: return "intset";
    case Encoding::kPacked: return "listpack";
    case Encoding::kTable: return "hashtable";
  }
  return "";
}

std::string_view SetValue::MemberOf(const uint8_t* m) {
  uint64_t len;
  const size_t n = packed::ReadVarint(m, &len);
  return {reinterpret_cast<const char*>(m + n), static_cast<size_t>(len)};
}

int64_t SetValue::IntAt(size_t i) const { return ReadInt(buf_.data() + i * width_, width_); }

size_t SetValue::IntSearch(int64_t v, bool* found) const {
  size_t lo = 0;
  size_t hi = size();
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    const int64_t x = IntAt(mid);
    if (x == v) {
      *found = true;
      return mid;
    }
    if (x < v) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  *found = false;
  return lo;
}

bool SetValue::IntAdd(int64_t v) {
  const uint8_t need_width = WidthFor(v);
  if (need_width > width_) {
    // Widen every element (as intsetUpgradeAndAdd); v is then the new minimum or maximum.
    const size_t n = size();
    ByteBuf wide;
    uint8_t* p = wide.Append((n + 1) * need_width);
    const size_t shift = v < 0 ? 1 : 0;
    for (size_t i = 0; i < n; ++i) WriteInt(p + (i + shift) * need_width, IntAt(i), need_width);
    WriteInt(p + (v < 0 ? 0 : n) * need_width, v, need_width);
    buf_ = std::move(wide);
    width_ = need_width;
    return true;
  }
  bool found;
  const size_t i = IntSearch(v, &found);
  if (found) return false;
  WriteInt(buf_.Splice(i * width_, 0, width_), v, width_);
  return true;
}

size_t SetValue::FindPacked(std::string_view member) const {
  const packed::Probe probe(member);
  const uint8_t* base = buf_.data();
  for (size_t off = 0; off < buf_.size(); off += packed::Skip(base + off)) {
    if (probe.Matches(base + off)) return off;
  }
  return SIZE_MAX;
}

bool SetValue::Contains(std::string_view member) const {
  switch (encoding_) {
    case Encoding::kIntset: {
      const std::optional<int64_t> v = ParseInt64(member);
      bool found = false;
      if (v) IntSearch(*v, &found);
      return found;
    }
    case Encoding::kPacked: return FindPacked(member) != SIZE_MAX;
    case Encoding::kTable: return large_->table.Find(member) != nullptr;
  }
  return false;
}

bool SetValue::Add(std::string_view member, const Limits& limits) {
  switch (encoding_) {
    case Encoding::kIntset: {
      if (const std::optional<int64_t> v = ParseInt64(member)) {
        if (!IntAdd(*v)) return false;
        data_bytes_ += member.size();
        if (size() > limits.intset_entries) ConvertToTable();
        return true;
      }
      // Redis 7.2 (setTypeAddAux): a non-integer moves the set to a listpack when that can
      // hold it and the integers already there, else to a table. The extremes are the
      // longest integers, as text and packed.
      const size_t n = size();
      size_t longest = member.size();
      size_t packed_bytes = packed::Probe(member).size();
      if (n > 0) {
        for (const int64_t x : {IntAt(0), IntAt(n - 1)}) {
          const Elem e = Elem::Int(x);
          longest = std::max(longest, e.size());
          packed_bytes = std::max(packed_bytes, packed::Probe(e.view()).size());
        }
      }
      if (n < limits.entries && longest <= limits.value &&
          packed_bytes <= kMaxPackedBytes / (n + 1)) {
        ConvertToPacked();
      } else {
        ConvertToTable();
      }
      return Add(member, limits);
    }
    case Encoding::kPacked: {
      if (FindPacked(member) != SIZE_MAX) return false;
      const packed::Probe probe(member);
      if (packed_count_ >= limits.entries || member.size() > limits.value ||
          probe.size() > kMaxPackedBytes - buf_.size()) {
        ConvertToTable();
        return Add(member, limits);
      }
      probe.Write(buf_.Append(probe.size()));
      ++packed_count_;
      data_bytes_ += member.size();
      return true;
    }
    case Encoding::kTable: {
      if (large_->table.Find(member) != nullptr) return false;
      TableAdd(large_->table, large_->member_bytes, member);
      data_bytes_ += member.size();
      return true;
    }
  }
  return false;
}

std::unique_ptr<SetValue> SetValue::Create(Encoding encoding) {
  std::unique_ptr<SetValue> out = Create();
  out->ResetEmpty(encoding);
  return out;
}

void SetValue::ResetEmpty(Encoding encoding) {
  if (encoding == encoding_) return;
  buf_.Clear();
  packed_count_ = 0;
  width_ = 2;
  large_ = encoding == Encoding::kTable ? std::make_unique<Large>() : nullptr;
  encoding_ = encoding;
}

void SetValue::PrepareForAdd(std::string_view first, size_t count) {
  const Limits limits = Limits::Current();
  if (empty()) {
    // setTypeCreate.
    if (ParseInt64(first) && count <= limits.intset_entries) {
      ResetEmpty(Encoding::kIntset);
    } else {
      ResetEmpty(count <= limits.entries ? Encoding::kPacked : Encoding::kTable);
    }
  } else if ((encoding_ == Encoding::kPacked && count > limits.entries) ||
             (encoding_ == Encoding::kIntset && count > limits.intset_entries)) {
    ConvertToTable();
  }
}

void SetValue::MaybeConvertToIntset() {
  if (encoding_ == Encoding::kIntset || size() > Limits::Current().intset_entries) return;
  std::vector<int64_t> ints;
  ints.reserve(size());
  bool all = true;
  ForEach([&](std::string_view m) {
    const std::optional<int64_t> v = all ? ParseInt64(m) : std::nullopt;
    if (v) {
      ints.push_back(*v);
    } else {
      all = false;
    }
  });
  if (!all) return;
  std::sort(ints.begin(), ints.end());
  uint8_t width = 2;
  if (!ints.empty()) width = std::max(WidthFor(ints.front()), WidthFor(ints.back()));
  ByteBuf is;
  if (!ints.empty()) {
    uint8_t* p = is.Append(ints.size() * width);
    for (size_t i = 0; i < ints.size(); ++i) WriteInt(p + i * width, ints[i], width);
  }
  if (large_) large_->table.ForEach([](uint8_t* m) { std::free(m); });
  large_.reset();
  buf_ = std::move(is);
  packed_count_ = 0;
  width_ = width;
  encoding_ = Encoding::kIntset;
}

void SetValue::TableAdd(Table& table, size_t& bytes, std::string_view member) {
  uint8_t* m = NewMember(member);
  try {
    table.Insert(m, Table::Hash(member));
  } catch (...) {
    std::free(m);
    throw;
  }
  bytes += malloc_usable_size(m);
}

bool SetValue::Remove(std::string_view member) {
  switch (encoding_) {
    case Encoding::kIntset: {
      const std::optional<int64_t> v = ParseInt64(member);
      if (!v) return false;
      bool found;
      const size_t i = IntSearch(*v, &found);
      if (!found) return false;
      buf_.Splice(i * width_, width_, 0);
      break;
    }
    case Encoding::kPacked: {
      const size_t off = FindPacked(member);
      if (off == SIZE_MAX) return false;
      buf_.Splice(off, packed::Skip(buf_.data() + off), 0);
      --packed_count_;
      break;
    }
    case Encoding::kTable: {
      uint8_t* m = large_->table.Erase(member);
      if (m == nullptr) return false;
      large_->member_bytes -= malloc_usable_size(m);
      std::free(m);
      break;
    }
  }
  data_bytes_ -= member.size();
  return true;
}

Elem SetValue::Random(uint64_t r) const {
  switch (encoding_) {
    case Encoding::kIntset: return Elem::Int(IntAt(r % size()));
    case Encoding::kPacked: {
      const uint8_t* p = buf_.data();
      for (uint64_t k = r % packed_count_; k > 0; --k) p += packed::Skip(p);
      return packed::At(p);
    }
    case Encoding::kTable: return Elem::View(MemberOf(large_->table.Random(r)));
  }
  return {};
}

std::string SetValue::PopRandom(uint64_t r) {
  std::string out = Random(r).str();
  Remove(out);
  return out;
}

void SetValue::ConvertToPacked() {
  ByteBuf packed_buf;
  const size_t n = size();
  for (size_t i = 0; i < n; ++i) {
    const Elem e = Elem::Int(IntAt(i));
    const packed::Probe probe(e.view());
    probe.Write(packed_buf.Append(probe.size()));
  }
  buf_ = std::move(packed_buf);
  packed_count_ = static_cast<uint32_t>(n);
  encoding_ = Encoding::kPacked;
}

void SetValue::ConvertToTable() {
  auto large = std::make_unique<Large>();
  try {
    ForEach([&](std::string_view m) { TableAdd(large->table, large->member_bytes, m); });
  } catch (...) {
    large->table.ForEach([](uint8_t* m) { std::free(m); });
    throw;
  }
  large_ = std::move(large);
  buf_.Clear();
  packed_count_ = 0;
  encoding_ = Encoding::kTable;
}

size_t SetValue::AllocatedBytes() const {
  size_t bytes = malloc_usable_size(const_cast<SetValue*>(this)) + buf_.allocated();
  if (large_) {
    bytes += malloc_usable_size(large_.get()) + large_->table.AllocatedBytes() +
             large_->member_bytes;
  }
  return bytes;
}

size_t SetValue::RecountAllocatedBytes() const {
  size_t bytes = malloc_usable_size(const_cast<SetValue*>(this)) + buf_.allocated();
  if (large_) {
    bytes += malloc_usable_size(large_.get()) + large_->table.AllocatedBytes();
    large_->table.ForEach(
        [&](const uint8_t* m) { bytes += malloc_usable_size(const_cast<uint8_t*>(m)); });
  }
  return bytes;
}

}  // namespace kvd
