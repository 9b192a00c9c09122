#pragma once
// A file replaced atomically: the new contents go to a temporary file in the target's
// directory, which is fsynced, renamed over the target, and the directory fsynced. A crash
// at any moment leaves either the old file or the new one, whole. Used for the snapshot,
// and anything else that must never be seen half-written.
#include <cstdint>
#include <string>
#include <string_view>

namespace kvd {

// dir/filename ("" dir: the current directory).
std::string PathIn(const std::string& dir, const std::string& filename);

class AtomicFile {
 public:
  // `what` names the file in error texts ("snapshot" gives "the temporary snapshot file").
  AtomicFile(std::string dir, std::string filename, std::string_view what);
  ~AtomicFile();  // discards an uncommitted temporary file
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Creates the temporary file. Returns "" or an error naming it.
  std::string Open();
  // Appends to the temporary file (safe from any one thread at a time).
  std::string Write(std::string_view data);
  // fsync, close, rename over the target, fsync the directory. Returns "" or an error;
  // on error the target is untouched and the temporary file is gone.
  std::string Commit();
  // Removes the temporary file, leaving the target as it was.
  void Discard();

  const std::string& target() const { return target_; }
  const std::string& temp_path() const { return temp_; }

 private:
  std::string SysError(std::string_view action, const std::string& path) const;

  std::string dir_;
  std::string target_;
  std::string temp_;
  std::string what_;
  int fd_ = -1;
};

}  // namespace kvd
