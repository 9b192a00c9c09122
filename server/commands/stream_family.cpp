// The stream family's table: entries (XADD, XRANGE, XREVRANGE, XLEN, XDEL, XTRIM, XSETID)
// and XREAD, with Redis 7.2's arity, flags, key positions, ACL categories and documentation.
// Handlers live in stream_{add_trim,range,read}.cpp.
#include <utility>

#include "server/command.h"
#include "server/commands/key_spec.h"
#include "server/commands/stream_commands.h"

namespace kvd {
namespace {

constexpr std::string_view kGroup = "stream";
constexpr std::string_view kRangeCost =
    "O(N) with N being the number of elements being returned. If N is constant (e.g. always "
    "asking for the first 10 elements with COUNT), you can consider it O(1).";

}  // namespace

void RegisterStreamFamily(CommandTable& t) {
  namespace sc = stream_commands;
  t.Add(MakeSpec("xadd", -5, kWrite | kDenyOom | kFast, kOneKey, sc::XAdd,
                 {"@write @stream @fast", kGroup, "5.0.0", "Appends a new entry to a stream",
                  "O(1) when adding a new entry, O(N) when trimming where N being the number of "
                  "entries evicted."}));
  t.Add(MakeSpec("xrange", -4, kReadOnly, kOneKey, sc::XRange,
                 {"@read @stream @slow", kGroup, "5.0.0",
                  "Return a range of elements in a stream, with IDs matching the specified IDs "
                  "interval",
                  kRangeCost}));
  t.Add(MakeSpec("xrevrange", -4, kReadOnly, kOneKey, sc::XRevRange,
                 {"@read @stream @slow", kGroup, "5.0.0",
                  "Return a range of elements in a stream, with IDs matching the specified IDs "
                  "interval, in reverse order (from greater to smaller IDs) compared to XRANGE",
                  "O(N) with N being the number of elements returned. If N is constant (e.g. "
                  "always asking for the first 10 elements with COUNT), you can consider it "
                  "O(1)."}));
  t.Add(MakeSpec("xlen", 2, kReadOnly | kFast, kOneKey, sc::XLen,
                 {"@read @stream @fast", kGroup, "5.0.0",
                  "Return the number of entries in a stream", "O(1)"}));
  t.Add(MakeSpec("xdel", -3, kWrite | kFast, kOneKey, sc::XDel,
                 {"@write @stream @fast", kGroup, "5.0.0",
                  "Removes the specified entries from the stream. Returns the number of items "
                  "actually deleted, that may be different from the number of IDs passed in "
                  "case certain IDs do not exist.",
                  "O(1) for each single item to delete in the stream, regardless of the stream "
                  "size."}));
  t.Add(MakeSpec("xtrim", -4, kWrite, kOneKey, sc::XTrim,
                 {"@write @stream @slow", kGroup, "5.0.0",
                  "Trims the stream to (approximately if '~' is passed) a certain size",
                  "O(N), with N being the number of evicted entries. Constant times are very "
                  "small however, since entries are organized in macro nodes containing "
                  "multiple entries that can be released with a single deallocation."}));
  t.Add(MakeSpec("xsetid", -3, kWrite | kDenyOom | kFast | kNoKeySignal, kOneKey, sc::XSetId,
                 {"@write @stream @fast", kGroup, "5.0.0",
                  "An internal command for replicating stream values", "O(1)"}));
  // The keys follow STREAMS (a keyword key spec): no fixed range, movable keys.
  CommandSpec xread = MakeSpec(
      "xread", -4, kReadOnly | kBlocking | kMovableKeys, kNoKeys, sc::XRead,
      {"@read @stream @slow @blocking", kGroup, "5.0.0",
       "Return never seen elements in multiple streams, with IDs greater than the ones "
       "reported by the caller for each stream. Can block.",
       "For each stream mentioned: O(N) with N being the number of elements being returned, "
       "it means that XREAD-ing with a fixed COUNT is O(1). Note that when the BLOCK option is "
       "used, XADD will pay O(M) time in order to serve the M clients blocked on the stream "
       "getting new data."});
  t.Add(std::move(xread));
}

}  // namespace kvd
