// The geo family's table: arity, flags, key positions, ACL categories and docs as Redis
// reports them in COMMAND INFO / COMMAND DOCS. GEORADIUS and GEORADIUSBYMEMBER are write
// commands for their STORE options, whose keys Redis finds by keyword (their key specs, in
// the generated command docs): hence "movablekeys". Handlers live in geo_commands.cpp and
// geo_search.cpp.
#include "server/command.h"
#include "server/commands/geo_commands.h"
#include "server/commands/key_spec.h"

namespace kvd {
namespace {

constexpr std::string_view kRead = "@read @geo @slow";
constexpr std::string_view kWriteCat = "@write @geo @slow";
constexpr std::string_view kGroup = "geo";
constexpr std::string_view kRadiusCost =
    "O(N+log(M)) where N is the number of elements inside the bounding box of the circular "
    "area delimited by center and radius and M is the number of items inside the index.";
constexpr std::string_view kSearchCost =
    "O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area "
    "around the shape provided as the filter and M is the number of items inside the shape";

}  // namespace

void RegisterGeoFamily(CommandTable& t) {
  namespace gc = geo_commands;
  const uint32_t kWriteOom = kWrite | kDenyOom;
  t.Add(MakeSpec("geoadd", -5, kWriteOom, kOneKey, gc::GeoAdd,
                 {kWriteCat, kGroup, "3.2.0",
                  "Add one or more geospatial items in the geospatial index represented using a "
                  "sorted set",
                  "O(log(N)) for each item added, where N is the number of elements in the "
                  "sorted set."}));
  t.Add(MakeSpec("geodist", -4, kReadOnly, kOneKey, gc::GeoDist,
                 {kRead, kGroup, "3.2.0",
                  "Returns the distance between two members of a geospatial index", "O(log(N))"}));
  t.Add(MakeSpec(
      "geohash", -2, kReadOnly, kOneKey, gc::GeoHash,
      {kRead, kGroup, "3.2.0", "Returns members of a geospatial index as standard geohash strings",
       "O(log(N)) for each member requested, where N is the number of elements in "
       "the sorted set."}));
  t.Add(MakeSpec(
      "geopos", -2, kReadOnly, kOneKey, gc::GeoPos,
      {kRead, kGroup, "3.2.0", "Returns longitude and latitude of members of a geospatial index",
       "O(N) where N is the number of members requested."}));
  t.Add(MakeSpec("georadius", -6, kWriteOom | kMovableKeys, kOneKey, gc::GeoRadius,
                 {kWriteCat, kGroup, "3.2.0",
                  "Query a sorted set representing a geospatial index to fetch members matching "
                  "a given maximum distance from a point",
                  kRadiusCost}));
  t.Add(MakeSpec("georadius_ro", -6, kReadOnly, kOneKey, gc::GeoRadiusRo,
                 {kRead, kGroup, "3.2.10", "A read-only variant for GEORADIUS", kRadiusCost}));
  t.Add(MakeSpec("georadiusbymember", -5, kWriteOom | kMovableKeys, kOneKey, gc::GeoRadiusByMember,
                 {kWriteCat, kGroup, "3.2.0",
                  "Query a sorted set representing a geospatial index to fetch members matching "
                  "a given maximum distance from a member",
                  kRadiusCost}));
  t.Add(MakeSpec(
      "georadiusbymember_ro", -5, kReadOnly, kOneKey, gc::GeoRadiusByMemberRo,
      {kRead, kGroup, "3.2.10", "A read-only variant for GEORADIUSBYMEMBER", kRadiusCost}));
  t.Add(MakeSpec("geosearch", -7, kReadOnly, kOneKey, gc::GeoSearch,
                 {kRead, kGroup, "6.2.0",
                  "Query a sorted set representing a geospatial index to fetch members inside "
                  "an area of a box or a circle.",
                  kSearchCost}));
  t.Add(MakeSpec("geosearchstore", -8, kWriteOom, kTwoKeys, gc::GeoSearchStore,
                 {kWriteCat, kGroup, "6.2.0",
                  "Query a sorted set representing a geospatial index to fetch members inside "
                  "an area of a box or a circle, and store the result in another key.",
                  kSearchCost}));
}

}  // namespace kvd
