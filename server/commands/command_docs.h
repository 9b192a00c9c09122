#pragma once
// COMMAND (server/commands/command_docs.cpp): introspection of the command table.
#include "server/command.h"

namespace kvd {

// The COMMAND container (plain COMMAND, COUNT, INFO, DOCS, LIST, GETKEYS, HELP).
CommandSpec CommandCommandSpec();

}  // namespace kvd
