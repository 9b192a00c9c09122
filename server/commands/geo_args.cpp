#include "server/commands/geo_args.h"

#include <cstdio>
#include <string>

#include "core/numeric.h"
#include "core/text.h"
#include "server/errors.h"

namespace kvd::geo_args {

std::optional<double> UnitToMeters(std::string_view unit) {
  if (EqualsIgnoreCase(unit, "m")) return 1;
  if (EqualsIgnoreCase(unit, "km")) return 1000;
  if (EqualsIgnoreCase(unit, "ft")) return 0.3048;
  if (EqualsIgnoreCase(unit, "mi")) return 1609.34;
  return std::nullopt;
}

std::optional<double> ParseUnit(CommandContext& ctx, std::string_view unit) {
  std::optional<double> m = UnitToMeters(unit);
  if (!m) ctx.Error(kUnitErr);
  return m;
}

std::optional<geo::LonLat> ParseLonLat(CommandContext& ctx, std::string_view lon,
                                       std::string_view lat) {
  std::optional<double> x = ParseDouble(lon);
  std::optional<double> y = x ? ParseDouble(lat) : std::nullopt;
  if (!x || !y) {
    ctx.Error(kNotFloatErr);
    return std::nullopt;
  }
  if (*x < geo::kLonMin || *x > geo::kLonMax || *y < geo::kLatMin || *y > geo::kLatMax) {
    // "%f" as Redis prints it: "200.000000", "inf"; 1e300 in full.
    const int n = std::snprintf(nullptr, 0, "%f,%f", *x, *y);
    std::string msg = "ERR invalid longitude,latitude pair ";
    const size_t head = msg.size();
    msg.resize(head + static_cast<size_t>(n) + 1);
    std::snprintf(msg.data() + head, static_cast<size_t>(n) + 1, "%f,%f", *x, *y);
    msg.pop_back();  // the terminator
    ctx.Error(msg);
    return std::nullopt;
  }
  return geo::LonLat{*x, *y};
}

void ReplyDistance(ReplyWriter& reply, double d) {
  char buf[400];  // "%.4f" of the largest double has 314 characters
  const int n = std::snprintf(buf, sizeof buf, "%.4f", d);
  reply.Bulk(std::string_view(buf, static_cast<size_t>(n)));
}

void ReplyCoordinate(ReplyWriter& reply, double v) {
  const std::string text = FormatLongDouble(v);
  if (reply.protocol() == 2) return reply.Bulk(text);
  reply.buffer().append(",").append(text).append("\r\n");
}

}  // namespace kvd::geo_args
