#pragma once
// Replication's commands, master side: SYNC, PSYNC, REPLCONF and ROLE (the replica side's
// REPLICAOF is in replicaof_command.cpp). Registered by RegisterServerFamily.
#include "server/command.h"

namespace kvd {

void RegisterReplicationCommands(CommandTable& t);

}  // namespace kvd
