#include "server/aof/aof_background_load.h"

#include <memory>

#include <spdlog/spdlog.h>

#include "server/config.h"
#include "server/scripting/function_persistence.h"
#include "server/server_state.h"
#include "server/startup_load.h"

namespace kvd {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr auto kLogEvery = std::chrono::seconds(2);
// A slice of replay on the store strand: short enough that other clients' commands wait
// about as long as behind one slow command.
constexpr auto kSlice = std::chrono::milliseconds(1);
// Reading the clock is not free: look every this many commands (every one when slowed).
constexpr uint64_t kClockEvery = 64;

}  // namespace

AofBackgroundLoad::AofBackgroundLoad(ServerState& state, std::string aof_dir,
                                     AofManifest manifest, bool load_truncated)
    : state_(state), loader_(state, std::move(aof_dir), std::move(manifest), load_truncated) {}

AofBackgroundLoad::~AofBackgroundLoad() {
  Cancel();
  if (thread_.joinable()) thread_.join();
}

void AofBackgroundLoad::Cancel() { cancel_ = true; }

std::string AofBackgroundLoad::Start(Done done) {
  if (std::string err = loader_.Prepare(); !err.empty()) return err;
  done_ = std::move(done);
  key_load_delay_ = state_.config.values().key_load_delay;
  start_ = SteadyClock::now();
  next_log_ = start_ + kLogEvery;
  rng_.seed(static_cast<uint32_t>(start_.time_since_epoch().count()));

  LoadingProgress& progress = state_.loading_progress;
  progress.start_time = state_.clock.NowMs() / 1000;
  progress.total_bytes = loader_.total_bytes();
  progress.loaded_bytes = 0;
  progress.rdb_used_mem = 0;
  // Set even with nothing to load: writes must wait until the log is open.
  state_.loading = true;
  if (loader_.total_bytes() > 0) {
    spdlog::info("Loading the dataset from the append only file ({} bytes) while accepting "
                 "connections",
                 loader_.total_bytes());
  }
  state_.post([this] { Step(); });
  return "";
}

void AofBackgroundLoad::ShowProgress(uint64_t loaded) {
  state_.loading_progress.loaded_bytes.store(loaded, std::memory_order_relaxed);
}

void AofBackgroundLoad::MaybeLogProgress(const std::string& what) {
  const auto now = SteadyClock::now();
  if (now < next_log_) return;
  next_log_ = now + kLogEvery;
  const uint64_t loaded = state_.loading_progress.loaded_bytes.load(std::memory_order_relaxed);
  spdlog::info("Loading the append only file: {:.2f}% ({} of {} bytes), {}",
               LoadPercent(loaded, loader_.total_bytes()), loaded, loader_.total_bytes(), what);
}

void AofBackgroundLoad::Step() {
  if (cancel_) return;
  switch (loader_.next()) {
    case AofLoader::Next::kRdb:
      StartRdbPart();
      return;
    case AofLoader::Next::kCommands: {
      const auto until = SteadyClock::now() + kSlice;
      uint64_t n = 0;
      loader_.ReplaySome([&] {
        if (key_load_delay_ != 0) DebugDelay(key_load_delay_, rng_);
        if (++n % kClockEvery != 0 && key_load_delay_ == 0) return true;
        return SteadyClock::now() < until;
      });
      ShowProgress(loader_.loaded_bytes());
      MaybeLogProgress(std::to_string(loader_.commands_replayed()) + " commands replayed");
      // Whatever the clients sent meanwhile runs first; the next slice queues behind it.
      state_.post([this] { Step(); });
      return;
    }
    case AofLoader::Next::kDone:
    case AofLoader::Next::kFailed:
      ShowProgress(loader_.total_bytes());
      done_(loader_.result());
      return;
  }
}

void AofBackgroundLoad::StartRdbPart() {
  if (thread_.joinable()) thread_.join();  // a previous part's thread has posted its last act
  const int64_t now_ms = state_.clock.NowMs();
  const size_t databases = state_.store.DatabaseCount();
  thread_ = std::thread([this, now_ms, databases] {
    // Shared with the completion handler, which std::function requires to be copyable.
    auto fresh = std::make_shared<Store>(databases);
    LoadingProgress& shown = state_.loading_progress;
    std::minstd_rand rng(rng_());
    uint64_t keys_seen = 0;
    const RdbProgressFn progress = [&](const RdbLoadProgress& p) {
      if (cancel_.load(std::memory_order_relaxed)) return false;
      shown.loaded_bytes.store(p.bytes_read, std::memory_order_relaxed);
      shown.rdb_used_mem.store(p.used_mem, std::memory_order_relaxed);
      if (key_load_delay_ != 0) DebugDelay(key_load_delay_, rng);
      if ((++keys_seen & 1023) != 0 && key_load_delay_ == 0) return true;
      MaybeLogProgress(std::to_string(p.keys_loaded) + " keys loaded, " +
                       std::to_string(p.keys_expired) + " expired");
      return true;
    };
    auto part = std::make_shared<AofLoader::RdbPart>(loader_.LoadRdbPart(*fresh, now_ms, progress));
    if (cancel_) return;  // nobody waits for the result
    state_.post([this, fresh, part] {
      if (cancel_) return;
      if (part->error.empty()) {
        if (std::string err = LoadLibraryCodes(state_, part->info.functions); !err.empty()) {
          part->error = "Error reading the RDB base file: " + err;
        }
      }
      if (part->error.empty()) {
        // Database by database: the server's store keeps its own hooks (expire listeners).
        Store& store = state_.store;
        for (size_t db = 0; db < store.DatabaseCount(); ++db) {
          store.Db(db) = std::move(fresh->Db(db));
        }
        state_.rdb_last_load_keys_loaded = part->info.keys_loaded;
        state_.rdb_last_load_keys_expired = part->info.keys_expired;
      }
      loader_.RdbPartDone(*part);
      Step();
    });
  });
}

}  // namespace kvd
