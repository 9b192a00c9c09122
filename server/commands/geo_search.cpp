// GEORADIUS, GEORADIUSBYMEMBER, their _RO forms, GEOSEARCH and GEOSEARCHSTORE: one parser
// and one search, as Redis's georadiusGeneric. The search reads only the score ranges of
// the 9 geohash cells that cover the area (core/geohash.h CoverCells), each in
// O(log N + cell size) in a skiplist, and orders the matches with Redis's own sorts so that even
// members at equal distances come out in Redis's order.
#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/geohash.h"
#include "core/numeric.h"
#include "core/redis_sort.h"
#include "core/text.h"
#include "core/zset_value.h"
#include "server/commands/geo_args.h"
#include "server/commands/geo_commands.h"
#include "server/commands/zset_util.h"
#include "server/errors.h"
#include "server/keyspace_events.h"

namespace kvd::geo_commands {
namespace {

// Which command is parsing (Redis's RADIUS_* and GEOSEARCH* flags).
enum Variant : uint8_t {
  kByCoords = 1 << 0,     // GEORADIUS[_RO] key lon lat radius unit
  kByMember = 1 << 1,     // GEORADIUSBYMEMBER[_RO] key member radius unit
  kNoStore = 1 << 2,      // the _RO forms: no STORE / STOREDIST
  kSearch = 1 << 3,       // GEOSEARCH[STORE]: FROM* and BY* options
  kSearchStore = 1 << 4,  // GEOSEARCHSTORE dst src ...: only STOREDIST
};

enum class Order : uint8_t { kNone, kAsc, kDesc };

struct Found {
  geo::LonLat pos;
  double dist = 0;  // meters until the reply converts it
  double score = 0;
  std::string_view member;
};

// Three-way comparators by distance, as Redis's sort_gp_asc / sort_gp_desc.
int CompareAsc(const Found& a, const Found& b) {
  if (a.dist > b.dist) return 1;
  if (a.dist == b.dist) return 0;
  return -1;
}
int CompareDesc(const Found& a, const Found& b) { return -CompareAsc(a, b); }

// RADIUS / BYRADIUS: radius unit.
bool ParseRadius(CommandContext& ctx, std::string_view value, std::string_view unit,
                 geo::Shape* shape) {
  std::optional<double> r = ParseDouble(value);
  if (!r) {
    ctx.Error("ERR need numeric radius");
    return false;
  }
  if (*r < 0) {
    ctx.Error("ERR radius cannot be negative");
    return false;
  }
  std::optional<double> m = geo_args::ParseUnit(ctx, unit);
  if (!m) return false;
  shape->kind = geo::Shape::kCircle;
  shape->radius = *r;
  shape->to_meters = *m;
  return true;
}

// BYBOX width height unit.
bool ParseBox(CommandContext& ctx, std::span<const std::string_view> args, geo::Shape* shape) {
  std::optional<double> w = ParseDouble(args[0]);
  if (!w) {
    ctx.Error("ERR need numeric width");
    return false;
  }
  std::optional<double> h = ParseDouble(args[1]);
  if (!h) {
    ctx.Error("ERR need numeric height");
    return false;
  }
  if (*h < 0 || *w < 0) {
    ctx.Error("ERR height or width cannot be negative");
    return false;
  }
  std::optional<double> m = geo_args::ParseUnit(ctx, args[2]);
  if (!m) return false;
  shape->kind = geo::Shape::kBox;
  shape->width = *w;
  shape->height = *h;
  shape->to_meters = *m;
  return true;
}

// The position of a member, replying Redis's error when it is missing.
bool MemberPosition(CommandContext& ctx, const ZSetValue& z, std::string_view member,
                    geo::LonLat* out) {
  std::optional<double> score = z.Score(member);
  if (!score) {
    ctx.Error("ERR could not decode requested zset member");
    return false;
  }
  *out = geo::DecodeScore(*score);
  return true;
}

// The members of z inside the shape, cell by cell and in score order within a cell
// (Redis's membersOfAllNeighbors). With a `limit` (ANY), stops once that many are found.
// Members of a packed set are decoded into temporaries, so they are copied into `owned`;
// a skiplist's stay where they are, valid until the next write.
class Collector {
 public:
  Collector(const ZSetValue& z, const geo::Shape& shape, size_t limit)
      : z_(z), shape_(shape), limit_(limit) {}

