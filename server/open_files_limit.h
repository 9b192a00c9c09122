#pragma once
// Raises the process's open-files limit to what maxclients needs, as Redis's
// adjustOpenFilesLimit: maxclients plus 32 descriptors the server keeps for itself (files,
// listeners). When the system refuses, the limit goes as high as it allows and maxclients
// shrinks to fit, with Redis's log lines.

namespace kvd {

inline constexpr int kReservedFds = 32;  // Redis's CONFIG_MIN_RESERVED_FDS

// Returns the maxclients the process can serve: `maxclients` itself, or less when the limit
// could not be raised that far; 0 when not even the reserved descriptors fit (the server
// must not start).
int AdjustOpenFilesLimit(int maxclients);

}  // namespace kvd
