#include "server/batch_prefetch.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "server/server_state.h"

namespace kvd {

void LookUpBatch(const CommandTable& table, std::span<const std::vector<std::string_view>> batch,
                 std::span<const CommandSpec*> specs) {
  for (size_t i = 0; i < batch.size(); ++i) {
    specs[i] = batch[i].empty() ? nullptr : table.Find(batch[i][0]);
  }
}

void PrefetchBatchKeys(ServerState& server, size_t db,
                       std::span<const std::vector<std::string_view>> batch,
                       std::span<const CommandSpec* const> specs) {
  // A batch of one gains nothing: its lookup follows at once.
  if (batch.size() < 2 || db >= server.store.DatabaseCount()) return;
  const Keyspace& keyspace = server.store.Db(db);
  constexpr size_t kMax = 64;  // enough to cover a memory latency; the rest run as is
  std::array<uint64_t, kMax> hashes;
  std::array<bool, kMax> has_key{};
  std::array<bool, kMax> reads_value{};
  const size_t n = std::min(batch.size(), kMax);
  for (size_t i = 0; i < n; ++i) {
    const std::vector<std::string_view>& args = batch[i];
    const CommandSpec* spec = specs[i];
    if (spec == nullptr || spec->first_key <= 0 ||
        static_cast<size_t>(spec->first_key) >= args.size()) {
      continue;
    }
    hashes[i] = keyspace.PrefetchKey(args[static_cast<size_t>(spec->first_key)]);
    has_key[i] = true;
    reads_value[i] = (spec->flags & kReadOnly) != 0;
  }
  for (size_t i = 0; i < n; ++i) {
    if (has_key[i]) keyspace.PrefetchRecord(hashes[i]);
  }
  // A read copies the value into its reply: start loading a long one. A write replaces it,
  // so its old bytes are not worth the memory traffic.
  for (size_t i = 0; i < n; ++i) {
    if (reads_value[i]) keyspace.PrefetchValue(hashes[i]);
  }
}

}  // namespace kvd
