#pragma once
// Handlers of the geo family, registered by RegisterGeoFamily (geo_family.cpp). A geo set
// is a sorted set whose scores are 52-bit geohashes (core/geohash.h).
#include "server/command.h"

namespace kvd::geo_commands {

// geo_commands.cpp
void GeoAdd(CommandContext& ctx);
void GeoDist(CommandContext& ctx);
void GeoHash(CommandContext& ctx);
void GeoPos(CommandContext& ctx);

// geo_search.cpp
void GeoRadius(CommandContext& ctx);
void GeoRadiusRo(CommandContext& ctx);
void GeoRadiusByMember(CommandContext& ctx);
void GeoRadiusByMemberRo(CommandContext& ctx);
void GeoSearch(CommandContext& ctx);
void GeoSearchStore(CommandContext& ctx);

}  // namespace kvd::geo_commands
