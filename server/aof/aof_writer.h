#pragma once
// The thread that puts the append-only file on disk, so that neither write(2) nor fsync(2)
// runs on the store strand.
//
// The strand hands it blocks of logged commands (Append) and operations that must happen
// between two blocks (SwitchTo a new incr file, RunInOrder a manifest update); the thread
// performs them strictly in that order. Durability follows appendfsync:
//   always   - the file is fsynced after every round of writes; WhenDurable tells the
//              caller when what it saw is on disk (replies wait for it);
//   everysec - fsync at most a second after a write;
//   no       - the OS decides; fsync only when a file is closed or switched.
// A failed write or fsync sets last_errno() (the server then refuses writes with MISCONF)
// and is retried every second; the data stays queued meanwhile. Under `always` a failed
// write or fsync ends the process, as in Redis: a reply already promised durable cannot be
// taken back.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace kvd {

enum class AofFsync { kAlways, kEverySec, kNo };
std::optional<AofFsync> ParseAofFsync(std::string_view name);

class AofWriter {
 public:
  // Called on the writer thread with "" or the error.
  using Done = std::function<void(const std::string& error)>;

  explicit AofWriter(AofFsync policy) : policy_(policy) {}
  ~AofWriter();
  AofWriter(const AofWriter&) = delete;
  AofWriter& operator=(const AofWriter&) = delete;

  // Starts the thread appending to `fd` (owned from now on), the file `path` currently
  // `size` bytes long. With fd -1 there is no file until a SwitchTo: data queued before is
  // dropped (a log turned on at run time ignores writes until its rewrite starts).
  void Start(int fd, std::string path, uint64_t size);
  bool running() const { return thread_.joinable(); }

  // Queues bytes after everything queued before.
  void Append(std::string_view bytes);
  // Once everything queued before is written: creates (truncating) `path`, runs `prepare`
  // (e.g. a manifest naming the new file; "" = go on), fsyncs and closes the current file
  // and continues in the new one. On failure the current file stays. done(error) reports.
  void SwitchTo(std::string path, std::function<std::string()> prepare, Done done);
  // Runs `op` once everything queued before is written; done(op's result).
  void RunInOrder(std::function<std::string()> op, Done done);

  void set_policy(AofFsync policy) { policy_.store(policy); }
  AofFsync policy() const { return policy_.load(); }

  // Under appendfsync always: false when everything queued so far is on disk; otherwise
  // `then` runs on the writer thread once it is.
  bool WhenDurable(std::function<void()> then);

  // Writes and fsyncs everything queued so far and waits for it (at most `timeout`: a disk
  // that keeps failing must not hang a shutdown). Returns "" or the error.
  std::string Sync(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Writes and fsyncs everything queued, closes the file, stops the thread. Blocking (for
  // shutdown and turning the log off). Returns "" or the last error. Idempotent.
  std::string Close();

  // 0 when the last write and fsync succeeded, else their errno.
  int last_errno() const { return last_errno_.load(); }
  // Bytes queued and not yet written (INFO aof_buffer_length).
  uint64_t buffered_bytes() const { return queued_.load() - written_.load(); }
  // Bytes written and not yet fsynced (INFO aof_pending_bio_fsync is this > 0).
  uint64_t unsynced_bytes() const { return written_.load() - synced_.load(); }

 private:
  struct Item {
    std::string data;
    std::function<void()> op;  // set for an operation; data is empty then
  };
  struct Waiter {
    uint64_t offset;
    std::function<void()> then;
  };
  using SteadyClock = std::chrono::steady_clock;

  void Run();
  // Writes one block; false on failure (the unwritten part goes back to the queue).
  bool WriteBlock(std::string& data, std::vector<Item>& rest, size_t next);
  // fsyncs when the policy (or `force`) asks for it. Returns false on failure.
  bool MaybeFsync(bool force);
  void SetError(int err, std::string_view what);
  void ClearError();
  void Enqueue(Item item);

  std::atomic<AofFsync> policy_;
  std::thread thread_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Item> items_;      // guarded by mu_
  std::vector<Waiter> waiters_;  // guarded by mu_
  bool stop_ = false;            // guarded by mu_

  // Writer thread only (and Start before it runs).
  int fd_ = -1;
  std::string path_;
  uint64_t file_size_ = 0;  // whole bytes in the current file
  SteadyClock::time_point last_fsync_{};
  SteadyClock::time_point retry_at_{};  // after a failure, when to try again
  std::string close_error_;

  std::atomic<uint64_t> queued_{0};
  std::atomic<uint64_t> written_{0};
  std::atomic<uint64_t> synced_{0};
  std::atomic<int> last_errno_{0};
};

}  // namespace kvd
