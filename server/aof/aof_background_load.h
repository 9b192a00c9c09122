#pragma once
// Loading the append-only file at startup while the server already accepts connections, as
// the snapshot loads (server/startup_load.h): ServerState::loading is set, so commands
// without the "loading" flag get -LOADING, and INFO persistence shows loading:1 with the
// loading_* progress fields.
//
// The log is replayed command by command through the dispatcher, which runs on the store
// strand only. So the replay runs there, a slice of about a millisecond at a time (each
// slice posts the next through ServerState::post), and other clients' commands run between
// slices; those are only the commands flagged "loading", none of which changes data, so the
// dataset the replay builds is exactly the one the files describe. The base's RDB part, one
// long decode, is read on a thread into a fresh store that replaces the (empty) one on the
// strand before the commands after it replay. The log is opened for writing only after the
// load (Aof::StartLoad), so new writes go after everything that was loaded.
#include <atomic>
#include <chrono>
#include <functional>
#include <random>
#include <string>
#include <thread>

#include "server/aof/aof_loader.h"

namespace kvd {

class ServerState;

class AofBackgroundLoad {
 public:
  // Runs on the store strand when the load has ended, with state.loading still set:
  // result.error is "" once everything is in state.store, or names the file and offset.
  using Done = std::function<void(const AofLoadResult& result)>;

  AofBackgroundLoad(ServerState& state, std::string aof_dir, AofManifest manifest,
                    bool load_truncated);
  ~AofBackgroundLoad();  // cancels a running load and waits for its thread
  AofBackgroundLoad(const AofBackgroundLoad&) = delete;
  AofBackgroundLoad& operator=(const AofBackgroundLoad&) = delete;

  // Checks that the files are there and starts loading: sets state.loading and the progress
  // fields, and runs `done` later through state.post, which must be set. Returns "" or the
  // error found before anything loaded (`done` never runs then).
  std::string Start(Done done);
  // Stops a running load (a shutdown while loading): `done` is not called.
  void Cancel();

 private:
  void Step();          // on the store strand: the next slice of work
  void StartRdbPart();  // the base's RDB part, on a thread
  void ShowProgress(uint64_t loaded);
  void MaybeLogProgress(const std::string& what);

  ServerState& state_;
  AofLoader loader_;
  Done done_;
  int key_load_delay_ = 0;
  std::minstd_rand rng_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point next_log_;
  std::atomic<bool> cancel_{false};
  std::thread thread_;
};

}  // namespace kvd
