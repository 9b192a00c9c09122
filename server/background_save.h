#pragma once
// BGSAVE and the save rules: when a background save of dump.rdb starts, and what its end
// does to the server's persistence state (as Redis's rdbSaveBackground, serverCron and
// backgroundSaveDoneHandler).
#include <cstdint>
#include <string>
#include <vector>

namespace kvd {

class ServerState;

// Starts a background save of the store to dir/dbfilename. Returns "" or why it could
// not start; the caller decides the reply. The end is logged and recorded in ServerState
// (last save time, rdb_last_bgsave_status, changes since the last save).
std::string StartBackgroundSave(ServerState& state);

// From the server cron: starts a background save when a `save <seconds> <changes>` rule
// is due or BGSAVE SCHEDULE asked for one, unless a background snapshot is running. After
// a failed save, waits 5 seconds before trying again (Redis's CONFIG_BGSAVE_RETRY_DELAY).
void BackgroundSaveCron(ServerState& state, int64_t now_ms);

// A replica's full sync is about to replace the dataset: stops the background snapshot of
// the old one, whoever runs it (BGSAVE, the AOF rewrite, a sync of our own replicas), as
// Redis kills its child then. A snapshot going on would mix old and new keys.
void StopBackgroundSnapshot(ServerState& state);

// Parsed `save` rules: (seconds, changes) pairs.
struct SaveRule {
  int64_t seconds = 0;
  int64_t changes = 0;
};
std::vector<SaveRule> ParseSaveRules(const std::string& save);

}  // namespace kvd
