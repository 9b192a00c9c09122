// The sorted-set family's table: arity, flags, key positions, ACL categories and docs as
// Redis reports them in COMMAND INFO / COMMAND DOCS (ZRANK and ZREVRANK take 7.2's
// optional WITHSCORE, hence arity -3). Handlers live in zset_{write,read,range,setops}.cpp.
#include "server/command.h"
#include "server/commands/key_spec.h"
#include "server/commands/zset_commands.h"

namespace kvd {
namespace {

// Movable keys (numkeys) are reported as no fixed key range, as Redis does.
// ZUNION numkeys key...; BZMPOP timeout numkeys key...; ZUNIONSTORE dest numkeys key...
constexpr KeyRange kMovable{0, 0, 0, 1};
constexpr KeyRange kTimeoutMovable{0, 0, 0, 2};
constexpr KeyRange kDestMovable{1, 1, 1, 2};
constexpr std::string_view kReadFast = "@read @sortedset @fast";
constexpr std::string_view kReadSlow = "@read @sortedset @slow";
constexpr std::string_view kWriteFast = "@write @sortedset @fast";
constexpr std::string_view kWriteSlow = "@write @sortedset @slow";
// BZPOPMIN/BZPOPMAX: every argument but the trailing timeout is a key.
constexpr KeyRange kKeysThenTimeout{1, -2, 1};
constexpr std::string_view kGroup = "sorted_set";
constexpr std::string_view kLogN = "O(log(N))";
constexpr std::string_view kRangeCost =
    "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
    "elements returned.";
constexpr std::string_view kRangeLimitCost =
    "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
    "elements being returned. If M is constant (e.g. always asking for the first 10 elements "
    "with LIMIT), you can consider it O(log(N)).";
constexpr std::string_view kRemRangeCost =
    "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
    "elements removed by the operation.";
constexpr std::string_view kUnionCost =
    "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being "
    "the number of elements in the resulting sorted set.";
constexpr std::string_view kInterCost =
    "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the "
    "number of input sorted sets and M being the number of elements in the resulting sorted "
    "set.";
constexpr std::string_view kDiffCost =
    "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N "
    "is the size of the first set, and K is the size of the result set.";

}  // namespace

void RegisterZSetFamily(CommandTable& t) {
  namespace zc = zset_commands;
  const uint32_t kWriteOom = kWrite | kDenyOom;
  t.Add(MakeSpec("zadd", -4, kWriteOom | kFast, kOneKey, zc::ZAdd,
                 {kWriteFast, kGroup, "1.2.0",
                  "Add one or more members to a sorted set, or update its score if it already "
                  "exists",
                  "O(log(N)) for each item added, where N is the number of elements in the "
                  "sorted set."}));
  t.Add(MakeSpec("zincrby", 4, kWriteOom | kFast, kOneKey, zc::ZIncrBy,
                 {kWriteFast, kGroup, "1.2.0", "Increment the score of a member in a sorted set",
                  "O(log(N)) where N is the number of elements in the sorted set."}));
  t.Add(MakeSpec("zrem", -3, kWrite | kFast, kOneKey, zc::ZRem,
                 {kWriteFast, kGroup, "1.2.0", "Remove one or more members from a sorted set",
                  "O(M*log(N)) with N being the number of elements in the sorted set and M the "
                  "number of elements to be removed."}));
  t.Add(MakeSpec("zcard", 2, kReadOnly | kFast, kOneKey, zc::ZCard,
                 {kReadFast, kGroup, "1.2.0", "Get the number of members in a sorted set",
                  "O(1)"}));
  t.Add(MakeSpec("zscore", 3, kReadOnly | kFast, kOneKey, zc::ZScore,
                 {kReadFast, kGroup, "1.2.0",
                  "Get the score associated with the given member in a sorted set", "O(1)"}));
  t.Add(MakeSpec("zmscore", -3, kReadOnly | kFast, kOneKey, zc::ZMScore,
                 {kReadFast, kGroup, "6.2.0",
                  "Get the score associated with the given members in a sorted set",
                  "O(N) where N is the number of members being requested."}));
  t.Add(MakeSpec("zrank", -3, kReadOnly | kFast, kOneKey, zc::ZRank,
                 {kReadFast, kGroup, "2.0.0", "Determine the index of a member in a sorted set",
                  kLogN}));
  t.Add(MakeSpec("zrevrank", -3, kReadOnly | kFast, kOneKey, zc::ZRevRank,
                 {kReadFast, kGroup, "2.0.0",
                  "Determine the index of a member in a sorted set, with scores ordered from "
                  "high to low",
                  kLogN}));
  t.Add(MakeSpec("zcount", 4, kReadOnly | kFast, kOneKey, zc::ZCount,
                 {kReadFast, kGroup, "2.0.0",
                  "Count the members in a sorted set with scores within the given values",
                  "O(log(N)) with N being the number of elements in the sorted set."}));
  t.Add(MakeSpec("zlexcount", 4, kReadOnly | kFast, kOneKey, zc::ZLexCount,
                 {kReadFast, kGroup, "2.8.9",
                  "Count the number of members in a sorted set between a given lexicographical "
                  "range",
                  "O(log(N)) with N being the number of elements in the sorted set."}));
  t.Add(MakeSpec("zrange", -4, kReadOnly, kOneKey, zc::ZRange,
                 {kReadSlow, kGroup, "1.2.0", "Return a range of members in a sorted set",
                  kRangeCost}));
  t.Add(MakeSpec("zrangestore", -5, kWriteOom, kTwoKeys, zc::ZRangeStore,
                 {kWriteSlow, kGroup, "6.2.0",
                  "Store a range of members from sorted set into another key",
                  "O(log(N)+M) with N being the number of elements in the sorted set and M the "
                  "number of elements stored into the destination key."}));
  t.Add(MakeSpec("zrevrange", -4, kReadOnly, kOneKey, zc::ZRevRange,
                 {kReadSlow, kGroup, "1.2.0",
                  "Return a range of members in a sorted set, by index, with scores ordered "
                  "from high to low",
                  kRangeCost}));
  t.Add(MakeSpec("zrangebyscore", -4, kReadOnly, kOneKey, zc::ZRangeByScore,
                 {kReadSlow, kGroup, "1.0.5",
                  "Return a range of members in a sorted set, by score", kRangeLimitCost}));
  t.Add(MakeSpec("zrevrangebyscore", -4, kReadOnly, kOneKey, zc::ZRevRangeByScore,
                 {kReadSlow, kGroup, "2.2.0",
                  "Return a range of members in a sorted set, by score, with scores ordered "
                  "from high to low",
                  kRangeLimitCost}));
  t.Add(MakeSpec("zrangebylex", -4, kReadOnly, kOneKey, zc::ZRangeByLex,
                 {kReadSlow, kGroup, "2.8.9",
                  "Return a range of members in a sorted set, by lexicographical range",
                  kRangeLimitCost}));
  t.Add(MakeSpec("zrevrangebylex", -4, kReadOnly, kOneKey, zc::ZRevRangeByLex,
                 {kReadSlow, kGroup, "2.8.9",
                  "Return a range of members in a sorted set, by lexicographical range, "
                  "ordered from higher to lower strings.",
                  kRangeLimitCost}));
  t.Add(MakeSpec("zremrangebyrank", 4, kWrite, kOneKey, zc::ZRemRangeByRank,
                 {kWriteSlow, kGroup, "2.0.0",
                  "Remove all members in a sorted set within the given indexes", kRemRangeCost}));
  t.Add(MakeSpec("zremrangebyscore", 4, kWrite, kOneKey, zc::ZRemRangeByScore,
                 {kWriteSlow, kGroup, "1.2.0",
                  "Remove all members in a sorted set within the given scores", kRemRangeCost}));
  t.Add(MakeSpec("zremrangebylex", 4, kWrite, kOneKey, zc::ZRemRangeByLex,
                 {kWriteSlow, kGroup, "2.8.9",
                  "Remove all members in a sorted set between the given lexicographical range",
                  kRemRangeCost}));
  t.Add(MakeSpec("zpopmin", -2, kWrite | kFast, kOneKey, zc::ZPopMin,
                 {kWriteFast, kGroup, "5.0.0",
                  "Remove and return members with the lowest scores in a sorted set",
                  "O(log(N)*M) with N being the number of elements in the sorted set, and M "
                  "being the number of elements popped."}));
  t.Add(MakeSpec("zpopmax", -2, kWrite | kFast, kOneKey, zc::ZPopMax,
                 {kWriteFast, kGroup, "5.0.0",
                  "Remove and return members with the highest scores in a sorted set",
                  "O(log(N)*M) with N being the number of elements in the sorted set, and M "
                  "being the number of elements popped."}));
  t.Add(MakeSpec("zmpop", -4, kWrite, kMovable, zc::ZMPop,
                 {kWriteSlow, kGroup, "7.0.0",
                  "Remove and return members with scores in a sorted set",
                  "O(K) + O(M*log(N)) where K is the number of provided keys, N being the "
                  "number of elements in the sorted set, and M being the number of elements "
                  "popped."}));
  // The blocking forms (zset_blocking.cpp).
  t.Add(MakeSpec("bzpopmin", -3, kWrite | kBlocking | kFast, kKeysThenTimeout, zc::BZPopMin,
                 {"@write @sortedset @fast @blocking", kGroup, "5.0.0",
                  "Removes and returns the member with the lowest score from one or more sorted "
                  "sets. Blocks until a member is available otherwise. Deletes the sorted set if "
                  "the last element was popped.",
                  "O(log(N)) with N being the number of elements in the sorted set."}));
  t.Add(MakeSpec("bzpopmax", -3, kWrite | kBlocking | kFast, kKeysThenTimeout, zc::BZPopMax,
                 {"@write @sortedset @fast @blocking", kGroup, "5.0.0",
                  "Removes and returns the member with the highest score from one or more "
                  "sorted sets. Blocks until a member available otherwise.  Deletes the sorted "
                  "set if the last element was popped.",
                  "O(log(N)) with N being the number of elements in the sorted set."}));
  t.Add(MakeSpec("bzmpop", -5, kWrite | kBlocking, kTimeoutMovable, zc::BZMPop,
                 {"@write @sortedset @slow @blocking", kGroup, "7.0.0",
                  "Removes and returns a member by score from one or more sorted sets. Blocks "
                  "until a member is available otherwise. Deletes the sorted set if the last "
                  "element was popped.",
                  "O(K) + O(M*log(N)) where K is the number of provided keys, N being the "
                  "number of elements in the sorted set, and M being the number of elements "
                  "popped."}));
  t.Add(MakeSpec("zrandmember", -2, kReadOnly, kOneKey, zc::ZRandMember,
                 {kReadSlow, kGroup, "6.2.0",
                  "Get one or multiple random elements from a sorted set",
                  "O(N) where N is the number of elements returned"}));
  t.Add(MakeSpec("zunion", -3, kReadOnly, kMovable, zc::ZUnion,
                 {kReadSlow, kGroup, "6.2.0", "Add multiple sorted sets", kUnionCost}));
  t.Add(MakeSpec("zinter", -3, kReadOnly, kMovable, zc::ZInter,
                 {kReadSlow, kGroup, "6.2.0", "Intersect multiple sorted sets", kInterCost}));
  t.Add(MakeSpec("zdiff", -3, kReadOnly, kMovable, zc::ZDiff,
                 {kReadSlow, kGroup, "6.2.0", "Subtract multiple sorted sets", kDiffCost}));
  t.Add(MakeSpec("zunionstore", -4, kWriteOom, kDestMovable, zc::ZUnionStore,
                 {kWriteSlow, kGroup, "2.0.0",
                  "Add multiple sorted sets and store the resulting sorted set in a new key",
                  "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, "
                  "and M being the number of elements in the resulting sorted set."}));
  t.Add(MakeSpec("zinterstore", -4, kWriteOom, kDestMovable, zc::ZInterStore,
                 {kWriteSlow, kGroup, "2.0.0",
                  "Intersect multiple sorted sets and store the resulting sorted set in a new "
                  "key",
                  kInterCost}));
  t.Add(MakeSpec("zdiffstore", -4, kWriteOom, kDestMovable, zc::ZDiffStore,
                 {kWriteSlow, kGroup, "6.2.0",
                  "Subtract multiple sorted sets and store the resulting sorted set in a new key",
                  kDiffCost}));
  t.Add(MakeSpec("zintercard", -3, kReadOnly, kMovable, zc::ZInterCard,
                 {kReadSlow, kGroup, "7.0.0",
                  "Intersect multiple sorted sets and return the cardinality of the result",
                  "O(N*K) worst case with N being the smallest input sorted set, K being the "
                  "number of input sorted sets."}));
  t.Add(MakeSpec("zscan", -3, kReadOnly, kOneKey, zc::ZScan,
                 {kReadSlow, kGroup, "2.8.0",
                  "Incrementally iterate sorted sets elements and associated scores",
                  "O(1) for every call. O(N) for a complete iteration, including enough command "
                  "calls for the cursor to return back to 0. N is the number of elements inside "
                  "the collection.."}));
}

}  // namespace kvd
