#pragma once
// Loading the dataset at startup in the background. The server already accepts
// connections meanwhile: ServerState::loading is set, so every command without the
// "loading" flag gets Redis's -LOADING error, and INFO persistence reports loading:1 with
// the loading_* progress fields. The file is read on a thread into a fresh Store, which
// replaces state.store on the store strand once it is complete: commands never see a
// half-loaded keyspace. A large load logs its progress every 2 seconds.
#include <atomic>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <thread>

#include "core/store.h"

namespace kvd {

class ServerState;

// key-load-delay, as Redis's debugDelay: sleeps `usec` after each key (or command) loaded; a
// negative -N sleeps 1 microsecond once every N calls on average (a short sleep costs a
// context switch, so shorter delays are statistical). Tests use it to watch a slow load.
void DebugDelay(int usec, std::minstd_rand& rng);
// `part` as a percentage of `whole` (0 when whole is 0), for the progress log.
double LoadPercent(uint64_t part, uint64_t whole);

class StartupLoad {
 public:
  // Runs on the store strand when the load has ended: "" once state.store holds the data
  // and state.loading is clear, or the error naming the file, with state.store untouched
  // and state.loading still set (the server must stop rather than serve without the data).
  using Done = std::function<void(const std::string& error)>;

  explicit StartupLoad(ServerState& state);
  ~StartupLoad();  // cancels a running load and waits for its thread
  StartupLoad(const StartupLoad&) = delete;
  StartupLoad& operator=(const StartupLoad&) = delete;

  // Starts loading the dataset the configuration names (dir/dbfilename). Returns false,
  // leaving everything as it was, when there is no file to load; otherwise sets
  // state.loading and runs `done` later through state.post, which must be set.
  bool Start(Done done);
  // Stops a running load (a shutdown while loading): `done` is not called, the store is
  // untouched.
  void Cancel();

 private:
  struct Result;
  void Load();  // the loading thread
  void Finish(Result& result, Store& fresh);  // on the store strand

  ServerState& state_;
  Done done_;
  // What the thread needs, copied at Start: the configuration may change meanwhile.
  std::string dir_;
  std::string filename_;
  int key_load_delay_ = 0;
  int64_t now_ms_ = 0;
  size_t databases_ = 0;
  std::atomic<bool> cancel_{false};
  std::thread thread_;
};

}  // namespace kvd
