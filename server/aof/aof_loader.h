#pragma once
// Loading the append-only file at startup: the base (an RDB file, possibly followed by
// commands, or commands only), then every incr file, in manifest order, each command
// replayed through the real dispatcher by an internal client (ClientState::replaying_aof:
// not refused, not logged again).
//
// A file that ends inside a record was cut short by a crash. When it is the last file and
// aof-load-truncated is yes, everything before the partial record is kept, the file is
// truncated to its last whole record (as Redis does) and loading succeeds with a warning
// naming the file and offset. Otherwise, and for any damage (a record that is not a valid
// command where one must start, an unknown command), loading fails with an error naming the
// file and offset, and no file is changed.
//
// AofLoader does the work a step at a time, so that the server can answer other clients
// (with -LOADING) between steps (aof_background_load.h); LoadAofFiles runs it to the end.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/rdb_reader.h"
#include "core/store.h"
#include "server/aof/aof_manifest.h"
#include "server/client_state.h"

namespace kvd {

class Dispatcher;
class ServerState;
class AofRecordReader;

struct AofLoadResult {
  std::string error;        // "" on success
  uint64_t total_size = 0;  // bytes of the base and incr files after loading
  uint64_t base_size = 0;
  uint64_t last_incr_size = 0;
  bool truncated = false;   // the last file was cut back to its last whole record
};

class AofLoader {
 public:
  enum class Next {
    kRdb,       // the base's RDB part: LoadRdbPart, then RdbPartDone
    kCommands,  // commands to replay: ReplaySome
    kDone,      // everything loaded: result()
    kFailed,    // result().error says why
  };
  struct RdbPart {
    std::string error;
    RdbLoadInfo info;
    size_t size = 0;  // where the RDB data ended in the file (commands may follow)
  };

  AofLoader(ServerState& state, std::string aof_dir, AofManifest manifest, bool load_truncated);
  ~AofLoader();
  AofLoader(const AofLoader&) = delete;
  AofLoader& operator=(const AofLoader&) = delete;

  // Checks that every file the manifest names is there (Redis: a missing one is fatal) and
  // sums their sizes. Returns "" or the error. Nothing is loaded yet.
  std::string Prepare();
  uint64_t total_bytes() const { return total_bytes_; }
  // The bytes loaded so far, over all files (progress).
  uint64_t loaded_bytes() const;
  uint64_t commands_replayed() const { return commands_replayed_; }

  Next next() const { return next_; }

  // kRdb: reads the RDB data at the start of the current file into `into` (replacing its
  // databases on success). Touches nothing else, so it may run on any thread while the
  // store strand goes on; `progress` as for LoadRdb.
  RdbPart LoadRdbPart(Store& into, int64_t now_ms, const RdbProgressFn& progress) const;
  // On the store strand, once the part is in state.store (or failed): goes on with the
  // commands after it, or the next file.
  void RdbPartDone(const RdbPart& part);

  // kCommands, on the store strand: replays commands of the current file, asking `more`
  // after each one whether to go on; stops at the end of the file.
  void ReplaySome(const std::function<bool()>& more);

  const AofLoadResult& result() const { return result_; }

 private:
  struct File {
    AofFileInfo info;
    uint64_t size = 0;
  };
  struct Outcome;

  void BeginFile();
  void OpenCommands(uint64_t offset);
  void EndFile(const Outcome& outcome);
  void Fail(std::string error);
  void Execute(std::span<const std::string_view> args);

  ServerState& state_;
  std::string aof_dir_;
  AofManifest manifest_;
  bool load_truncated_;
  std::vector<File> files_;
  size_t current_ = 0;  // index into files_
  Next next_ = Next::kDone;
  uint64_t total_bytes_ = 0;
  uint64_t done_bytes_ = 0;  // bytes of the files before the current one
  uint64_t commands_replayed_ = 0;
  int64_t file_start_us_ = 0;

  // The file being replayed.
  int fd_ = -1;
  std::unique_ptr<AofRecordReader> reader_;
  std::unique_ptr<Dispatcher> dispatcher_;
  ClientState client_;
  std::vector<std::vector<std::string>> transaction_;
  bool in_multi_ = false;
  uint64_t valid_before_multi_ = 0;
  std::string reply_;

  AofLoadResult result_;
};

// Loads the files `manifest` lists from `aof_dir` into state.store at once (state.loading is
// set meanwhile). An empty manifest loads nothing.
AofLoadResult LoadAofFiles(ServerState& state, const std::string& aof_dir,
                           const AofManifest& manifest, bool load_truncated);

}  // namespace kvd
