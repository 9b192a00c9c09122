#include "server/persistence.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

#include "core/snapshot.h"  // files written by kvd before it wrote RDB
#include "server/atomic_file.h"
#include "server/config.h"
#include "server/fd.h"
#include "server/replication/replication.h"
#include "server/scripting/function_persistence.h"
#include "server/server_state.h"

namespace kvd {
namespace {

std::string SysError(std::string_view what, const std::string& path) {
  return std::string(what) + " '" + path + "': " + std::strerror(errno);
}

// What Redis saves of each key's access: what its policy evicts by (MAXMEMORY_FLAG_LRU/LFU).
RdbAccessInfo RdbAccessFor(std::string_view maxmemory_policy) {
  if (maxmemory_policy.ends_with("-lru")) return RdbAccessInfo::kIdle;
  if (maxmemory_policy.ends_with("-lfu")) return RdbAccessInfo::kFreq;
  return RdbAccessInfo::kNone;
}

}  // namespace

std::string SaveSnapshotFile(const Store& store, const std::string& dir,
                             const std::string& filename, int64_t now_ms,
                             const RdbOptions& options) {
  AtomicFile file(dir, filename, "snapshot");
  if (std::string err = file.Open(); !err.empty()) return err;
  std::string write_err;
  std::string err = WriteRdb(store, now_ms, options, [&](std::string_view block) {
    write_err = file.Write(block);
    return write_err.empty();
  });
  if (!write_err.empty()) return write_err;
  if (!err.empty()) return "Failed saving the snapshot to '" + file.target() + "': " + err;
  return file.Commit();
}

std::string LoadSnapshotFile(Store& store, const std::string& dir, const std::string& filename,
                             int64_t now_ms, bool* found, RdbLoadInfo* info,
                             const RdbProgressFn& progress) {
  const std::string path = PathIn(dir, filename);
  *found = false;
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return "";
    *found = true;
    return SysError("Failed opening the snapshot file", path);
  }
  *found = true;
  std::string data;
  if (!ReadAll(fd.get(), data)) return SysError("Failed reading the snapshot file", path);
  if (data.starts_with(kSnapshotMagic)) {
    if (SnapshotError err = DecodeSnapshot(data, now_ms, store)) {
      return "Bad snapshot file '" + path + "': " + err.message;
    }
    return "";
  }
  if (std::string err = LoadRdb(data, now_ms, store, info, progress); !err.empty()) {
    return "Bad snapshot file '" + path + "': " + err;
  }
  return "";
}

RdbOptions RdbOptionsFrom(ServerState& state) {
  const ConfigValues& cfg = state.config.values();
  RdbOptions options;
  options.functions = LibraryCodes(state);
  options.compression = cfg.rdbcompression;
  options.checksum = cfg.rdbchecksum;
  options.access = RdbAccessFor(cfg.maxmemory_policy);
  return options;
}

RdbOptions SnapshotRdbOptions(ServerState& state) {
  RdbOptions options = RdbOptionsFrom(state);
  RdbReplicationInfo repl;
  if (state.replication != nullptr && state.replication->SaveInfo(repl)) {
    options.replication = std::move(repl);
  }
  return options;
}

std::string SaveServerSnapshot(ServerState& state) {
  const ConfigValues& cfg = state.config.values();
  const int64_t now_ms = state.clock.NowMs();
  std::string err =
      SaveSnapshotFile(state.store, cfg.dir, cfg.dbfilename, now_ms, SnapshotRdbOptions(state));
  if (!err.empty()) {
    spdlog::warn("{}", err);
    return err;
  }
  spdlog::info("DB saved on disk");
  state.stats.dirty = 0;
  state.last_save_time = now_ms / 1000;
  ++state.rdb_saves;
  return "";
}

std::string LoadServerSnapshot(ServerState& state) {
  const ConfigValues& cfg = state.config.values();
  const int64_t start_us = state.clock.NowUs();
  bool found = false;
  RdbLoadInfo info;
  state.loading = true;
  std::string err = LoadSnapshotFile(state.store, cfg.dir, cfg.dbfilename, start_us / 1000,
                                     &found, &info);
  state.loading = false;
  if (!err.empty() || !found) return err;
  if (err = LoadLibraryCodes(state, info.functions); !err.empty()) {
    return "Bad snapshot file '" + PathIn(cfg.dir, cfg.dbfilename) + "': " + err;
  }
  RecordSnapshotLoad(state, info, static_cast<double>(state.clock.NowUs() - start_us) / 1e6);
  return "";
}

void RecordSnapshotLoad(ServerState& state, const RdbLoadInfo& info, double seconds) {
  state.rdb_last_load_keys_loaded = info.keys_loaded;
  state.rdb_last_load_keys_expired = info.keys_expired;
  if (info.version != 0) {  // an RDB file (not kvd's interim format)
    spdlog::info("Loading RDB produced by version {}",
                 info.redis_version.empty() ? std::string("unknown") : info.redis_version);
    spdlog::info("Done loading RDB, keys loaded: {}, keys expired: {}.", info.keys_loaded,
                 info.keys_expired);
  }
  spdlog::info("DB loaded from disk: {:.3f} seconds", seconds);
}

}  // namespace kvd
