#include "server/aof/aof_loader.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include <spdlog/spdlog.h>

#include "core/rdb_reader.h"
#include "core/text.h"
#include "server/aof/aof_files.h"
#include "server/aof/aof_format.h"
#include "server/client_state.h"
#include "server/dispatcher.h"
#include "server/fd.h"
#include "server/persistence.h"
#include "server/server_state.h"

namespace kvd {
namespace {

struct FileResult {
  enum class Kind { kOk, kTruncated, kFailed } kind = Kind::kOk;
  std::string error;
  uint64_t valid_offset = 0;  // kTruncated: keep the file up to here
};

FileResult Failed(std::string error) {
  return {FileResult::Kind::kFailed, std::move(error), 0};
}

bool StartsWithRdbMagic(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  char magic[5];
  return fd.get() >= 0 && ::read(fd.get(), magic, sizeof magic) == 5 &&
         std::memcmp(magic, "REDIS", 5) == 0;
}

// Replays one file of commands through a fresh internal client, as Redis's
// loadSingleAppendOnlyFile does with its fake client. MULTI ... EXEC (written by Redis around
// commands that must apply together) runs the queued commands at EXEC; a file that ends
// inside a transaction is cut back to before its MULTI.
FileResult ReplayCommands(ServerState& state, const std::string& aof_dir,
                          const std::string& name) {
  const std::string path = JoinPath(aof_dir, name);
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return Failed(FileError("Can't open the append only file", path));

  Dispatcher dispatcher(state);
  ClientState client;
  client.authenticated = true;
  client.replaying_aof = true;
  // As Redis's AOF client: a blocking command answers at once, as if it had timed out.
  client.deny_blocking = true;
  client.addr = "aof";

  AofRecordReader reader(fd.get());
  std::vector<std::string_view> args;
  std::vector<std::vector<std::string>> transaction;
  bool in_multi = false;
  uint64_t valid_before_multi = 0;
  std::string reply;
  auto where = [&](uint64_t offset) {
    return "the append only file " + name + " at offset " + std::to_string(offset);
  };
  for (;;) {
    switch (reader.Next(args)) {
      case AofRecordReader::Status::kEnd:
        if (in_multi) {
          spdlog::warn("Revert incomplete MULTI/EXEC transaction in AOF file {}", name);
          return {FileResult::Kind::kTruncated, "", valid_before_multi};
        }
        return {};
      case AofRecordReader::Status::kTruncated:
        return {FileResult::Kind::kTruncated, "",
                in_multi ? valid_before_multi : reader.record_offset()};
      case AofRecordReader::Status::kIoError:
        return Failed("Unrecoverable error reading the append only file " + name + ": " +
                      reader.error());
      case AofRecordReader::Status::kDamaged:
        return Failed("Bad file format reading " + where(reader.damage_offset()) + ": " +
                      reader.error());
      case AofRecordReader::Status::kRecord:
        break;
    }
    if (EqualsIgnoreCase(args[0], "multi")) {
      if (!in_multi) valid_before_multi = reader.record_offset();
      in_multi = true;
      transaction.clear();
      continue;
    }
    if (in_multi && EqualsIgnoreCase(args[0], "exec")) {
      for (const std::vector<std::string>& command : transaction) {
        std::vector<std::string_view> views(command.begin(), command.end());
        reply.clear();
        dispatcher.Execute(client, views, reply);
      }
      transaction.clear();
      in_multi = false;
      continue;
    }
    if (state.commands.Find(args[0]) == nullptr) {
      return Failed("Unknown command '" + PrintableKey(args[0]) + "' reading " +
                    where(reader.record_offset()));
    }
    if (in_multi) {
      transaction.emplace_back(args.begin(), args.end());
      continue;
    }
    // The reply (an error for a command that cannot apply, as when Redis logged it) is not
    // anyone's: Redis's fake client discards it too.
    reply.clear();
    dispatcher.Execute(client, args, reply);
  }
}

FileResult LoadBaseRdb(ServerState& state, const std::string& aof_dir, const std::string& name) {
  spdlog::info("Reading RDB base file on AOF loading...");
  bool found = false;
  RdbLoadInfo info;
  std::string err = LoadSnapshotFile(state.store, aof_dir, name, state.clock.NowMs(), &found,
                                     &info);
  if (!err.empty()) return Failed("Error reading the RDB base file " + name + ": " + err);
  spdlog::info("Done loading RDB, keys loaded: {}, keys expired: {}.", info.keys_loaded,
               info.keys_expired);
  return {};
}

// Applies the outcome of loading one file; returns "" to go on or the error.
std::string Settle(const FileResult& r, const std::string& aof_dir, const std::string& name,
                   bool last_file, bool load_truncated, int64_t start_us, ServerState& state,
                   std::string_view kind, AofLoadResult& result) {
  if (r.kind == FileResult::Kind::kFailed) return r.error;
  if (r.kind == FileResult::Kind::kTruncated) {
    const std::string where =
        "the append only file " + name + " at offset " + std::to_string(r.valid_offset);
    if (!last_file) {
      return "Unexpected end of " + where + ", which is not the last file";
    }
    if (!load_truncated) {
      return "Unexpected end of " + where +
             ". Make a backup of the file and truncate it to its last whole command, or set "
             "aof-load-truncated to yes and restart the server";
    }
    const std::string path = JoinPath(aof_dir, name);
    spdlog::warn("!!! Warning: short read while loading the AOF file {}!!!", name);
    spdlog::warn("!!! Truncating the AOF {} at offset {} !!!", name, r.valid_offset);
    if (::truncate(path.c_str(), static_cast<off_t>(r.valid_offset)) != 0) {
      return FileError("Error truncating the AOF file", path);
    }
    spdlog::warn("AOF {} loaded anyway because aof-load-truncated is enabled", name);
    result.truncated = true;
  }
  spdlog::info("DB loaded from {} file {}: {:.3f} seconds", kind, name,
               static_cast<double>(state.clock.NowUs() - start_us) / 1e6);
  return "";
}

}  // namespace

AofLoadResult LoadAofFiles(ServerState& state, const std::string& aof_dir,
                           const AofManifest& manifest, bool load_truncated) {
  AofLoadResult result;
  if (manifest.empty()) return result;
  // Every file the manifest names must be there before anything loads (Redis: a file in the
  // manifest missing on disk is fatal).
  std::vector<std::pair<const AofFileInfo*, uint64_t>> files;
  if (manifest.base) files.emplace_back(&*manifest.base, 0);
  for (const AofFileInfo& f : manifest.incr) files.emplace_back(&f, 0);
  for (auto& [info, size] : files) {
    const std::string path = JoinPath(aof_dir, info->name);
    auto s = FileSize(path);
    if (!s) {
      result.error = FileError("The append only file listed in the manifest can't be read",
                               path);
      return result;
    }
    size = *s;
    result.total_size += size;
  }
  if (result.total_size == 0) return result;  // Redis's AOF_EMPTY: nothing to load

  state.loading = true;
  for (size_t i = 0; i < files.size(); ++i) {
    const AofFileInfo& f = *files[i].first;
    const bool last = i + 1 == files.size();
    const bool is_base = f.type == AofFileInfo::Type::kBase;
    const int64_t start_us = state.clock.NowUs();
    FileResult r;
    if (is_base && StartsWithRdbMagic(JoinPath(aof_dir, f.name))) {
      r = LoadBaseRdb(state, aof_dir, f.name);
    } else if (files[i].second > 0) {
      r = ReplayCommands(state, aof_dir, f.name);
    }
    std::string err = Settle(r, aof_dir, f.name, last, load_truncated, start_us, state,
                             is_base ? "base" : "incr", result);
    if (!err.empty()) {
      state.loading = false;
      result.error = std::move(err);
      return result;
    }
    if (r.kind == FileResult::Kind::kTruncated) {
      result.total_size -= files[i].second - r.valid_offset;
      files[i].second = r.valid_offset;
    }
  }
  state.loading = false;
  if (manifest.base) result.base_size = files.front().second;
  if (!manifest.incr.empty()) result.last_incr_size = files.back().second;
  return result;
}

}  // namespace kvd
