// The set family's table: every command with Redis 7.2's arity, flags, key positions, ACL
// categories and documentation. Handlers live in set_basic.cpp, set_random_scan.cpp and
// set_algebra.cpp.
#include "server/command.h"
#include "server/commands/key_spec.h"
#include "server/commands/set_commands.h"

namespace kvd {
namespace {

constexpr std::string_view kReadFast = "@read @set @fast";
constexpr std::string_view kReadSlow = "@read @set @slow";
constexpr std::string_view kWriteFast = "@write @set @fast";
constexpr std::string_view kWriteSlow = "@write @set @slow";
constexpr std::string_view kGroup = "set";
constexpr std::string_view kO1 = "O(1)";
constexpr std::string_view kInterComplexity =
    "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of "
    "sets.";
constexpr std::string_view kTotalComplexity =
    "O(N) where N is the total number of elements in all given sets.";

}  // namespace

void RegisterSetFamily(CommandTable& t) {
  namespace sc = set_commands;
  t.Add(MakeSpec("sadd", -3, kWrite | kDenyOom | kFast, kOneKey, sc::SAdd,
                 {kWriteFast, kGroup, "1.0.0",
                  "Adds one or more members to a set. Creates the key if it doesn't exist.",
                  "O(1) for each element added, so O(N) to add N elements when the command is "
                  "called with multiple arguments."}));
  t.Add(MakeSpec("srem", -3, kWrite | kFast, kOneKey, sc::SRem,
                 {kWriteFast, kGroup, "1.0.0",
                  "Removes one or more members from a set. Deletes the set if the last member was "
                  "removed.",
                  "O(N) where N is the number of members to be removed."}));
  t.Add(MakeSpec("smembers", 2, kReadOnly, kOneKey, sc::SMembers,
                 {kReadSlow, kGroup, "1.0.0", "Returns all members of a set.",
                  "O(N) where N is the set cardinality."}));
  t.Add(MakeSpec("sismember", 3, kReadOnly | kFast, kOneKey, sc::SIsMember,
                 {kReadFast, kGroup, "1.0.0", "Determines whether a member belongs to a set.",
                  kO1}));
  t.Add(MakeSpec("smismember", -3, kReadOnly | kFast, kOneKey, sc::SMIsMember,
                 {kReadFast, kGroup, "6.2.0", "Determines whether multiple members belong to a set.",
                  "O(N) where N is the number of elements being checked for membership"}));
  t.Add(MakeSpec("scard", 2, kReadOnly | kFast, kOneKey, sc::SCard,
                 {kReadFast, kGroup, "1.0.0", "Returns the number of members in a set.", kO1}));
  t.Add(MakeSpec("spop", -2, kWrite | kFast, kOneKey, sc::SPop,
                 {kWriteFast, kGroup, "1.0.0",
                  "Returns one or more random members from a set after removing them. Deletes the "
                  "set if the last member was popped.",
                  "Without the count argument O(1), otherwise O(N) where N is the value of the "
                  "passed count."}));
  t.Add(MakeSpec("srandmember", -2, kReadOnly, kOneKey, sc::SRandMember,
                 {kReadSlow, kGroup, "1.0.0", "Get one or multiple random members from a set",
                  "Without the count argument O(1), otherwise O(N) where N is the absolute value "
                  "of the passed count."}));
  t.Add(MakeSpec("smove", 4, kWrite | kFast, {1, 2, 1}, sc::SMove,
                 {kWriteFast, kGroup, "1.0.0", "Moves a member from one set to another.", kO1}));
  t.Add(MakeSpec("sinter", -2, kReadOnly, kAllKeys, sc::SInter,
                 {kReadSlow, kGroup, "1.0.0", "Returns the intersect of multiple sets.",
                  kInterComplexity}));
  // Movable keys (numkeys), as COMMAND INFO reports them: 0 0 0.
  t.Add(MakeSpec("sintercard", -3, kReadOnly, KeyRange{0, 0, 0, 1}, sc::SInterCard,
                 {kReadSlow, kGroup, "7.0.0",
                  "Returns the number of members of the intersect of multiple sets.",
                  kInterComplexity}));
  t.Add(MakeSpec("sinterstore", -3, kWrite | kDenyOom, kAllKeys, sc::SInterStore,
                 {kWriteSlow, kGroup, "1.0.0", "Stores the intersect of multiple sets in a key.",
                  kInterComplexity}));
  t.Add(MakeSpec("sunion", -2, kReadOnly, kAllKeys, sc::SUnion,
                 {kReadSlow, kGroup, "1.0.0", "Returns the union of multiple sets.",
                  kTotalComplexity}));
  t.Add(MakeSpec("sunionstore", -3, kWrite | kDenyOom, kAllKeys, sc::SUnionStore,
                 {kWriteSlow, kGroup, "1.0.0", "Stores the union of multiple sets in a key.",
                  kTotalComplexity}));
  t.Add(MakeSpec("sdiff", -2, kReadOnly, kAllKeys, sc::SDiff,
                 {kReadSlow, kGroup, "1.0.0", "Returns the difference of multiple sets.",
                  kTotalComplexity}));
  t.Add(MakeSpec("sdiffstore", -3, kWrite | kDenyOom, kAllKeys, sc::SDiffStore,
                 {kWriteSlow, kGroup, "1.0.0", "Stores the difference of multiple sets in a key.",
                  kTotalComplexity}));
  t.Add(MakeSpec("sscan", -3, kReadOnly, kOneKey, sc::SScan,
                 {kReadSlow, kGroup, "2.8.0", "Iterates over members of a set.",
                  "O(1) for every call. O(N) for a complete iteration, including enough command "
                  "calls for the cursor to return back to 0. N is the number of elements inside "
                  "the collection."}));
}

}  // namespace kvd
