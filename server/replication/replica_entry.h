#pragma once
// A master's record of one replica (Replication::Replica): what it announced, where its sync
// stands, what it acknowledged. Private to server/replication/.
#include <unistd.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "server/client_state.h"
#include "server/replication/replication.h"

namespace kvd {

struct Replication::Replica {
  enum class State {
    kAnnounced,        // REPLCONF only: not a replica yet
    kWaitSnapshot,     // SYNC/PSYNC: waits for a snapshot to start
    kSnapshotStarted,  // its snapshot is being written; the stream is held in `pending`
    kSending,          // the snapshot file goes out; the stream is still held
    kOnline,           // gets the stream as it happens
  };
  ClientState* client = nullptr;
  State state = State::kAnnounced;
  bool psync = false;  // came with PSYNC (it expects +FULLRESYNC before the payload)
  bool capa_eof = false;
  bool capa_psync2 = false;
  bool rdb_only = false;           // REPLCONF rdb-only 1: the snapshot and no stream
  bool exclude_data = false;       // REPLCONF rdb-filter-only: a snapshot without keys...
  bool exclude_functions = false;  // ... and without libraries unless "functions" was asked
  int listening_port = 0;
  std::string ip;  // REPLCONF ip-address, else the connection's
  int64_t ack_offset = 0;
  int64_t ack_time_ms = 0;
  uint64_t snapshot_generation = 0;
  std::string pending;  // the stream since its snapshot began
  int file = -1;        // kSending: the snapshot, unlinked, read through this descriptor
  uint64_t file_size = 0;
  uint64_t file_sent = 0;

  ~Replica() {
    if (file >= 0) ::close(file);
  }
  void Push(std::string_view bytes) const {
    if (client->link) client->link->Push(bytes);
  }
  // The address it announced, else its connection's.
  std::string Ip() const {
    if (!ip.empty()) return ip;
    return client->addr.substr(0, client->addr.rfind(':'));
  }
  // "ip:port" as Redis names a replica in its log (the port it listens on).
  std::string Name() const { return Ip() + ":" + std::to_string(listening_port); }
};

}  // namespace kvd
