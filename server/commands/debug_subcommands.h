#pragma once
// DEBUG's subcommands that work on the keyspace (debug_keyspace.cpp, debug_reload.cpp),
// dispatched by debug_command.cpp.
#include "server/command.h"

namespace kvd {

void DebugObject(CommandContext& ctx);       // OBJECT <key>
void DebugDigest(CommandContext& ctx);       // DIGEST
void DebugDigestValue(CommandContext& ctx);  // DIGEST-VALUE [<key> ...]
void DebugPopulate(CommandContext& ctx);     // POPULATE <count> [<prefix>] [<size>]
void DebugReload(CommandContext& ctx);       // RELOAD [MERGE] [NOFLUSH] [NOSAVE]

}  // namespace kvd
