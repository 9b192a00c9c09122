// MEMORY DOCTOR's rules (Redis's getMemoryDoctorReport) over given figures.
#include <doctest/doctest.h>

#include <string>

#include "server/commands/memory_commands.h"
#include "server/memory_figures.h"

namespace kvd::testing {
namespace {

constexpr size_t kMiB = 1024 * 1024;

// A healthy 100 MB instance with one client: RSS, allocator and used memory all agree.
struct Healthy {
  MemoryBreakdown m;
  ProcessMemory p;
  Healthy() {
    m.used = m.peak = 100 * kMiB;
    m.normal_client_count = 1;
    m.clients_normal = 20 * 1024;
    p.rss = p.allocator_allocated = p.allocator_active = p.allocator_resident = 100 * kMiB;
  }
  std::string Report() const { return MemoryDoctorReport(m, p); }
};

bool Has(const std::string& report, std::string_view finding) {
  return report.find(finding) != std::string::npos;
}

constexpr std::string_view kNoIssue =
    "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs "
    "on this base.\n";

TEST_CASE("MEMORY DOCTOR: under 5 MB the instance counts as empty, whatever else") {
  Healthy h;
  h.m.used = 5 * kMiB - 1;
  h.m.peak = 100 * kMiB;  // a peak that would be an issue past 5 MB
  CHECK(h.Report().rfind("Hi Sam, this instance is empty or is using very little memory", 0) == 0);
  h.m.used = 5 * kMiB;
  CHECK(h.Report().rfind("Sam, I detected a few issues", 0) == 0);
}

TEST_CASE("MEMORY DOCTOR: a healthy instance has no issue") {
  CHECK(Healthy().Report() == kNoIssue);
}

TEST_CASE("MEMORY DOCTOR: each rule fires past its threshold only") {
  Healthy h;
  h.m.peak = 150 * kMiB;  // exactly 150%: not more
  CHECK(h.Report() == kNoIssue);
  h.m.peak = 151 * kMiB;
  const std::string peak = h.Report();
  CHECK(peak.rfind("Sam, I detected a few issues in this Redis instance memory implants:\n\n", 0) ==
        0);
  CHECK(Has(peak, " * Peak memory: In the past this instance used more than 150%"));
  CHECK(peak.ends_with("\n\nI'm here to keep you safe, Sam. I want to help you.\n"));

  Healthy rss;
  rss.p.rss = 150 * kMiB;  // total RSS 1.5x, 50 MB more; the process beyond the allocator too
  const std::string r = rss.Report();
  CHECK(Has(r, " * High total RSS:"));
  CHECK(Has(r, "Note: The currently used allocator is \"libc\"."));
  CHECK(Has(r, " * High process RSS overhead:"));
  CHECK_FALSE(Has(r, " * Peak memory:"));

  Healthy frag;
  frag.p.allocator_active = frag.p.allocator_resident = frag.p.rss = 120 * kMiB;
  const std::string f = frag.Report();
  CHECK(Has(f, " * High allocator fragmentation:"));
  CHECK_FALSE(Has(f, " * High total RSS:"));  // 1.2 is under 1.4

  Healthy small_frag;  // over the ratio but under 10 MB
  small_frag.m.used = small_frag.m.peak = small_frag.p.allocator_allocated = 6 * kMiB;
  small_frag.p.allocator_active = small_frag.p.allocator_resident = small_frag.p.rss = 9 * kMiB;
  CHECK_FALSE(Has(small_frag.Report(), " * High allocator fragmentation:"));

  Healthy alloc_rss;
  alloc_rss.p.allocator_resident = alloc_rss.p.rss = 120 * kMiB;
  CHECK(Has(alloc_rss.Report(), " * High allocator RSS overhead:"));

  Healthy clients;
  clients.m.normal_client_count = 2;
  clients.m.clients_normal = 2 * 200 * 1024 + 2;  // over 200 KB each on average
  CHECK(Has(clients.Report(), " * Big client buffers:"));
  clients.m.clients_normal = 2 * 200 * 1024;
  CHECK(clients.Report() == kNoIssue);

  Healthy replicas;
  replicas.m.replica_count = 1;
  replicas.m.clients_slaves = 10 * kMiB + 1;
  CHECK(Has(replicas.Report(), " * Big replica buffers:"));

  Healthy scripts;
  scripts.m.cached_scripts = 1001;
  CHECK(Has(scripts.Report(), " * Many scripts: There seem to be many cached scripts"));
  scripts.m.cached_scripts = 1000;
  CHECK(scripts.Report() == kNoIssue);
}

TEST_CASE("MEMORY STATS ratios: Redis's definitions") {
  MemoryBreakdown m;
  m.used = 1000;
  m.peak = 2000;
  m.startup = 200;
  m.dataset = 600;
  m.keys = 4;
  ProcessMemory p{.rss = 4000,
                  .allocator_allocated = 1000,
                  .allocator_active = 1500,
                  .allocator_resident = 3000};
  const MemoryRatios r = ComputeRatios(m, p);
  CHECK(r.peak_perc == doctest::Approx(50.0));
  CHECK(r.dataset_perc == doctest::Approx(75.0));  // of what was added since startup
  CHECK(r.bytes_per_key == 200);
  CHECK(r.allocator_frag == doctest::Approx(1.5));
  CHECK(r.allocator_frag_bytes == 500);
  CHECK(r.allocator_rss == doctest::Approx(2.0));
  CHECK(r.allocator_rss_bytes == 1500);
  CHECK(r.rss_overhead == doctest::Approx(4.0 / 3));
  CHECK(r.rss_overhead_bytes == 1000);
  CHECK(r.fragmentation == doctest::Approx(4.0));
  CHECK(r.fragmentation_bytes == 3000);
}

}  // namespace
}  // namespace kvd::testing
