#include "server/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <utility>

namespace kvd {
namespace {

bool FsyncDir(const std::string& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  return ::close(fd) == 0 && ok;
}

}  // namespace

std::string PathIn(const std::string& dir, const std::string& filename) {
  if (dir.empty()) return filename;
  return dir.back() == '/' ? dir + filename : dir + "/" + filename;
}

AtomicFile::AtomicFile(std::string dir, std::string filename, std::string_view what)
    : dir_(std::move(dir)), target_(PathIn(dir_, filename)), what_(what) {
  // Unique per process and per file, in the target's directory so the rename is atomic.
  static std::atomic<uint64_t> sequence{0};
  temp_ = PathIn(dir_, "temp-" + std::to_string(::getpid()) + "-" +
                           std::to_string(sequence++) + "-" + filename);
}

AtomicFile::~AtomicFile() { Discard(); }

std::string AtomicFile::SysError(std::string_view action, const std::string& path) const {
  return std::string(action) + " the temporary " + what_ + " file '" + path +
         "': " + std::strerror(errno);
}

std::string AtomicFile::Open() {
  fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd_ < 0) return SysError("Failed opening", temp_);
  return "";
}

std::string AtomicFile::Write(std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return SysError("Failed writing", temp_);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return "";
}

std::string AtomicFile::Commit() {
  std::string err;
  if (::fsync(fd_) != 0) {
    err = SysError("Failed fsyncing", temp_);
  } else {
    const int rc = ::close(std::exchange(fd_, -1));  // close may report a deferred error
    if (rc != 0) err = SysError("Failed closing", temp_);
  }
  if (err.empty() && ::rename(temp_.c_str(), target_.c_str()) != 0) {
    err = "Failed renaming the temporary " + what_ + " file to '" + target_ +
          "': " + std::strerror(errno);
  }
  if (!err.empty()) {
    Discard();
    return err;
  }
  temp_.clear();  // renamed: nothing left to discard
  // The rename itself is durable only once the directory entry is on disk.
  if (!FsyncDir(dir_)) {
    return "Failed fsyncing the directory of '" + target_ + "': " + std::strerror(errno);
  }
  return "";
}

void AtomicFile::Discard() {
  if (fd_ >= 0) ::close(std::exchange(fd_, -1));
  if (!temp_.empty()) ::unlink(std::exchange(temp_, std::string()).c_str());
}

}  // namespace kvd
