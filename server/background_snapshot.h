#pragma once
// Background snapshots without fork: BGSAVE, the save rules and the AOF rewrite's base file.
//
// A running snapshot encodes the store as it was at the moment it started (core/
// consistent_snapshot.h) a slice at a time on the store strand, between other work, while
// a writer thread puts the bytes on disk. Writes go on meanwhile: a key about to change is
// encoded first, so memory grows only by the encoded bytes waiting for the disk, never by a
// copy of the data. One snapshot runs at a time.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/rdb_writer.h"

namespace kvd {

class ServerState;

class BackgroundSnapshot {
 public:
  // Called on the store strand when the file is complete ("") or failed (the reason, naming
  // the file). The target file is replaced only on success.
  using Done = std::function<void(const std::string& error)>;

  explicit BackgroundSnapshot(ServerState& state);
  ~BackgroundSnapshot();

  // Starts writing the store to dir/filename (atomically, as SaveSnapshotFile) and returns
  // "" or why it could not start (one is running, the file cannot be created). Slices run
  // through ServerState::post.
  std::string Start(const std::string& dir, const std::string& filename,
                    const RdbOptions& options, Done done);
  bool running() const;
  // Milliseconds since the running snapshot started (on the server clock); -1 when idle.
  int64_t RunningForMs() const;
  // Stops a running snapshot: the target file is untouched and `done` is not called.
  void Abort();
  // The running snapshot's keys: encoded so far, and all the store held when it started
  // (Redis's current_save_keys_processed and _total); zeros when idle.
  struct Progress {
    uint64_t keys_processed = 0;
    uint64_t keys_total = 0;
  };
  Progress progress() const;

 private:
  class Job;
  // On the store strand: encodes for a while, queues the bytes, and posts itself again
  // unless the writer has too much queued (it posts the next slice once it drains).
  void Slice(uint64_t generation);
  // The writer thread: writes queued blocks, then commits the file and posts Finish.
  void WriteLoop(Job& job);
  // On the store strand: the file is complete or failed.
  void Finish(uint64_t generation, const std::string& error);

  ServerState& state_;
  std::unique_ptr<Job> job_;
  uint64_t generation_ = 0;  // posted slices of an aborted job find another number
};

}  // namespace kvd
