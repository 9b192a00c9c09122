#include "server/commands/stream_read_args.h"

#include <string>

#include "core/numeric.h"
#include "core/text.h"
#include "server/blocking.h"
#include "server/client_state.h"
#include "server/errors.h"

namespace kvd::stream {

std::optional<ReadArgs> ParseReadArgs(CommandContext& ctx, bool xreadgroup) {
  ReadArgs a;
  bool have_group = false;
  size_t streams = 0;
  const size_t argc = ctx.args.size();
  for (size_t i = 1; i < argc; ++i) {
    const size_t more = argc - i - 1;
    const std::string_view opt = ctx.args[i];
    if (EqualsIgnoreCase(opt, "BLOCK") && more > 0) {
      if (ctx.client.script) {
        // Refused in scripts, as Redis 7.2 does (other blocking commands answer at once
        // there; Redis allows this too from 7.4).
        ctx.Error("ERR " + std::string(ctx.args[0]) +
                  " command is not allowed with BLOCK option from scripts");
        return std::nullopt;
      }
      a.deadline = ParseBlockTimeoutMs(ctx, ctx.args[++i]);
      if (!a.deadline) return std::nullopt;
    } else if (EqualsIgnoreCase(opt, "COUNT") && more > 0) {
      std::optional<int64_t> n = ParseInt64(ctx.args[++i]);
      if (!n) {
        ctx.Error(kNotIntegerErr);
        return std::nullopt;
      }
      a.count = *n < 0 ? 0 : *n;
    } else if (EqualsIgnoreCase(opt, "STREAMS") && more > 0) {
      streams = i + 1;
      if ((argc - streams) % 2 != 0) {
        ctx.Error(xreadgroup ? "ERR Unbalanced 'xreadgroup' list of streams: for each stream key "
                               "an ID or '>' must be specified."
                             : "ERR Unbalanced 'xread' list of streams: for each stream key an "
                               "ID or '$' must be specified.");
        return std::nullopt;
      }
      break;
    } else if (EqualsIgnoreCase(opt, "GROUP") && more >= 2) {
      if (!xreadgroup) {
        ctx.Error("ERR The GROUP option is only supported by XREADGROUP. You called XREAD "
                  "instead.");
        return std::nullopt;
      }
      a.group = ctx.args[i + 1];
      a.consumer = ctx.args[i + 2];
      have_group = true;
      i += 2;
    } else if (EqualsIgnoreCase(opt, "NOACK")) {
      if (!xreadgroup) {
        ctx.Error("ERR The NOACK option is only supported by XREADGROUP. You called XREAD "
                  "instead.");
        return std::nullopt;
      }
      a.noack = true;
    } else {
      ctx.Error(kSyntaxErr);
      return std::nullopt;
    }
  }
  if (streams == 0) {
    ctx.Error(kSyntaxErr);
    return std::nullopt;
  }
  if (xreadgroup && !have_group) {
    ctx.Error("ERR Missing GROUP option for XREADGROUP");
    return std::nullopt;
  }
  const size_t n = (argc - streams) / 2;
  a.keys = ctx.args.subspan(streams, n);
  a.ids_at = streams + n;
  a.ids = ctx.args.subspan(a.ids_at, n);
  return a;
}

}  // namespace kvd::stream
