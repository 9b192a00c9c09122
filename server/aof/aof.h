#pragma once
// The append-only file (appendonly yes): every write is logged, in RESP, to the current incr
// file of a Redis 7 multi-part AOF (dir/appenddirname: a base, incr files, a manifest; see
// aof_manifest.h), and replayed at startup.
//
// On the store strand, Feed() encodes each logged command into a buffer, which is handed to
// the writer thread (aof_writer.h) once per strand round; write(2) and fsync(2) happen
// there. Under appendfsync always the connection holds a batch's replies until WhenDurable
// says the log is on disk.
//
// A rewrite (BGREWRITEAOF, automatic growth rule, turning the log on at run time) compacts
// the log without blocking: a new incr file is opened and recorded in the manifest first, so
// new writes go there, then the forkless background snapshot (ServerState::
// background_snapshot, shared with BGSAVE) writes the dataset as it was at that moment as
// the new base; on success the manifest is rewritten to name only the new base and the new
// incr file, and the old files are deleted. Redis's state machine:
// off -> wait_rewrite (turned on: writes go to a temporary incr file until the first base
// exists) -> on.
//
// Everything here runs on the store strand except where noted.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "server/aof/aof_manifest.h"
#include "server/aof/aof_writer.h"

namespace kvd {

class ServerState;
class AofBackgroundLoad;
struct AofLoadResult;

// INFO persistence's aof_* fields.
struct AofInfo {
  bool enabled = false;
  bool rewrite_in_progress = false;
  bool rewrite_scheduled = false;
  int64_t last_rewrite_time_sec = -1;
  int64_t current_rewrite_time_sec = -1;
  bool last_bgrewrite_ok = true;
  uint64_t rewrites = 0;
  uint64_t rewrites_consecutive_failures = 0;
  bool last_write_ok = true;
  // Only meaningful while enabled:
  uint64_t current_size = 0;
  uint64_t base_size = 0;
  uint64_t buffer_length = 0;
  bool pending_fsync = false;
};

class Aof {
 public:
  enum class State { kOff, kWaitRewrite, kOn };
  enum class RewriteStart { kStarted, kScheduled, kInProgress, kFailed };

  explicit Aof(ServerState& state);
  ~Aof();
  Aof(const Aof&) = delete;
  Aof& operator=(const Aof&) = delete;

  // Startup with appendonly yes: loads the files the manifest lists into the store (a
  // single-file log of Redis 6 is first moved into the directory as the base:
  // aof_upgrade.h), creates the base when there is none (Redis 7 then starts from an empty
  // dataset, even if dump.rdb exists), opens the last incr file for appending and starts
  // logging. Returns "" or the error; after an error no file has been changed.
  // LoadAndOpen does it all at once, before serving.
  std::string LoadAndOpen();
  // StartLoad does it in the background while the server serves (aof_background_load.h):
  // returns the error found before loading began, or "" and runs `done` on the store strand
  // once the log is open and state.loading is clear (""), or with the error (state.loading
  // still set: the server must stop rather than serve without the data).
  std::string StartLoad(std::function<void(const std::string& error)> done);
  // A shutdown while loading: the load stops, `done` is not called, no file is changed.
  void CancelLoad();

  // Writes out and fsyncs everything logged so far (blocking).
  void FlushAndSync();
  // SHUTDOWN and SIGTERM: stops a running rewrite (the log holds everything anyway, as when
  // Redis kills its rewrite child) and flushes and fsyncs the log. Logging goes on should
  // the shutdown fail. Returns false, changing nothing, while the first base of a log turned
  // on at run time is still being written: the log does not hold the dataset yet, so the
  // server must not exit (Redis: "Writing initial AOF, can't exit."), unless `force`.
  bool PrepareShutdown(bool force = false);

  // ServerState::propagate while the log is on: logs one write made in database `db`.
  void Feed(size_t db, std::span<const std::string_view> command);

