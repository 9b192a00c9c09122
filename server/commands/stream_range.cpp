// XRANGE, XREVRANGE and XLEN (Redis's t_stream.c xrangeGenericCommand, xlenCommand).
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/numeric.h"
#include "core/stream_value.h"
#include "core/text.h"
#include "server/commands/stream_commands.h"
#include "server/commands/stream_util.h"
#include "server/errors.h"

namespace kvd::stream_commands {
namespace {

// XRANGE key start end [COUNT n] / XREVRANGE key end start [COUNT n]. COUNT 0 or below
// replies a null array (once the key is found), as Redis does.
void RangeGeneric(CommandContext& ctx, bool reverse) {
  const std::string_view start_arg = reverse ? ctx.args[3] : ctx.args[2];
  const std::string_view end_arg = reverse ? ctx.args[2] : ctx.args[3];
  std::optional<StreamId> start = stream::ParseRangeStart(ctx, start_arg);
  if (!start) return;
  std::optional<StreamId> end = stream::ParseRangeEnd(ctx, end_arg);
  if (!end) return;
  int64_t count = -1;  // no COUNT
  for (size_t i = 4; i < ctx.args.size(); ++i) {
    if (EqualsIgnoreCase(ctx.args[i], "COUNT") && i + 1 < ctx.args.size()) {
      std::optional<int64_t> n = ParseInt64(ctx.args[++i]);
      if (!n) return ctx.Error(kNotIntegerErr);
      count = *n < 0 ? 0 : *n;
    } else {
      return ctx.Error(kSyntaxErr);
    }
  }
  bool failed = false;
  const StreamValue* s = stream::ReadStream(ctx, ctx.args[1], &failed);
  if (failed) return;
  if (s == nullptr) return ctx.reply.ArrayHeader(0);
  if (count == 0) return ctx.reply.NullArray();
  const size_t limit = count < 0 ? 0 : static_cast<size_t>(count);
  stream::ReplyRange(ctx.reply, *s, *start, *end, reverse, limit);
}

}  // namespace

void XRange(CommandContext& ctx) { RangeGeneric(ctx, false); }
void XRevRange(CommandContext& ctx) { RangeGeneric(ctx, true); }

// XLEN key
void XLen(CommandContext& ctx) {
  bool failed = false;
  const StreamValue* s = stream::ReadStream(ctx, ctx.args[1], &failed);
  if (failed) return;
  ctx.reply.Integer(s == nullptr ? 0 : static_cast<int64_t>(s->size()));
}

}  // namespace kvd::stream_commands
