#pragma once
// MIGRATE's connections to its targets, kept for reuse as Redis keeps them
// (migrate_cached_sockets): one per "host:port" as given, at most 64, each closed by the cron
// once unused for more than 10 seconds or when MIGRATE finds it broken.
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <string_view>

#include "server/blocking_socket.h"

namespace kvd {

class MigrateConnections {
 public:
  static constexpr size_t kMaxCached = 64;
  static constexpr int64_t kIdleSeconds = 10;

  struct Connection {
    std::unique_ptr<BlockingSocket> socket;
    int64_t last_db = -1;  // the target database last selected; -1: unknown
    int64_t last_use_sec = 0;
  };

  // The cached connection to host:port, or a new one (a random cached one is closed first
  // when kMaxCached are open); null when no connection could be started.
  Connection* Get(std::string_view host, std::string_view port, int64_t now_sec);
  void Close(std::string_view host, std::string_view port);
  // Closes the connections unused for more than kIdleSeconds (Redis's serverCron).
  void CloseIdle(int64_t now_sec);
  size_t size() const { return cached_.size(); }

 private:
  std::map<std::string, Connection, std::less<>> cached_;  // by "host:port"
  std::minstd_rand random_;  // picks the connection a full cache closes
};

}  // namespace kvd
