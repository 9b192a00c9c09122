#pragma once
// Prepares a pipelined batch before it runs. Each command is looked up in the command table
// once, here, and the dispatcher takes the result (Dispatcher::Execute with its spec).
//
// Then the cache misses of the batch's key lookups are overlapped: the hash-table slot of
// each command's first key is prefetched, then the record each slot points at, and for a
// command that reads it (GET) the rest of a long string value, so that the lookups and reply
// copies the commands make find them in cache instead of waiting on memory one after the
// other. The prefetch is only a hint: nothing changes, and the commands find their keys
// without it.
#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

namespace kvd {

class CommandTable;
struct CommandSpec;
class ServerState;

// specs[i]: batch[i]'s command (its first argument) in the table, null when unknown or
// empty. `specs` has batch.size() entries.
void LookUpBatch(const CommandTable& table, std::span<const std::vector<std::string_view>> batch,
                 std::span<const CommandSpec*> specs);

// `specs` as LookUpBatch left them.
void PrefetchBatchKeys(ServerState& server, size_t db,
                       std::span<const std::vector<std::string_view>> batch,
                       std::span<const CommandSpec* const> specs);

}  // namespace kvd
