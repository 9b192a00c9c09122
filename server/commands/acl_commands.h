#pragma once
// ACL (server/commands/acl_commands.cpp): users and permissions (server/acl/acl.h).
#include "server/command.h"

namespace kvd {

// The ACL container with its subcommands, registered by RegisterConnectionFamily.
CommandSpec AclCommandSpec();

}  // namespace kvd