  // The matches, in the order found; they stay valid as long as the collector and the set.
  std::vector<Found>& Run() {
    const std::array<geo::HashBits, 9> cells = geo::CoverCells(shape_);
    size_t last = 0;  // as Redis: 0 also means "none yet", so the centre is never a duplicate
    for (size_t i = 0; i < cells.size(); ++i) {
      if (cells[i].zero()) continue;
      // Over a huge area adjacent cells can be one and the same: scan it once.
      if (last != 0 && cells[i] == cells[last]) continue;
      if (Full()) break;
      ScanCell(cells[i]);
      last = i;
    }
    return found_;
  }

 private:
  bool Full() const { return limit_ != 0 && found_.size() >= limit_; }

  void ScanCell(geo::HashBits cell) {
    const geo::ScoreInterval in = geo::ScoresOfCell(cell);
    const RankSpan span =
        z_.Span(ScoreRange{static_cast<double>(in.min), static_cast<double>(in.max), false, true});
    // With a limit, visit in growing chunks so that a large cell is not walked past it.
    size_t chunk = limit_ != 0 ? 16 : span.size();
    for (size_t pos = span.first; pos < span.last && !Full(); chunk *= 2) {
      const size_t end = std::min(span.last, pos + chunk);
      z_.VisitRanks(RankSpan{pos, end}, false,
                    [&](std::string_view member, double score) { Consider(member, score); });
      pos = end;
    }
  }

  void Consider(std::string_view member, double score) {
    if (Full()) return;
    const geo::LonLat p = geo::DecodeScore(score);
    double dist;
    if (!geo::WithinShape(shape_, p, &dist)) return;
    if (z_.is_packed()) member = owned_.emplace_back(member);
    found_.push_back(Found{p, dist, score, member});
  }

