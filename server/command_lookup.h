#pragma once
// Finding the command an argument vector runs, and checking its argument count, as Redis's
// lookupCommand and arity rule do. Shared by everything that runs or checks a command on
// behalf of someone: scripts, ACL DRYRUN, redis.acl_check_cmd, COMMAND GETKEYS.
#include <cstddef>
#include <span>
#include <string_view>

#include "server/command.h"

namespace kvd {

// The container's subcommand when the command has subcommands and argv names one; the
// command itself otherwise; null when there is none.
const CommandSpec* LookupCommand(const CommandTable& table, std::span<const std::string_view> argv);

// Redis's arity: exactly `arity` arguments (name included), or at least -arity when negative.
bool ArityOk(const CommandSpec& spec, size_t argc);

}  // namespace kvd
