#pragma once
// CLIENT (server/commands/client_commands.cpp) and what HELLO and RESET share with it.
#include <string>
#include <string_view>

#include "server/command.h"

namespace kvd {

// The CLIENT container with its subcommands, registered by RegisterConnectionFamily.
CommandSpec ClientCommandSpec();

// MONITOR, registered by RegisterConnectionFamily.
CommandSpec MonitorCommandSpec();

// RESET's part (Redis's clearClientConnectionState): leaves MONITOR, replies back on,
// NO-EVICT off.
void ResetClientManagement(CommandContext& ctx);

// One CLIENT LIST line for `c`, as seen while `ctx` runs (ACL LOG's client-info too).
std::string ClientInfoString(const ClientState& c, const CommandContext& ctx);

// Redis's rule for client names and CLIENT SETINFO values: printable ASCII, no spaces.
bool IsValidClientAttr(std::string_view s);

inline constexpr std::string_view kClientNameErr =
    "ERR Client names cannot contain spaces, newlines or special characters.";

}  // namespace kvd
