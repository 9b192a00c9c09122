// The replica's link to its master, full sync: the snapshot's header, its bytes (sized, or
// ended by a mark from a diskless master) written to a temporary file in dir, and, once
// whole, the file renamed to dbfilename and loaded in place of the dataset.
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "server/aof/aof.h"
#include "server/atomic_file.h"
#include "server/background_save.h"
#include "server/empty_dataset.h"
#include "server/net/master_session.h"
#include "server/persistence.h"
#include "server/scripting/function_persistence.h"

namespace kvd::net {

bool MasterSession::HandlePayloadHeader(const std::string& line) {
  const PayloadHeader header = ParsePayloadHeader(line);
  switch (header.kind) {
    case PayloadHeader::Kind::kKeepalive:
      return true;
    case PayloadHeader::Kind::kError:
      Drop("MASTER aborted replication with an error: " + line.substr(1));
      return false;
    case PayloadHeader::Kind::kBad:
      Drop("Bad protocol from MASTER, the first byte is not '$' (we received '" + line +
           "'), are you sure the host and port are right?");
      return false;
    case PayloadHeader::Kind::kSized:
    case PayloadHeader::Kind::kEofMarked:
      break;
  }
  const ConfigValues& cfg = server_.config.values();
  tmp_path_ = PathIn(cfg.dir, "temp-" + std::to_string(NowMs() / 1000) + "." +
                                  std::to_string(::getpid()) + ".rdb");
  tmp_fd_ = ::open(tmp_path_.c_str(), O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
  if (tmp_fd_ < 0) {
    Drop("Opening the temp file needed for MASTER <-> REPLICA synchronization: " +
         std::string(std::strerror(errno)));
    return false;
  }
  if (header.kind == PayloadHeader::Kind::kEofMarked) {
    spdlog::info("MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to disk");
  } else {
    spdlog::info("MASTER <-> REPLICA sync: receiving {} bytes from master to disk", header.size);
    sync_total_ = header.size;
  }
  payload_ = std::make_unique<PayloadReader>(header, [this](std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::write(tmp_fd_, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        tmp_errno_ = n < 0 ? errno : EIO;  // read after the reader's own calls
        return false;
      }
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  });
  state_ = State::kTransfer;
  return true;
}

// The whole snapshot is on disk: it becomes the dataset (and dbfilename, as in Redis).
bool MasterSession::FinishTransfer() {
  const int sync_errno = ::fsync(tmp_fd_) == 0 ? 0 : errno;  // before close() may change it
  ::close(tmp_fd_);
  tmp_fd_ = -1;
  if (sync_errno != 0) {
    Drop("Failed trying to sync the temp DB to disk in MASTER <-> REPLICA synchronization: " +
         std::string(std::strerror(sync_errno)));
    return false;
  }
  // A snapshot of the old data must neither go on nor land on dbfilename after this one.
  StopBackgroundSnapshot(server_);
  const ConfigValues& cfg = server_.config.values();
  const std::string path = PathIn(cfg.dir, cfg.dbfilename);
  if (::rename(tmp_path_.c_str(), path.c_str()) != 0) {
    Drop("Failed trying to rename the temp DB into " + cfg.dbfilename +
         " in MASTER <-> REPLICA synchronization: " + std::strerror(errno));
    return false;
  }
  tmp_path_.clear();
  // Our replicas followed the data we are about to replace.
  replication().DisconnectReplicas();
  spdlog::info("MASTER <-> REPLICA sync: Flushing old data");
  EmptyDataset(server_);
  spdlog::info("MASTER <-> REPLICA sync: Loading DB in memory");
  if (std::string err = Load(cfg.dir, cfg.dbfilename); !err.empty()) {
    spdlog::warn("{}", err);
    Drop("Failed trying to load the MASTER synchronization DB from disk, check server logs.");
    return false;
  }
  replication().OnFullSync(sync_replid_, sync_offset_);
  // The append-only log starts over from the new dataset, as Redis restarts it.
  if (server_.aof != nullptr && server_.aof->state() != Aof::State::kOff) {
    server_.aof->StartRewrite();
  }
  GoOnline(/*full=*/true);
  return true;
}

std::string MasterSession::Load(const std::string& dir, const std::string& filename) {
  Store fresh(server_.store.DatabaseCount());
  bool found = false;
  RdbLoadInfo info;
  // At time 0: a replica keeps the keys that expired (its master will delete them).
  std::string err = LoadSnapshotFile(fresh, dir, filename, 0, &found, &info);
  if (err.empty() && !found) err = "The synchronization file is missing";
  if (err.empty()) err = LoadLibraryCodes(server_, info.functions);
  if (!err.empty()) return err;
  Store& store = server_.store;
  for (size_t db = 0; db < store.DatabaseCount(); ++db) store.Db(db) = std::move(fresh.Db(db));
  spdlog::info("Loading RDB produced by version {}",
               info.redis_version.empty() ? std::string("unknown") : info.redis_version);
  spdlog::info("Done loading RDB, keys loaded: {}, keys expired: {}.", info.keys_loaded,
               info.keys_expired);
  return "";
}

}  // namespace kvd::net
