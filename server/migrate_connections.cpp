#include "server/migrate_connections.h"

#include <cstdlib>
#include <iterator>

namespace kvd {
namespace {

std::string Name(std::string_view host, std::string_view port) {
  std::string name(host);
  name += ':';
  name += port;
  return name;
}

}  // namespace

MigrateConnections::Connection* MigrateConnections::Get(std::string_view host,
                                                        std::string_view port, int64_t now_sec) {
  std::string name = Name(host, port);
  if (auto it = cached_.find(name); it != cached_.end()) {
    it->second.last_use_sec = now_sec;
    return &it->second;
  }
  if (cached_.size() >= kMaxCached) {
    // A random one, as in Redis.
    std::uniform_int_distribution<long> pick(0, static_cast<long>(cached_.size()) - 1);
    cached_.erase(std::next(cached_.begin(), pick(random_)));
  }
  // The port as Redis's atoi reads it: leading digits, 0 when none; 16 bits on the wire.
  const auto port_number = static_cast<uint16_t>(std::atoi(std::string(port).c_str()));
  std::unique_ptr<BlockingSocket> socket = BlockingSocket::Connect(std::string(host), port_number);
  if (socket == nullptr) return nullptr;
  Connection& c = cached_[std::move(name)];
  c.socket = std::move(socket);
  c.last_use_sec = now_sec;
  return &c;
}

void MigrateConnections::Close(std::string_view host, std::string_view port) {
  if (auto it = cached_.find(Name(host, port)); it != cached_.end()) cached_.erase(it);
}

void MigrateConnections::CloseIdle(int64_t now_sec) {
  std::erase_if(cached_, [now_sec](const auto& entry) {
    return now_sec - entry.second.last_use_sec > kIdleSeconds;
  });
}

}  // namespace kvd
