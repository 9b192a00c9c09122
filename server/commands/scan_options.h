#pragma once
// The cursor and options of SCAN, HSCAN, SSCAN and ZSCAN (Redis's scanGenericCommand).
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace kvd {

inline constexpr std::string_view kInvalidCursorErr = "ERR invalid cursor";

// Redis 7.2's parseScanCursorOrReply: strtoul over the whole argument, no leading space, no
// overflow. Like Redis it takes "+5", and "-1" wraps to the largest cursor.
std::optional<uint64_t> ParseScanCursor(std::string_view arg);

struct ScanOptions {
  int64_t count = 10;
  std::optional<std::string_view> pattern;  // unset when absent or "*": everything
  std::optional<std::string_view> type;     // SCAN only
};

// MATCH, COUNT and (when allow_type, SCAN's alone) TYPE. Returns the error text, if any; the
// first error wins.
std::optional<std::string_view> ParseScanOptions(std::span<const std::string_view> args,
                                                 bool allow_type, ScanOptions& o);

}  // namespace kvd
