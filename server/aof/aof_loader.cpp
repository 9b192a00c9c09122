#include "server/aof/aof_loader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

#include "core/text.h"
#include "server/aof/aof_files.h"
#include "server/aof/aof_format.h"
#include "server/dispatcher.h"
#include "server/fd.h"
#include "server/server_state.h"

namespace kvd {
namespace {

bool StartsWithRdbMagic(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  char magic[5];
  return fd.get() >= 0 && ::read(fd.get(), magic, sizeof magic) == 5 &&
         std::memcmp(magic, "REDIS", 5) == 0;
}

}  // namespace

// How reading one file of commands ended.
struct AofLoader::Outcome {
  enum class Kind { kOk, kTruncated } kind = Kind::kOk;
  uint64_t valid_offset = 0;  // kTruncated: keep the file up to here
};

AofLoader::AofLoader(ServerState& state, std::string aof_dir, AofManifest manifest,
                     bool load_truncated)
    : state_(state),
      aof_dir_(std::move(aof_dir)),
      manifest_(std::move(manifest)),
      load_truncated_(load_truncated) {
  client_.authenticated = true;
  client_.replaying_aof = true;
  // As Redis's AOF client: a blocking command answers at once, as if it had timed out.
  client_.deny_blocking = true;
  client_.addr = "aof";
}

AofLoader::~AofLoader() {
  if (fd_ >= 0) ::close(fd_);
}

std::string AofLoader::Prepare() {
  files_.clear();
  if (manifest_.base) files_.push_back({*manifest_.base, 0});
  for (const AofFileInfo& f : manifest_.incr) files_.push_back({f, 0});
  for (File& f : files_) {
    const std::string path = JoinPath(aof_dir_, f.info.name);
    auto size = FileSize(path);
    if (!size) {
      return FileError("The append only file listed in the manifest can't be read", path);
    }
    f.size = *size;
    total_bytes_ += f.size;
  }
  result_.total_size = total_bytes_;
  current_ = 0;
  // Nothing to load at all is Redis's AOF_EMPTY: the server starts empty.
  if (total_bytes_ == 0) {
    next_ = Next::kDone;
    return "";
  }
  BeginFile();
  return "";
}

uint64_t AofLoader::loaded_bytes() const {
  uint64_t bytes = done_bytes_;
  if (reader_) bytes += reader_->valid_offset();
  return std::min(bytes, total_bytes_);
}

void AofLoader::BeginFile() {
  while (current_ < files_.size() && files_[current_].size == 0) {
    ++current_;  // an empty file holds nothing (a fresh incr file)
  }
  if (current_ == files_.size()) {
    next_ = Next::kDone;
    if (manifest_.base) result_.base_size = files_.front().size;
    if (!manifest_.incr.empty()) result_.last_incr_size = files_.back().size;
    return;
  }
  const File& f = files_[current_];
  file_start_us_ = state_.clock.NowUs();
  if (f.info.type == AofFileInfo::Type::kBase &&
      StartsWithRdbMagic(JoinPath(aof_dir_, f.info.name))) {
    next_ = Next::kRdb;
    return;
  }
  OpenCommands(0);
}

void AofLoader::OpenCommands(uint64_t offset) {
  const File& f = files_[current_];
  const std::string path = JoinPath(aof_dir_, f.info.name);
  if (fd_ >= 0) ::close(fd_);
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) return Fail(FileError("Can't open the append only file", path));
  if (offset > 0 && ::lseek(fd_, static_cast<off_t>(offset), SEEK_SET) < 0) {
    return Fail(FileError("Can't seek in the append only file", path));
  }
  reader_ = std::make_unique<AofRecordReader>(fd_, offset);
  if (!dispatcher_) dispatcher_ = std::make_unique<Dispatcher>(state_);
  transaction_.clear();
  in_multi_ = false;
  valid_before_multi_ = 0;
  next_ = Next::kCommands;
}

AofLoader::RdbPart AofLoader::LoadRdbPart(Store& into, int64_t now_ms,
                                          const RdbProgressFn& progress) const {
  RdbPart part;
  spdlog::info("Reading RDB base file on AOF loading...");
  const std::string& name = files_[current_].info.name;
  const std::string path = JoinPath(aof_dir_, name);
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  std::string data;
  if (fd.get() < 0 || !ReadAll(fd.get(), data)) {
    part.error = FileError("Can't read the RDB base file", path);
    return part;
  }
  std::string err = LoadRdbPrefix(data, now_ms, into, &part.info, progress, &part.size);
  if (!err.empty()) part.error = "Error reading the RDB base file " + name + ": " + err;
  return part;
}

void AofLoader::RdbPartDone(const RdbPart& part) {
  if (!part.error.empty()) return Fail(part.error);
  spdlog::info("Done loading RDB, keys loaded: {}, keys expired: {}.", part.info.keys_loaded,
               part.info.keys_expired);
  if (part.size < files_[current_].size) {
    // An RDB preamble: the commands logged after it follow in the same file.
    spdlog::info("Reading the remaining AOF tail...");
    OpenCommands(part.size);
    return;
  }
  EndFile(Outcome{});
}

