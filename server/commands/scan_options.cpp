#include "server/commands/scan_options.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <string>

#include "core/numeric.h"
#include "core/text.h"
#include "server/errors.h"

namespace kvd {

std::optional<uint64_t> ParseScanCursor(std::string_view arg) {
  const std::string text(arg);  // strtoull needs a terminated string
  if (!text.empty() && std::isspace(static_cast<unsigned char>(text[0]))) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
  if (*end != '\0' || errno == ERANGE) return std::nullopt;
  return static_cast<uint64_t>(v);
}

std::optional<std::string_view> ParseScanOptions(std::span<const std::string_view> args,
                                                 bool allow_type, ScanOptions& o) {
  for (size_t i = 0; i < args.size(); i += 2) {
    const bool has_value = args.size() - i >= 2;
    if (has_value && EqualsIgnoreCase(args[i], "COUNT")) {
      std::optional<int64_t> n = ParseInt64(args[i + 1]);
      if (!n) return kNotIntegerErr;
      if (*n < 1) return kSyntaxErr;
      o.count = *n;
    } else if (has_value && EqualsIgnoreCase(args[i], "MATCH")) {
      o.pattern = args[i + 1];
      if (*o.pattern == "*") o.pattern.reset();
    } else if (allow_type && has_value && EqualsIgnoreCase(args[i], "TYPE")) {
      o.type = args[i + 1];
    } else {
      return kSyntaxErr;
    }
  }
  return std::nullopt;
}

}  // namespace kvd
