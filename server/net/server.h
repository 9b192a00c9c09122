#pragma once
// The daemon: owns the store, the command machinery and the Asio loop (listeners, cron,
// signals). Kept free of Asio so main.cpp compiles quickly.
#include <memory>
#include <string>

#include "server/config.h"

namespace kvd::net {

class Server {
 public:
  Server(Config& config, std::string executable);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the listeners, writes the pidfile and starts loading the snapshot in the
  // background (a damaged file ends Run with exit code 1). Returns "" or why the server
  // cannot start (logged by the caller).
  std::string Start();
  // Serves until SIGTERM/SIGINT or SHUTDOWN; returns the process exit code.
  int Run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kvd::net
