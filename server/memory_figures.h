#pragma once
// What kvd's memory is made of, measured in one place so that INFO memory, MEMORY STATS,
// MEMORY DOCTOR and the metrics endpoint agree (Redis's getMemoryOverheadData).
//
// used_memory is Redis's zmalloc_used_memory as far as kvd counts bytes exactly: the data
// (records, tables, values), values the lazyfree thread has yet to free, every client's state
// and buffers, the replication backlog, the AOF buffer, and the cached scripts and function
// libraries. The Lua VMs are outside it, as in Redis, where Lua has its own allocator.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace kvd {

class ServerState;

// One non-empty database: Redis's overhead.hashtable.main / .expires are kvd's two slot
// arrays (all keys, keys with a TTL); the records themselves are dataset.
struct DbMemory {
  size_t index = 0;
  size_t keys = 0;  // entries, including expired keys not reclaimed yet (Redis's dictSize)
  size_t main_table = 0;
  size_t expires_table = 0;
};

struct MemoryBreakdown {
  size_t used = 0;
  size_t peak = 0;     // after counting `used`
  size_t startup = 0;  // used_memory before the dataset loaded
  size_t replication_backlog = 0;
  size_t clients_slaves = 0;  // replicas' state and buffers
  size_t clients_normal = 0;  // every other client's
  size_t aof_buffer = 0;
  size_t lua_caches = 0;        // EVAL's cached scripts
  size_t functions_caches = 0;  // the function libraries
  std::vector<DbMemory> dbs;    // non-empty databases, in index order
  size_t keys = 0;
  size_t overhead = 0;  // startup, the parts above and the databases' tables
  size_t dataset = 0;   // used - overhead
  // What maxmemory does not count (kvd's eviction counts data, lazyfree and clients).
  size_t not_counted_for_evict = 0;
  size_t replica_count = 0;
  size_t normal_client_count = 0;
  size_t cached_scripts = 0;
};

// Measures everything above and raises ServerState::used_memory_peak. Cheap enough for every
// INFO: O(databases + clients), no system calls.
MemoryBreakdown MeasureMemory(ServerState& server);

// The process and allocator view (Redis's cron_malloc_stats). glibc's mallinfo2 gives the
// allocated and active bytes; where it reports nothing (a sanitizer's allocator), and for the
// resident bytes glibc cannot tell, Redis's fallback for allocators without statistics
// applies: resident = RSS - Lua VMs (measured here), active = resident, allocated =
// used_memory.
struct ProcessMemory {
  size_t rss = 0;
  size_t allocator_allocated = 0;
  size_t allocator_active = 0;
  size_t allocator_resident = 0;
};
ProcessMemory MeasureProcessMemory(const ServerState& server, const MemoryBreakdown& m);

// Resident set size from /proc/self/statm, as Redis's zmalloc_get_rss.
size_t ResidentBytes();

// Redis's ratios (computed in float, as Redis) and differences between those figures.
struct MemoryRatios {
  float allocator_frag = 0;  // active / allocated
  int64_t allocator_frag_bytes = 0;
  float allocator_rss = 0;  // resident / active
  int64_t allocator_rss_bytes = 0;
  float rss_overhead = 0;  // rss / resident
  int64_t rss_overhead_bytes = 0;
  float fragmentation = 0;  // rss / used
  int64_t fragmentation_bytes = 0;
  float peak_perc = 0;       // used * 100 / peak
  float dataset_perc = 0;    // dataset * 100 / (used - startup)
  size_t bytes_per_key = 0;  // (used - startup) / keys
};
MemoryRatios ComputeRatios(const MemoryBreakdown& m, const ProcessMemory& p);

}  // namespace kvd
