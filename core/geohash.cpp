#include "core/geohash.h"

#include <cmath>
#include <cstdint>
#include <limits>

namespace kvd::geo {
namespace {

// Degrees to radians as Redis computes it: a multiplication by M_PI / 180.0.
constexpr double kDegToRad = M_PI / 180.0;
double DegRad(double deg) { return deg * kDegToRad; }
double RadDeg(double rad) { return rad / kDegToRad; }

// Redis's MERCATOR_MAX: half the equator of the Mercator projection, in meters.
constexpr double kMercatorMax = 20037726.37;

constexpr Range kLonRange{kLonMin, kLonMax};
constexpr Range kLatRange{kLatMin, kLatMax};

bool RangeIsZero(Range r) { return r.min == 0 && r.max == 0; }

// Spreads the 32 bits of v over the even bit positions of the result.
uint64_t Spread(uint32_t v) {
  uint64_t x = v;
  x = (x | (x << 16)) & 0x0000FFFF0000FFFFULL;
  x = (x | (x << 8)) & 0x00FF00FF00FF00FFULL;
  x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FULL;
  x = (x | (x << 2)) & 0x3333333333333333ULL;
  x = (x | (x << 1)) & 0x5555555555555555ULL;
  return x;
}

// Gathers the even bit positions of v into 32 bits.
uint32_t Gather(uint64_t v) {
  uint64_t x = v & 0x5555555555555555ULL;
  x = (x | (x >> 1)) & 0x3333333333333333ULL;
  x = (x | (x >> 2)) & 0x0F0F0F0F0F0F0F0FULL;
  x = (x | (x >> 4)) & 0x00FF00FF00FF00FFULL;
  x = (x | (x >> 8)) & 0x0000FFFF0000FFFFULL;
  x = (x | (x >> 16)) & 0x00000000FFFFFFFFULL;
  return static_cast<uint32_t>(x);
}

// Latitude in the even bits, longitude in the odd ones.
uint64_t Interleave(uint32_t lat, uint32_t lon) { return Spread(lat) | (Spread(lon) << 1); }

// cvttsd2si: truncation toward zero; NaN and out-of-range values give INT64_MIN.
int64_t TruncateToInt64(double d) {
  constexpr double kTwo63 = 9223372036854775808.0;
  if (!(d >= -kTwo63 && d < kTwo63)) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(d);
}

// The (uint64_t) cast of a double as Redis's x86-64 build performs it (values from 2^63 up
// are offset by 2^63 first), defined for every input where C leaves most of them undefined.
uint64_t ScoreBits(double score) {
  constexpr double kTwo63 = 9223372036854775808.0;
  if (score >= kTwo63) {
    return static_cast<uint64_t>(TruncateToInt64(score - kTwo63)) ^ (uint64_t{1} << 63);
  }
  return static_cast<uint64_t>(TruncateToInt64(score));
}

// Moves a cell one column east (d > 0) or west (d < 0): longitude bits are the odd ones.
void MoveX(HashBits* hash, int d) {
  if (d == 0) return;
  uint64_t x = hash->bits & 0xaaaaaaaaaaaaaaaaULL;
  const uint64_t y = hash->bits & 0x5555555555555555ULL;
  const uint64_t zz = 0x5555555555555555ULL >> (64 - hash->step * 2);
  if (d > 0) {
    x = x + (zz + 1);
  } else {
    x = x | zz;
    x = x - (zz + 1);
  }
  x &= (0xaaaaaaaaaaaaaaaaULL >> (64 - hash->step * 2));
  hash->bits = x | y;
}

// Moves a cell one row north (d > 0) or south (d < 0): latitude bits are the even ones.
void MoveY(HashBits* hash, int d) {
  if (d == 0) return;
  const uint64_t x = hash->bits & 0xaaaaaaaaaaaaaaaaULL;
  uint64_t y = hash->bits & 0x5555555555555555ULL;
  const uint64_t zz = 0xaaaaaaaaaaaaaaaaULL >> (64 - hash->step * 2);
  if (d > 0) {
    y = y + (zz + 1);
  } else {
    y = y | zz;
    y = y - (zz + 1);
  }
  y &= (0x5555555555555555ULL >> (64 - hash->step * 2));
  hash->bits = x | y;
}

HashBits Moved(HashBits h, int dx, int dy) {
  MoveX(&h, dx);
  MoveY(&h, dy);
  return h;
}

// The cell's centre, clamped to the Mercator limits (geohashDecodeAreaToLongLat).
LonLat Centre(const Area& a) {
  LonLat p;
  p.lon = (a.lon.min + a.lon.max) / 2;
  if (p.lon > kLonMax) p.lon = kLonMax;
  if (p.lon < kLonMin) p.lon = kLonMin;
  p.lat = (a.lat.min + a.lat.max) / 2;
  if (p.lat > kLatMax) p.lat = kLatMax;
  if (p.lat < kLatMin) p.lat = kLatMin;
  return p;
}

// The search area's bounding box (geohashBoundingBox): the longitude span is taken at the
// edge nearer the pole, where a meridian degree is shortest.
struct Bounds {
  double min_lon, min_lat, max_lon, max_lat;
};
Bounds BoundingBox(const Shape& s) {
  const double lon = s.center.lon;
  const double lat = s.center.lat;
  const double height = s.to_meters * (s.kind == Shape::kCircle ? s.radius : s.height / 2);
  const double width = s.to_meters * (s.kind == Shape::kCircle ? s.radius : s.width / 2);
  const double lat_delta = RadDeg(height / kEarthRadiusMeters);
  const double lon_delta_top =
      RadDeg(width / kEarthRadiusMeters / std::cos(DegRad(lat + lat_delta)));
  const double lon_delta_bottom =
      RadDeg(width / kEarthRadiusMeters / std::cos(DegRad(lat - lat_delta)));
  const bool southern = lat < 0;
  Bounds b;
  b.min_lon = southern ? lon - lon_delta_bottom : lon - lon_delta_top;
  b.max_lon = southern ? lon + lon_delta_bottom : lon + lon_delta_top;
  b.min_lat = lat - lat_delta;
  b.max_lat = lat + lat_delta;
  return b;
}

}  // namespace

bool Encode(Range lon_range, Range lat_range, double lon, double lat, uint8_t step, HashBits* out) {
  if (step > 32 || step == 0 || RangeIsZero(lat_range) || RangeIsZero(lon_range)) return false;
  if (!(lon <= kLonMax && lon >= kLonMin && lat <= kLatMax && lat >= kLatMin)) return false;
  out->bits = 0;
  out->step = step;
  if (lat < lat_range.min || lat > lat_range.max || lon < lon_range.min || lon > lon_range.max) {
    return false;
  }
  double lat_offset = (lat - lat_range.min) / (lat_range.max - lat_range.min);
  double lon_offset = (lon - lon_range.min) / (lon_range.max - lon_range.min);
  lat_offset *= static_cast<double>(uint64_t{1} << step);
  lon_offset *= static_cast<double>(uint64_t{1} << step);
  out->bits = Interleave(static_cast<uint32_t>(lat_offset), static_cast<uint32_t>(lon_offset));
  return true;
}

bool EncodeWgs84(double lon, double lat, uint8_t step, HashBits* out) {
  return Encode(kLonRange, kLatRange, lon, lat, step, out);
}

bool Decode(Range lon_range, Range lat_range, HashBits hash, Area* out) {
  if (hash.zero() || RangeIsZero(lat_range) || RangeIsZero(lon_range)) return false;
  const uint32_t ilat = Gather(hash.bits);
  const uint32_t ilon = Gather(hash.bits >> 1);
  const double lat_scale = lat_range.max - lat_range.min;
  const double lon_scale = lon_range.max - lon_range.min;
  const auto cells = static_cast<double>(uint64_t{1} << hash.step);
  // The +1 wraps in 32 bits as Redis's does.
  const auto ilat_next = static_cast<uint32_t>(ilat + 1u);
  const auto ilon_next = static_cast<uint32_t>(ilon + 1u);
  out->lat.min = lat_range.min + (ilat * 1.0 / cells) * lat_scale;
  out->lat.max = lat_range.min + (ilat_next * 1.0 / cells) * lat_scale;
  out->lon.min = lon_range.min + (ilon * 1.0 / cells) * lon_scale;
  out->lon.max = lon_range.min + (ilon_next * 1.0 / cells) * lon_scale;
  return true;
}

uint64_t ScoreOf(double lon, double lat) {
  HashBits h;
  EncodeWgs84(lon, lat, kStepMax, &h);
  return Align52Bits(h);
}

LonLat DecodeScore(double score) {
  Area a;
  Decode(kLonRange, kLatRange, HashBits{ScoreBits(score), kStepMax}, &a);
  return Centre(a);
}

std::array<char, 11> StandardGeohash(double score) {
  static constexpr char kAlphabet[] = "0123456789bcdefghjkmnpqrstuvwxyz";
  const LonLat p = DecodeScore(score);
  HashBits h;
  Encode(Range{-180, 180}, Range{-90, 90}, p.lon, p.lat, kStepMax, &h);
  std::array<char, 11> out;
  for (int i = 0; i < 10; ++i) out[i] = kAlphabet[(h.bits >> (52 - (i + 1) * 5)) & 0x1f];
  out[10] = '0';  // 52 bits fill only 10.4 characters
  return out;
}

double Distance(LonLat a, LonLat b) {
  const double lat1r = DegRad(a.lat);
  const double lon1r = DegRad(a.lon);
  const double lat2r = DegRad(b.lat);
  const double lon2r = DegRad(b.lon);
  const double u = std::sin((lat2r - lat1r) / 2);
  const double v = std::sin((lon2r - lon1r) / 2);
  return 2.0 * kEarthRadiusMeters *
         std::asin(std::sqrt(u * u + std::cos(lat1r) * std::cos(lat2r) * v * v));
}

bool WithinShape(const Shape& shape, LonLat p, double* distance) {
  const LonLat c = shape.center;
  if (shape.kind == Shape::kCircle) {
    *distance = Distance(c, p);
    return !(*distance > shape.radius * shape.to_meters);
  }
  const double width_m = shape.width * shape.to_meters;
  const double height_m = shape.height * shape.to_meters;
  // The east-west and north-south distances from the centre, each along the point's own
  // parallel or meridian.
  const double lon_distance = Distance(p, LonLat{c.lon, p.lat});
  const double lat_distance = Distance(p, LonLat{p.lon, c.lat});
  if (lon_distance > width_m / 2 || lat_distance > height_m / 2) return false;
  *distance = Distance(c, p);
  return true;
}

uint8_t EstimateSteps(double range_meters, double lat) {
  if (range_meters == 0) return 26;
  int step = 1;
  while (range_meters < kMercatorMax) {
    range_meters *= 2;
    step++;
  }
  step -= 2;  // so that the range is covered in most cases
  // Cells narrow towards the poles.
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return static_cast<uint8_t>(step);
}

std::array<HashBits, 8> Neighbors(HashBits h) {
  return {Moved(h, 0, 1), Moved(h, 0, -1), Moved(h, 1, 0),  Moved(h, -1, 0),
          Moved(h, 1, 1), Moved(h, -1, 1), Moved(h, 1, -1), Moved(h, -1, -1)};
}

std::array<HashBits, 9> CoverCells(const Shape& shape) {
  const Bounds b = BoundingBox(shape);
  const double lon = shape.center.lon;
  const double lat = shape.center.lat;
  // A box is covered as the circle through its corners.
  double radius_meters = shape.kind == Shape::kCircle
                             ? shape.radius
                             : std::sqrt((shape.width / 2) * (shape.width / 2) +
                                         (shape.height / 2) * (shape.height / 2));
  radius_meters *= shape.to_meters;

  int steps = EstimateSteps(radius_meters, lat);
  HashBits hash;
  EncodeWgs84(lon, lat, static_cast<uint8_t>(steps), &hash);
  std::array<HashBits, 8> n = Neighbors(hash);  // N, S, E, W, NE, NW, SE, SW
  Area area;
  Decode(kLonRange, kLatRange, hash, &area);

  // Near a cell's edge the estimated step can be too fine for a neighbour to reach the
  // whole area: then one step coarser.
  Area north, south, east, west;
  Decode(kLonRange, kLatRange, n[0], &north);
  Decode(kLonRange, kLatRange, n[1], &south);
  Decode(kLonRange, kLatRange, n[2], &east);
  Decode(kLonRange, kLatRange, n[3], &west);
  const bool decrease = north.lat.max < b.max_lat || south.lat.min > b.min_lat ||
                        east.lon.max < b.max_lon || west.lon.min > b.min_lon;
  if (steps > 1 && decrease) {
    steps--;
    EncodeWgs84(lon, lat, static_cast<uint8_t>(steps), &hash);
    n = Neighbors(hash);
    Decode(kLonRange, kLatRange, hash, &area);
  }

  // Drop the neighbours the area does not reach.
  if (steps >= 2) {
    if (area.lat.min < b.min_lat) n[1] = n[7] = n[6] = HashBits{};  // S, SW, SE
    if (area.lat.max > b.max_lat) n[0] = n[4] = n[5] = HashBits{};  // N, NE, NW
    if (area.lon.min < b.min_lon) n[3] = n[7] = n[5] = HashBits{};  // W, SW, NW
    if (area.lon.max > b.max_lon) n[2] = n[6] = n[4] = HashBits{};  // E, SE, NE
  }
  return {hash, n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7]};
}

}  // namespace kvd::geo
