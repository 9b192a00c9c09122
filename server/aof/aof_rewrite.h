#pragma once
// Internal to the append-only file (aof.cpp, aof_rewrite.cpp): a rewrite in progress.
#include <cstdint>
#include <string>
#include <thread>

#include "server/aof/aof.h"

namespace kvd {

struct Aof::Rewrite {
  ~Rewrite() {
    if (converter.joinable()) converter.join();
  }

  uint64_t generation = 0;
  int64_t start_ms = 0;
  State mode = State::kOff;  // the log's state when the rewrite started
  bool rdb_base = true;      // aof-use-rdb-preamble when it started
  std::string base_name;     // the new base, as the manifest will name it
  std::string snapshot_name; // what the snapshot writes: base_name, or an RDB to convert
  bool snapshot_running = false;
  bool switch_pending = false;  // the writer has not switched to the new incr file yet
  std::string switch_error;
  bool base_done = false;
  std::string base_error;
  std::thread converter;  // aof-use-rdb-preamble no: RDB snapshot -> commands
};

}  // namespace kvd