void AofLoader::Fail(std::string error) {
  result_.error = std::move(error);
  next_ = Next::kFailed;
  reader_.reset();
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void AofLoader::Execute(std::span<const std::string_view> args) {
  // The replay's calls are not the clients': Redis's loader does not count them in
  // commandstats either.
  const CommandSpec* spec = state_.commands.Find(args[0]);
  const uint64_t calls = spec->calls, usec = spec->usec, failed = spec->failed_calls;
  const uint64_t rejected = spec->rejected_calls;
  // The reply (an error for a command that cannot apply, as when Redis logged it) is not
  // anyone's: Redis's fake client discards it too.
  reply_.clear();
  dispatcher_->Execute(client_, args, reply_);
  spec->calls = calls;
  spec->usec = usec;
  spec->failed_calls = failed;
  spec->rejected_calls = rejected;
  ++commands_replayed_;
}

void AofLoader::ReplaySome(const std::function<bool()>& more) {
  // Statistics stay the clients': what the replay adds is taken back (but the changes count
  // toward the next save, and its errors as unexpected ones, as in Redis).
  const ServerStats saved = state_.stats;
  auto restore_stats = [&] {
    const uint64_t dirty = state_.stats.dirty;
    const uint64_t unexpected = state_.stats.unexpected_error_replies;
    state_.stats = saved;
    state_.stats.dirty = dirty;
    state_.stats.unexpected_error_replies = unexpected;
  };
  std::vector<std::string_view> args;
  while (next_ == Next::kCommands) {
    // (The loop goes on into the next file when one ends.)
    const std::string& name = files_[current_].info.name;
    auto where = [&](uint64_t offset) {
      return "the append only file " + name + " at offset " + std::to_string(offset);
    };
    switch (reader_->Next(args)) {
      case AofRecordReader::Status::kEnd:
        if (in_multi_) {
          spdlog::warn("Revert incomplete MULTI/EXEC transaction in AOF file {}", name);
          EndFile({Outcome::Kind::kTruncated, valid_before_multi_});
        } else {
          EndFile(Outcome{});
        }
        continue;
      case AofRecordReader::Status::kTruncated:
        EndFile({Outcome::Kind::kTruncated,
                 in_multi_ ? valid_before_multi_ : reader_->record_offset()});
        continue;
      case AofRecordReader::Status::kIoError:
        Fail("Unrecoverable error reading the append only file " + name + ": " +
             reader_->error());
        continue;
      case AofRecordReader::Status::kDamaged:
        Fail("Bad file format reading " + where(reader_->damage_offset()) + ": " +
             reader_->error());
        continue;
      case AofRecordReader::Status::kRecord:
        break;
    }
    if (EqualsIgnoreCase(args[0], "multi")) {
      if (!in_multi_) valid_before_multi_ = reader_->record_offset();
      in_multi_ = true;
      transaction_.clear();
      continue;
    }
    if (in_multi_ && EqualsIgnoreCase(args[0], "exec")) {
      // MULTI ... EXEC (written by Redis around commands that must apply together): the
      // queued commands run now, with nothing in between.
      for (const std::vector<std::string>& command : transaction_) {
        std::vector<std::string_view> views(command.begin(), command.end());
        Execute(views);
      }
      transaction_.clear();
      in_multi_ = false;
      if (!more()) break;
      continue;
    }
    if (state_.commands.Find(args[0]) == nullptr) {
      Fail("Unknown command '" + PrintableKey(args[0]) + "' reading " +
           where(reader_->record_offset()));
      continue;
    }
    if (in_multi_) {
      transaction_.emplace_back(args.begin(), args.end());
      continue;
    }
    Execute(args);
    if (!more()) break;
  }
  restore_stats();
}

void AofLoader::EndFile(const Outcome& outcome) {
  File& f = files_[current_];
  const bool last = current_ + 1 == files_.size();
  reader_.reset();
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (outcome.kind == Outcome::Kind::kTruncated) {
    const std::string where = "the append only file " + f.info.name + " at offset " +
                              std::to_string(outcome.valid_offset);
    if (!last) return Fail("Unexpected end of " + where + ", which is not the last file");
    if (!load_truncated_) {
      return Fail("Unexpected end of " + where +
                  ". Make a backup of the file and truncate it to its last whole command, or "
                  "set aof-load-truncated to yes and restart the server");
    }
    const std::string path = JoinPath(aof_dir_, f.info.name);
    spdlog::warn("!!! Warning: short read while loading the AOF file {}!!!", f.info.name);
    spdlog::warn("!!! Truncating the AOF {} at offset {} !!!", f.info.name, outcome.valid_offset);
    if (::truncate(path.c_str(), static_cast<off_t>(outcome.valid_offset)) != 0) {
      return Fail(FileError("Error truncating the AOF file", path));
    }
    spdlog::warn("AOF {} loaded anyway because aof-load-truncated is enabled", f.info.name);
    result_.truncated = true;
    total_bytes_ -= f.size - outcome.valid_offset;
    result_.total_size = total_bytes_;
    f.size = outcome.valid_offset;
  }
  spdlog::info("DB loaded from {} file {}: {:.3f} seconds",
               f.info.type == AofFileInfo::Type::kBase ? "base" : "incr", f.info.name,
               static_cast<double>(state_.clock.NowUs() - file_start_us_) / 1e6);
  done_bytes_ += f.size;
  ++current_;
  BeginFile();
}

AofLoadResult LoadAofFiles(ServerState& state, const std::string& aof_dir,
                           const AofManifest& manifest, bool load_truncated) {
  AofLoader loader(state, aof_dir, manifest, load_truncated);
  if (std::string err = loader.Prepare(); !err.empty()) {
    AofLoadResult failed;
    failed.error = std::move(err);
    return failed;
  }
  state.loading = true;
  for (;;) {
    switch (loader.next()) {
      case AofLoader::Next::kRdb:
        loader.RdbPartDone(loader.LoadRdbPart(state.store, state.clock.NowMs(), {}));
        continue;
      case AofLoader::Next::kCommands:
        loader.ReplaySome([] { return true; });
        continue;
      case AofLoader::Next::kDone:
      case AofLoader::Next::kFailed:
        break;
    }
    break;
  }
  state.loading = false;
  return loader.result();
}

}  // namespace kvd
