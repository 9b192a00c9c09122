// The list family's table: every command with Redis 7.2's arity, flags, key positions, ACL
// categories and documentation. Handlers live in list_push_pop.cpp, list_move.cpp,
// list_access.cpp and list_edit.cpp.
#include "server/command.h"
#include "server/commands/key_spec.h"
#include "server/commands/list_commands.h"

namespace kvd {
namespace {

// LMPOP's keys follow a count (Redis reports 0 0 0 and "movablekeys").
// LMPOP numkeys key...; BLMPOP timeout numkeys key...
constexpr KeyRange kNumKeys{0, 0, 0, 1};
constexpr KeyRange kTimeoutNumKeys{0, 0, 0, 2};
// BLPOP/BRPOP: every argument but the trailing timeout is a key.
constexpr KeyRange kKeysThenTimeout{1, -2, 1};
constexpr std::string_view kReadFast = "@read @list @fast";
constexpr std::string_view kReadSlow = "@read @list @slow";
constexpr std::string_view kWriteFast = "@write @list @fast";
constexpr std::string_view kWriteSlow = "@write @list @slow";
constexpr std::string_view kBlockingSlow = "@write @list @slow @blocking";
constexpr std::string_view kGroup = "list";
constexpr std::string_view kO1 = "O(1)";
constexpr std::string_view kPushComplexity =
    "O(1) for each element added, so O(N) to add N elements when the command is called with "
    "multiple arguments.";
constexpr std::string_view kPopComplexity = "O(N) where N is the number of elements returned";

}  // namespace

void RegisterListFamily(CommandTable& t) {
  namespace lc = list_commands;
  t.Add(MakeSpec("lpush", -3, kWrite | kDenyOom | kFast, kOneKey, lc::LPush,
                 {kWriteFast, kGroup, "1.0.0",
                  "Prepends one or more elements to a list. Creates the key if it doesn't exist.",
                  kPushComplexity}));
  t.Add(MakeSpec("rpush", -3, kWrite | kDenyOom | kFast, kOneKey, lc::RPush,
                 {kWriteFast, kGroup, "1.0.0",
                  "Appends one or more elements to a list. Creates the key if it doesn't exist.",
                  kPushComplexity}));
  t.Add(MakeSpec("lpushx", -3, kWrite | kDenyOom | kFast, kOneKey, lc::LPushX,
                 {kWriteFast, kGroup, "2.2.0",
                  "Prepends one or more elements to a list only when the list exists.",
                  kPushComplexity}));
  t.Add(MakeSpec("rpushx", -3, kWrite | kDenyOom | kFast, kOneKey, lc::RPushX,
                 {kWriteFast, kGroup, "2.2.0",
                  "Appends an element to a list only when the list exists.", kPushComplexity}));
  t.Add(MakeSpec("lpop", -2, kWrite | kFast, kOneKey, lc::LPop,
                 {kWriteFast, kGroup, "1.0.0",
                  "Returns the first elements in a list after removing it. Deletes the list if "
                  "the last element was popped.",
                  kPopComplexity}));
  t.Add(MakeSpec("rpop", -2, kWrite | kFast, kOneKey, lc::RPop,
                 {kWriteFast, kGroup, "1.0.0",
                  "Returns and removes the last elements of a list. Deletes the list if the "
                  "last element was popped.",
                  kPopComplexity}));
  t.Add(MakeSpec("lmpop", -4, kWrite, kNumKeys, lc::LMPop,
                 {kWriteSlow, kGroup, "7.0.0",
                  "Returns multiple elements from a list after removing them. Deletes the list "
                  "if the last element was popped.",
                  "O(N+M) where N is the number of provided keys and M is the number of "
                  "elements returned."}));
  t.Add(MakeSpec("lmove", 5, kWrite | kDenyOom, kTwoKeys, lc::LMove,
                 {kWriteSlow, kGroup, "6.2.0",
                  "Returns an element after popping it from one list and pushing it to "
                  "another. Deletes the list if the last element was moved.",
                  kO1}));
  t.Add(MakeSpec("rpoplpush", 3, kWrite | kDenyOom, kTwoKeys, lc::RPopLPush,
                 {kWriteSlow, kGroup, "1.2.0",
                  "Returns the last element of a list after removing and pushing it to another "
                  "list. Deletes the list if the last element was popped.",
                  kO1}));
  t.Add(MakeSpec("llen", 2, kReadOnly | kFast, kOneKey, lc::LLen,
                 {kReadFast, kGroup, "1.0.0", "Returns the length of a list.", kO1}));
  t.Add(MakeSpec("lrange", 4, kReadOnly, kOneKey, lc::LRange,
                 {kReadSlow, kGroup, "1.0.0", "Returns a range of elements from a list.",
                  "O(S+N) where S is the distance of start offset from HEAD for small lists, "
                  "from nearest end (HEAD or TAIL) for large lists; and N is the number of "
                  "elements in the specified range."}));
  t.Add(MakeSpec("lindex", 3, kReadOnly, kOneKey, lc::LIndex,
                 {kReadSlow, kGroup, "1.0.0", "Returns an element from a list by its index.",
                  "O(N) where N is the number of elements to traverse to get to the element at "
                  "index. This makes asking for the first or the last element of the list "
                  "O(1)."}));
  t.Add(MakeSpec("lpos", -3, kReadOnly, kOneKey, lc::LPos,
                 {kReadSlow, kGroup, "6.0.6", "Returns the index of matching elements in a list.",
                  "O(N) where N is the number of elements in the list, for the average case. "
                  "When searching for elements near the head or the tail of the list, or when "
                  "the MAXLEN option is provided, the command may run in constant time."}));
  t.Add(MakeSpec("lset", 4, kWrite | kDenyOom, kOneKey, lc::LSet,
                 {kWriteSlow, kGroup, "1.0.0",
                  "Sets the value of an element in a list by its index.",
                  "O(N) where N is the length of the list. Setting either the first or the last "
                  "element of the list is O(1)."}));
  t.Add(MakeSpec("linsert", 5, kWrite | kDenyOom, kOneKey, lc::LInsert,
                 {kWriteSlow, kGroup, "2.2.0",
                  "Inserts an element before or after another element in a list.",
                  "O(N) where N is the number of elements to traverse before seeing the value "
                  "pivot. This means that inserting somewhere on the left end on the list "
                  "(head) can be considered O(1) and inserting somewhere on the right end "
                  "(tail) is O(N)."}));
  t.Add(MakeSpec("lrem", 4, kWrite, kOneKey, lc::LRem,
                 {kWriteSlow, kGroup, "1.0.0",
                  "Removes elements from a list. Deletes the list if the last element was "
                  "removed.",
                  "O(N+M) where N is the length of the list and M is the number of elements "
                  "removed."}));
  t.Add(MakeSpec("ltrim", 4, kWrite, kOneKey, lc::LTrim,
                 {kWriteSlow, kGroup, "1.0.0",
                  "Removes elements from both ends a list. Deletes the list if all elements "
                  "were trimmed.",
                  "O(N) where N is the number of elements to be removed by the operation."}));

  // The blocking forms (list_blocking.cpp).
  t.Add(MakeSpec("blpop", -3, kWrite | kBlocking, kKeysThenTimeout, lc::BLPop,
                 {kBlockingSlow, kGroup, "2.0.0",
                  "Removes and returns the first element in a list. Blocks until an element is "
                  "available otherwise. Deletes the list if the last element was popped.",
                  "O(N) where N is the number of provided keys."}));
  t.Add(MakeSpec("brpop", -3, kWrite | kBlocking, kKeysThenTimeout, lc::BRPop,
                 {kBlockingSlow, kGroup, "2.0.0",
                  "Removes and returns the last element in a list. Blocks until an element is "
                  "available otherwise. Deletes the list if the last element was popped.",
                  "O(N) where N is the number of provided keys."}));
  t.Add(MakeSpec("blmpop", -5, kWrite | kBlocking, kTimeoutNumKeys, lc::BLMPop,
                 {kBlockingSlow, kGroup, "7.0.0",
                  "Pops the first element from one of multiple lists. Blocks until an element "
                  "is available otherwise. Deletes the list if the last element was popped.",
                  "O(N+M) where N is the number of provided keys and M is the number of "
                  "elements returned."}));
  t.Add(MakeSpec("blmove", 6, kWrite | kDenyOom | kBlocking, kTwoKeys, lc::BLMove,
                 {kBlockingSlow, kGroup, "6.2.0",
                  "Pops an element from a list, pushes it to another list and returns it. "
                  "Blocks until an element is available otherwise. Deletes the list if the "
                  "last element was moved.",
                  kO1}));
  t.Add(MakeSpec("brpoplpush", 4, kWrite | kDenyOom | kBlocking, kTwoKeys, lc::BRPopLPush,
                 {kBlockingSlow, kGroup, "2.2.0",
                  "Pops an element from a list, pushes it to another list and returns it. "
                  "Block until an element is available otherwise. Deletes the list if the last "
                  "element was popped.",
                  kO1}));
}

}  // namespace kvd
