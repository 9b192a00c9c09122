#pragma once
// DEBUG's subcommands that work on the keyspace (debug_keyspace.cpp, debug_reload.cpp),
// dispatched by debug_command.cpp.
#include <string_view>

#include "server/command.h"

namespace kvd {

// POPULATE and RELOAD refuse to run while the startup load fills the store (the
// dispatcher's refusal of commands without the "loading" flag, which DEBUG has).
inline constexpr std::string_view kDebugLoadingErr =
    "LOADING Redis is loading the dataset in memory";

void DebugObject(CommandContext& ctx);       // OBJECT <key>
void DebugDigest(CommandContext& ctx);       // DIGEST
void DebugDigestValue(CommandContext& ctx);  // DIGEST-VALUE [<key> ...]
void DebugPopulate(CommandContext& ctx);     // POPULATE <count> [<prefix>] [<size>]
void DebugReload(CommandContext& ctx);       // RELOAD [MERGE] [NOFLUSH] [NOSAVE]

}  // namespace kvd
