#pragma once
// The arguments LMPOP, BLMPOP, ZMPOP and BZMPOP share:
//   numkeys key [key ...] <side> [COUNT count]
// where <side> is one of two words (LEFT|RIGHT, MIN|MAX).
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

#include "server/command.h"

namespace kvd {

struct MPopArgs {
  std::span<const std::string_view> keys;
  bool second_side = false;  // <side> was the second word (RIGHT, MAX)
  size_t count = 1;          // COUNT, 1 when not given
};

// Parses ctx.args from index `first` (numkeys). On bad arguments replies Redis's error, in
// Redis's order (numkeys, then syntax, then count), and returns nullopt.
std::optional<MPopArgs> ParseMPopArgs(CommandContext& ctx, size_t first, std::string_view side1,
                                      std::string_view side2);

}  // namespace kvd
