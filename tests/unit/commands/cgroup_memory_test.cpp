// The cgroup memory limit (server/cgroup_memory.h): cgroup v2 and v1 layouts read from a
// fake tree, maxmemory as a percentage, and the startup warning.
#include <doctest/doctest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "server/cgroup_memory.h"
#include "server/config.h"

namespace kvd::testing {
namespace {

namespace fs = std::filesystem;

// A fake /sys/fs/cgroup and /proc/self/cgroup in a temp directory, removed at the end.
class FakeCgroups {
 public:
  FakeCgroups() {
    char name[] = "/tmp/kvd-cgroup-test-XXXXXX";
    REQUIRE(mkdtemp(name) != nullptr);
    dir_ = name;
    files.root = dir_ + "/sys/fs/cgroup";
    files.proc_self_cgroup = dir_ + "/proc-self-cgroup";
    fs::create_directories(files.root);
  }
  ~FakeCgroups() { fs::remove_all(dir_); }

  void ProcCgroup(const std::string& text) { std::ofstream(files.proc_self_cgroup) << text; }
  // Writes `value` to root/<path>, creating the directories.
  void Write(const std::string& path, const std::string& value) {
    fs::path file = fs::path(files.root) / path;
    fs::create_directories(file.parent_path());
    std::ofstream(file) << value << "\n";
  }

  CgroupFiles files;

