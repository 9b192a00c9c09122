// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]: the longest common
// subsequence of two strings, by Redis's dynamic programming table (t_string.c), so ties
// resolve to the same subsequence and the same match ranges as Redis.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/arg_cursor.h"
#include "server/commands/key_lookup.h"
#include "server/commands/string_commands.h"
#include "server/config.h"

namespace kvd::string_commands {
namespace {

constexpr std::string_view kNotStringsErr = "ERR The specified keys must contain string values";
constexpr std::string_view kLenAndIdxErr =
    "ERR If you want both the length and indexes, please just use IDX.";
constexpr std::string_view kTooLongErr = "ERR String too long for LCS";
constexpr std::string_view kTooBigErr =
    "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len";

struct Match {
  uint32_t a_start, a_end, b_start, b_end;
};

}  // namespace

void Lcs(CommandContext& ctx) {
  const Record* ra = LookupRead(ctx, ctx.args[1]);
  const Record* rb = LookupRead(ctx, ctx.args[2]);
  if ((ra && ra->type() != ValueType::kString) || (rb && rb->type() != ValueType::kString)) {
    return ctx.Error(kNotStringsErr);
  }
  const std::string_view a = ra ? ra->string_value() : std::string_view();
  const std::string_view b = rb ? rb->string_value() : std::string_view();

  bool get_idx = false, get_len = false, with_match_len = false;
  int64_t min_match_len = 0;
  ArgCursor in(ctx.args.subspan(3));
  while (!in.Done()) {
    if (in.Eat("IDX")) {
      get_idx = true;
    } else if (in.Eat("LEN")) {
      get_len = true;
    } else if (in.Eat("WITHMATCHLEN")) {
      with_match_len = true;
    } else if (in.Remaining() >= 2 && in.Eat("MINMATCHLEN")) {
      min_match_len = std::max<int64_t>(in.TakeInt(), 0);
    } else {
      in.Fail(kSyntaxErr);
    }
  }
  if (auto err = in.error()) return ctx.Error(*err);
  if (get_idx && get_len) return ctx.Error(kLenAndIdxErr);
  if (a.size() >= UINT32_MAX - 1 || b.size() >= UINT32_MAX - 1) return ctx.Error(kTooLongErr);

  const uint64_t alen = a.size(), blen = b.size();
  const uint64_t cells = (alen + 1) * (blen + 1);
  if (cells / (blen + 1) != alen + 1 || cells > UINT64_MAX / sizeof(uint32_t) ||
      cells * sizeof(uint32_t) >
          static_cast<uint64_t>(ctx.server.config.values().proto_max_bulk_len)) {
    return ctx.Error(kTooBigErr);
  }
  // dp[i * (blen + 1) + j]: the LCS length of a[0..i) and b[0..j).
  std::vector<uint32_t> dp(cells, 0);
  const auto at = [&](uint64_t i, uint64_t j) -> uint32_t& { return dp[i * (blen + 1) + j]; };
  for (uint64_t i = 1; i <= alen; ++i) {
    for (uint64_t j = 1; j <= blen; ++j) {
      at(i, j) = a[i - 1] == b[j - 1] ? at(i - 1, j - 1) + 1 : std::max(at(i - 1, j), at(i, j - 1));
    }
  }
  const uint32_t length = at(alen, blen);
  if (get_len) return ctx.reply.Integer(length);

  // Walk back from the end, collecting the subsequence and the runs of adjacent matches.
  std::string result(length, '\0');
  std::vector<Match> matches;
  uint32_t idx = length;
  uint64_t i = alen, j = blen;
  bool open = false;
  Match m{};
  while (i > 0 && j > 0) {
    bool emit = false;
    if (a[i - 1] == b[j - 1]) {
      result[--idx] = a[i - 1];
      if (!open) {
        m = {static_cast<uint32_t>(i - 1), static_cast<uint32_t>(i - 1),
             static_cast<uint32_t>(j - 1), static_cast<uint32_t>(j - 1)};
        open = true;
      } else {
        --m.a_start;  // a match right after a match extends the run
        --m.b_start;
      }
      if (m.a_start == 0 || m.b_start == 0) emit = true;
      --i;
      --j;
    } else {
      if (at(i - 1, j) > at(i, j - 1)) {
        --i;
      } else {
        --j;
      }
      emit = open;
    }
    if (emit) {
      if (get_idx && m.a_end - m.a_start + 1 >= min_match_len) matches.push_back(m);
      open = false;
    }
  }
  if (!get_idx) return ctx.reply.Bulk(result);

  ctx.reply.MapHeader(2);
  ctx.reply.Bulk("matches");
  ctx.reply.ArrayHeader(matches.size());
  for (const Match& r : matches) {
    ctx.reply.ArrayHeader(with_match_len ? 3 : 2);
    ctx.reply.ArrayHeader(2);
    ctx.reply.Integer(r.a_start);
    ctx.reply.Integer(r.a_end);
    ctx.reply.ArrayHeader(2);
    ctx.reply.Integer(r.b_start);
    ctx.reply.Integer(r.b_end);
    if (with_match_len) ctx.reply.Integer(r.a_end - r.a_start + 1);
  }
  ctx.reply.Bulk("len");
  ctx.reply.Integer(length);
}

}  // namespace kvd::string_commands
