#pragma once
// What the geo commands share: Redis's parsing of coordinates, distances and units
// (geo.c's extract*OrReply helpers, with their error texts) and its formatting of
// distances and coordinates in replies.
#include <optional>
#include <string_view>

#include "core/geohash.h"
#include "protocol/reply_writer.h"
#include "server/command.h"

namespace kvd::geo_args {

inline constexpr std::string_view kUnitErr =
    "ERR unsupported unit provided. please use M, KM, FT, MI";

// Meters per unit for "m", "km", "ft", "mi" in any case; nullopt for anything else.
std::optional<double> UnitToMeters(std::string_view unit);
// As UnitToMeters, replying the unit error when unknown.
std::optional<double> ParseUnit(CommandContext& ctx, std::string_view unit);
// A longitude and a latitude within the Mercator limits, or an error reply ("ERR value is
// not a valid float", "ERR invalid longitude,latitude pair ...").
std::optional<geo::LonLat> ParseLonLat(CommandContext& ctx, std::string_view lon,
                                       std::string_view lat);

// A distance as a bulk string with 4 decimals ("166.2742"), whatever the protocol.
void ReplyDistance(ReplyWriter& reply, double d);
// A coordinate as Redis's addReplyHumanLongDouble: "%.17Lf" without trailing zeros, a bulk
// string in RESP2 and a double in RESP3.
void ReplyCoordinate(ReplyWriter& reply, double v);

}  // namespace kvd::geo_args
