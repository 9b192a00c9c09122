// The bitmap family's table: Redis 7.2's arity, flags, key positions, ACL categories and
// documentation. Handlers live in bitmap_commands.cpp and bitfield_command.cpp.
#include "server/command.h"
#include "server/commands/bitmap_commands.h"
#include "server/commands/key_spec.h"

namespace kvd {
namespace {

constexpr std::string_view kGroup = "bitmap";
constexpr std::string_view kON = "O(N)";
constexpr std::string_view kPerSubcommand = "O(1) for each subcommand specified";

}  // namespace

void RegisterBitmapFamily(CommandTable& t) {
  namespace bc = bitmap_commands;
  t.Add(MakeSpec("setbit", 4, kWrite | kDenyOom, kOneKey, bc::SetBit,
                 {"@write @bitmap @slow", kGroup, "2.2.0",
                  "Sets or clears the bit at offset of the string value. "
                  "Creates the key if it "
                  "doesn't exist.",
                  "O(1)"}));
  t.Add(
      MakeSpec("getbit", 3, kReadOnly | kFast, kOneKey, bc::GetBit,
               {"@read @bitmap @fast", kGroup, "2.2.0", "Returns a bit value by offset.", "O(1)"}));
  t.Add(MakeSpec("bitcount", -2, kReadOnly, kOneKey, bc::BitCount,
                 {"@read @bitmap @slow", kGroup, "2.6.0",
                  "Counts the number of set bits (population counting) in a string.", kON}));
  t.Add(MakeSpec("bitpos", -3, kReadOnly, kOneKey, bc::BitPos,
                 {"@read @bitmap @slow", kGroup, "2.8.7",
                  "Finds the first set (1) or clear (0) bit in a string.", kON}));
  t.Add(MakeSpec("bitop", -4, kWrite | kDenyOom, {2, -1, 1}, bc::BitOp,
                 {"@write @bitmap @slow", kGroup, "2.6.0",
                  "Performs bitwise operations on multiple strings, and stores "
                  "the result.",
                  kON}));
  t.Add(MakeSpec("bitfield", -2, kWrite | kDenyOom, kOneKey, bc::BitField,
                 {"@write @bitmap @slow", kGroup, "3.2.0",
                  "Performs arbitrary bitfield integer operations on strings.", kPerSubcommand}));
  t.Add(MakeSpec(
      "bitfield_ro", -2, kReadOnly | kFast, kOneKey, bc::BitFieldRo,
      {"@read @bitmap @fast", kGroup, "6.0.0",
       "Performs arbitrary read-only bitfield integer operations on strings.", kPerSubcommand}));
}

}  // namespace kvd
