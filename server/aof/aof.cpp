#include "server/aof/aof.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "server/aof/aof_background_load.h"
#include "server/aof/aof_base_commands.h"
#include "server/aof/aof_files.h"
#include "server/aof/aof_format.h"
#include "server/aof/aof_loader.h"
#include "server/aof/aof_rewrite.h"
#include "server/aof/aof_upgrade.h"
#include "server/config.h"
#include "server/persistence.h"
#include "server/scripting/function_persistence.h"
#include "server/server_state.h"

namespace kvd {
namespace {

AofFsync PolicyFrom(const ConfigValues& cfg) {
  return ParseAofFsync(cfg.appendfsync).value_or(AofFsync::kEverySec);
}

// Redis's aofRewriteLimited: after this many failures in a row, automatic rewrites wait 1,
// 2, 4... up to 60 minutes between attempts (BGREWRITEAOF still runs at once).
constexpr uint64_t kRewriteLimitThreshold = 3;
constexpr int kRewriteLimitMaxMinutes = 60;

}  // namespace

Aof::Aof(ServerState& state)
    : server_(state), writer_(PolicyFrom(state.config.values())) {}

Aof::~Aof() {
  load_.reset();
  AbortRewrite();
  writer_.Close();
}

void Aof::Post(std::function<void()> fn) {
  if (server_.post) {
    server_.post(std::move(fn));
  } else {
    fn();  // no event loop (unit tests without one): run at once
  }
}

std::string Aof::PersistManifest(const AofManifest& m) const {
  return WriteFileAtomically(aof_dir_, AofManifestName(filename_), AofTempManifestName(filename_),
                             FormatAofManifest(m));
}

void Aof::ResolvePaths() {
  if (!aof_dir_.empty()) return;  // appenddirname and appendfilename apply at startup only
  const ConfigValues& cfg = server_.config.values();
  aof_dir_ = JoinPath(cfg.dir, cfg.appenddirname);
  filename_ = cfg.appendfilename;
}

std::string Aof::ReadManifest() {
  ResolvePaths();
  manifest_ = AofManifest{};
  const std::string path = JoinPath(aof_dir_, AofManifestName(filename_));
  if (!DirectoryExists(aof_dir_) || !FileExists(path)) return "";
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  if (!in || !(text << in.rdbuf())) return FileError("Can't read the AOF manifest file", path);
  AofManifestParse parsed = ParseAofManifest(text.str());
  if (!parsed.manifest) return "Bad AOF manifest file " + path + ": " + parsed.error;
  manifest_ = std::move(*parsed.manifest);
  return "";
}

std::string Aof::PrepareLoad() {
  if (std::string err = ReadManifest(); !err.empty()) return err;
  bool upgraded = false;
  return UpgradeOldStyleAof(server_.config.values().dir, aof_dir_, filename_, manifest_,
                            &upgraded);
}

std::string Aof::FinishLoad(const AofLoadResult& loaded, int64_t start_us) {
  if (!loaded.error.empty()) return loaded.error;
  current_size_ = loaded.total_size;
  rewrite_base_size_ = loaded.base_size;
  incr_size_ = loaded.last_incr_size;
  // Logging starts only now: new writes go after everything that was loaded.
  if (std::string err = Open(); !err.empty()) return err;
  if (!manifest_.empty()) {
    spdlog::info("DB loaded from append only file: {:.3f} seconds",
                 static_cast<double>(server_.clock.NowUs() - start_us) / 1e6);
  }
  return "";
}

std::string Aof::LoadAndOpen() {
  const int64_t start_us = server_.clock.NowUs();
  if (std::string err = PrepareLoad(); !err.empty()) return err;
  AofLoadResult loaded = LoadAofFiles(server_, aof_dir_, manifest_,
                                      server_.config.values().aof_load_truncated);
  return FinishLoad(loaded, start_us);
}

std::string Aof::StartLoad(std::function<void(const std::string& error)> done) {
  const int64_t start_us = server_.clock.NowUs();
  if (std::string err = PrepareLoad(); !err.empty()) return err;
  load_ = std::make_unique<AofBackgroundLoad>(server_, aof_dir_, manifest_,
                                              server_.config.values().aof_load_truncated);
  auto finished = [this, start_us, done = std::move(done)](const AofLoadResult& loaded) {
    std::string err = FinishLoad(loaded, start_us);
    if (err.empty()) {
      server_.loading = false;
      // CONFIG SET appendonly no while loading: applied now that the log is whole.
      if (!server_.config.values().appendonly) Disable();
    }
    // The load's thread, if any, has posted its last act; reap it after this handler.
    Post([this] { load_.reset(); });
    done(err);
  };
  if (std::string err = load_->Start(std::move(finished)); !err.empty()) {
    load_.reset();
    return err;
  }
  return "";
}

void Aof::CancelLoad() {
  if (load_) load_->Cancel();
}

std::string Aof::CreateBaseNow() {
  const ConfigValues& cfg = server_.config.values();
  const std::string& name = manifest_.NewBase(filename_, cfg.aof_use_rdb_preamble);
  std::string err;
  if (cfg.aof_use_rdb_preamble) {
    err = SaveSnapshotFile(server_.store, aof_dir_, name, server_.clock.NowMs(),
                           RdbOptionsFrom(server_));
  } else {
    err = WriteAofBaseCommands(server_.store, LibraryCodes(server_), server_.clock.NowMs(),
                               aof_dir_, name);
  }
  if (!err.empty()) return err;
  spdlog::info("Creating AOF base file {} on server start", name);
  rewrite_base_size_ = FileSize(JoinPath(aof_dir_, name)).value_or(0);
  current_size_ += rewrite_base_size_;
  return "";
}

std::string Aof::Open() {
  if (std::string err = EnsureDirectory(aof_dir_); !err.empty()) return err;
  bool changed = !manifest_.history.empty();
  if (manifest_.empty()) {
    if (std::string err = CreateBaseNow(); !err.empty()) return err;
    changed = true;
  }
  const bool existing = !manifest_.incr.empty();
  if (!existing) {
    manifest_.NewIncr(filename_);
    changed = true;
  }
  const std::string& name = manifest_.incr.back().name;
  const std::string path = JoinPath(aof_dir_, name);
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return FileError("Can't open the append-only file", path);
  // History files a crash left behind (after the manifest that dropped them was written,
  // before they were deleted) go now, as Redis's aofDelHistoryFiles does.
  std::vector<AofFileInfo> history = std::move(manifest_.history);
  manifest_.history.clear();
  if (changed) {
    if (std::string err = PersistManifest(manifest_); !err.empty()) {
      ::close(fd);
      return err;
    }
  }
  for (const AofFileInfo& f : history) {
    spdlog::info("Removing the history file {}", f.name);
    ::unlink(JoinPath(aof_dir_, f.name).c_str());
  }
  spdlog::info("{} AOF incr file {} on server start", existing ? "Opening" : "Creating", name);
  const uint64_t size = FileSize(path).value_or(0);
  writer_.set_policy(PolicyFrom(server_.config.values()));
  writer_.Start(fd, path, size);
  state_ = State::kOn;
  selected_db_ = -1;
  server_.UpdatePropagation();
  return "";
}

void Aof::Feed(size_t db, std::span<const std::string_view> command) {
  if (state_ == State::kOff) return;
  // Waiting for the first base: the rewrite's snapshot will hold what happens before it
  // starts; only what comes after goes to the temporary incr file.
  if (state_ == State::kWaitRewrite && !rewrite_) return;
  if (server_.config.values().aof_timestamp_enabled) {
    const int64_t now_s = server_.clock.NowMs() / 1000;
    if (now_s > last_timestamp_) {
      AppendAofTimestamp(buf_, now_s);
      last_timestamp_ = now_s;
    }
  }
  if (static_cast<int64_t>(db) != selected_db_) {
    AppendAofSelect(buf_, db);
    selected_db_ = static_cast<int64_t>(db);
  }
  AppendAofCommand(buf_, command);
  if (!flush_posted_ && server_.post) {
    // Hand the buffer over once per strand round, as Redis writes once per event loop.
    flush_posted_ = true;
    server_.post([this] {
      flush_posted_ = false;
      FlushBuffer();
    });
  } else if (!server_.post) {
    FlushBuffer();
  }
}

void Aof::FlushBuffer() {
  if (buf_.empty()) return;
  current_size_ += buf_.size();
  incr_size_ += buf_.size();
  writer_.Append(buf_);
  buf_.clear();
}

bool Aof::SyncsEveryWrite() const {
  return state_ != State::kOff && writer_.policy() == AofFsync::kAlways;
}

bool Aof::WhenDurable(std::function<void()> then) {
  if (!SyncsEveryWrite()) return false;
  FlushBuffer();
  return writer_.WhenDurable(std::move(then));
}

void Aof::FlushAndSync() {
  if (state_ == State::kOff) return;
  FlushBuffer();
  spdlog::info("Calling fsync() on the AOF file.");
  if (std::string err = writer_.Sync(); !err.empty()) spdlog::warn("{}", err);
}

bool Aof::PrepareShutdown(bool force) {
  if (state_ == State::kWaitRewrite && (rewrite_ || scheduled_)) {
    if (!force) {
      spdlog::warn("Writing initial AOF, can't exit.");
      return false;
    }
    spdlog::warn("Writing initial AOF. Exit anyway.");
  }
  if (rewrite_) {
    spdlog::info("Stopping the running AOF rewrite");
    AbortRewrite();
  }
  FlushAndSync();
  return true;
}

std::string Aof::WriteError() const {
  if (state_ == State::kOff) return "";
  const int err = writer_.last_errno();
  if (err == 0) return "";
  return std::string("MISCONF Errors writing to the AOF file: ") + std::strerror(err);
}

void Aof::OnConfigChange(std::string_view name) {
  const ConfigValues& cfg = server_.config.values();
  if (name == "appendfsync") {
    writer_.set_policy(PolicyFrom(cfg));
  } else if (name == "appendonly") {
    if (load_) return;  // the startup load applies it when it ends
    if (cfg.appendonly && state_ == State::kOff) Enable();
    if (!cfg.appendonly && state_ != State::kOff) Disable();
  }
}

void Aof::Enable() {
  // Redis's startAppendOnly: writes wait for the first base (wait_rewrite); a rewrite
  // starts now, or once a running background snapshot ends.
  const ConfigValues& cfg = server_.config.values();
  // A rewrite started with the log off does not collect the writes: start over (Redis
  // kills its rewrite child here).
  AbortRewrite();
  // The manifest on disk may describe an older log: the rewrite replaces it. Its numbering
  // goes on, so no file it names is overwritten.
  if (std::string err = ReadManifest(); !err.empty()) {
    spdlog::warn("{}: the new log starts a fresh manifest", err);
  }
  if (std::string err = EnsureDirectory(aof_dir_); !err.empty()) {
    spdlog::warn("Redis needs to enable the AOF but can't create its directory: {}", err);
    const std::string_view off[] = {"appendonly", "no"};
    server_.config.Set(off);  // as Redis: the log stays off
    return;
  }
  state_ = State::kWaitRewrite;
  writer_.set_policy(PolicyFrom(cfg));
  writer_.Start(-1, "", 0);  // the rewrite opens the temporary incr file
  current_size_ = incr_size_ = 0;
  server_.UpdatePropagation();
  switch (StartRewrite()) {
    case RewriteStart::kScheduled:
      spdlog::warn(
          "AOF was enabled but there is already another background operation. An AOF "
          "background was scheduled to start when possible.");
      break;
    case RewriteStart::kFailed:
      // Retried by the cron, as a scheduled rewrite.
      scheduled_ = true;
      break;
    default:
      break;
  }
}

void Aof::Disable() {
  FlushBuffer();
  spdlog::info("Calling fsync() on the AOF file.");
  writer_.Close();
  AbortRewrite();
  state_ = State::kOff;
  scheduled_ = false;
  selected_db_ = -1;
  incr_size_ = 0;
  server_.UpdatePropagation();
}

bool Aof::RewriteLimited(int64_t now_ms) {
  if (consecutive_failures_ < kRewriteLimitThreshold) {
    next_delay_minutes_ = 0;
    next_rewrite_ms_ = 0;
    return false;
  }
  if (next_rewrite_ms_ != 0) {
    if (now_ms < next_rewrite_ms_) return true;
    next_rewrite_ms_ = 0;
    return false;
  }
  next_delay_minutes_ = next_delay_minutes_ == 0 ? 1 : next_delay_minutes_ * 2;
  if (next_delay_minutes_ > kRewriteLimitMaxMinutes) next_delay_minutes_ = kRewriteLimitMaxMinutes;
  next_rewrite_ms_ = now_ms + int64_t{next_delay_minutes_} * 60 * 1000;
  spdlog::warn(
      "Background AOF rewrite has repeatedly failed and triggered the limit, will retry in {} "
      "minutes",
      next_delay_minutes_);
  return true;
}

void Aof::Cron(int64_t now_ms) {
  const bool busy = rewrite_ || server_.background_snapshot->running();
  if (busy) return;
  if (scheduled_ && !RewriteLimited(now_ms)) {
    StartRewrite();
    return;
  }
  const ConfigValues& cfg = server_.config.values();
  if (state_ == State::kOn && cfg.auto_aof_rewrite_percentage > 0 &&
      current_size_ > static_cast<uint64_t>(cfg.auto_aof_rewrite_min_size)) {
    const uint64_t base = rewrite_base_size_ ? rewrite_base_size_ : 1;
    const int64_t growth = static_cast<int64_t>(current_size_ * 100 / base) - 100;
    if (growth >= cfg.auto_aof_rewrite_percentage && !RewriteLimited(now_ms)) {
      spdlog::info("Starting automatic rewriting of AOF on {}% growth", growth);
      StartRewrite();
    }
  }
}

AofInfo Aof::Info() const {
  AofInfo info;
  info.enabled = state_ != State::kOff;
  info.rewrite_in_progress = rewrite_ != nullptr;
  info.rewrite_scheduled = scheduled_;
  info.last_rewrite_time_sec = last_rewrite_time_sec_;
  if (rewrite_) {
    info.current_rewrite_time_sec = (server_.clock.NowMs() - rewrite_->start_ms) / 1000;
  }
  info.last_bgrewrite_ok = last_bgrewrite_ok_;
  info.rewrites = rewrites_;
  info.rewrites_consecutive_failures = consecutive_failures_;
  info.last_write_ok = writer_.last_errno() == 0;
  info.current_size = current_size_ + buf_.size();
  info.base_size = rewrite_base_size_;
  info.buffer_length = buf_.size() + writer_.buffered_bytes();
  info.pending_fsync = writer_.unsynced_bytes() > 0;
  return info;
}

}  // namespace kvd
