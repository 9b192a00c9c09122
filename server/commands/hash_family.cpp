// The hash family's table: every command with Redis 7.2's arity, flags, key positions, ACL
// categories and documentation. Handlers live in hash_basic.cpp, hash_incr.cpp and
// hash_random_scan.cpp.
#include "server/command.h"
#include "server/commands/hash_commands.h"
#include "server/commands/key_spec.h"

namespace kvd {
namespace {

constexpr std::string_view kReadFast = "@read @hash @fast";
constexpr std::string_view kReadSlow = "@read @hash @slow";
constexpr std::string_view kWriteFast = "@write @hash @fast";
constexpr std::string_view kGroup = "hash";
constexpr std::string_view kO1 = "O(1)";
constexpr std::string_view kWholeHash = "O(N) where N is the size of the hash.";

}  // namespace

void RegisterHashFamily(CommandTable& t) {
  namespace hc = hash_commands;
  t.Add(MakeSpec("hset", -4, kWrite | kDenyOom | kFast, kOneKey, hc::HSet,
                 {kWriteFast, kGroup, "2.0.0", "Creates or modifies the value of a field in a hash.",
                  "O(1) for each field/value pair added, so O(N) to add N field/value pairs when "
                  "the command is called with multiple field/value pairs."}));
  t.Add(MakeSpec("hmset", -4, kWrite | kDenyOom | kFast, kOneKey, hc::HSet,
                 {kWriteFast, kGroup, "2.0.0", "Sets the values of multiple fields.",
                  "O(N) where N is the number of fields being set."}));
  t.Add(MakeSpec("hsetnx", 4, kWrite | kDenyOom | kFast, kOneKey, hc::HSetNx,
                 {kWriteFast, kGroup, "2.0.0",
                  "Sets the value of a field in a hash only when the field doesn't exist.", kO1}));
  t.Add(MakeSpec("hget", 3, kReadOnly | kFast, kOneKey, hc::HGet,
                 {kReadFast, kGroup, "2.0.0", "Returns the value of a field in a hash.", kO1}));
  t.Add(MakeSpec("hmget", -3, kReadOnly | kFast, kOneKey, hc::HMGet,
                 {kReadFast, kGroup, "2.0.0", "Returns the values of all fields in a hash.",
                  "O(N) where N is the number of fields being requested."}));
  t.Add(MakeSpec("hdel", -3, kWrite | kFast, kOneKey, hc::HDel,
                 {kWriteFast, kGroup, "2.0.0",
                  "Deletes one or more fields and their values from a hash. Deletes the hash if "
                  "no fields remain.",
                  "O(N) where N is the number of fields to be removed."}));
  t.Add(MakeSpec("hexists", 3, kReadOnly | kFast, kOneKey, hc::HExists,
                 {kReadFast, kGroup, "2.0.0", "Determines whether a field exists in a hash.",
                  kO1}));
  t.Add(MakeSpec("hlen", 2, kReadOnly | kFast, kOneKey, hc::HLen,
                 {kReadFast, kGroup, "2.0.0", "Returns the number of fields in a hash.", kO1}));
  t.Add(MakeSpec("hstrlen", 3, kReadOnly | kFast, kOneKey, hc::HStrLen,
                 {kReadFast, kGroup, "3.2.0", "Returns the length of the value of a field.",
                  kO1}));
  t.Add(MakeSpec("hkeys", 2, kReadOnly, kOneKey, hc::HKeys,
                 {kReadSlow, kGroup, "2.0.0", "Returns all fields in a hash.", kWholeHash}));
  t.Add(MakeSpec("hvals", 2, kReadOnly, kOneKey, hc::HVals,
                 {kReadSlow, kGroup, "2.0.0", "Returns all values in a hash.", kWholeHash}));
  t.Add(MakeSpec("hgetall", 2, kReadOnly, kOneKey, hc::HGetAll,
                 {kReadSlow, kGroup, "2.0.0", "Returns all fields and values in a hash.",
                  kWholeHash}));
  t.Add(MakeSpec("hincrby", 4, kWrite | kDenyOom | kFast, kOneKey, hc::HIncrBy,
                 {kWriteFast, kGroup, "2.0.0",
                  "Increments the integer value of a field in a hash by a number. Uses 0 as "
                  "initial value if the field doesn't exist.",
                  kO1}));
  t.Add(MakeSpec("hincrbyfloat", 4, kWrite | kDenyOom | kFast, kOneKey, hc::HIncrByFloat,
                 {kWriteFast, kGroup, "2.6.0",
                  "Increments the floating point value of a field by a number. Uses 0 as "
                  "initial value if the field doesn't exist.",
                  kO1}));
  t.Add(MakeSpec("hrandfield", -2, kReadOnly, kOneKey, hc::HRandField,
                 {kReadSlow, kGroup, "6.2.0", "Returns one or more random fields from a hash.",
                  "O(N) where N is the number of fields returned"}));
  t.Add(MakeSpec("hscan", -3, kReadOnly, kOneKey, hc::HScan,
                 {kReadSlow, kGroup, "2.8.0", "Iterates over fields and values of a hash.",
                  "O(1) for every call. O(N) for a complete iteration, including enough command "
                  "calls for the cursor to return back to 0. N is the number of elements inside "
                  "the collection."}));
}

}  // namespace kvd
