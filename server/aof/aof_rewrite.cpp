// The rewrite: a new incr file first (new writes go there), then the new base from a
// background snapshot of the dataset as it was at that moment, then a manifest naming only
// the two, then the old files go. Redis's rewriteAppendOnlyFileBackground and
// backgroundRewriteDoneHandler, without fork.
#include <unistd.h>

#include <cstdio>

#include <spdlog/spdlog.h>

#include "server/aof/aof.h"
#include "server/aof/aof_base_commands.h"
#include "server/aof/aof_files.h"
#include "server/aof/aof_rewrite.h"
#include "server/background_snapshot.h"
#include "server/config.h"
#include "server/persistence.h"
#include "server/server_state.h"

namespace kvd {

Aof::RewriteStart Aof::StartRewrite() {
  if (rewrite_) return RewriteStart::kInProgress;
  BackgroundSnapshot& snapshot = *server_.background_snapshot;
  if (snapshot.running()) {
    scheduled_ = true;
    return RewriteStart::kScheduled;
  }
  auto fail = [this](const std::string& why) {
    spdlog::warn("Can't rewrite append only file in background: {}", why);
    last_bgrewrite_ok_ = false;
    ++consecutive_failures_;
    return RewriteStart::kFailed;
  };
  const ConfigValues& cfg = server_.config.values();
  if (state_ == State::kOff) {
    // With the log off the manifest on disk is still the one to replace (BGREWRITEAOF
    // writes a base and a manifest even then, as Redis does).
    if (std::string err = ReadManifest(); !err.empty()) return fail(err);
  }
  if (std::string err = EnsureDirectory(aof_dir_); !err.empty()) return fail(err);

  auto rw = std::make_unique<Rewrite>();
  rw->generation = ++generation_;
  rw->start_ms = server_.clock.NowMs();
  rw->mode = state_;
  rw->rdb_base = cfg.aof_use_rdb_preamble;
  rw->base_name = filename_ + "." + std::to_string(manifest_.base_seq + 1) + ".base" +
                  (rw->rdb_base ? ".rdb" : ".aof");
  rw->snapshot_name = rw->rdb_base ? rw->base_name : "temp-rewriteaof-" + rw->base_name + ".rdb";

  // Everything logged so far stays in the current files; from here on writes go to the new
  // incr file, which the manifest names before anything is written to it. The snapshot
  // below sees the dataset as it is at this same point.
  FlushBuffer();
  selected_db_ = -1;
  const uint64_t g = rw->generation;
  if (state_ != State::kOff) {
    std::string incr_name;
    std::function<std::string()> prepare;
    if (state_ == State::kOn) {
      AofManifest next = manifest_;
      incr_name = next.NewIncr(filename_);
      prepare = [dir = aof_dir_, name = AofManifestName(filename_),
                 tmp = AofTempManifestName(filename_), text = FormatAofManifest(next)] {
        return WriteFileAtomically(dir, name, tmp, text);
      };
      manifest_ = std::move(next);  // provisional: OnSwitched takes it back on failure
    } else {
      incr_name = AofTempIncrName(filename_);  // named in the manifest once the base exists
      current_size_ = 0;
    }
    rw->switch_pending = true;
    incr_size_ = 0;
    writer_.SwitchTo(JoinPath(aof_dir_, incr_name), std::move(prepare),
                     [this, g, incr_name](const std::string& err) {
                       Post([this, g, incr_name, err] {
                         if (!err.empty() && !manifest_.incr.empty() &&
                             manifest_.incr.back().name == incr_name) {
                           manifest_.incr.pop_back();
                           --manifest_.incr_seq;
                         }
                         OnSwitched(g, err);
                       });
                     });
  }
  std::string err = snapshot.Start(aof_dir_, rw->snapshot_name, RdbOptionsFrom(server_),
                                  [this, g](const std::string& e) { OnBaseWritten(g, e); });
  if (!err.empty()) return fail(err);  // a switch already made stands: the log goes on there
  rw->snapshot_running = true;
  rewrite_ = std::move(rw);
  scheduled_ = false;
  ++rewrites_;
  spdlog::info("Background append only file rewriting started");
  return RewriteStart::kStarted;
}

void Aof::OnSwitched(uint64_t generation, const std::string& error) {
  if (!error.empty()) spdlog::warn("Can't open a new AOF incr file: {}", error);
  if (!rewrite_ || rewrite_->generation != generation) return;
  rewrite_->switch_pending = false;
  rewrite_->switch_error = error;
  MaybeFinishRewrite();
}

void Aof::OnBaseWritten(uint64_t generation, const std::string& error) {
  if (!rewrite_ || rewrite_->generation != generation) return;
  Rewrite& rw = *rewrite_;
  rw.snapshot_running = false;
  if (error.empty() && !rw.rdb_base) {
    // aof-use-rdb-preamble no: the snapshot is RDB; turn it into commands off the strand.
    rw.converter = std::thread([this, generation, dir = aof_dir_, rdb = rw.snapshot_name,
                                aof = rw.base_name, now = server_.clock.NowMs(),
                                dbs = server_.store.DatabaseCount()] {
      std::string err = ConvertRdbToAofBase(dir, rdb, aof, now, dbs);
      Post([this, generation, err] {
        if (!rewrite_ || rewrite_->generation != generation) return;
        rewrite_->converter.join();
        rewrite_->base_done = true;
        rewrite_->base_error = err;
        MaybeFinishRewrite();
      });
    });
    return;
  }
  rw.base_done = true;
  rw.base_error = error;
  MaybeFinishRewrite();
}

void Aof::MaybeFinishRewrite() {
  Rewrite& rw = *rewrite_;
  if (!rw.base_done || rw.switch_pending) return;
  if (!rw.base_error.empty()) return RewriteFailed(rw.base_error);
  if (!rw.switch_error.empty()) {
    ::unlink(JoinPath(aof_dir_, rw.base_name).c_str());  // named by no manifest
    return RewriteFailed(rw.switch_error);
  }
  spdlog::info("Background AOF rewrite terminated with success");

  AofManifest next = manifest_;
  next.NewBase(filename_, rw.rdb_base);
  std::string rename_from, rename_to;
  if (rw.mode == State::kOn) {
    next.MoveIncrToHistory(1);  // the incr file opened for this rewrite goes on
  } else {
    next.MoveIncrToHistory(0);
    if (rw.mode == State::kWaitRewrite) {
      rename_from = JoinPath(aof_dir_, AofTempIncrName(filename_));
      rename_to = JoinPath(aof_dir_, next.NewIncr(filename_));
    }
  }
  std::vector<std::string> old_files;
  for (const AofFileInfo& f : next.history) old_files.push_back(JoinPath(aof_dir_, f.name));
  next.history.clear();  // deleted right after the manifest that drops them is on disk

  auto finish = [dir = aof_dir_, name = AofManifestName(filename_),
                 tmp = AofTempManifestName(filename_), text = FormatAofManifest(next),
                 rename_from, rename_to, old_files]() -> std::string {
    if (!rename_from.empty() && std::rename(rename_from.c_str(), rename_to.c_str()) != 0) {
      return FileError("Failed renaming the temporary incr file to", rename_to);
    }
    if (std::string err = WriteFileAtomically(dir, name, tmp, text); !err.empty()) {
      if (!rename_from.empty()) std::rename(rename_to.c_str(), rename_from.c_str());
      return err;
    }
    for (const std::string& f : old_files) {
      spdlog::info("Removing the history file {}", f);
      ::unlink(f.c_str());
    }
    return "";
  };
  auto done = [this, g = rw.generation, next](const std::string& err) {
    Post([this, g, err, next] { OnRewriteFinished(g, err, next); });
  };
  // In order with the log's writes, so the manifest never names a file ahead of its data.
  if (writer_.running()) {
    writer_.RunInOrder(std::move(finish), std::move(done));
  } else {
    done(finish());
  }
}

void Aof::OnRewriteFinished(uint64_t generation, const std::string& error, AofManifest next) {
  if (!rewrite_ || rewrite_->generation != generation) return;
  if (!error.empty()) {
    ::unlink(JoinPath(aof_dir_, rewrite_->base_name).c_str());
    return RewriteFailed(error);
  }
  const Rewrite& rw = *rewrite_;
  manifest_ = std::move(next);
  const uint64_t base_size = FileSize(JoinPath(aof_dir_, rw.base_name)).value_or(0);
  if (rw.mode == State::kWaitRewrite && state_ == State::kWaitRewrite) {
    state_ = State::kOn;
    spdlog::info("AOF rewrite done: the append only file is on");
  }
  if (state_ != State::kOff) {
    current_size_ = base_size + incr_size_;
    rewrite_base_size_ = current_size_;
  }
  last_rewrite_time_sec_ = (server_.clock.NowMs() - rw.start_ms) / 1000;
  last_bgrewrite_ok_ = true;
  consecutive_failures_ = 0;
  rewrite_.reset();
  spdlog::info("Background AOF rewrite finished successfully");
}

void Aof::RewriteFailed(const std::string& why) {
  spdlog::warn("Background AOF rewrite terminated with error: {}", why);
  last_bgrewrite_ok_ = false;
  ++consecutive_failures_;
  last_rewrite_time_sec_ = (server_.clock.NowMs() - rewrite_->start_ms) / 1000;
  rewrite_.reset();
  // The log cannot be on without a base: try again (Redis schedules it too).
  if (state_ == State::kWaitRewrite) scheduled_ = true;
}

void Aof::CancelRewrite() {
  if (!rewrite_) return;
  spdlog::info("Stopping the running AOF rewrite: the dataset is being replaced");
  AbortRewrite();
}

void Aof::AbortRewrite() {
  if (!rewrite_) return;
  if (rewrite_->snapshot_running) server_.background_snapshot->Abort();
  rewrite_.reset();  // waits for a conversion under way
}

}  // namespace kvd
