#include "server/commands/mpop_args.h"

#include <cstdint>

#include "core/numeric.h"
#include "core/text.h"
#include "server/errors.h"

namespace kvd {

std::optional<MPopArgs> ParseMPopArgs(CommandContext& ctx, size_t first, std::string_view side1,
                                      std::string_view side2) {
  const size_t argc = ctx.args.size();
  std::optional<int64_t> numkeys = ParseInt64(ctx.args[first]);
  if (!numkeys || *numkeys <= 0) {
    ctx.Error("ERR numkeys should be greater than 0");
    return std::nullopt;
  }
  // The keys are args[first + 1, first + 1 + numkeys); <side> follows them.
  const size_t keys_at = first + 1;
  if (static_cast<uint64_t>(*numkeys) >= argc - keys_at) {
    ctx.Error(kSyntaxErr);
    return std::nullopt;
  }
  const size_t side_at = keys_at + static_cast<size_t>(*numkeys);
  MPopArgs out;
  out.keys = ctx.args.subspan(keys_at, side_at - keys_at);
  if (EqualsIgnoreCase(ctx.args[side_at], side2)) {
    out.second_side = true;
  } else if (!EqualsIgnoreCase(ctx.args[side_at], side1)) {
    ctx.Error(kSyntaxErr);
    return std::nullopt;
  }
  bool counted = false;
  for (size_t j = side_at + 1; j < argc; ++j) {
    if (!counted && EqualsIgnoreCase(ctx.args[j], "COUNT") && j + 1 < argc) {
      std::optional<int64_t> c = ParseInt64(ctx.args[++j]);
      if (!c || *c <= 0) {
        ctx.Error("ERR count should be greater than 0");
        return std::nullopt;
      }
      out.count = static_cast<size_t>(*c);
      counted = true;
    } else {
      ctx.Error(kSyntaxErr);
      return std::nullopt;
    }
  }
  return out;
}

}  // namespace kvd
