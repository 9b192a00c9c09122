#include "server/commands/stream_trim_args.h"

#include <algorithm>

#include "core/encoding_limits.h"
#include "core/numeric.h"
#include "core/text.h"
#include "server/client_state.h"
#include "server/commands/stream_util.h"
#include "server/errors.h"

namespace kvd::stream {
namespace {

constexpr std::string_view kStrategyConflictErr =
    "ERR syntax error, MAXLEN and MINID options at the same time are not compatible";

}  // namespace

std::optional<AddTrimArgs> ParseAddTrimArgs(CommandContext& ctx, bool xadd) {
  const std::span<const std::string_view> argv = ctx.args;
  const size_t argc = argv.size();
  AddTrimArgs a;
  a.xadd = xadd;
  bool limit_given = false;
  size_t i = 2;
  for (; i < argc; ++i) {
    const size_t more = argc - 1 - i;
    const std::string_view opt = argv[i];
    const bool maxlen = EqualsIgnoreCase(opt, "MAXLEN");
    if (xadd && opt == "*") {
      break;  // the common case: an ID to generate
    } else if ((maxlen || EqualsIgnoreCase(opt, "MINID")) && more > 0) {
      if (a.strategy != TrimStrategy::kNone) {
        ctx.Error(kStrategyConflictErr);
        return std::nullopt;
      }
      a.approx = false;
      if (more >= 2 && argv[i + 1] == "~") {
        a.approx = true;
        ++i;
      } else if (more >= 2 && argv[i + 1] == "=") {
        ++i;
      }
      ++i;
      if (maxlen) {
        std::optional<int64_t> n = ParseInt64(argv[i]);
        if (!n) {
          ctx.Error(kNotIntegerErr);
          return std::nullopt;
        }
        if (*n < 0) {
          ctx.Error("ERR The MAXLEN argument must be >= 0.");
          return std::nullopt;
        }
        a.maxlen = *n;
        a.strategy = TrimStrategy::kMaxLen;
      } else {
        std::optional<StreamId> id = ParseIdOrReply(ctx, argv[i], 0, true);
        if (!id) return std::nullopt;
        a.min_id = *id;
        a.strategy = TrimStrategy::kMinId;
      }
      a.threshold_index = i;
    } else if (EqualsIgnoreCase(opt, "LIMIT") && more > 0) {
      std::optional<int64_t> n = ParseInt64(argv[i + 1]);
      if (!n) {
        ctx.Error(kNotIntegerErr);
        return std::nullopt;
      }
      if (*n < 0) {
        ctx.Error("ERR The LIMIT argument must be >= 0.");
        return std::nullopt;
      }
      a.limit = *n;
      limit_given = true;
      a.limit_index.push_back(i);
      ++i;
    } else if (xadd && EqualsIgnoreCase(opt, "NOMKSTREAM")) {
      a.no_mkstream = true;
    } else if (xadd) {
      // Anything else is the ID (or a mistake reported as a bad ID, as Redis does).
      std::optional<StreamId> id = ParseId(opt, 0, true, &a.seq_given);
      if (!id) {
        ctx.Error(kInvalidIdErr);
        return std::nullopt;
      }
      a.id = *id;
      a.id_given = true;
      break;
    } else {
      ctx.Error(kSyntaxErr);
      return std::nullopt;
    }
  }
  a.id_index = i;
  if (a.limit != 0 && a.strategy == TrimStrategy::kNone) {
    ctx.Error("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
    return std::nullopt;
  }
  if (!xadd && a.strategy == TrimStrategy::kNone) {
    ctx.Error("ERR syntax error, XTRIM must be called with a trimming strategy");
    return std::nullopt;
  }
  if (ctx.client.replaying_aof) {
    // What the log holds is exact already; an AOF written by Redis may still carry LIMIT.
    a.limit = 0;
  } else if (limit_given) {
    if (!a.approx) {
      ctx.Error("ERR syntax error, LIMIT cannot be used without the special ~ option");
      return std::nullopt;
    }
  } else if (a.approx) {
    // Bounds the work of one approximate trim to about 100 chunks, as Redis does: 10000
    // entries when chunks have no entry bound, at most 1000000.
    const size_t entries = encoding_limits.stream_node_max_entries;
    a.limit = entries == 0 ? 10000 : static_cast<int64_t>(std::min<size_t>(entries, 10000) * 100);
  } else {
    a.limit = 0;
  }
  return a;
}

size_t Trim(StreamValue& s, const AddTrimArgs& a) {
  const auto limit = static_cast<size_t>(a.limit);
  switch (a.strategy) {
    case TrimStrategy::kMaxLen:
      return s.TrimMaxLen(static_cast<size_t>(a.maxlen), a.approx, limit);
    case TrimStrategy::kMinId:
      return s.TrimMinId(a.min_id, a.approx, limit);
    case TrimStrategy::kNone:
      break;
  }
  return 0;
}

std::vector<std::string> LoggedAddTrim(const CommandContext& ctx, const AddTrimArgs& a,
                                       const StreamValue& s, StreamId added) {
  const std::span<const std::string_view> argv = ctx.args;
  std::vector<std::string> out;
  out.reserve(argv.size());
  for (size_t i = 0; i < argv.size(); ++i) {
    const bool limit =
        std::find(a.limit_index.begin(), a.limit_index.end(), i) != a.limit_index.end();
    if (limit) {
      ++i;  // LIMIT and its count
      continue;
    }
    if (a.approx && i + 1 == a.threshold_index) {
      out.emplace_back("=");
    } else if (a.approx && i == a.threshold_index) {
      if (a.strategy == TrimStrategy::kMaxLen) {
        out.push_back(std::to_string(s.size()));
      } else {
        // The first entry left; past every ID when none is left, as Redis logs it.
        out.push_back((s.empty() ? StreamId::Max() : s.first_id()).ToString());
      }
    } else if (a.xadd && i == a.id_index && (!a.id_given || !a.seq_given)) {
      out.push_back(added.ToString());
    } else {
      out.emplace_back(argv[i]);
    }
  }
  return out;
}

}  // namespace kvd::stream
