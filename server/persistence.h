#pragma once
// The snapshot file (dir/dbfilename, dump.rdb by default): the store saved as a Redis RDB
// file (core/rdb_writer.h) and loaded from one (core/rdb_reader.h), so files move between
// Redis and kvd by copying.
#include <cstdint>
#include <string>

#include "core/rdb_reader.h"
#include "core/rdb_writer.h"
#include "core/store.h"

namespace kvd {

struct ConfigValues;
class ServerState;

// Writes the store to dir/filename atomically: a temporary file in the same directory is
// written, fsynced and renamed over the target, then the directory is fsynced. A crash at
// any moment leaves either the old file or the new one, whole. Returns "" or an error text
// naming the file; on error the old file is untouched and no temporary file is left.
// `options`: rdbcompression, rdbchecksum.
std::string SaveSnapshotFile(const Store& store, const std::string& dir,
                             const std::string& filename, int64_t now_ms,
                             const RdbOptions& options = {});

// Loads dir/filename into `store` (replacing its contents only on success). A missing file
// is not an error: *found = false and "" is returned. A file that cannot be read or decoded
// returns an error naming the file; the caller must not start with an empty store then.
// Keys already expired at now_ms are dropped. *info (when given) describes a loaded RDB file.
// A file in kvd's earlier interim format (starting "KVDSNAP", core/snapshot.h) still loads.
// `progress` (may be empty) follows an RDB load key by key and can cancel it.
std::string LoadSnapshotFile(Store& store, const std::string& dir, const std::string& filename,
                             int64_t now_ms, bool* found, RdbLoadInfo* info = nullptr,
                             const RdbProgressFn& progress = {});

// The RDB options the configuration asks for (rdbcompression, rdbchecksum), with the
// server's function libraries, which every snapshot carries.
RdbOptions RdbOptionsFrom(ServerState& state);
// The options for the snapshot file and replicas' snapshots: RdbOptionsFrom and, as Redis
// records them, where the replication stream stands (core/rdb_writer.h RdbReplicationInfo).
// The append-only file's base leaves that out, as Redis's does.
RdbOptions SnapshotRdbOptions(ServerState& state);

// SAVE and the final save at shutdown: writes the store to the configured dir/dbfilename
// with the configured options, blocking. On success logs "DB saved on disk", resets the
// changes since the last save, sets the last save time and counts the save; on failure
// logs the error, changes nothing else and returns it.
std::string SaveServerSnapshot(ServerState& state);

// Loading at startup: loads the configured dir/dbfilename into state.store, with
// state.loading set meanwhile, logs what was loaded as Redis does ("DB loaded from disk:
// 0.012 seconds", keys loaded and expired) and records it for INFO persistence. A missing
// file is not an error. Returns "" or the error naming the file.
std::string LoadServerSnapshot(ServerState& state);

// After a snapshot was loaded at startup: records it for INFO persistence
// (rdb_last_load_keys_*) and logs it as Redis does.
void RecordSnapshotLoad(ServerState& state, const RdbLoadInfo& info, double seconds);

}  // namespace kvd
