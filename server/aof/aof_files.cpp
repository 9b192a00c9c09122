#include "server/aof/aof_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kvd {

std::string JoinPath(std::string_view dir, std::string_view name) {
  if (dir.empty()) return std::string(name);
  std::string out(dir);
  if (out.back() != '/') out += '/';
  out.append(name);
  return out;
}

std::string FileError(std::string_view what, std::string_view path) {
  return std::string(what) + " '" + std::string(path) + "': " + std::strerror(errno);
}

bool DirectoryExists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool FileExists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::optional<uint64_t> FileSize(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return static_cast<uint64_t>(st.st_size);
}

std::string EnsureDirectory(const std::string& path) {
  if (::mkdir(path.c_str(), 0755) == 0 || (errno == EEXIST && DirectoryExists(path))) return "";
  return FileError("Can't open or create append-only dir", path);
}

std::string FsyncDirectory(const std::string& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return FileError("Failed opening the directory", dir);
  std::string err;
  if (::fsync(fd) != 0) err = FileError("Failed fsyncing the directory", dir);
  ::close(fd);
  return err;
}

size_t WriteFully(int fd, std::string_view data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return done;
    }
    if (n == 0) {  // no progress: report it as a full disk, as Redis does for short writes
      errno = ENOSPC;
      return done;
    }
    done += static_cast<size_t>(n);
  }
  return done;
}

std::string WriteFileAtomically(const std::string& dir, const std::string& name,
                                const std::string& temp_name, std::string_view content) {
  const std::string path = JoinPath(dir, name);
  const std::string tmp = JoinPath(dir, temp_name);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return FileError("Can't open the temporary file", tmp);
  std::string err;
  if (WriteFully(fd, content) != content.size()) {
    err = FileError("Error writing the temporary file", tmp);
  } else if (::fsync(fd) != 0) {
    err = FileError("Failed fsyncing the temporary file", tmp);
  }
  if (::close(fd) != 0 && err.empty()) err = FileError("Failed closing the temporary file", tmp);
  if (err.empty() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    err = FileError("Failed renaming the temporary file to", path);
  }
  if (!err.empty()) {
    ::unlink(tmp.c_str());
    return err;
  }
  return FsyncDirectory(dir);
}

}  // namespace kvd
