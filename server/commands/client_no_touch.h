#pragma once
// CLIENT NO-TOUCH ON|OFF (Redis 7.2): the subcommand, registered by ClientCommandSpec.
#include "server/command.h"

namespace kvd {

CommandSpec ClientNoTouchSpec();

}  // namespace kvd
