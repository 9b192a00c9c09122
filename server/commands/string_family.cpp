// The string family's table: every command with Redis 7.2's arity, flags, key positions,
// ACL categories and documentation. Handlers live in string_get_set.cpp, string_edit.cpp and string_lcs.cpp.
#include "server/command.h"
#include "server/commands/key_spec.h"
#include "server/commands/string_commands.h"

namespace kvd {
namespace {

constexpr std::string_view kReadFast = "@read @string @fast";
constexpr std::string_view kReadSlow = "@read @string @slow";
constexpr std::string_view kWriteFast = "@write @string @fast";
constexpr std::string_view kWriteSlow = "@write @string @slow";
constexpr std::string_view kGroup = "string";
constexpr std::string_view kO1 = "O(1)";
constexpr std::string_view kRangeComplexity =
    "O(N) where N is the length of the returned string. The complexity is ultimately "
    "determined by the returned length, but because creating a substring from an existing "
    "string is very cheap, it can be considered O(1) for small strings.";

}  // namespace

void RegisterStringFamily(CommandTable& t) {
  namespace sc = string_commands;
  t.Add(MakeSpec("get", 2, kReadOnly | kFast, kOneKey, sc::Get,
                 {kReadFast, kGroup, "1.0.0", "Returns the string value of a key.", kO1}));
  t.Add(MakeSpec("set", -3, kWrite | kDenyOom, kOneKey, sc::Set,
                 {kWriteSlow, kGroup, "1.0.0",
                  "Sets the string value of a key, ignoring its type. The key is created if it "
                  "doesn't exist.",
                  kO1}));
  t.Add(MakeSpec("setnx", 3, kWrite | kDenyOom | kFast, kOneKey, sc::SetNx,
                 {kWriteFast, kGroup, "1.0.0",
                  "Set the string value of a key only when the key doesn't exist.", kO1}));
  t.Add(MakeSpec("setex", 4, kWrite | kDenyOom, kOneKey, sc::SetEx,
                 {kWriteSlow, kGroup, "2.0.0",
                  "Sets the string value and expiration time of a key. Creates the key if it "
                  "doesn't exist.",
                  kO1}));
  t.Add(MakeSpec("psetex", 4, kWrite | kDenyOom, kOneKey, sc::PSetEx,
                 {kWriteSlow, kGroup, "2.6.0",
                  "Sets both string value and expiration time in milliseconds of a key. The key "
                  "is created if it doesn't exist.",
                  kO1}));
  t.Add(MakeSpec(
      "getset", 3, kWrite | kDenyOom | kFast, kOneKey, sc::GetSet,
      {kWriteFast, kGroup, "1.0.0",
       "Returns the previous string value of a key after setting it to a new value.", kO1}));
  t.Add(MakeSpec("getdel", 2, kWrite | kFast, kOneKey, sc::GetDel,
                 {kWriteFast, kGroup, "6.2.0",
                  "Returns the string value of a key after deleting the key.", kO1}));
  t.Add(MakeSpec("getex", -2, kWrite | kFast, kOneKey, sc::GetEx,
                 {kWriteFast, kGroup, "6.2.0",
                  "Returns the string value of a key after setting its expiration time.", kO1}));
  t.Add(MakeSpec(
      "mget", -2, kReadOnly | kFast, {1, -1, 1}, sc::MGet,
      {kReadFast, kGroup, "1.0.0", "Atomically returns the string values of one or more keys.",
       "O(N) where N is the number of keys to retrieve."}));
  t.Add(MakeSpec("mset", -3, kWrite | kDenyOom, {1, -1, 2}, sc::MSet,
                 {kWriteSlow, kGroup, "1.0.1",
                  "Atomically creates or modifies the string values of one or more keys.",
                  "O(N) where N is the number of keys to set."}));
  t.Add(MakeSpec("msetnx", -3, kWrite | kDenyOom, {1, -1, 2}, sc::MSetNx,
                 {kWriteSlow, kGroup, "1.0.1",
                  "Atomically modifies the string values of one or more keys only when all "
                  "keys don't exist.",
                  "O(N) where N is the number of keys to set."}));
  t.Add(MakeSpec("incr", 2, kWrite | kDenyOom | kFast, kOneKey, sc::Incr,
                 {kWriteFast, kGroup, "1.0.0",
                  "Increments the integer value of a key by one. Uses 0 as initial value if the "
                  "key doesn't exist.",
                  kO1}));
  t.Add(MakeSpec("decr", 2, kWrite | kDenyOom | kFast, kOneKey, sc::Decr,
                 {kWriteFast, kGroup, "1.0.0",
                  "Decrements the integer value of a key by one. Uses 0 as initial value if the "
                  "key doesn't exist.",
                  kO1}));
  t.Add(MakeSpec("incrby", 3, kWrite | kDenyOom | kFast, kOneKey, sc::IncrBy,
                 {kWriteFast, kGroup, "1.0.0",
                  "Increments the integer value of a key by a number. Uses 0 as initial value "
                  "if the key doesn't exist.",
                  kO1}));
  t.Add(MakeSpec("decrby", 3, kWrite | kDenyOom | kFast, kOneKey, sc::DecrBy,
                 {kWriteFast, kGroup, "1.0.0",
                  "Decrements a number from the integer value of a key. Uses 0 as initial "
                  "value if the key doesn't exist.",
                  kO1}));
  t.Add(MakeSpec("incrbyfloat", 3, kWrite | kDenyOom | kFast, kOneKey, sc::IncrByFloat,
                 {kWriteFast, kGroup, "2.6.0",
                  "Increment the floating point value of a key by a number. Uses 0 as initial "
                  "value if the key doesn't exist.",
                  kO1}));
  t.Add(MakeSpec("append", 3, kWrite | kDenyOom | kFast, kOneKey, sc::Append,
                 {kWriteFast, kGroup, "2.0.0",
                  "Appends a string to the value of a key. Creates the key if it doesn't exist.",
                  "O(1). The amortized time complexity is O(1) assuming the appended value is "
                  "small and the already present value is of any size, since the dynamic "
                  "string library used by Redis will double the free space available on every "
                  "reallocation."}));
  t.Add(MakeSpec("strlen", 2, kReadOnly | kFast, kOneKey, sc::StrLen,
                 {kReadFast, kGroup, "2.2.0", "Returns the length of a string value.", kO1}));
  t.Add(MakeSpec("getrange", 4, kReadOnly, kOneKey, sc::GetRange,
                 {kReadSlow, kGroup, "2.4.0", "Returns a substring of the string stored at a key.",
                  kRangeComplexity}));
  t.Add(MakeSpec(
      "substr", 4, kReadOnly, kOneKey, sc::GetRange,
      {kReadSlow, kGroup, "1.0.0", "Returns a substring from a string value.", kRangeComplexity}));
  t.Add(MakeSpec("setrange", 4, kWrite | kDenyOom, kOneKey, sc::SetRange,
                 {kWriteSlow, kGroup, "2.2.0",
                  "Overwrites a part of a string value with another by an offset. Creates the "
                  "key if it doesn't exist.",
                  "O(1), not counting the time taken to copy the new string in place. Usually, "
                  "this string is very small so the amortized complexity is O(1). Otherwise, "
                  "complexity is O(M) with M being the length of the value argument."}));
  t.Add(MakeSpec("lcs", -3, kReadOnly, kTwoKeys, sc::Lcs,
                 {kReadSlow, kGroup, "7.0.0", "Finds the longest common substring.",
                  "O(N*M) where N and M are the lengths of s1 and s2, respectively"}));
}

}  // namespace kvd
