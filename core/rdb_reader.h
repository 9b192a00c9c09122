#pragma once
// Loads a Redis RDB file (versions 9 to 11: Redis 5.0 to 7.2) into a store.
//
// Every value type kvd supports loads, in every encoding Redis 5 to 7.2 writes it: strings,
// lists (quicklist of ziplists or listpacks, ziplist, plain), sets (intset, listpack, plain),
// sorted sets (ziplist, listpack, plain), hashes (ziplist, listpack, plain) and streams
// (listpacks, with consumer groups). Function libraries are handed back in RdbLoadInfo.
// Module data and pre-release functions stop the load with a message naming them and the key.
// Every read is bounds-checked; truncated or damaged input gives an error with the offset;
// the checksum is verified unless the file was written without one (0). The load goes to a
// fresh store that replaces `into` only on success: a failed load leaves `into` untouched.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/store.h"

namespace kvd {

struct RdbLoadInfo {
  int version = 0;            // the file's RDB version
  std::string redis_version;  // its AUX redis-ver, when present
  uint64_t used_mem = 0;      // its AUX used-mem (the writer's memory use), when present
  // Its AUX repl-stream-db, repl-id and repl-offset (where the replication stream stood when
  // it was written), when present: -1 / "" / -1 otherwise.
  int64_t repl_stream_db = -1;
  std::string repl_id;
  int64_t repl_offset = -1;
  uint64_t keys_loaded = 0;
  uint64_t keys_expired = 0;  // already expired at load: dropped (not counted as expiries)
  bool checksum_verified = false;  // false when the file carries no checksum (0)
  // The function libraries' code (FUNCTION2 records), in file order: the server loads them
  // (core knows no Lua).
  std::vector<std::string> functions;
};

// Where a load has got to, for progress reports (INFO loading_*, the log).
struct RdbLoadProgress {
  size_t bytes_read = 0;    // offset reached in the file
  size_t total_bytes = 0;   // the file's size
  uint64_t keys_loaded = 0;
  uint64_t keys_expired = 0;
  uint64_t used_mem = 0;  // the file's AUX used-mem, once read (0: not seen)
};
// Called after every key (keep it cheap); returning false stops the load, which then fails
// with kRdbLoadCancelled and leaves `into` untouched.
using RdbProgressFn = std::function<bool(const RdbLoadProgress&)>;
inline constexpr std::string_view kRdbLoadCancelled = "RDB: the load was cancelled";

// True when `data` starts like an RDB file ("REDIS").
bool IsRdb(std::string_view data);

// Returns "" or an error starting "RDB: ". On success each database of `into` is
// move-assigned from the loaded one (`into` keeps its own hooks, such as expire listeners)
// and *info, when given, describes the file.
std::string LoadRdb(std::string_view data, int64_t now_ms, Store& into,
                    RdbLoadInfo* info = nullptr);
// The same, reporting progress to `progress` (may be empty) as it goes.
std::string LoadRdb(std::string_view data, int64_t now_ms, Store& into, RdbLoadInfo* info,
                    const RdbProgressFn& progress);
// The same for an RDB file that other data may follow (an append-only file with an RDB
// preamble: commands come after it). On success *rdb_size is where the RDB file ended (just
// past its checksum).
std::string LoadRdbPrefix(std::string_view data, int64_t now_ms, Store& into, RdbLoadInfo* info,
                          const RdbProgressFn& progress, size_t* rdb_size);

}  // namespace kvd
