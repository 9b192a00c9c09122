#pragma once
// spdlog set up to write Redis-style lines ("pid:M 25 Nov 2026 09:50:01.123 * message") to
// standard output or the logfile. Redis's levels map to spdlog's: debug -> trace ('.'),
// verbose -> debug ('-'), notice -> info ('*'), warning -> warn ('#'), nothing -> off.
#include <string>
#include <string_view>

#include "server/config.h"

namespace kvd::net {

// Installs the default logger per `logfile` and `loglevel`. Returns "" or why the logfile
// could not be opened.
std::string SetupLogging(const ConfigValues& config);
// The role the lines show after the pid: 'S' while this server is a replica, else 'M'.
void SetLogRole(bool replica);
// Applies a Redis log level name (CONFIG SET loglevel).
void SetLogLevel(std::string_view redis_level);
// SIGHUP: closes the logfile and opens it again by name, so that a rotated log goes on in a
// new file. Returns "" (also when logging to standard output) or why it could not reopen.
std::string ReopenLogFile();

}  // namespace kvd::net