  const ZSetValue& z_;
  const geo::Shape& shape_;
  const size_t limit_;
  std::vector<Found> found_;
  std::deque<std::string> owned_;  // a packed set's members, which found_ views
};

// Replies the matches with the options asked for: a flat list of members, or per member
// [member, distance?, hash?, [lon, lat]?].
void ReplyFound(CommandContext& ctx, std::span<Found> found, double to_meters, bool with_dist,
                bool with_hash, bool with_coord) {
  const size_t extras = (with_dist ? 1 : 0) + (with_hash ? 1 : 0) + (with_coord ? 1 : 0);
  ctx.reply.ArrayHeader(found.size());
  for (const Found& f : found) {
    if (extras > 0) ctx.reply.ArrayHeader(extras + 1);
    ctx.reply.Bulk(f.member);
    if (with_dist) geo_args::ReplyDistance(ctx.reply, f.dist / to_meters);
    if (with_hash) ctx.reply.Integer(static_cast<int64_t>(f.score));
    if (with_coord) {
      ctx.reply.ArrayHeader(2);
      geo_args::ReplyCoordinate(ctx.reply, f.pos.lon);
      geo_args::ReplyCoordinate(ctx.reply, f.pos.lat);
    }
  }
}

// Stores the matches at `dst` with their geohash (or, `store_dist`, their distance in the
// unit) as scores; an empty result deletes `dst`. Replies the number stored.
void StoreFound(CommandContext& ctx, std::string_view dst, std::span<const Found> found,
                double to_meters, bool store_dist, std::string_view event) {
  std::unique_ptr<ZSetValue> out = ZSetValue::Create();
  for (const Found& f : found) out->Add(f.member, store_dist ? f.dist / to_meters : f.score);
  const size_t n = out->size();
  const bool created = ctx.db().StoreCollection(dst, std::move(out), kNoExpiry, ctx.now_ms);
  if (n > 0) {
    ctx.AddDirty(found.size());
    NotifyKeyspaceEvent(ctx, kNotifyZset, event, dst);
  } else if (!created) {
    ctx.AddDirty();
    NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", dst);
  }
  ctx.reply.Integer(static_cast<int64_t>(found.size()));
}

// georadiusGeneric: `src_idx` is the source key's index (2 for GEOSEARCHSTORE).
void SearchGeneric(CommandContext& ctx, size_t src_idx, uint8_t variant) {
  const auto& args = ctx.args;
  // The type is checked before any argument, as Redis does.
  bool failed;
  const ZSetValue* z = zset::ReadZSet(ctx, args[src_idx], &failed);
  if (failed) return;

  geo::Shape shape;
  std::optional<std::string_view> store_key;
  bool store_dist = false;
  size_t base;
  if (variant & kByCoords) {
    base = 6;
    std::optional<geo::LonLat> c = geo_args::ParseLonLat(ctx, args[2], args[3]);
    if (!c) return;
    shape.center = *c;
    if (!ParseRadius(ctx, args[4], args[5], &shape)) return;
  } else if (variant & kByMember) {
    base = 5;
    // Without the key the reply is still decided by the options (STORE or not), so they are
    // parsed; the radius is not.
    if (z != nullptr) {
      if (!MemberPosition(ctx, *z, args[2], &shape.center)) return;
      if (!ParseRadius(ctx, args[3], args[4], &shape)) return;
    }
  } else {
    base = 2;
    if (variant & kSearchStore) {
      base = 3;
      store_key = args[1];
    }
  }

  bool with_dist = false, with_hash = false, with_coord = false, any = false;
  bool from_member = false, from_lonlat = false, by_radius = false, by_box = false;
  Order order = Order::kNone;
  int64_t count = 0;  // 0: no limit
  const bool search = variant & kSearch;
  const bool can_store = !(variant & (kNoStore | kSearch));
  for (size_t i = base; i < args.size(); ++i) {
    const std::string_view a = args[i];
    const size_t more = args.size() - i - 1;  // arguments after this one
    if (EqualsIgnoreCase(a, "withdist")) {
      with_dist = true;
    } else if (EqualsIgnoreCase(a, "withhash")) {
      with_hash = true;
    } else if (EqualsIgnoreCase(a, "withcoord")) {
      with_coord = true;
    } else if (EqualsIgnoreCase(a, "any")) {
      any = true;
    } else if (EqualsIgnoreCase(a, "asc")) {
      order = Order::kAsc;
    } else if (EqualsIgnoreCase(a, "desc")) {
      order = Order::kDesc;
    } else if (EqualsIgnoreCase(a, "count") && more >= 1) {
      std::optional<int64_t> n = ParseInt64(args[i + 1]);
      if (!n) return ctx.Error(kNotIntegerErr);
      if (*n <= 0) return ctx.Error("ERR COUNT must be > 0");
      count = *n;
      ++i;
    } else if (EqualsIgnoreCase(a, "store") && more >= 1 && can_store) {
      store_key = args[++i];
      store_dist = false;
    } else if (EqualsIgnoreCase(a, "storedist") && more >= 1 && can_store) {
      store_key = args[++i];
      store_dist = true;
    } else if (EqualsIgnoreCase(a, "storedist") && (variant & kSearchStore)) {
      store_dist = true;
    } else if (EqualsIgnoreCase(a, "frommember") && more >= 1 && search && !from_lonlat) {
      // Without the key the error comes after parsing (the empty reply).
      if (z != nullptr && !MemberPosition(ctx, *z, args[i + 1], &shape.center)) return;
      from_member = true;
      ++i;
    } else if (EqualsIgnoreCase(a, "fromlonlat") && more >= 2 && search && !from_member) {
      std::optional<geo::LonLat> c = geo_args::ParseLonLat(ctx, args[i + 1], args[i + 2]);
      if (!c) return;
      shape.center = *c;
      from_lonlat = true;
      i += 2;
    } else if (EqualsIgnoreCase(a, "byradius") && more >= 2 && search && !by_box) {
      if (!ParseRadius(ctx, args[i + 1], args[i + 2], &shape)) return;
      by_radius = true;
      i += 2;
    } else if (EqualsIgnoreCase(a, "bybox") && more >= 3 && search && !by_radius) {
      if (!ParseBox(ctx, args.subspan(i + 1, 3), &shape)) return;
      by_box = true;
      i += 3;
    } else {
      return ctx.Error(kSyntaxErr);
    }
  }

  if (store_key && (with_dist || with_hash || with_coord)) {
    return ctx.Error(std::string("ERR ") +
                     ((variant & kSearchStore) ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS") +
                     " is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
  }
  // The command name as the client sent it.
  if (search && !(from_member || from_lonlat)) {
    return ctx.Error("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " +
                     std::string(args[0]));
  }
  if (search && !(by_radius || by_box)) {
    return ctx.Error("ERR exactly one of BYRADIUS and BYBOX can be specified for " +
                     std::string(args[0]));
  }
  if (any && count == 0) return ctx.Error("ERR the ANY argument requires COUNT argument");

  const std::string_view event = search ? "geosearchstore" : "georadiusstore";
  if (z == nullptr) {
    if (store_key) return StoreFound(ctx, *store_key, {}, 1, false, event);
    return ctx.reply.ArrayHeader(0);
  }
  // COUNT means the nearest ones, unless ANY.
  if (count != 0 && order == Order::kNone && !any) order = Order::kAsc;

  Collector collector(*z, shape, any ? static_cast<size_t>(count) : 0);
  std::vector<Found>& found = collector.Run();
  if (found.empty() && !store_key) return ctx.reply.ArrayHeader(0);

  const size_t returned = count == 0 || found.size() < static_cast<uint64_t>(count)
                              ? found.size()
                              : static_cast<size_t>(count);
  if (order != Order::kNone) {
    auto cmp = order == Order::kAsc ? CompareAsc : CompareDesc;
    if (returned == found.size()) {
      MergeSort(std::span<Found>(found), cmp);
    } else {
      PartialQuickSort(std::span<Found>(found), cmp, 0, returned - 1);
    }
  }
  const std::span<Found> result(found.data(), returned);
  if (store_key) return StoreFound(ctx, *store_key, result, shape.to_meters, store_dist, event);
  ReplyFound(ctx, result, shape.to_meters, with_dist, with_hash, with_coord);
}

}  // namespace

// GEORADIUS key longitude latitude radius M|KM|FT|MI [WITHCOORD] [WITHDIST] [WITHHASH]
//   [COUNT count [ANY]] [ASC|DESC] [STORE key | STOREDIST key]
void GeoRadius(CommandContext& ctx) { SearchGeneric(ctx, 1, kByCoords); }
void GeoRadiusRo(CommandContext& ctx) { SearchGeneric(ctx, 1, kByCoords | kNoStore); }
// GEORADIUSBYMEMBER key member radius M|KM|FT|MI ... as GEORADIUS
void GeoRadiusByMember(CommandContext& ctx) { SearchGeneric(ctx, 1, kByMember); }
void GeoRadiusByMemberRo(CommandContext& ctx) { SearchGeneric(ctx, 1, kByMember | kNoStore); }
// GEOSEARCH key FROMMEMBER member | FROMLONLAT lon lat  BYRADIUS radius unit |
//   BYBOX width height unit  [ASC|DESC] [COUNT count [ANY]] [WITHCOORD] [WITHDIST] [WITHHASH]
void GeoSearch(CommandContext& ctx) { SearchGeneric(ctx, 1, kSearch); }
// GEOSEARCHSTORE destination source ... as GEOSEARCH, without WITH*, [STOREDIST]
void GeoSearchStore(CommandContext& ctx) { SearchGeneric(ctx, 2, kSearch | kSearchStore); }

}  // namespace kvd::geo_commands
