#pragma once
// Loading the append-only file at startup: the base (an RDB file, or commands), then every
// incr file, in manifest order, each command replayed through the real dispatcher by an
// internal client (ClientState::replaying_aof: not refused, not logged again).
//
// A file that ends inside a record was cut short by a crash. When it is the last file and
// aof-load-truncated is yes, everything before the partial record is kept, the file is
// truncated to its last whole record (as Redis does) and loading succeeds with a warning
// naming the file and offset. Otherwise, and for any damage (a record that is not a valid
// command where one must start, an unknown command), loading fails with an error naming the
// file and offset, and no file is changed.
#include <cstdint>
#include <string>

#include "server/aof/aof_manifest.h"

namespace kvd {

class ServerState;

struct AofLoadResult {
  std::string error;        // "" on success
  uint64_t total_size = 0;  // bytes of the base and incr files after loading
  uint64_t base_size = 0;
  uint64_t last_incr_size = 0;
  bool truncated = false;   // the last file was cut back to its last whole record
};

// Loads the files `manifest` lists from `aof_dir` into state.store (state.loading is set
// meanwhile). An empty manifest loads nothing.
AofLoadResult LoadAofFiles(ServerState& state, const std::string& aof_dir,
                           const AofManifest& manifest, bool load_truncated);

}  // namespace kvd
