#include "core/lzf.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>

namespace kvd {
namespace {

constexpr int kHashLog = 16;  // Redis's HLOG
constexpr size_t kHashSize = size_t{1} << kHashLog;
constexpr size_t kMaxLiteral = 1 << 5;                // MAX_LIT
constexpr size_t kMaxOffset = 1 << 13;                // MAX_OFF
constexpr size_t kMaxReference = (1 << 8) + (1 << 3);  // MAX_REF

// liblzf's FRST/NEXT/IDX (VERY_FAST variant) on 32-bit unsigned arithmetic: the hash of
// the three bytes at a position, rolled forward one byte at a time. The format does not
// depend on it, but identical output to Redis's does.
uint32_t First(const uint8_t* p) { return (uint32_t{p[0]} << 8) | p[1]; }
uint32_t Next(uint32_t v, const uint8_t* p) { return (v << 8) | p[2]; }
size_t Index(uint32_t h) { return ((h >> (3 * 8 - kHashLog)) - h * 5) & (kHashSize - 1); }

// The last position seen for each hash value. liblzf leaves its table uninitialised;
// here every call starts from an empty one without clearing 64K slots each time: a slot
// belongs to the call whose stamp it carries, anything else reads as position 0, which
// liblzf never matches against (`ref > in_data`).
class HashTable {
 public:
  HashTable() : slots_(new uint64_t[kHashSize]()) {}

  void NewCall() {
    if (++stamp_ == 0) {  // after 2^32 calls, old stamps would come back: clear once
      std::fill(slots_.get(), slots_.get() + kHashSize, 0);
      stamp_ = 1;
    }
  }
  size_t Get(size_t slot) const {
    const uint64_t v = slots_[slot];
    return (v >> 32) == stamp_ ? static_cast<uint32_t>(v) : 0;
  }
  void Set(size_t slot, size_t pos) {
    slots_[slot] = (uint64_t{stamp_} << 32) | static_cast<uint32_t>(pos);
  }

 private:
  std::unique_ptr<uint64_t[]> slots_;
  uint32_t stamp_ = 0;
};

}  // namespace

// liblzf's lzf_compress, on offsets instead of pointers, with its exact room checks so the
// same inputs come out "too big" as in Redis.
size_t LzfCompress(std::string_view input, char* output, size_t out_len) {
  const size_t in_len = input.size();
  if (in_len == 0 || out_len == 0 || in_len > std::numeric_limits<uint32_t>::max()) return 0;
  const auto* in = reinterpret_cast<const uint8_t*>(input.data());
  auto* out = reinterpret_cast<uint8_t*>(output);
  thread_local HashTable table;
  table.NewCall();

  size_t ip = 0;
  size_t op = 1;  // out[0] is the first literal run's control byte
  size_t lit = 0;
  uint32_t hval = in_len >= 2 ? First(in) : 0;
  while (ip + 2 < in_len) {
    hval = Next(hval, in + ip);
    const size_t slot = Index(hval);
    const size_t ref = table.Get(slot);
    table.Set(slot, ip);
    if (ref > 0 && ref < ip && ip - ref - 1 < kMaxOffset && in[ref + 2] == in[ip + 2] &&
        in[ref] == in[ip] && in[ref + 1] == in[ip + 1]) {
      const size_t off = ip - ref - 1;
      size_t len = 2;
      size_t maxlen = in_len - ip - len;
      if (maxlen > kMaxReference) maxlen = kMaxReference;
      // Room for the reference (up to 3 bytes) and the next run's control byte.
      if (op - (lit == 0 ? 1 : 0) + 3 + 1 >= out_len) return 0;
      out[op - lit - 1] = static_cast<uint8_t>(lit - 1);  // close the literal run
      if (lit == 0) --op;                                 // ...or drop it when empty

      // liblzf checks 16 bytes unguarded when maxlen > 16, then one at a time.
      bool done = false;
      if (maxlen > 16) {
        for (int i = 0; i < 16 && !done; ++i) {
          ++len;
          done = in[ref + len] != in[ip + len];
        }
      }
      if (!done) {
        do {
          ++len;
        } while (len < maxlen && in[ref + len] == in[ip + len]);
      }

      len -= 2;  // the stored length: bytes copied - 2
      ++ip;
      if (len < 7) {
        out[op++] = static_cast<uint8_t>((off >> 8) + (len << 5));
      } else {
        out[op++] = static_cast<uint8_t>((off >> 8) + (7 << 5));
        out[op++] = static_cast<uint8_t>(len - 7);
      }
      out[op++] = static_cast<uint8_t>(off);
      lit = 0;
      ++op;  // open the next literal run

      ip += len + 1;
      if (ip + 2 >= in_len) break;
      // Hash the last two positions of the match, as liblzf's VERY_FAST mode does.
      ip -= 2;
      hval = First(in + ip);
      hval = Next(hval, in + ip);
      table.Set(Index(hval), ip);
      ++ip;
      hval = Next(hval, in + ip);
      table.Set(Index(hval), ip);
      ++ip;
    } else {
      if (op >= out_len) return 0;
      ++lit;
      out[op++] = in[ip++];
      if (lit == kMaxLiteral) {
        out[op - lit - 1] = static_cast<uint8_t>(lit - 1);
        lit = 0;
        ++op;
      }
    }
  }

  if (op + 3 > out_len) return 0;  // at most 3 more bytes: two literals and a control byte
  while (ip < in_len) {
    ++lit;
    out[op++] = in[ip++];
    if (lit == kMaxLiteral) {
      out[op - lit - 1] = static_cast<uint8_t>(lit - 1);
      lit = 0;
      ++op;
    }
  }
  out[op - lit - 1] = static_cast<uint8_t>(lit - 1);
  if (lit == 0) --op;
  return op;
}

std::optional<size_t> LzfDecompress(std::string_view input, char* output, size_t out_len) {
  const auto* in = reinterpret_cast<const uint8_t*>(input.data());
  auto* out = reinterpret_cast<uint8_t*>(output);
  const size_t in_len = input.size();
  size_t ip = 0;
  size_t op = 0;
  while (ip < in_len) {
    size_t ctrl = in[ip++];
    if (ctrl < kMaxLiteral) {
      const size_t n = ctrl + 1;
      if (n > in_len - ip || n > out_len - op) return std::nullopt;
      std::copy(in + ip, in + ip + n, out + op);
      ip += n;
      op += n;
      continue;
    }
    size_t len = ctrl >> 5;
    if (ip >= in_len) return std::nullopt;
    if (len == 7) {
      len += in[ip++];
      if (ip >= in_len) return std::nullopt;
    }
    const size_t back = ((ctrl & 0x1f) << 8) + in[ip++] + 1;
    len += 2;
    if (back > op || len > out_len - op) return std::nullopt;
    // Byte by byte: the source may overlap what is being written (runs of a pattern).
    for (size_t i = 0; i < len; ++i, ++op) out[op] = out[op - back];
  }
  return op;
}

}  // namespace kvd
