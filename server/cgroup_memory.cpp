#include "server/cgroup_memory.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/numeric.h"

namespace kvd {
namespace {

namespace fs = std::filesystem;

// cgroup v1 reports "no limit" as the largest page-aligned signed 64-bit value (v2 writes
// "max"); anything this large cannot be a real limit.
constexpr uint64_t kUnlimitedFloor = uint64_t{1} << 62;

std::optional<uint64_t> ReadLimitFile(const fs::path& file) {
  std::ifstream in(file);
  std::string word;
  if (!(in >> word) || word == "max") return std::nullopt;
  std::optional<int64_t> n = ParseInt64(word);
  if (!n || *n <= 0 || static_cast<uint64_t>(*n) >= kUnlimitedFloor) return std::nullopt;
  return static_cast<uint64_t>(*n);
}

// `p` without "." / ".." parts or a trailing separator, so parents compare equal.
fs::path Clean(const fs::path& p) {
  std::string s = p.lexically_normal().string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

// The lowest limit in `file_name` from the process's cgroup `path` up to the hierarchy's
// mount point `mount`. A path missing under the mount means the mount shows the process's
// own cgroup at its top (a container with its own cgroup namespace view); then only the
// mount's top counts.
std::optional<uint64_t> LowestLimit(const fs::path& mount, std::string_view path,
                                    const char* file_name) {
  std::error_code ec;
  if (!fs::is_directory(mount, ec)) return std::nullopt;
  const fs::path top = Clean(mount);
  fs::path dir = Clean(top / fs::path(std::string(path)).relative_path());
  // "..", or a path the mount does not show: only the mount's top is ours.
  if (!fs::is_directory(dir, ec) || dir.string().rfind(top.string(), 0) != 0) dir = top;
  std::optional<uint64_t> lowest;
  for (fs::path d = dir;; d = d.parent_path()) {
    if (std::optional<uint64_t> limit = ReadLimitFile(d / file_name)) {
      lowest = std::min(lowest.value_or(UINT64_MAX), *limit);
    }
    if (d == top || d == d.parent_path()) break;
  }
  return lowest;
}

struct ProcCgroups {
  std::optional<std::string> v2_path;      // from the "0::<path>" line
  std::optional<std::string> memory_path;  // from the v1 line whose controllers name memory
};

ProcCgroups ReadProcCgroups(const std::string& file) {
  ProcCgroups out;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    size_t first = line.find(':');
    size_t second = first == std::string::npos ? first : line.find(':', first + 1);
    if (second == std::string::npos) continue;
    std::string_view id(line.data(), first);
    std::string_view controllers(line.data() + first + 1, second - first - 1);
    std::string path = line.substr(second + 1);
    if (id == "0" && controllers.empty()) {
      out.v2_path = path;
      continue;
    }
    size_t start = 0;
    while (start <= controllers.size()) {
      size_t end = controllers.find(',', start);
      if (end == std::string_view::npos) end = controllers.size();
      if (controllers.substr(start, end - start) == "memory") out.memory_path = path;
      start = end + 1;
    }
  }
  return out;
}

}  // namespace

std::optional<uint64_t> CgroupMemoryLimit(const CgroupFiles& files) {
  ProcCgroups cgroups = ReadProcCgroups(files.proc_self_cgroup);
  const fs::path root(files.root);
  std::optional<uint64_t> lowest;
  auto take = [&lowest](std::optional<uint64_t> limit) {
    if (limit) lowest = std::min(lowest.value_or(UINT64_MAX), *limit);
  };
  if (cgroups.v2_path) {
    // Unified layout: v2 mounted at the root; hybrid: at root/unified (where the memory
    // controller is usually not enabled, so there is no memory.max to read).
    take(LowestLimit(root, *cgroups.v2_path, "memory.max"));
    take(LowestLimit(root / "unified", *cgroups.v2_path, "memory.max"));
  }
  if (cgroups.memory_path) {
    take(LowestLimit(root / "memory", *cgroups.memory_path, "memory.limit_in_bytes"));
  }
  return lowest;
}

uint64_t PhysicalMemoryBytes() {
  long pages = sysconf(_SC_PHYS_PAGES);
  long page_size = sysconf(_SC_PAGESIZE);
  return pages > 0 && page_size > 0 ? static_cast<uint64_t>(pages) * page_size : 0;
}

uint64_t MaxmemoryPercentBase() {
  uint64_t system = PhysicalMemoryBytes();
  std::optional<uint64_t> limit = CgroupMemoryLimit();
  // A limit above the machine's memory limits nothing.
  if (limit && (system == 0 || *limit < system)) return *limit;
  return system;
}

int64_t MaxmemoryFromPercent(int percent) {
  unsigned __int128 bytes = static_cast<unsigned __int128>(MaxmemoryPercentBase()) * percent;
  return static_cast<int64_t>(bytes / 100);
}

std::optional<int> ParseMemoryPercent(std::string_view s) {
  if (s.size() < 2 || s.back() != '%') return std::nullopt;
  std::string_view digits = s.substr(0, s.size() - 1);
  if (digits.size() > 3) return std::nullopt;
  int n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  if (n < 1 || n > 100) return std::nullopt;
  return n;
}

std::string CgroupMemoryWarning(std::optional<uint64_t> limit, int64_t maxmemory) {
  if (!limit || maxmemory != 0) return "";
  return "WARNING: kvd runs in a cgroup with a memory limit of " + std::to_string(*limit) +
         " bytes and no maxmemory is set: past the limit the kernel will kill it instead of "
         "kvd refusing writes or evicting. Set maxmemory below the limit, e.g. "
         "'maxmemory 75%' (a percentage of the limit).";
}

}  // namespace kvd
