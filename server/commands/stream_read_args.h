#pragma once
// The options XREAD and XREADGROUP share, parsed as Redis's xreadCommand parses both:
// [GROUP group consumer] [COUNT n] [BLOCK ms] [NOACK] STREAMS key... id...
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "server/command.h"

namespace kvd::stream {

struct ReadArgs {
  int64_t count = 0;                // 0: no bound
  std::optional<int64_t> deadline;  // BLOCK's absolute deadline (0: forever); none: no BLOCK
  bool noack = false;
  std::string_view group;  // XREADGROUP's GROUP
  std::string_view consumer;
  std::span<const std::string_view> keys;
  std::span<const std::string_view> ids;
  size_t ids_at = 0;  // argument index of the first ID
};

// Replies the error (GROUP or NOACK given to XREAD, GROUP missing from XREADGROUP, an
// unbalanced STREAMS list...) and returns nullopt when the options are wrong.
std::optional<ReadArgs> ParseReadArgs(CommandContext& ctx, bool xreadgroup);

}  // namespace kvd::stream
