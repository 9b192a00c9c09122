#pragma once
// Overlaps the cache misses of a batch's key lookups: before a pipelined batch runs, the
// hash-table slot of each command's first key is prefetched, then the record each slot
// points at, and for a command that reads it (GET) the rest of a long string value, so that
// the lookups and reply copies the commands make find them in cache instead of waiting on
// memory one after the other. Only a hint: nothing changes, nothing is looked up twice
// for correctness.
#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

namespace kvd {

class ServerState;

void PrefetchBatchKeys(ServerState& server, size_t db,
                       std::span<const std::vector<std::string_view>> batch);

}  // namespace kvd
