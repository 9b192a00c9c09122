// GEOADD, GEODIST, GEOHASH and GEOPOS (Redis's geo.c).
#include "server/commands/geo_commands.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/geohash.h"
#include "core/text.h"
#include "core/zset_value.h"
#include "server/commands/geo_args.h"
#include "server/commands/zset_util.h"
#include "server/errors.h"
#include "server/keyspace_events.h"

namespace kvd::geo_commands {

// GEOADD key [NX | XX] [CH] longitude latitude member [longitude latitude member ...]
// Redis turns it into ZADD with each point's geohash as the score; this adds the same way.
void GeoAdd(CommandContext& ctx) {
  const auto& args = ctx.args;
  bool nx = false, xx = false, ch = false;
  size_t first = 2;
  for (; first < args.size(); ++first) {
    if (EqualsIgnoreCase(args[first], "nx")) {
      nx = true;
    } else if (EqualsIgnoreCase(args[first], "xx")) {
      xx = true;
    } else if (EqualsIgnoreCase(args[first], "ch")) {
      ch = true;
    } else {
      break;
    }
  }
  const size_t rest = args.size() - first;
  if (rest % 3 != 0 || (nx && xx)) return ctx.Error(kSyntaxErr);
  std::vector<double> scores;
  scores.reserve(rest / 3);
  size_t max_len = 0;
  for (size_t i = first; i < args.size(); i += 3) {
    std::optional<geo::LonLat> p = geo_args::ParseLonLat(ctx, args[i], args[i + 1]);
    if (!p) return;
    scores.push_back(static_cast<double>(geo::ScoreOf(p->lon, p->lat)));
    max_len = std::max(max_len, args[i + 2].size());
  }
  if (scores.empty()) return ctx.Error(kSyntaxErr);  // only flags: ZADD's error

  std::string_view key = args[1];
  // XX creates nothing.
  CollectionWrite<ZSetValue> z = ctx.db().Write<ZSetValue>(key, ctx.now_ms, !xx);
  if (z.wrong_type()) return ctx.Error(kWrongTypeErr);
  uint64_t added = 0, updated = 0;
  if (z) {
    z->PrepareForAdd(scores.size(), max_len);
    for (size_t k = 0; k < scores.size(); ++k) {
      std::string_view member = args[first + 3 * k + 2];
      std::optional<double> cur = z->Score(member);
      if (cur) {
        if (nx || *cur == scores[k]) continue;
        z->Add(member, scores[k]);
        ++updated;
      } else if (!xx) {
        z->Add(member, scores[k]);
        ++added;
      }
    }
  }
  z.Commit();
  if (added + updated > 0) {
    ctx.AddDirty(added + updated);
    NotifyKeyspaceEvent(ctx, kNotifyZset, "zadd", key);
  }
  ctx.reply.Integer(static_cast<int64_t>(ch ? added + updated : added));
}

// GEODIST key member1 member2 [M | KM | FT | MI]
void GeoDist(CommandContext& ctx) {
  double to_meters = 1;
  if (ctx.args.size() == 5) {
    std::optional<double> u = geo_args::ParseUnit(ctx, ctx.args[4]);
    if (!u) return;
    to_meters = *u;
  } else if (ctx.args.size() > 5) {
    return ctx.Error(kSyntaxErr);
  }
  bool failed;
  const ZSetValue* z = zset::ReadZSet(ctx, ctx.args[1], &failed);
  if (failed) return;
  if (z == nullptr) return ctx.reply.Null();
  std::optional<double> a = z->Score(ctx.args[2]);
  std::optional<double> b = a ? z->Score(ctx.args[3]) : std::nullopt;
  if (!a || !b) return ctx.reply.Null();
  geo_args::ReplyDistance(ctx.reply,
                          geo::Distance(geo::DecodeScore(*a), geo::DecodeScore(*b)) / to_meters);
}

// GEOHASH key [member ...]: nil for a missing member.
void GeoHash(CommandContext& ctx) {
  bool failed;
  const ZSetValue* z = zset::ReadZSet(ctx, ctx.args[1], &failed);
  if (failed) return;
  ctx.reply.ArrayHeader(ctx.args.size() - 2);
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    std::optional<double> score = z ? z->Score(ctx.args[i]) : std::nullopt;
    if (!score) {
      ctx.reply.Null();
      continue;
    }
    const std::array<char, 11> hash = geo::StandardGeohash(*score);
    ctx.reply.Bulk(std::string_view(hash.data(), hash.size()));
  }
}

// GEOPOS key [member ...]: [longitude, latitude] per member, a nil array when missing.
void GeoPos(CommandContext& ctx) {
  bool failed;
  const ZSetValue* z = zset::ReadZSet(ctx, ctx.args[1], &failed);
  if (failed) return;
  ctx.reply.ArrayHeader(ctx.args.size() - 2);
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    std::optional<double> score = z ? z->Score(ctx.args[i]) : std::nullopt;
    if (!score) {
      ctx.reply.NullArray();
      continue;
    }
    const geo::LonLat p = geo::DecodeScore(*score);
    ctx.reply.ArrayHeader(2);
    geo_args::ReplyCoordinate(ctx.reply, p.lon);
    geo_args::ReplyCoordinate(ctx.reply, p.lat);
  }
}

}  // namespace kvd::geo_commands
