// The generic (key) family's table: every command with Redis 7.2's arity, flags, key
// positions, ACL categories and documentation. Handlers live in key_basic.cpp,
// key_move.cpp, expire_commands.cpp, scan_command.cpp, dump_restore.cpp, migrate_command.cpp,
// sort_command.cpp and wait_command.cpp.
#include "server/command.h"
#include "server/commands/key_commands.h"
#include "server/commands/key_spec.h"

namespace kvd {
namespace {

constexpr std::string_view kReadFast = "@keyspace @read @fast";
constexpr std::string_view kReadSlow = "@keyspace @read @slow";
constexpr std::string_view kWriteFast = "@keyspace @write @fast";
constexpr std::string_view kWriteSlow = "@keyspace @write @slow";
constexpr std::string_view kGroup = "generic";
constexpr std::string_view kO1 = "O(1)";
// RESTORE's and RESTORE-ASKING's.
constexpr std::string_view kRestoreComplexity =
    "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, "
    "where N is the number of Redis objects composing the value and M their average size. For "
    "small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply "
    "O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting "
    "values into sorted sets is O(log(N)).";

}  // namespace

void RegisterKeyFamily(CommandTable& t) {
  namespace kc = key_commands;
  t.Add(MakeSpec("del", -2, kWrite, kAllKeys, kc::Del,
                 {kWriteSlow, kGroup, "1.0.0", "Deletes one or more keys.",
                  "O(N) where N is the number of keys that will be removed. When a key to "
                  "remove holds a value other than a string, the individual complexity for "
                  "this key is O(M) where M is the number of elements in the list, set, sorted "
                  "set or hash. Removing a single key that holds a string value is O(1)."}));
  t.Add(MakeSpec("unlink", -2, kWrite | kFast, kAllKeys, kc::Unlink,
                 {kWriteFast, kGroup, "4.0.0", "Asynchronously deletes one or more keys.",
                  "O(1) for each key removed regardless of its size. Then the command does O(N) "
                  "work in a different thread in order to reclaim memory, where N is the number "
                  "of allocations the deleted objects where composed of."}));
  t.Add(MakeSpec("dump", 2, kReadOnly, kOneKey, kc::Dump,
                 {kReadSlow, kGroup, "2.6.0",
                  "Returns a serialized representation of the value stored at a key.",
                  "O(1) to access the key and additional O(N*M) to serialize it, where N is "
                  "the number of Redis objects composing the value and M their average size. "
                  "For small string values the time complexity is thus O(1)+O(1*M) where M is "
                  "small, so simply O(1)."}));
  t.Add(MakeSpec("restore", -4, kWrite | kDenyOom, kOneKey, kc::Restore,
                 {"@keyspace @write @slow @dangerous", kGroup, "2.6.0",
                  "Creates a key from the serialized representation of a value.",
                  kRestoreComplexity}));
  // A cluster's RESTORE into an importing slot; without cluster support, RESTORE itself.
  t.Add(MakeSpec("restore-asking", -4, kWrite | kDenyOom | kAsking, kOneKey, kc::Restore,
                 {"@keyspace @write @slow @dangerous", "server", "3.0.0",
                  "An internal command for migrating keys in a cluster.",
                  kRestoreComplexity}));
  // Its keys: argument 3, or those after KEYS (command_getkeys.cpp asks migrate_args.h).
  t.Add(MakeSpec("migrate", -6, kWrite | kMovableKeys, KeyRange{3, 3, 1}, kc::Migrate,
                 {"@keyspace @write @slow @dangerous", kGroup, "2.6.0",
                  "Atomically transfers a key from one Redis instance to another.",
                  "This command actually executes a DUMP+DEL in the source instance, and a "
                  "RESTORE in the target instance. See the pages of these commands for time "
                  "complexity. Also an O(N) data transfer between the two instances is "
                  "performed."}));
  t.Add(MakeSpec("sort", -2, kWrite | kDenyOom | kMovableKeys, kOneKey, kc::Sort,
                 {"@write @set @sortedset @list @slow @dangerous", kGroup, "1.0.0",
                  "Sorts the elements in a list, a set, or a sorted set, optionally storing the "
                  "result.",
                  "O(N+M*log(M)) where N is the number of elements in the list or set to sort, "
                  "and M the number of returned elements. When the elements are not sorted, "
                  "complexity is O(N)."}));
  t.Add(MakeSpec("sort_ro", -2, kReadOnly | kMovableKeys, kOneKey, kc::SortRo,
                 {"@read @set @sortedset @list @slow @dangerous", kGroup, "7.0.0",
                  "Returns the sorted elements of a list, a set, or a sorted set.",
                  "O(N+M*log(M)) where N is the number of elements in the list or set to sort, "
                  "and M the number of returned elements. When the elements are not sorted, "
                  "complexity is O(N)."}));
  t.Add(MakeSpec("wait", 3, kNoScript, kNoKeys, kc::Wait,
                 {"@slow @connection", kGroup, "3.0.0",
                  "Blocks until the asynchronous replication of all preceding write commands "
                  "sent by the connection is completed.",
                  "O(1)"}));
  t.Add(MakeSpec("exists", -2, kReadOnly | kFast, kAllKeys, kc::Exists,
                 {kReadFast, kGroup, "1.0.0", "Determines whether one or more keys exist.",
                  "O(N) where N is the number of keys to check."}));
  t.Add(
      MakeSpec("type", 2, kReadOnly | kFast, kOneKey, kc::Type,
               {kReadFast, kGroup, "1.0.0", "Determines the type of value stored at a key.", kO1}));
  t.Add(MakeSpec("keys", 2, kReadOnly, kNoKeys, kc::Keys,
                 {"@keyspace @read @slow @dangerous", kGroup, "1.0.0",
                  "Returns all key names that match a pattern.",
                  "O(N) with N being the number of keys in the database, under the assumption "
                  "that the key names in the database and the given pattern have limited "
                  "length."}));
  t.Add(MakeSpec("scan", -2, kReadOnly, kNoKeys, kc::Scan,
                 {kReadSlow, kGroup, "2.8.0", "Iterates over the key names in the database.",
                  "O(1) for every call. O(N) for a complete iteration, including enough command "
                  "calls for the cursor to return back to 0. N is the number of elements inside "
                  "the collection."}));
  t.Add(
      MakeSpec("randomkey", 1, kReadOnly, kNoKeys, kc::RandomKey,
               {kReadSlow, kGroup, "1.0.0", "Returns a random key name from the database.", kO1}));
  t.Add(MakeSpec(
      "rename", 3, kWrite, kTwoKeys, kc::Rename,
      {kWriteSlow, kGroup, "1.0.0", "Renames a key and overwrites the destination.", kO1}));
  t.Add(MakeSpec("renamenx", 3, kWrite | kFast, kTwoKeys, kc::RenameNx,
                 {kWriteFast, kGroup, "1.0.0",
                  "Renames a key only when the target key name doesn't exist.", kO1}));
  t.Add(MakeSpec("copy", -3, kWrite | kDenyOom, kTwoKeys, kc::Copy,
                 {kWriteSlow, kGroup, "6.2.0", "Copies the value of a key to a new key.",
                  "O(N) worst case for collections, where N is the number of nested items. "
                  "O(1) for string values."}));
  t.Add(MakeSpec("move", 3, kWrite | kFast, kOneKey, kc::Move,
                 {kWriteFast, kGroup, "1.0.0", "Moves a key to another database.", kO1}));
  t.Add(MakeSpec(
      "swapdb", 3, kWrite | kFast, kNoKeys, kc::SwapDb,
      {"@keyspace @write @fast @dangerous", "server", "4.0.0", "Swaps two Redis databases.",
       "O(N) where N is the count of clients watching or blocking on keys from both "
       "databases."}));
  t.Add(MakeSpec("touch", -2, kReadOnly | kFast, kAllKeys, kc::Touch,
                 {kReadFast, kGroup, "3.2.1",
                  "Returns the number of existing keys out of those specified after updating "
                  "the time they were last accessed.",
                  "O(N) where N is the number of keys that will be touched."}));
  t.Add(MakeSpec(
      "expire", -3, kWrite | kFast, kOneKey, kc::Expire,
      {kWriteFast, kGroup, "1.0.0", "Sets the expiration time of a key in seconds.", kO1}));
  t.Add(MakeSpec(
      "pexpire", -3, kWrite | kFast, kOneKey, kc::PExpire,
      {kWriteFast, kGroup, "2.6.0", "Sets the expiration time of a key in milliseconds.", kO1}));
  t.Add(MakeSpec("expireat", -3, kWrite | kFast, kOneKey, kc::ExpireAt,
                 {kWriteFast, kGroup, "1.2.0",
                  "Sets the expiration time of a key to a Unix timestamp.", kO1}));
  t.Add(MakeSpec("pexpireat", -3, kWrite | kFast, kOneKey, kc::PExpireAt,
                 {kWriteFast, kGroup, "2.6.0",
                  "Sets the expiration time of a key to a Unix milliseconds timestamp.", kO1}));
  t.Add(MakeSpec(
      "ttl", 2, kReadOnly | kFast, kOneKey, kc::Ttl,
      {kReadFast, kGroup, "1.0.0", "Returns the expiration time in seconds of a key.", kO1}));
  t.Add(MakeSpec(
      "pttl", 2, kReadOnly | kFast, kOneKey, kc::PTtl,
      {kReadFast, kGroup, "2.6.0", "Returns the expiration time in milliseconds of a key.", kO1}));
  t.Add(MakeSpec("expiretime", 2, kReadOnly | kFast, kOneKey, kc::ExpireTime,
                 {kReadFast, kGroup, "7.0.0",
                  "Returns the expiration time of a key as a Unix timestamp.", kO1}));
  t.Add(MakeSpec("pexpiretime", 2, kReadOnly | kFast, kOneKey, kc::PExpireTime,
                 {kReadFast, kGroup, "7.0.0",
                  "Returns the expiration time of a key as a Unix milliseconds timestamp.", kO1}));
  t.Add(MakeSpec("persist", 2, kWrite | kFast, kOneKey, kc::Persist,
                 {kWriteFast, kGroup, "2.2.0", "Removes the expiration time of a key.", kO1}));
}

}  // namespace kvd
