#pragma once
// CLIENT TRACKING, CACHING, GETREDIR and TRACKINGINFO (client_tracking.cpp): client-side
// caching's commands, registered among CLIENT's subcommands.
#include <vector>

#include "server/command.h"

namespace kvd {

std::vector<CommandSpec> ClientTrackingSubcommands();

}  // namespace kvd
