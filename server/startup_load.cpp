#include "server/startup_load.h"

#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <memory>
#include <random>

#include <spdlog/spdlog.h>

#include "core/rdb_reader.h"
#include "server/atomic_file.h"
#include "server/config.h"
#include "server/persistence.h"
#include "server/replication/replication.h"
#include "server/scripting/function_persistence.h"
#include "server/server_state.h"

namespace kvd {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr auto kLogEvery = std::chrono::seconds(2);

}  // namespace

void DebugDelay(int usec, std::minstd_rand& rng) {
  int64_t sleep_us = usec;
  if (sleep_us < 0) sleep_us = rng() % static_cast<uint64_t>(-sleep_us) == 0 ? 1 : 0;
  if (sleep_us > 0) std::this_thread::sleep_for(std::chrono::microseconds(sleep_us));
}

double LoadPercent(uint64_t part, uint64_t whole) {
  return whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

struct StartupLoad::Result {
  std::string error;
  bool found = false;
  RdbLoadInfo info;
  double seconds = 0;
};

StartupLoad::StartupLoad(ServerState& state) : state_(state) {}

StartupLoad::~StartupLoad() {
  Cancel();
  if (thread_.joinable()) thread_.join();
}

bool StartupLoad::Start(Done done) {
  const ConfigValues& cfg = state_.config.values();
  const std::string path = PathIn(cfg.dir, cfg.dbfilename);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return false;  // nothing to load, as for Redis
    st.st_size = 0;  // the loader reports why the file cannot be read
  }
  dir_ = cfg.dir;
  filename_ = cfg.dbfilename;
  key_load_delay_ = cfg.key_load_delay;
  now_ms_ = state_.clock.NowMs();
  databases_ = state_.store.DatabaseCount();
  done_ = std::move(done);

  LoadingProgress& progress = state_.loading_progress;
  progress.start_time = now_ms_ / 1000;
  progress.total_bytes = static_cast<uint64_t>(st.st_size);
  progress.loaded_bytes = 0;
  progress.rdb_used_mem = 0;
  state_.loading = true;
  spdlog::info("Loading the dataset from '{}' ({} bytes) while accepting connections", path,
               static_cast<uint64_t>(st.st_size));
  thread_ = std::thread([this] { Load(); });
  return true;
}

void StartupLoad::Cancel() { cancel_ = true; }

void StartupLoad::Load() {
  // Shared with the completion handler, which std::function requires to be copyable.
  auto fresh = std::make_shared<Store>(databases_);
  auto result = std::make_shared<Result>();
  LoadingProgress& shown = state_.loading_progress;
  const auto start = SteadyClock::now();
  auto next_log = start + kLogEvery;
  uint64_t keys_seen = 0;
  std::minstd_rand rng(static_cast<uint32_t>(start.time_since_epoch().count()));

  const RdbProgressFn progress = [&](const RdbLoadProgress& p) {
    if (cancel_.load(std::memory_order_relaxed)) return false;
    shown.loaded_bytes.store(p.bytes_read, std::memory_order_relaxed);
    shown.rdb_used_mem.store(p.used_mem, std::memory_order_relaxed);
    if (key_load_delay_ != 0) DebugDelay(key_load_delay_, rng);
    // Reading the clock is not free: look every 1024 keys, or at every key when slowed.
    if ((++keys_seen & 1023) != 0 && key_load_delay_ == 0) return true;
    const auto now = SteadyClock::now();
    if (now >= next_log) {
      next_log = now + kLogEvery;
      spdlog::info("Loading the dataset: {:.2f}% ({} of {} bytes), {} keys loaded, {} expired",
                   LoadPercent(p.bytes_read, p.total_bytes), p.bytes_read, p.total_bytes,
                   p.keys_loaded, p.keys_expired);
    }
    return true;
  };

  // What loads here: the snapshot. (With appendonly yes the server loads the append-only
  // file instead: server/aof/aof_background_load.h.)
  result->error = LoadSnapshotFile(*fresh, dir_, filename_, now_ms_, &result->found,
                                   &result->info, progress);
  result->seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
  if (cancel_) return;  // nobody waits for the result
  state_.post([this, fresh, result] { Finish(*result, *fresh); });
}

void StartupLoad::Finish(Result& result, Store& fresh) {
  // The thread has posted its last act; reap it now rather than at shutdown.
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
  if (cancel_) return;
  if (!result.error.empty()) return done_(result.error);
  if (result.found) {
    // The libraries first: a file whose libraries cannot load is refused as a whole.
    if (std::string err = LoadLibraryCodes(state_, result.info.functions); !err.empty()) {
      return done_("Bad snapshot file '" + PathIn(dir_, filename_) + "': " + err);
    }
    // Database by database: the server's store keeps its own hooks (expire listeners).
    Store& store = state_.store;
    for (size_t db = 0; db < store.DatabaseCount(); ++db) store.Db(db) = std::move(fresh.Db(db));
    RecordSnapshotLoad(state_, result.info, result.seconds);
    if (state_.replication != nullptr) state_.replication->RestoreFromSnapshot(result.info);
  }
  state_.loading_progress.loaded_bytes = state_.loading_progress.total_bytes.load();
  state_.loading = false;
  done_("");
}

}  // namespace kvd
