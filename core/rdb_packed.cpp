#include "core/rdb_packed.h"

#include "core/numeric.h"

namespace kvd::rdb {
namespace {

constexpr size_t kZiplistHeader = 10;
constexpr size_t kListpackHeader = 6;
constexpr uint8_t kEnd = 0xff;

uint64_t Le(const unsigned char* p, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// Sign-extends the low `bits` bits of v.
int64_t Signed(uint64_t v, int bits) {
  if (bits < 64 && (v & (uint64_t{1} << (bits - 1)))) v |= ~uint64_t{0} << bits;
  return static_cast<int64_t>(v);
}

std::string At(std::string_view what, size_t off) {
  return std::string(what) + " at byte " + std::to_string(off);
}

// A string that is the canonical text of an integer: its value (Redis's string2ll).
bool AsInteger(std::string_view s, int64_t* v) {
  if (s.empty() || s.size() >= 32) return false;
  const std::optional<int64_t> n = ParseInt64(s);
  if (!n) return false;
  *v = *n;
  return true;
}

// An entry's element once its encoding is read: `data` string bytes at `off` (advanced past
// them), or the decoded integer as text in `text`. False when the string runs past `end`.
bool TakeElement(std::string_view blob, size_t end, bool is_int, size_t data, int64_t iv,
                 size_t& off, std::string& text, std::string_view& elem) {
  if (is_int) {
    text.clear();
    AppendInt64(text, iv);
    elem = text;
    return true;
  }
  if (data > end - off) return false;
  elem = blob.substr(off, data);
  off += data;
  return true;
}

}  // namespace

std::string WalkZiplist(std::string_view blob, const ElementVisitor& visit) {
  const auto* p = reinterpret_cast<const unsigned char*>(blob.data());
  const size_t size = blob.size();
  if (size < kZiplistHeader + 1) return "ziplist shorter than its header";
  if (Le(p, 4) != size) return "ziplist size field does not match its length";
  const uint64_t tail = Le(p + 4, 4);
  const uint64_t header_count = Le(p + 8, 2);
  if (p[size - 1] != kEnd) return "ziplist does not end with 0xff";
  size_t off = kZiplistHeader;
  size_t count = 0, prev_size = 0, last_entry = kZiplistHeader;
  std::string text;
  while (off < size - 1) {
    const size_t start = off;
    // prevlen: the previous entry's size.
    size_t prevlen;
    if (p[off] < 254) {
      prevlen = p[off++];
    } else if (p[off] == 254) {
      if (size - 1 - off < 5) return At("ziplist prevlen runs past the end", start);
      prevlen = Le(p + off + 1, 4);
      off += 5;
    } else {
      return At("ziplist entry with a 0xff prevlen", start);
    }
    if (prevlen != prev_size) return At("ziplist prevlen does not match", start);
    if (off >= size - 1) return At("ziplist entry without an encoding", start);
    const uint8_t enc = p[off++];
    const size_t room = size - 1 - off;
    std::string_view elem;
    int64_t iv = 0;
    bool is_int = true;
    size_t data = 0;
    switch (enc >> 6) {
      case 0:
        data = enc & 0x3f;
        is_int = false;
        break;
      case 1:
        if (room < 1) return At("ziplist length runs past the end", start);
        data = (size_t{enc & 0x3fu} << 8) | p[off++];
        is_int = false;
        break;
      case 2:
        if (enc != 0x80) return At("bad ziplist string encoding", start);
        if (room < 4) return At("ziplist length runs past the end", start);
        data = static_cast<size_t>(p[off]) << 24 | size_t{p[off + 1]} << 16 |
               size_t{p[off + 2]} << 8 | p[off + 3];
        off += 4;
        is_int = false;
        break;
      default: {
        int n = 0;
        switch (enc) {
          case 0xc0: n = 2; break;
          case 0xd0: n = 4; break;
          case 0xe0: n = 8; break;
          case 0xf0: n = 3; break;
          case 0xfe: n = 1; break;
          default:
            if (enc >= 0xf1 && enc <= 0xfd) {
              iv = (enc & 0x0f) - 1;
              break;
            }
            return At("bad ziplist integer encoding", start);
        }
        if (n > 0) {
          if (room < static_cast<size_t>(n)) return At("ziplist integer runs past the end", start);
          iv = Signed(Le(p + off, n), n * 8);
          off += static_cast<size_t>(n);
        }
      }
    }
    if (!TakeElement(blob, size - 1, is_int, data, iv, off, text, elem)) {
      return At("ziplist string runs past the end", start);
    }
    prev_size = off - start;
    last_entry = start;
    ++count;
    if (!visit(elem)) return "stopped";
  }
  if (count > 0 && tail != last_entry) return "ziplist tail offset does not match";
  if (count == 0 && tail != kZiplistHeader) return "ziplist tail offset does not match";
  if (header_count != 0xffff && header_count != count) {
    return "ziplist count field does not match its entries";
  }
  return "";
}

std::string WalkListpack(std::string_view blob, const ElementVisitor& visit) {
  const auto* p = reinterpret_cast<const unsigned char*>(blob.data());
  const size_t size = blob.size();
  if (size < kListpackHeader + 1) return "listpack shorter than its header";
  if (Le(p, 4) != size) return "listpack size field does not match its length";
  const uint64_t header_count = Le(p + 4, 2);
  if (p[size - 1] != kEnd) return "listpack does not end with 0xff";
  size_t off = kListpackHeader, count = 0;
  std::string text;
  while (off < size - 1) {
    const size_t start = off;
    const uint8_t enc = p[off++];
    const size_t room = size - 1 - off;
    std::string_view elem;
    int64_t iv = 0;
    bool is_int = true;
    size_t data = 0;
    if ((enc & 0x80) == 0) {
      iv = enc & 0x7f;
    } else if ((enc & 0xc0) == 0x80) {
      data = enc & 0x3f;
      is_int = false;
    } else if ((enc & 0xe0) == 0xc0) {
      if (room < 1) return At("listpack integer runs past the end", start);
      iv = Signed((uint64_t{enc & 0x1fu} << 8) | p[off++], 13);
    } else if ((enc & 0xf0) == 0xe0) {
      if (room < 1) return At("listpack length runs past the end", start);
      data = (size_t{enc & 0x0fu} << 8) | p[off++];
      is_int = false;
    } else {
      int n = 0;
      switch (enc) {
        case 0xf0:
          if (room < 4) return At("listpack length runs past the end", start);
          data = static_cast<size_t>(Le(p + off, 4));
          off += 4;
          is_int = false;
          break;
        case 0xf1: n = 2; break;
        case 0xf2: n = 3; break;
        case 0xf3: n = 4; break;
        case 0xf4: n = 8; break;
        default: return At("bad listpack encoding", start);
      }
      if (n > 0) {
        if (room < static_cast<size_t>(n)) return At("listpack integer runs past the end", start);
        iv = Signed(Le(p + off, n), n * 8);
        off += static_cast<size_t>(n);
      }
    }
    if (!TakeElement(blob, size - 1, is_int, data, iv, off, text, elem)) {
      return At("listpack string runs past the end", start);
    }
    // backlen: the entry's size in 7-bit groups, most significant group first.
    const size_t entry = off - start;
    // Redis's lpEncodeBacklen takes one byte more at 16383, 2097151 and 268435455.
    const size_t backlen = entry < 128 ? 1 : entry < 16383 ? 2 : entry < 2097151 ? 3
                           : entry < 268435455 ? 4 : 5;
    if (backlen > size - 1 - off) return At("listpack backlen runs past the end", start);
    uint64_t stored = 0;
    for (size_t i = 0; i < backlen; ++i) stored = (stored << 7) | (p[off + i] & 0x7f);
    if (stored != entry) return At("listpack backlen does not match its entry", start);
    off += backlen;
    ++count;
    if (!visit(elem)) return "stopped";
  }
  if (header_count != 0xffff && header_count != count) {
    return "listpack count field does not match its entries";
  }
  return "";
}

std::string WalkIntset(std::string_view blob, const ElementVisitor& visit) {
  const auto* p = reinterpret_cast<const unsigned char*>(blob.data());
  if (blob.size() < 8) return "intset shorter than its header";
  const uint64_t width = Le(p, 4);
  const uint64_t count = Le(p + 4, 4);
  if (width != 2 && width != 4 && width != 8) return "bad intset encoding";
  if (count == 0) return "empty intset";
  if ((blob.size() - 8) / width != count || (blob.size() - 8) % width != 0) {
    return "intset count does not match its length";
  }
  std::string text;
  int64_t prev = 0;
  for (uint64_t i = 0; i < count; ++i) {
    const int64_t v = Signed(Le(p + 8 + i * width, static_cast<int>(width)),
                             static_cast<int>(width * 8));
    if (i > 0 && v <= prev) return "intset not sorted or with duplicates";
    prev = v;
    text.clear();
    AppendInt64(text, v);
    if (!visit(text)) return "stopped";
  }
  return "";
}

void ZiplistBuilder::Clear() {
  buf_.assign(kZiplistHeader, '\0');
  count_ = 0;
  last_entry_size_ = 0;
  tail_offset_ = kZiplistHeader;
}

size_t ZiplistBuilder::EntrySize(std::string_view s) const {
  const size_t prevlen = last_entry_size_ < 254 ? 1 : 5;
  int64_t v;
  if (AsInteger(s, &v)) {
    if (v >= 0 && v <= 12) return prevlen + 1;
    if (v >= INT8_MIN && v <= INT8_MAX) return prevlen + 2;
    if (v >= INT16_MIN && v <= INT16_MAX) return prevlen + 3;
    if (v >= -(1 << 23) && v < (1 << 23)) return prevlen + 4;
    if (v >= INT32_MIN && v <= INT32_MAX) return prevlen + 5;
    return prevlen + 9;
  }
  const size_t header = s.size() <= 0x3f ? 1 : s.size() <= 0x3fff ? 2 : 5;
  return prevlen + header + s.size();
}

void ZiplistBuilder::Push(std::string_view s) {
  const size_t start = buf_.size();
  const auto byte = [this](uint64_t b) { buf_.push_back(static_cast<char>(b & 0xff)); };
  const auto le = [&byte](uint64_t v, int n) {
    for (int i = 0; i < n; ++i) byte(v >> (8 * i));
  };
  if (last_entry_size_ < 254) {
    byte(last_entry_size_);
  } else {
    byte(254);
    le(last_entry_size_, 4);
  }
  int64_t v;
  if (AsInteger(s, &v)) {
    const auto u = static_cast<uint64_t>(v);
    if (v >= 0 && v <= 12) {
      byte(0xf1 + u);
    } else if (v >= INT8_MIN && v <= INT8_MAX) {
      byte(0xfe);
      le(u, 1);
    } else if (v >= INT16_MIN && v <= INT16_MAX) {
      byte(0xc0);
      le(u, 2);
    } else if (v >= -(1 << 23) && v < (1 << 23)) {
      byte(0xf0);
      le(u, 3);
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
      byte(0xd0);
      le(u, 4);
    } else {
      byte(0xe0);
      le(u, 8);
    }
  } else {
    const size_t n = s.size();
    if (n <= 0x3f) {
      byte(n);
    } else if (n <= 0x3fff) {
      byte(0x40 | (n >> 8));
      byte(n);
    } else {
      byte(0x80);
      for (int i = 3; i >= 0; --i) byte(n >> (8 * i));
    }
    buf_.append(s);
  }
  tail_offset_ = start;
  last_entry_size_ = buf_.size() - start;
  ++count_;
}

std::string ZiplistBuilder::Finish() {
  std::string out;
  out.swap(buf_);
  out.push_back(static_cast<char>(kEnd));
  const auto put = [&out](size_t at, uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
  };
  put(0, out.size(), 4);
  put(4, tail_offset_, 4);
  put(8, count_ < 0xffff ? count_ : 0xffff, 2);
  Clear();
  return out;
}

void ListpackBuilder::Clear() {
  buf_.assign(kListpackHeader, '\0');
  count_ = 0;
}

void ListpackBuilder::Backlen(size_t l) {
  // lpEncodeBacklen: 7 bits per byte, most significant first, every byte but the first with
  // its top bit set.
  const size_t n = l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
  for (size_t i = n; i-- > 0;) {
    const uint8_t b = static_cast<uint8_t>((l >> (7 * i)) & 0x7f);
    buf_.push_back(static_cast<char>(i == n - 1 ? b : b | 0x80));
  }
}

void ListpackBuilder::PushInt(int64_t v) {
  const size_t start = buf_.size();
  const auto u = static_cast<uint64_t>(v);
  const auto le = [this, u](uint8_t enc, int n) {
    buf_.push_back(static_cast<char>(enc));
    for (int i = 0; i < n; ++i) buf_.push_back(static_cast<char>((u >> (8 * i)) & 0xff));
  };
  if (v >= 0 && v <= 127) {
    buf_.push_back(static_cast<char>(v));
  } else if (v >= -4096 && v <= 4095) {
    const uint64_t t = u & 0x1fff;  // 13-bit two's complement
    buf_.push_back(static_cast<char>(0xc0 | (t >> 8)));
    buf_.push_back(static_cast<char>(t & 0xff));
  } else if (v >= INT16_MIN && v <= INT16_MAX) {
    le(0xf1, 2);
  } else if (v >= -(int64_t{1} << 23) && v < (int64_t{1} << 23)) {
    le(0xf2, 3);
  } else if (v >= INT32_MIN && v <= INT32_MAX) {
    le(0xf3, 4);
  } else {
    le(0xf4, 8);
  }
  Backlen(buf_.size() - start);
  ++count_;
}

void ListpackBuilder::Push(std::string_view s) {
  int64_t v;
  if (AsInteger(s, &v)) return PushInt(v);
  const size_t start = buf_.size();
  if (s.size() < 64) {
    buf_.push_back(static_cast<char>(0x80 | s.size()));
  } else if (s.size() < 4096) {
    buf_.push_back(static_cast<char>(0xe0 | (s.size() >> 8)));
    buf_.push_back(static_cast<char>(s.size() & 0xff));
  } else {
    buf_.push_back(static_cast<char>(0xf0));
    for (int i = 0; i < 4; ++i) buf_.push_back(static_cast<char>((s.size() >> (8 * i)) & 0xff));
  }
  buf_.append(s);
  Backlen(buf_.size() - start);
  ++count_;
}

std::string ListpackBuilder::Finish() {
  std::string out;
  out.swap(buf_);
  out.push_back(static_cast<char>(kEnd));
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>((out.size() >> (8 * i)) & 0xff);
  const size_t count = count_ < 0xffff ? count_ : 0xffff;
  out[4] = static_cast<char>(count & 0xff);
  out[5] = static_cast<char>(count >> 8);
  Clear();
  return out;
}

}  // namespace kvd::rdb
