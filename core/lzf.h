#pragma once
// LZF, the compression Redis uses for long strings in RDB files (liblzf 3.6 as Redis
// configures it: HLOG 16, VERY_FAST).
//
// The stream is a sequence of runs:
//   000LLLLL + (L+1) literal bytes                       literal run, 1..32 bytes
//   LLLooooo oooooooo                                    back reference, L in 1..6
//   111ooooo LLLLLLLL oooooooo                           back reference, length 7 + L
// A back reference copies (length + 2) bytes from `offset + 1` bytes back in the output
// (offset: the 13 o-bits), so it may overlap what it is producing.
#include <cstddef>
#include <optional>
#include <string_view>

namespace kvd {

// Compresses `in` into out[0, out_capacity). Returns the compressed size, or 0 when the
// result would not fit (or `in` is empty): Redis passes a capacity of size - 4, so 0 means
// "not worth it, store the string verbatim". Matches liblzf's output and its out-of-room
// decisions for a zeroed hash table; deterministic (no state kept between calls).
size_t LzfCompress(std::string_view in, char* out, size_t out_capacity);

// Decompresses `in` into out[0, out_capacity). Returns the decompressed size, or nullopt
// when the input is malformed: a run cut short, a reference before the start of the
// output, or output that would exceed out_capacity. Never reads or writes out of bounds.
std::optional<size_t> LzfDecompress(std::string_view in, char* out, size_t out_capacity);

// The most output `in_size` compressed bytes can produce (a 3-byte reference yields 264):
// a declared size above this is corrupt, whatever the bytes say.
constexpr size_t LzfMaxExpansion(size_t in_size) { return in_size * 88; }

}  // namespace kvd
