#pragma once
// Function libraries in the files kvd writes, as in Redis 7: every snapshot (SAVE, BGSAVE,
// shutdown, the append-only file's base) carries their code, and loading one brings them
// back before any command runs against the data.
#include <string>
#include <vector>

namespace kvd {

class ServerState;

// The code of every loaded library, in library-name order; none before the first FUNCTION
// command made the scripting engine.
std::vector<std::string> LibraryCodes(ServerState& server);

// Loads libraries read from a file (RdbLoadInfo::functions) into the server, all or none.
// Returns "" or the reason, e.g. a library that does not compile or a name already taken.
std::string LoadLibraryCodes(ServerState& server, const std::vector<std::string>& codes);

}  // namespace kvd
