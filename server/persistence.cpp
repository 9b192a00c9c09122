#include "server/persistence.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

#include "core/snapshot.h"  // files written by kvd before it wrote RDB
#include "server/config.h"
#include "server/server_state.h"

namespace kvd {
namespace {

std::string PathIn(const std::string& dir, const std::string& filename) {
  if (dir.empty()) return filename;
  return dir.back() == '/' ? dir + filename : dir + "/" + filename;
}

std::string SysError(std::string_view what, const std::string& path) {
  return std::string(what) + " '" + path + "': " + std::strerror(errno);
}

// Closes a descriptor on every path out of a function.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closes now, reporting the result (close can report a deferred write error).
  bool Close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc == 0;
  }

 private:
  int fd_;
};

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool FsyncDir(const std::string& dir) {
  Fd fd(::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return false;
  return ::fsync(fd.get()) == 0 && fd.Close();
}

// Streams the store as an RDB file into a fresh temporary file, fsynced and closed. On
// failure removes it and returns an error text.
std::string WriteTemp(const std::string& tmp, const std::string& path, const Store& store,
                      int64_t now_ms, const RdbOptions& options) {
  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666));
  if (fd.get() < 0) return SysError("Failed opening the temporary snapshot file", tmp);
  int write_errno = 0;
  std::string err = WriteRdb(store, now_ms, options, [&](std::string_view block) {
    if (WriteAll(fd.get(), block)) return true;
    write_errno = errno;
    return false;
  });
  if (write_errno != 0) {
    errno = write_errno;
    err = SysError("Failed writing the temporary snapshot file", tmp);
  } else if (!err.empty()) {
    err = "Failed saving the snapshot to '" + path + "': " + err;
  } else if (::fsync(fd.get()) != 0) {
    err = SysError("Failed fsyncing the temporary snapshot file", tmp);
  } else if (!fd.Close()) {
    err = SysError("Failed closing the temporary snapshot file", tmp);
  }
  if (!err.empty()) ::unlink(tmp.c_str());
  return err;
}

bool ReadAll(int fd, std::string& out) {
  struct stat st;
  if (::fstat(fd, &st) == 0 && st.st_size > 0) out.reserve(static_cast<size_t>(st.st_size));
  char buf[64 * 1024];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n == 0) return true;
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    out.append(buf, static_cast<size_t>(n));
  }
}

}  // namespace

std::string SaveSnapshotFile(const Store& store, const std::string& dir,
                             const std::string& filename, int64_t now_ms,
                             const RdbOptions& options) {
  const std::string path = PathIn(dir, filename);
  // Unique per process and per save, in the target's directory so the rename is atomic.
  static std::atomic<uint64_t> sequence{0};
  const std::string tmp = PathIn(dir, "temp-" + std::to_string(::getpid()) + "-" +
                                          std::to_string(sequence++) + "-" + filename);
  if (std::string err = WriteTemp(tmp, path, store, now_ms, options); !err.empty()) return err;
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string err = SysError("Failed renaming the temporary snapshot file to", path);
    ::unlink(tmp.c_str());
    return err;
  }
  // The rename itself is durable only once the directory entry is on disk.
  if (!FsyncDir(dir)) return SysError("Failed fsyncing the directory of", path);
  return "";
}

std::string LoadSnapshotFile(Store& store, const std::string& dir, const std::string& filename,
                             int64_t now_ms, bool* found, RdbLoadInfo* info) {
  const std::string path = PathIn(dir, filename);
  *found = false;
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return "";
    *found = true;
    return SysError("Failed opening the snapshot file", path);
  }
  *found = true;
  std::string data;
  if (!ReadAll(fd.get(), data)) return SysError("Failed reading the snapshot file", path);
  if (data.starts_with(kSnapshotMagic)) {
    if (SnapshotError err = DecodeSnapshot(data, now_ms, store)) {
      return "Bad snapshot file '" + path + "': " + err.message;
    }
    return "";
  }
  if (std::string err = LoadRdb(data, now_ms, store, info); !err.empty()) {
    return "Bad snapshot file '" + path + "': " + err;
  }
  return "";
}

RdbOptions RdbOptionsFrom(const ConfigValues& cfg) {
  RdbOptions options;
  options.compression = cfg.rdbcompression;
  options.checksum = cfg.rdbchecksum;
  return options;
}

std::string SaveServerSnapshot(ServerState& state) {
  const ConfigValues& cfg = state.config.values();
  const int64_t now_ms = state.clock.NowMs();
  std::string err =
      SaveSnapshotFile(state.store, cfg.dir, cfg.dbfilename, now_ms, RdbOptionsFrom(cfg));
  if (!err.empty()) {
    spdlog::warn("{}", err);
    return err;
  }
  spdlog::info("DB saved on disk");
  state.stats.dirty = 0;
  state.last_save_time = now_ms / 1000;
  ++state.rdb_saves;
  return "";
}

std::string LoadServerSnapshot(ServerState& state) {
  const ConfigValues& cfg = state.config.values();
  const int64_t start_us = state.clock.NowUs();
  bool found = false;
  RdbLoadInfo info;
  state.loading = true;
  std::string err = LoadSnapshotFile(state.store, cfg.dir, cfg.dbfilename, start_us / 1000,
                                     &found, &info);
  state.loading = false;
  if (!err.empty() || !found) return err;
  state.rdb_last_load_keys_loaded = info.keys_loaded;
  state.rdb_last_load_keys_expired = info.keys_expired;
  if (info.version != 0) {  // an RDB file (not kvd's interim format)
    spdlog::info("Loading RDB produced by version {}",
                 info.redis_version.empty() ? std::string("unknown") : info.redis_version);
    spdlog::info("Done loading RDB, keys loaded: {}, keys expired: {}.", info.keys_loaded,
                 info.keys_expired);
  }
  spdlog::info("DB loaded from disk: {:.3f} seconds",
               static_cast<double>(state.clock.NowUs() - start_us) / 1e6);
  return "";
}

}  // namespace kvd
