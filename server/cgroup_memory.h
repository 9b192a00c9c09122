#pragma once
// The memory kvd may use when a container runtime or service manager caps it: the memory
// limit of the cgroup kvd runs in (cgroup v2 memory.max, v1 memory.limit_in_bytes). Past it
// the kernel kills the process, so with no maxmemory set kvd warns at startup, INFO memory
// shows it (cgroup_memory_limit) and maxmemory can be given as a percentage of it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kvd {

// Where the cgroup information is read from; tests point these at a fake tree.
struct CgroupFiles {
  std::string proc_self_cgroup = "/proc/self/cgroup";  // "id:controllers:path" lines
  std::string root = "/sys/fs/cgroup";                 // where the hierarchies are mounted
};

// The lowest memory limit set on the cgroup this process is in or on any of its ancestors,
// from the v2 hierarchy (at `root`, or at `root`/unified on a hybrid layout) and the v1
// memory controller (`root`/memory). nullopt when none is set ("max", or v1's huge default).
std::optional<uint64_t> CgroupMemoryLimit(const CgroupFiles& files = {});

// The machine's physical memory in bytes.
uint64_t PhysicalMemoryBytes();

// What "maxmemory N%" is a percentage of: the cgroup limit, else the machine's memory.
uint64_t MaxmemoryPercentBase();
// maxmemory in bytes for "maxmemory <percent>%".
int64_t MaxmemoryFromPercent(int percent);

// "N%" with N a whole number from 1 to 100; nullopt for anything else.
std::optional<int> ParseMemoryPercent(std::string_view s);

// The startup warning for a cgroup `limit` with no maxmemory set, or "" when none is due.
std::string CgroupMemoryWarning(std::optional<uint64_t> limit, int64_t maxmemory);

}  // namespace kvd
