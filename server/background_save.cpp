#include "server/background_save.h"

#include <sstream>

#include <spdlog/spdlog.h>

#include "server/aof/aof.h"
#include "server/background_snapshot.h"
#include "server/config.h"
#include "server/persistence.h"
#include "server/replication/replication.h"
#include "server/server_state.h"

namespace kvd {
namespace {

constexpr int64_t kRetryDelaySec = 5;  // CONFIG_BGSAVE_RETRY_DELAY

void Done(ServerState& state, const std::string& error) {
  const int64_t now_ms = state.clock.NowMs();
  state.rdb_bgsave_in_progress = false;
  state.rdb_last_bgsave_time_sec = (now_ms / 1000) - state.rdb_last_bgsave_try;
  if (!error.empty()) {
    spdlog::warn("Background saving error: {}", error);
    state.rdb_last_bgsave_ok = false;
    return;
  }
  spdlog::info("Background saving terminated with success");
  // Changes made while the save ran are not in the file: they still count.
  state.stats.dirty -= std::min(state.stats.dirty, state.dirty_before_bgsave);
  state.last_save_time = now_ms / 1000;
  state.rdb_last_bgsave_ok = true;
  ++state.rdb_saves;
}

bool RetryAllowed(const ServerState& state, int64_t now_sec) {
  return state.rdb_last_bgsave_ok || now_sec - state.rdb_last_bgsave_try > kRetryDelaySec;
}

}  // namespace

std::vector<SaveRule> ParseSaveRules(const std::string& save) {
  std::vector<SaveRule> rules;
  std::istringstream in(save);
  SaveRule r;
  while (in >> r.seconds >> r.changes) rules.push_back(r);  // validated by the config
  return rules;
}

std::string StartBackgroundSave(ServerState& state) {
  const ConfigValues& cfg = state.config.values();
  state.rdb_last_bgsave_try = state.clock.NowMs() / 1000;
  state.dirty_before_bgsave = state.stats.dirty;
  std::string err = state.background_snapshot->Start(
      cfg.dir, cfg.dbfilename, SnapshotRdbOptions(state),
      [&state](const std::string& error) { Done(state, error); });
  if (!err.empty()) {
    spdlog::warn("Can't save in background: {}", err);
    state.rdb_last_bgsave_ok = false;
    return err;
  }
  state.rdb_bgsave_in_progress = true;
  spdlog::info("Background saving started");
  return "";
}

void BackgroundSaveCron(ServerState& state, int64_t now_ms) {
  if (state.background_snapshot->running() || state.loading) return;
  const int64_t now_sec = now_ms / 1000;
  if (!RetryAllowed(state, now_sec)) return;
  if (state.rdb_bgsave_scheduled) {
    if (StartBackgroundSave(state).empty()) state.rdb_bgsave_scheduled = false;
    return;
  }
  for (const SaveRule& rule : ParseSaveRules(state.config.values().save)) {
    if (state.stats.dirty >= static_cast<uint64_t>(rule.changes) &&
        now_sec - state.last_save_time > rule.seconds) {
      spdlog::info("{} changes in {} seconds. Saving...", rule.changes, rule.seconds);
      StartBackgroundSave(state);
      return;
    }
  }
}

void StopBackgroundSnapshot(ServerState& state) {
  if (!state.background_snapshot->running()) return;
  if (state.replication != nullptr && state.replication->AbortSnapshot()) return;
  if (state.rdb_bgsave_in_progress) {
    spdlog::warn("Stopping the running background save: the dataset is being replaced");
    state.background_snapshot->Abort();
    state.rdb_bgsave_in_progress = false;
    return;
  }
  if (state.aof != nullptr) state.aof->CancelRewrite();
}

}  // namespace kvd
