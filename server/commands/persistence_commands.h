#pragma once
// SAVE and LASTSAVE, registered by RegisterServerFamily (server_family.cpp).
#include "server/command.h"

namespace kvd {

void RegisterPersistenceCommands(CommandTable& t);

}  // namespace kvd
