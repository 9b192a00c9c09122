#pragma once
// COMMAND GETKEYS and GETKEYSANDFLAGS: which arguments of a full command are keys, found
// as Redis finds them (its key specs, or the command's own rule where their flags vary).
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "server/command.h"

namespace kvd {

struct CommandDoc;

struct FoundKey {
  size_t index;               // into the command's arguments (0: the command name)
  std::string_view flags;     // key spec flags in Redis's order: "RW access update"
};

// The keys of `argv` (a whole command, name first) for the command `s` documented by `doc`
// (FindCommandDoc; null: the table's key positions, flagged RW or RO), in key spec order;
// nullopt when the arguments do not fit a spec (Redis's "Invalid arguments specified").
std::optional<std::vector<FoundKey>> FindCommandKeys(const CommandSpec& s, const CommandDoc* doc,
                                                     std::span<const std::string_view> argv);

void CmdCommandGetKeys(CommandContext& ctx);
void CmdCommandGetKeysAndFlags(CommandContext& ctx);

}  // namespace kvd
