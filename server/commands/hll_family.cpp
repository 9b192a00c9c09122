// The HyperLogLog family's table, with Redis 7.2's arity, flags, key positions, ACL
// categories and documentation. Handlers live in hll_commands.cpp.
#include "server/command.h"
#include "server/commands/hll_commands.h"
#include "server/commands/key_spec.h"

namespace kvd {
namespace {

constexpr std::string_view kGroup = "hyperloglog";
constexpr std::string_view kSince = "2.8.9";

}  // namespace

void RegisterHllFamily(CommandTable& t) {
  namespace hc = hll_commands;
  t.Add(MakeSpec("pfadd", -2, kWrite | kDenyOom | kFast, kOneKey, hc::PfAdd,
                 {"@write @hyperloglog @fast", kGroup, kSince,
                  "Adds elements to a HyperLogLog key. Creates the key if it doesn't exist.",
                  "O(1) to add every element."}));
  t.Add(MakeSpec("pfcount", -2, kReadOnly | kMayReplicate, kAllKeys, hc::PfCount,
                 {"@read @hyperloglog @slow", kGroup, kSince,
                  "Returns the approximated cardinality of the set(s) observed by the "
                  "HyperLogLog key(s).",
                  "O(1) with a very small average constant time when called with a single key. "
                  "O(N) with N being the number of keys, and much bigger constant times, when "
                  "called with multiple keys."}));
  t.Add(MakeSpec("pfmerge", -2, kWrite | kDenyOom, kAllKeys, hc::PfMerge,
                 {"@write @hyperloglog @slow", kGroup, kSince,
                  "Merges one or more HyperLogLog values into a single key.",
                  "O(N) to merge N HyperLogLogs, but with high constant times."}));
  t.Add(MakeSpec("pfdebug", 3, kWrite | kDenyOom | kAdmin, {2, 2, 1}, hc::PfDebug,
                 {"@write @hyperloglog @admin @slow @dangerous", kGroup, kSince,
                  "Internal commands for debugging HyperLogLog values.", "N/A"}));
  t.Add(MakeSpec("pfselftest", 1, kAdmin, kNoKeys, hc::PfSelfTest,
                 {"@hyperloglog @admin @slow @dangerous", kGroup, kSince,
                  "An internal command for testing HyperLogLog values.", "N/A"}));
}

}  // namespace kvd
