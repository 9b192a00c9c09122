#include "server/memory_figures.h"

#include <malloc.h>
#include <unistd.h>

#include <fstream>

#include "core/keyspace.h"
#include "core/store.h"
#include "server/aof/aof.h"
#include "server/client_state.h"
#include "server/replication/replication.h"
#include "server/scripting/scripting.h"
#include "server/server_state.h"

namespace kvd {

MemoryBreakdown MeasureMemory(ServerState& server) {
  MemoryBreakdown m;
  for (const auto& [id, c] : server.clients) {
    const size_t bytes = c->MemoryBytes();
    if (c->replica) {
      m.clients_slaves += bytes;
      ++m.replica_count;
    } else {
      m.clients_normal += bytes;
      ++m.normal_client_count;
    }
  }
  if (server.replication != nullptr && server.replication->backlog() != nullptr) {
    m.replication_backlog = server.replication->backlog()->AllocatedBytes();
  }
  if (server.aof != nullptr) {
    const AofInfo aof = server.aof->Info();
    if (aof.enabled) m.aof_buffer = aof.buffer_length;
  }
  if (server.script_run.engine) {
    const ScriptingMemory lua = server.script_run.engine->Memory();
    m.lua_caches = lua.eval_scripts;
    m.functions_caches = lua.functions;
    m.cached_scripts = lua.cached_scripts;
  }
  size_t tables = 0;
  for (size_t i = 0; i < server.store.DatabaseCount(); ++i) {
    const Keyspace& db = server.store.Db(i);
    const size_t keys = db.Stats().entries;
    if (keys == 0) continue;
    m.dbs.push_back({i, keys, db.MainTableBytes(), db.ExpiresTableBytes()});
    m.keys += keys;
    tables += db.MainTableBytes() + db.ExpiresTableBytes();
  }
  m.not_counted_for_evict =
      m.replication_backlog + m.aof_buffer + m.lua_caches + m.functions_caches;
  // Values handed to the lazyfree thread count until they are freed, as in Redis.
  m.used = server.store.AllocatedBytes() + server.lazyfree.PendingBytes() + m.clients_normal +
           m.clients_slaves + m.not_counted_for_evict;
  if (m.used > server.used_memory_peak) server.used_memory_peak = m.used;
  m.peak = server.used_memory_peak;
  m.startup = server.used_memory_startup;
  m.overhead = m.startup + m.replication_backlog + m.clients_slaves + m.clients_normal +
               m.aof_buffer + m.lua_caches + m.functions_caches + tables;
  m.dataset = m.used > m.overhead ? m.used - m.overhead : 0;
  return m;
}

size_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  size_t total_pages = 0, resident_pages = 0;
  if (!(statm >> total_pages >> resident_pages)) return 0;
  return resident_pages * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

ProcessMemory MeasureProcessMemory(const ServerState& server, const MemoryBreakdown& m) {
  size_t lua_vm_bytes = 0;
  if (server.script_run.engine) {
    const ScriptingMemory lua = server.script_run.engine->Memory();
    lua_vm_bytes = lua.eval_vm + lua.functions_vm;
  }
  ProcessMemory p;
  p.rss = ResidentBytes();
  const struct mallinfo2 info = mallinfo2();
  p.allocator_allocated = info.uordblks + info.hblkhd;
  p.allocator_active = info.arena + info.hblkhd;
  p.allocator_resident = p.rss > lua_vm_bytes ? p.rss - lua_vm_bytes : 0;
  if (p.allocator_active == 0) p.allocator_active = p.allocator_resident;
  if (p.allocator_allocated == 0) p.allocator_allocated = m.used;
  return p;
}

namespace {

float Ratio(size_t a, size_t b) { return b == 0 ? 0.0f : static_cast<float>(a) / b; }
int64_t Diff(size_t a, size_t b) { return static_cast<int64_t>(a) - static_cast<int64_t>(b); }

}  // namespace

MemoryRatios ComputeRatios(const MemoryBreakdown& m, const ProcessMemory& p) {
  MemoryRatios r;
  r.allocator_frag = Ratio(p.allocator_active, p.allocator_allocated);
  r.allocator_frag_bytes = Diff(p.allocator_active, p.allocator_allocated);
  r.allocator_rss = Ratio(p.allocator_resident, p.allocator_active);
  r.allocator_rss_bytes = Diff(p.allocator_resident, p.allocator_active);
  r.rss_overhead = Ratio(p.rss, p.allocator_resident);
  r.rss_overhead_bytes = Diff(p.rss, p.allocator_resident);
  r.fragmentation = Ratio(p.rss, m.used);
  r.fragmentation_bytes = Diff(p.rss, m.used);
  r.peak_perc = m.peak == 0 ? 0.0f : static_cast<float>(m.used) * 100 / m.peak;
  // As Redis: the share of what was added since startup (1 byte when nothing was).
  const size_t net = m.used > m.startup ? m.used - m.startup : 1;
  r.dataset_perc = static_cast<float>(m.dataset) * 100 / net;
  r.bytes_per_key = m.keys == 0 ? 0 : net / m.keys;
  return r;
}

}  // namespace kvd
