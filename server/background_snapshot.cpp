#include "server/background_snapshot.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>

#include "core/consistent_snapshot.h"
#include "server/atomic_file.h"
#include "server/server_state.h"

namespace kvd {
namespace {

// Encoding runs in slices of about this long, so commands wait at most about this much.
constexpr auto kSliceTime = std::chrono::microseconds(1000);
// Keys looked at between two checks of the clock.
constexpr size_t kStepKeys = 64;
// Encoded bytes may wait for the disk up to this much before encoding pauses (writes to
// keys still pending are encoded regardless: they cannot wait).
constexpr size_t kHighWater = size_t{8} << 20;
constexpr size_t kLowWater = size_t{2} << 20;

}  // namespace

// One snapshot in progress: the encoder (store strand) and the writer thread (disk),
// sharing a queue of encoded blocks.
class BackgroundSnapshot::Job {
 public:
  Job(Store& store, int64_t now_ms, const RdbOptions& options, const std::string& dir,
      const std::string& filename)
      : snapshot(store, now_ms, options), file(dir, filename, "snapshot"), start_ms(now_ms) {}

  ConsistentSnapshot snapshot;
  AtomicFile file;
  Done done;
  int64_t start_ms;
  uint64_t keys_total = 0;
  uint64_t generation = 0;
  std::thread writer;

  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::string> queue;  // guarded by mu, as everything below
  size_t queued_bytes = 0;
  bool encoded_all = false;  // the last block is queued
  bool stop = false;         // abort: the writer leaves at once
  bool parked = false;       // encoding waits for the queue to drain
};

BackgroundSnapshot::BackgroundSnapshot(ServerState& state) : state_(state) {}

BackgroundSnapshot::~BackgroundSnapshot() { Abort(); }

bool BackgroundSnapshot::running() const { return job_ != nullptr; }

int64_t BackgroundSnapshot::RunningForMs() const {
  return job_ ? state_.clock.NowMs() - job_->start_ms : -1;
}

BackgroundSnapshot::Progress BackgroundSnapshot::progress() const {
  if (!job_) return {};
  return {job_->snapshot.keys_written(), job_->keys_total};
}

std::string BackgroundSnapshot::Start(const std::string& dir, const std::string& filename,
                                      const RdbOptions& options, Done done) {
  if (job_) return "a background snapshot is already in progress";
  auto job = std::make_unique<Job>(state_.store, state_.clock.NowMs(), options, dir, filename);
  if (std::string err = job->file.Open(); !err.empty()) return err;
  job->done = std::move(done);
  for (size_t i = 0; i < state_.store.DatabaseCount(); ++i) {
    job->keys_total += state_.store.Db(i).KeyCount();
  }
  job->generation = ++generation_;
  Job* j = job.get();
  job_ = std::move(job);
  j->writer = std::thread([this, j] { WriteLoop(*j); });
  state_.post([this, g = j->generation] { Slice(g); });
  return "";
}

void BackgroundSnapshot::Slice(uint64_t generation) {
  if (!job_ || job_->generation != generation) return;  // aborted meanwhile
  Job& j = *job_;
  const auto start = std::chrono::steady_clock::now();
  while (!j.snapshot.finished() && std::chrono::steady_clock::now() - start < kSliceTime &&
         j.snapshot.pending() < kLowWater) {
    j.snapshot.Step(kStepKeys);
  }
  std::string block;
  j.snapshot.TakePending(block);
  std::lock_guard lock(j.mu);
  j.queued_bytes += block.size();
  if (!block.empty()) j.queue.push_back(std::move(block));
  j.encoded_all = j.snapshot.finished();
  j.cv.notify_one();
  if (j.encoded_all) return;  // the writer reports the end
  if (j.queued_bytes > kHighWater) {
    j.parked = true;  // the writer posts the next slice once the queue drains
    return;
  }
  state_.post([this, generation] { Slice(generation); });
}

void BackgroundSnapshot::WriteLoop(Job& j) {
  std::string err;
  for (;;) {
    std::string block;
    bool resume = false;
    {
      std::unique_lock lock(j.mu);
      j.cv.wait(lock, [&] { return j.stop || !j.queue.empty() || j.encoded_all; });
      if (j.stop) return;
      if (j.queue.empty()) break;  // encoded_all: every block is written
      block = std::move(j.queue.front());
      j.queue.pop_front();
      j.queued_bytes -= block.size();
      if (j.parked && j.queued_bytes < kLowWater) {
        j.parked = false;
        resume = true;
      }
    }
    if (resume) state_.post([this, g = j.generation] { Slice(g); });
    err = j.file.Write(block);
    if (!err.empty()) break;
  }
  if (err.empty()) err = j.file.Commit();
  state_.post([this, g = j.generation, err] { Finish(g, err); });
}

void BackgroundSnapshot::Finish(uint64_t generation, const std::string& error) {
  if (!job_ || job_->generation != generation) return;
  std::unique_ptr<Job> job = std::move(job_);
  {
    // A failed write leaves encoding behind: stop whatever the writer still waits for.
    std::lock_guard lock(job->mu);
    job->stop = true;
  }
  job->cv.notify_one();
  job->writer.join();
  Done done = std::move(job->done);
  job.reset();  // ends the snapshot (the store is no longer watched) and drops the temp file
  done(error);
}

void BackgroundSnapshot::Abort() {
  if (!job_) return;
  {
    std::lock_guard lock(job_->mu);
    job_->stop = true;
  }
  job_->cv.notify_one();
  job_->writer.join();
  job_.reset();
}

}  // namespace kvd
