#pragma once
// Redis's geohash (geohash.c, geohash_helper.c): the 52-bit interleaved cell code that a geo
// set keeps as each member's sorted-set score, the 9-cell cover of a search area, and the
// haversine distance. Every operation is done in the same order and with the same constants
// as Redis so that scores, decoded coordinates and distances are equal to Redis's to the
// last bit.
//
// A cell code of `step` steps holds 2*step bits: latitude bits in the even positions,
// longitude bits in the odd ones, most significant first. A score is the code of step 26.
#include <array>
#include <cstdint>
#include <string>

namespace kvd::geo {

inline constexpr double kLonMin = -180;
inline constexpr double kLonMax = 180;
// The Web Mercator limits (EPSG:900913): there is no cell at the poles.
inline constexpr double kLatMin = -85.05112878;
inline constexpr double kLatMax = 85.05112878;
inline constexpr uint8_t kStepMax = 26;
// Redis's earth radius (the quadratic mean radius of WGS-84), in meters.
inline constexpr double kEarthRadiusMeters = 6372797.560856;

struct Range {
  double min = 0;
  double max = 0;
};

struct HashBits {
  uint64_t bits = 0;
  uint8_t step = 0;
  bool zero() const { return bits == 0 && step == 0; }  // an excluded cell
  bool operator==(const HashBits&) const = default;
};

struct Area {
  Range lon;
  Range lat;
};

struct LonLat {
  double lon = 0;
  double lat = 0;
};

// The code of the cell of `step` steps holding (lon, lat) in the given ranges; false when
// the point is outside them or outside the Mercator limits.
bool Encode(Range lon_range, Range lat_range, double lon, double lat, uint8_t step, HashBits* out);
// Encode over the Mercator ranges (Redis's geohashEncodeWGS84).
bool EncodeWgs84(double lon, double lat, uint8_t step, HashBits* out);
// The cell a code names; false for the zero code.
bool Decode(Range lon_range, Range lat_range, HashBits hash, Area* out);

// A score's 52 bits left-aligned from a code of any step (geohashAlign52Bits).
inline uint64_t Align52Bits(HashBits hash) { return hash.bits << (52 - hash.step * 2); }
// The score of (lon, lat), which must be within the Mercator limits.
uint64_t ScoreOf(double lon, double lat);
// The centre of the cell a score names, clamped to the Mercator limits (what GEOPOS shows).
// Any double decodes: its integer part is taken as Redis's (uint64_t) cast takes it on x86-64.
LonLat DecodeScore(double score);
// GEOHASH's 11-character standard geohash of the point a score names (re-encoded over
// latitude -90..90; the 11th character is always '0').
std::array<char, 11> StandardGeohash(double score);

// Great-circle distance in meters between two points (haversine, Redis's earth radius).
double Distance(LonLat a, LonLat b);

// A search area: a circle of `radius`, or a `width` x `height` box, centred on `center`;
// sizes are in the unit `to_meters` converts to meters.
struct Shape {
  enum Kind : uint8_t { kCircle, kBox };
  Kind kind = kCircle;
  LonLat center;
  double radius = 0;
  double width = 0;
  double height = 0;
  double to_meters = 1;
};

// True when `p` is inside the shape; *distance is then its distance from the centre, in
// meters.
bool WithinShape(const Shape& shape, LonLat p, double* distance);

// The cells to scan for a shape: the centre cell and its 8 neighbours at the estimated
// step, in Redis's order (centre, N, S, E, W, NE, NW, SE, SW), with the ones the shape
// cannot reach zeroed (geohashCalculateAreasByShapeWGS84).
std::array<HashBits, 9> CoverCells(const Shape& shape);

// The score interval [min, max) of every point inside a cell.
struct ScoreInterval {
  uint64_t min;
  uint64_t max;
};
inline ScoreInterval ScoresOfCell(HashBits cell) {
  HashBits next = cell;
  ++next.bits;
  return {Align52Bits(cell), Align52Bits(next)};
}

// The step whose cells are about `range_meters` wide at latitude `lat`, clamped to 1..26
// (geohashEstimateStepsByRadius).
uint8_t EstimateSteps(double range_meters, double lat);
// The 8 neighbours of a cell: N, S, E, W, NE, NW, SE, SW.
std::array<HashBits, 8> Neighbors(HashBits hash);

}  // namespace kvd::geo