  // After a batch of commands under appendfsync always: false when nothing logged is
  // waiting for the disk; otherwise `then` runs (on another thread) once it is on disk.
  bool WhenDurable(std::function<void()> then);
  // Whether WhenDurable may hold replies at all (the log is on, under appendfsync always).
  bool SyncsEveryWrite() const;

  // Redis's MISCONF text while the last write or fsync failed (writes are refused then);
  // "" otherwise.
  std::string WriteError() const;
  // WriteError() is not empty: one test for every command while the log writes fine.
  bool WriteFailed() const { return state_ != State::kOff && writer_.last_errno() != 0; }

  // BGREWRITEAOF, and the automatic and scheduled rewrites. kScheduled: a background
  // snapshot (BGSAVE) is running; the rewrite starts when it ends.
  RewriteStart StartRewrite();

  // CONFIG SET appendonly / appendfsync, after the value changed.
  void OnConfigChange(std::string_view name);

  // A replica's full sync replaces the dataset: a running rewrite (of the old data) stops;
  // the sync starts a new one afterwards.
  void CancelRewrite();

  // The server cron: scheduled rewrites and the auto-aof-rewrite-percentage rule.
  void Cron(int64_t now_ms);

  State state() const { return state_; }
  AofInfo Info() const;

 private:
  struct Rewrite;

  void ResolvePaths();          // aof_dir_ and filename_ from the config, once
  std::string ReadManifest();   // manifest_ from disk (empty when there is none)
  std::string PrepareLoad();    // the manifest, after upgrading a Redis 6 single-file log
  std::string FinishLoad(const AofLoadResult& loaded, int64_t start_us);
  std::string Open();           // startup: the base if missing, the incr file, the writer
  std::string CreateBaseNow();  // startup on an empty dataset
  void Enable();                // CONFIG SET appendonly yes
  void Disable();               // CONFIG SET appendonly no
  void FlushBuffer();
  void Post(std::function<void()> fn);
  std::string PersistManifest(const AofManifest& m) const;
  bool RewriteLimited(int64_t now_ms);

  // aof_rewrite.cpp
  void OnSwitched(uint64_t generation, const std::string& error);
  void OnBaseWritten(uint64_t generation, const std::string& error);
  void MaybeFinishRewrite();
  void OnRewriteFinished(uint64_t generation, const std::string& error, AofManifest next);
  void RewriteFailed(const std::string& why);
  void AbortRewrite();

  ServerState& server_;
  State state_ = State::kOff;
  std::string aof_dir_;        // dir/appenddirname
  std::string filename_;       // appendfilename
  AofManifest manifest_;       // as persisted (or about to be, in the writer's queue)

  std::string buf_;            // logged, not yet handed to the writer
  bool flush_posted_ = false;
  int64_t selected_db_ = -1;   // the database the log last SELECTed (-1: none yet)
  int64_t last_timestamp_ = 0; // aof-timestamp-enabled: the last #TS annotation

  uint64_t current_size_ = 0;      // base + incr files (aof_current_size)
  uint64_t incr_size_ = 0;         // the current incr file
  uint64_t rewrite_base_size_ = 0; // current_size_ after the last rewrite (aof_base_size)

  bool scheduled_ = false;
  bool last_bgrewrite_ok_ = true;
  int64_t last_rewrite_time_sec_ = -1;
  uint64_t rewrites_ = 0;
  uint64_t consecutive_failures_ = 0;
  int next_delay_minutes_ = 0;     // rewrite limiting after repeated failures
  int64_t next_rewrite_ms_ = 0;

  std::unique_ptr<AofBackgroundLoad> load_;  // the startup load, while it runs
  std::unique_ptr<Rewrite> rewrite_;  // the running rewrite, if any
  uint64_t generation_ = 0;           // tells callbacks of an aborted rewrite apart

  AofWriter writer_;  // last: its thread stops before the members above go
};

}  // namespace kvd
