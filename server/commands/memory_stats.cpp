// MEMORY STATS and MEMORY DOCTOR: Redis 7.2's replies over kvd's figures
// (server/memory_figures.h), the same ones INFO memory prints.
#include <cstdint>
#include <string>

#include "server/command.h"
#include "server/commands/memory_commands.h"
#include "server/memory_figures.h"
#include "server/server_state.h"

namespace kvd {
namespace {

void Pair(ReplyWriter& r, std::string_view name, int64_t v) {
  r.Bulk(name);
  r.Integer(v);
}

void Pair(ReplyWriter& r, std::string_view name, size_t v) {
  Pair(r, name, static_cast<int64_t>(v));
}

void PairDouble(ReplyWriter& r, std::string_view name, float v) {
  r.Bulk(name);
  r.Double(v);
}

constexpr size_t kTopLevelFields = 27;  // besides one db.N entry per non-empty database

constexpr size_t kMiB = 1024 * 1024;

}  // namespace

void CmdMemoryStats(CommandContext& ctx) {
  const MemoryBreakdown m = MeasureMemory(ctx.server);
  const ProcessMemory p = MeasureProcessMemory(ctx.server, m);
  const MemoryRatios ratio = ComputeRatios(m, p);
  ReplyWriter& r = ctx.reply;
  r.MapHeader(kTopLevelFields + m.dbs.size());
  Pair(r, "peak.allocated", m.peak);
  Pair(r, "total.allocated", m.used);
  Pair(r, "startup.allocated", m.startup);
  Pair(r, "replication.backlog", m.replication_backlog);
  Pair(r, "clients.slaves", m.clients_slaves);
  Pair(r, "clients.normal", m.clients_normal);
  Pair(r, "cluster.links", size_t{0});  // no cluster mode
  Pair(r, "aof.buffer", m.aof_buffer);
  Pair(r, "lua.caches", m.lua_caches);
  Pair(r, "functions.caches", m.functions_caches);
  for (const DbMemory& db : m.dbs) {
    r.Bulk("db." + std::to_string(db.index));
    r.MapHeader(2);
    Pair(r, "overhead.hashtable.main", db.main_table);
    Pair(r, "overhead.hashtable.expires", db.expires_table);
  }
  Pair(r, "overhead.total", m.overhead);
  Pair(r, "keys.count", m.keys);
  Pair(r, "keys.bytes-per-key", ratio.bytes_per_key);
  Pair(r, "dataset.bytes", m.dataset);
  PairDouble(r, "dataset.percentage", ratio.dataset_perc);
  PairDouble(r, "peak.percentage", ratio.peak_perc);
  Pair(r, "allocator.allocated", p.allocator_allocated);
  Pair(r, "allocator.active", p.allocator_active);
  Pair(r, "allocator.resident", p.allocator_resident);
  PairDouble(r, "allocator-fragmentation.ratio", ratio.allocator_frag);
  Pair(r, "allocator-fragmentation.bytes", ratio.allocator_frag_bytes);
  PairDouble(r, "allocator-rss.ratio", ratio.allocator_rss);
  Pair(r, "allocator-rss.bytes", ratio.allocator_rss_bytes);
  PairDouble(r, "rss-overhead.ratio", ratio.rss_overhead);
  Pair(r, "rss-overhead.bytes", ratio.rss_overhead_bytes);
  // The total RSS overhead, kept by Redis for backwards compatibility.
  PairDouble(r, "fragmentation", ratio.fragmentation);
  Pair(r, "fragmentation.bytes", ratio.fragmentation_bytes);
}

std::string MemoryDoctorReport(const MemoryBreakdown& m, const ProcessMemory& p) {
  // Under 5 MB there is too little to judge.
  if (m.used < 5 * kMiB) {
    return "Hi Sam, this instance is empty or is using very little memory, my issues detector "
           "can't be used in these conditions. Please, leave for your mission on Earth and fill "
           "it with some data. The new Sam and I will be back to our programming as soon as I "
           "finished rebooting.\n";
  }
  const MemoryRatios r = ComputeRatios(m, p);
  constexpr int64_t k10MiB = 10 * kMiB;
  std::string issues;
  if (static_cast<float>(m.peak) / m.used > 1.5f) {
    issues +=
        " * Peak memory: In the past this instance used more than 150% the memory that is "
        "currently using. The allocator is normally not able to release memory after a peak, so "
        "you can expect to see a big fragmentation ratio, however this is actually harmless and "
        "is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) is "
        "currently bigger than expected, the memory will be used as soon as you fill the Redis "
        "instance with more data. If the memory peak was only occasional and you want to try to "
        "reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is "
        "to shutdown and restart the instance.\n\n";
  }
  if (r.fragmentation > 1.4f && r.fragmentation_bytes > k10MiB) {
    issues +=
        " * High total RSS: This instance has a memory fragmentation and RSS overhead greater "
        "than 1.4 (this means that the Resident Set Size of the Redis process is much larger "
        "than the sum of the logical allocations Redis performed). This problem is usually due "
        "either to a large peak memory (check if there is a peak memory entry above in the "
        "report) or may result from a workload that causes the allocator to fragment memory a "
        "lot. If the problem is a large peak memory, then there is no issue. Otherwise, make "
        "sure you are using the Jemalloc allocator and not the default libc malloc. Note: The "
        "currently used allocator is \"libc\".\n\n";
  }
  if (r.allocator_frag > 1.1f && r.allocator_frag_bytes > k10MiB) {
    issues +=
        " * High allocator fragmentation: This instance has an allocator external "
        "fragmentation greater than 1.1. This problem is usually due either to a large peak "
        "memory (check if there is a peak memory entry above in the report) or may result from "
        "a workload that causes the allocator to fragment memory a lot. You can try enabling "
        "'activedefrag' config option.\n\n";
  }
  if (r.allocator_rss > 1.1f && r.allocator_rss_bytes > k10MiB) {
    issues +=
        " * High allocator RSS overhead: This instance has an RSS memory overhead is greater "
        "than 1.1 (this means that the Resident Set Size of the allocator is much larger than "
        "the sum what the allocator actually holds). This problem is usually due to a large "
        "peak memory (check if there is a peak memory entry above in the report), you can try "
        "the MEMORY PURGE command to reclaim it.\n\n";
  }
  if (r.rss_overhead > 1.1f && r.rss_overhead_bytes > k10MiB) {
    issues +=
        " * High process RSS overhead: This instance has non-allocator RSS memory overhead is "
        "greater than 1.1 (this means that the Resident Set Size of the Redis process is much "
        "larger than the RSS the allocator holds). This problem may be due to Lua scripts or "
        "Modules.\n\n";
  }
  if (m.replica_count > 0 && m.clients_slaves > 10 * kMiB) {
    issues +=
        " * Big replica buffers: The replica output buffers in this instance are greater than "
        "10MB for each replica (on average). This likely means that there is some replica "
        "instance that is struggling receiving data, either because it is too slow or because "
        "of networking issues. As a result, data piles on the master output buffers. Please try "
        "to identify what replica is not receiving data correctly and why. You can use the INFO "
        "output in order to check the replicas delays and the CLIENT LIST command to check the "
        "output buffers of each replica.\n\n";
  }
  if (m.normal_client_count > 0 && m.clients_normal / m.normal_client_count > 200 * 1024) {
    issues +=
        " * Big client buffers: The clients output buffers in this instance are greater than "
        "200K per client (on average). This may result from different causes, like Pub/Sub "
        "clients subscribed to channels bot not receiving data fast enough, so that data piles "
        "on the Redis instance output buffer, or clients sending commands with large replies or "
        "very large sequences of commands in the same pipeline. Please use the CLIENT LIST "
        "command in order to investigate the issue if it causes problems in your instance, or "
        "to understand better why certain clients are using a big amount of memory.\n\n";
  }
  if (m.cached_scripts > 1000) {
    issues +=
        " * Many scripts: There seem to be many cached scripts in this instance (more than "
        "1000). This may be because scripts are generated and `EVAL`ed, instead of being "
        "parameterized (with KEYS and ARGV), `SCRIPT LOAD`ed and `EVALSHA`ed. Unless `SCRIPT "
        "FLUSH` is called periodically, the scripts' caches may end up consuming most of your "
        "memory.\n\n";
  }
  if (issues.empty()) {
    return "Hi Sam, I can't find any memory issue in your instance. I can only account for what "
           "occurs on this base.\n";
  }
  return "Sam, I detected a few issues in this Redis instance memory implants:\n\n" + issues +
         "I'm here to keep you safe, Sam. I want to help you.\n";
}

void CmdMemoryDoctor(CommandContext& ctx) {
  const MemoryBreakdown m = MeasureMemory(ctx.server);
  ctx.reply.Verbatim("txt", MemoryDoctorReport(m, MeasureProcessMemory(ctx.server, m)));
}

}  // namespace kvd
