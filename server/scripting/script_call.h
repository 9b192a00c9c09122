#pragma once
// redis.call / redis.pcall: runs one command for a script, with Redis's checks for what a
// script may run, on the script's own client. What the command changes is logged as the
// script's effects (replaying them gives the same data), and its keys wake blocked clients
// once the script has ended.
#include <span>
#include <string>
#include <string_view>

#include "server/scripting/script_run.h"

namespace kvd {

// Appends the command's reply to `reply`, encoded for the script client's protocol, and
// returns "". A command the script may not run is not run: the error text is returned
// ("-CODE message", as Redis's scriptCall).
std::string RunScriptCommand(ScriptRun& run, std::span<const std::string_view> args,
                             std::string& reply);

}  // namespace kvd