 private:
  std::string dir_;
};

constexpr const char* kV1Unlimited = "9223372036854771712";

TEST_CASE("cgroup v2: the limit of the process's cgroup") {
  FakeCgroups t;
  t.ProcCgroup("0::/system.slice/kvd.service\n");
  t.Write("system.slice/kvd.service/memory.max", "268435456");
  CHECK(CgroupMemoryLimit(t.files) == 268435456u);
}

TEST_CASE("cgroup v2: an ancestor's lower limit applies, max means none") {
  FakeCgroups t;
  t.ProcCgroup("0::/user.slice/app/worker\n");
  t.Write("user.slice/app/worker/memory.max", "max");
  t.Write("user.slice/app/memory.max", "1073741824");
  t.Write("user.slice/memory.max", "2147483648");
  CHECK(CgroupMemoryLimit(t.files) == 1073741824u);
}

TEST_CASE("cgroup v2: no limit anywhere") {
  FakeCgroups t;
  t.ProcCgroup("0::/a/b\n");
  t.Write("a/b/memory.max", "max");
  t.Write("a/memory.max", "max");
  CHECK_FALSE(CgroupMemoryLimit(t.files).has_value());
}

TEST_CASE("cgroup v2 in a container: its own cgroup is mounted at the root") {
  // The path in /proc/self/cgroup is the host's; the container sees only its own cgroup.
  FakeCgroups t;
  t.ProcCgroup("0::/machine.slice/libpod-0123abcd.scope\n");
  t.Write("memory.max", "536870912");
  CHECK(CgroupMemoryLimit(t.files) == 536870912u);

  FakeCgroups ns;  // with a cgroup namespace the path is "/"
  ns.ProcCgroup("0::/\n");
  ns.Write("memory.max", "134217728");
  CHECK(CgroupMemoryLimit(ns.files) == 134217728u);
}

TEST_CASE("cgroup v1: memory.limit_in_bytes of the memory controller") {
  FakeCgroups t;
  t.ProcCgroup("5:cpu,cpuacct:/docker/abc\n4:memory:/docker/abc\n0::/\n");
  t.Write("memory/docker/abc/memory.limit_in_bytes", "805306368");
  t.Write("memory/docker/memory.limit_in_bytes", kV1Unlimited);
  t.Write("memory/memory.limit_in_bytes", kV1Unlimited);
  CHECK(CgroupMemoryLimit(t.files) == 805306368u);
}

TEST_CASE("cgroup v1: the huge default means no limit") {
  // This machine's layout: hybrid, memory on v1 with no limit, v2 without the controller.
  FakeCgroups t;
  t.ProcCgroup("4:memory:/process_api/aaaa\n1:cpu:/\n0::/\n");
  t.Write("memory/process_api/aaaa/memory.limit_in_bytes", kV1Unlimited);
  t.Write("memory/process_api/memory.limit_in_bytes", kV1Unlimited);
  t.Write("memory/memory.limit_in_bytes", kV1Unlimited);
  t.Write("unified/cgroup.procs", "");
  CHECK_FALSE(CgroupMemoryLimit(t.files).has_value());
}

TEST_CASE("cgroup v1: the controller listed with others, path hidden in a container") {
  FakeCgroups t;
  t.ProcCgroup("3:memory,hugetlb:/kubepods/pod1/ctr\n");
  t.Write("memory/memory.limit_in_bytes", "402653184");
  CHECK(CgroupMemoryLimit(t.files) == 402653184u);
}

TEST_CASE("hybrid: the lower of the v2 and v1 limits") {
  FakeCgroups t;
  t.ProcCgroup("4:memory:/svc\n0::/svc\n");
  t.Write("unified/svc/memory.max", "700000000");
  t.Write("memory/svc/memory.limit_in_bytes", "600000000");
  CHECK(CgroupMemoryLimit(t.files) == 600000000u);
}

TEST_CASE("no cgroup information at all") {
  FakeCgroups t;  // no proc file, an empty root
  CHECK_FALSE(CgroupMemoryLimit(t.files).has_value());
  t.ProcCgroup("garbage\n\n4:memory\n");
  CHECK_FALSE(CgroupMemoryLimit(t.files).has_value());
  t.ProcCgroup("4:memory:/x\n");
  t.Write("memory/x/memory.limit_in_bytes", "not a number");
  CHECK_FALSE(CgroupMemoryLimit(t.files).has_value());
}

TEST_CASE("maxmemory percentages: 1% to 100%, whole numbers") {
  CHECK(ParseMemoryPercent("75%") == 75);
  CHECK(ParseMemoryPercent("1%") == 1);
  CHECK(ParseMemoryPercent("100%") == 100);
  for (const char* bad : {"0%", "101%", "%", "7.5%", "-5%", "75", "75%%", " 75%", "1000%"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseMemoryPercent(bad).has_value());
  }
  const uint64_t base = MaxmemoryPercentBase();
  CHECK(base > 0);
  CHECK(MaxmemoryFromPercent(100) == static_cast<int64_t>(base));
  CHECK(MaxmemoryFromPercent(50) == static_cast<int64_t>(base / 2));
}

TEST_CASE("maxmemory N% in the config: bytes for the server, the percentage for CONFIG GET") {
  Config c;
  std::vector<std::string_view> pct = {"25%"};
  REQUIRE(c.ApplyStartup("maxmemory", pct) == "");
  CHECK(c.values().maxmemory == MaxmemoryFromPercent(25));
  CHECK(c.values().maxmemory_percent == 25);
  std::vector<std::string_view> get = {"maxmemory"};
  CHECK(c.Get(get)[0].second == "25%");

  std::vector<std::string_view> set = {"maxmemory", "100mb"};
  REQUIRE(c.Set(set) == "");
  CHECK(c.values().maxmemory == 100 * 1024 * 1024);
  CHECK(c.values().maxmemory_percent == 0);
  CHECK(c.Get(get)[0].second == "104857600");

  std::vector<std::string_view> bad = {"maxmemory", "150%"};
  CHECK(c.Set(bad) ==
        "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a "
        "memory value or a percentage (1% to 100%)");
  CHECK(c.values().maxmemory == 100 * 1024 * 1024);
}

TEST_CASE("the startup warning: a cgroup limit and no maxmemory") {
  std::string warning = CgroupMemoryWarning(268435456u, 0);
  CHECK(warning.find("memory limit of 268435456 bytes") != std::string::npos);
  CHECK(warning.find("maxmemory 75%") != std::string::npos);
  CHECK(CgroupMemoryWarning(268435456u, 100 * 1024 * 1024) == "");
  CHECK(CgroupMemoryWarning(std::nullopt, 0) == "");
}

}  // namespace
}  // namespace kvd::testing
