#pragma once
// File-system steps of the append-only file, each reporting failure as a text naming the
// file and the system's reason.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kvd {

std::string JoinPath(std::string_view dir, std::string_view name);
// "<what> '<path>': <strerror(errno)>".
std::string FileError(std::string_view what, std::string_view path);

// Creates the directory when missing. Returns "" or the error.
std::string EnsureDirectory(const std::string& path);
bool DirectoryExists(const std::string& path);
bool FileExists(const std::string& path);
// The file's size; nullopt when it cannot be stat'ed (errno says why).
std::optional<uint64_t> FileSize(const std::string& path);
// fsync of a directory, making renames and new entries in it durable.
std::string FsyncDirectory(const std::string& dir);

// Writes `content` to dir/temp_name, fsyncs it, renames it to dir/name and fsyncs the
// directory: a crash leaves the old file or the new one, whole. Returns "" or the error
// (the temporary file is removed then).
std::string WriteFileAtomically(const std::string& dir, const std::string& name,
                                const std::string& temp_name, std::string_view content);

// Writes all of `data` to fd, retrying short writes and EINTR. Returns bytes written
// (fewer than data.size() on error, with errno set).
size_t WriteFully(int fd, std::string_view data);

}  // namespace kvd
