// The geohash against values recorded from redis-server 7.0.15 (GEOADD scores, GEOPOS,
// GEOHASH and GEODIST replies), and the cover of a search area checked point by point.
#include "core/geohash.h"

#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>

#include "core/numeric.h"

namespace kvd::geo {
namespace {

// A coordinate as GEOPOS prints it.
std::string Human(double v) { return FormatLongDouble(v); }

std::string Fixed4(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  return buf;
}

std::string Hash(double score) {
  const std::array<char, 11> h = StandardGeohash(score);
  return std::string(h.data(), h.size());
}

struct Known {
  double lon, lat;
  uint64_t score;
  const char* pos_lon;
  const char* pos_lat;
  const char* geohash;
};

// GEOADD, ZSCORE, GEOPOS and GEOHASH as Redis answers them.
constexpr Known kKnown[] = {
    {13.361389, 38.115556, 3479099956230698, "13.36138933897018433", "38.11555639549629859",
     "sqc8b49rny0"},
    {15.087269, 37.502669, 3479447370796909, "15.08726745843887329", "37.50266842333162032",
     "sqdtr74hyu0"},
    {0, 0, 3377699720527872, "0.00000268220901489", "0.00000126736058093", "s0000000000"},
    {-73.9857, 40.7484, 1791875672646935, "-73.98570209741592407", "40.74839914563441567",
     "dr5ru6j28h0"},
    {151.2093, -33.8688, 3252046221964352, "151.20929986238479614", "-33.86880091934155956",
     "r3gx2f77bj0"},
    {-0.1278, 51.5074, 2163557714755072, "-0.12779921293258667", "51.50740077990133159",
     "gcpvj0duq50"},
    {179.9999, -85, 3002400025540839, "179.99990075826644897", "-84.99999965213439168",
     "pbzurypzje0"},
    // The limits: the top corner's latitude offset is a whole 2^26, one bit past the 52.
    {180, 85.05112878, 13510798882111488, "180", "85.0511287799999991", "bp05b5048p0"},
    {-180, -85.05112878, 0, "-179.99999731779098511", "-85.05112751263942528", "00bh0hbj200"},
};

TEST_CASE("geohash: scores, decoded positions and geohash strings are Redis's") {
  for (const Known& k : kKnown) {
    CAPTURE(k.lon);
    CAPTURE(k.lat);
    CHECK(ScoreOf(k.lon, k.lat) == k.score);
    const LonLat p = DecodeScore(static_cast<double>(k.score));
    CHECK(Human(p.lon) == k.pos_lon);
    CHECK(Human(p.lat) == k.pos_lat);
    CHECK(Hash(static_cast<double>(k.score)) == k.geohash);
  }
}

TEST_CASE("geohash: any score decodes as Redis's x86-64 build decodes it") {
  // ZADD can store scores GEOADD never makes; Redis casts them with (uint64_t).
  struct Odd {
    double score;
    const char* lon;
    const char* lat;
  };
  const Odd odd[] = {
      {-1, "180", "85.0511287799999991"},
      {1e300, "-179.99999731779098511", "-85.05112751263942528"},
      {INFINITY, "-179.99999731779098511", "-85.05112751263942528"},
      {-INFINITY, "180", "-85.05112751263942528"},
      {0.5, "-179.99999731779098511", "-85.05112751263942528"},
      {4503599627370496, "-179.99999731779098511", "85.0511287799999991"},
      {9007199254740992, "180", "-85.05112751263942528"},
  };
  for (const Odd& o : odd) {
    CAPTURE(o.score);
    const LonLat p = DecodeScore(o.score);
    CHECK(Human(p.lon) == o.lon);
    CHECK(Human(p.lat) == o.lat);
  }
  CHECK(Hash(-1) == "bp05b5048p0");
  CHECK(Hash(INFINITY) == "00bh0hbj200");
}

TEST_CASE("geohash: distances are Redis's haversine") {
  auto at = [](double score) { return DecodeScore(score); };
  const LonLat palermo = at(3479099956230698), catania = at(3479447370796909);
  const LonLat zero = at(3377699720527872), nyc = at(1791875672646935);
  const LonLat syd = at(3252046221964352), lon = at(2163557714755072);
  const LonLat edge = at(3002400025540839);
  const LonLat top = at(13510798882111488), bottom = at(0);
  CHECK(Fixed4(Distance(palermo, catania)) == "166274.1516");
  CHECK(Fixed4(Distance(palermo, catania) / 1000) == "166.2742");
  CHECK(Fixed4(Distance(nyc, lon)) == "5567980.3848");
  CHECK(Fixed4(Distance(nyc, syd) / 1609.34) == "9939.0095");
  CHECK(Fixed4(Distance(zero, edge) / 0.3048) == "34666990.4188");
  CHECK(Fixed4(Distance(top, bottom)) == "18919844.5891");
  CHECK(Distance(zero, zero) == 0);
  // Symmetric to the bit.
  CHECK(Distance(nyc, syd) == Distance(syd, nyc));
}

TEST_CASE("geohash: encode and decode invert each other at every step") {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> lon(kLonMin, kLonMax), lat(kLatMin, kLatMax);
  for (int i = 0; i < 2000; ++i) {
    const double x = lon(rng), y = lat(rng);
    for (uint8_t step : {1, 5, 13, 26}) {
      HashBits h;
      REQUIRE(EncodeWgs84(x, y, step, &h));
      Area a;
      REQUIRE(Decode(Range{kLonMin, kLonMax}, Range{kLatMin, kLatMax}, h, &a));
      CHECK(a.lon.min <= x);
      CHECK(x <= a.lon.max);
      CHECK(a.lat.min <= y);
      CHECK(y <= a.lat.max);
    }
  }
  HashBits h;
  CHECK_FALSE(EncodeWgs84(180.1, 0, 26, &h));
  CHECK_FALSE(EncodeWgs84(0, 85.06, 26, &h));
  CHECK_FALSE(EncodeWgs84(0, 0, 0, &h));
  CHECK_FALSE(EncodeWgs84(0, 0, 33, &h));
}

TEST_CASE("geohash: neighbours are the adjacent cells") {
  const Range lon{kLonMin, kLonMax}, lat{kLatMin, kLatMax};
  HashBits h;
  REQUIRE(EncodeWgs84(13.36, 38.11, 10, &h));
  Area c;
  REQUIRE(Decode(lon, lat, h, &c));
  const std::array<HashBits, 8> n = Neighbors(h);  // N, S, E, W, NE, NW, SE, SW
  const int dx[] = {0, 0, 1, -1, 1, -1, 1, -1};
  const int dy[] = {1, -1, 0, 0, 1, 1, -1, -1};
  const double w = c.lon.max - c.lon.min, hgt = c.lat.max - c.lat.min;
  for (int i = 0; i < 8; ++i) {
    CAPTURE(i);
    CHECK(n[i].step == 10);
    Area a;
    REQUIRE(Decode(lon, lat, n[i], &a));
    CHECK(a.lon.min == doctest::Approx(c.lon.min + dx[i] * w));
    CHECK(a.lat.min == doctest::Approx(c.lat.min + dy[i] * hgt));
  }
  // East of the easternmost column wraps round to the westernmost.
  REQUIRE(EncodeWgs84(179.99, 0, 4, &h));
  Area e;
  REQUIRE(Decode(lon, lat, Neighbors(h)[2], &e));
  CHECK(e.lon.min == -180);
}

TEST_CASE("geohash: the step estimate follows the radius and the latitude") {
  CHECK(EstimateSteps(0, 0) == 26);
  CHECK(EstimateSteps(200000, 37) == 6);  // 200 km
  CHECK(EstimateSteps(200000, 70) == 5);  // wider cells near the poles
  CHECK(EstimateSteps(200000, -85) == 4);
  CHECK(EstimateSteps(1, 0) == 24);      // 1 m
  CHECK(EstimateSteps(0.001, 0) == 26);  // clamped
  CHECK(EstimateSteps(5e7, 0) == 1);     // bigger than the earth
  CHECK(EstimateSteps(INFINITY, 0) == 1);
}

// Every point of the shape lies in one of the cover's cells.
void CheckCover(const Shape& s, std::mt19937_64& rng) {
  const std::array<HashBits, 9> cells = CoverCells(s);
  CHECK_FALSE(cells[0].zero());
  std::uniform_real_distribution<double> lon(kLonMin, kLonMax), lat(kLatMin, kLatMax);
  std::uniform_real_distribution<double> unit(-1, 1);
  const double deg = (s.kind == Shape::kCircle ? s.radius : std::max(s.width, s.height)) *
                     s.to_meters / 111000.0 * 1.5;
  for (int i = 0; i < 400; ++i) {
    // Points near the centre, where the shape is.
    const double x =
        s.center.lon + unit(rng) * deg / std::max(0.05, std::cos(s.center.lat * M_PI / 180));
    const double y = s.center.lat + unit(rng) * deg;
    if (x < kLonMin || x > kLonMax || y < kLatMin || y > kLatMax) continue;
    const double score = static_cast<double>(ScoreOf(x, y));
    const LonLat p = DecodeScore(score);
    double d;
    if (!WithinShape(s, p, &d)) continue;
    bool covered = false;
    for (const HashBits& c : cells) {
      if (c.zero()) continue;
      const ScoreInterval in = ScoresOfCell(c);
      if (score >= static_cast<double>(in.min) && score < static_cast<double>(in.max))
        covered = true;
    }
    CAPTURE(x);
    CAPTURE(y);
    CHECK(covered);
  }
}

TEST_CASE("geohash: the 9 cells cover every point of a circle or a box") {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> lon(-179, 179), lat(-84, 84);
  std::uniform_real_distribution<double> size(0.05, 800);
  for (int i = 0; i < 60; ++i) {
    Shape circle;
    circle.center = {lon(rng), lat(rng)};
    circle.radius = size(rng);
    circle.to_meters = 1000;
    CheckCover(circle, rng);
    Shape box;
    box.kind = Shape::kBox;
    box.center = circle.center;
    box.width = size(rng);
    box.height = size(rng);
    box.to_meters = 1000;
    CheckCover(box, rng);
  }
}

TEST_CASE("geohash: WithinShape measures circles by distance and boxes along the axes") {
  Shape s;
  s.center = DecodeScore(3479099956230698);  // Palermo
  s.radius = 166;
  s.to_meters = 1000;
  const LonLat catania = DecodeScore(3479447370796909);
  double d = -1;
  CHECK_FALSE(WithinShape(s, catania, &d));
  s.radius = 167;
  CHECK(WithinShape(s, catania, &d));
  CHECK(Fixed4(d) == "166274.1516");
  s.kind = Shape::kBox;
  s.width = 2 * 160;  // Catania is ~152 km east...
  s.height = 2 * 70;  // ...and ~68 km south
  CHECK(WithinShape(s, catania, &d));
  s.height = 2 * 60;
  CHECK_FALSE(WithinShape(s, catania, &d));
}

TEST_CASE("geohash: a cell's score interval holds exactly its points") {
  HashBits h;
  REQUIRE(EncodeWgs84(13.361389, 38.115556, 8, &h));
  const ScoreInterval in = ScoresOfCell(h);
  const uint64_t s = ScoreOf(13.361389, 38.115556);
  CHECK(in.min <= s);
  CHECK(s < in.max);
  CHECK(in.max - in.min == uint64_t{1} << (52 - 16));
  CHECK(Align52Bits(HashBits{1, 26}) == 1);
  CHECK(Align52Bits(HashBits{1, 1}) == uint64_t{1} << 50);
}

}  // namespace
}  // namespace kvd::geo
