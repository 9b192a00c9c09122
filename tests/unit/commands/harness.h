#pragma once
// Runs commands through the real dispatcher and command table, without sockets, on a
// manual clock. Run() returns the raw RESP reply.
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/store.h"
#include "server/client_state.h"
#include "server/command.h"
#include "server/config.h"
#include "server/dispatcher.h"
#include "server/server_state.h"

namespace kvd::testing {

class Harness {
 public:
  Harness() : store(16), server(config, store, table, clock), dispatcher(server) {
    RegisterAllCommands(table);
    table.Freeze();
    client.id = server.next_client_id++;
    client.authenticated = true;
    server.AddClient(client);
  }
  ~Harness() { server.RemoveClient(client); }

  std::string Run(std::initializer_list<std::string_view> args) {
    return Run(std::vector<std::string_view>(args));
  }
  std::string Run(const std::vector<std::string_view>& args) {
    std::string out;
    dispatcher.Execute(client, args, out);
    return out;
  }

  ManualClock clock;
  Config config;
  Store store;
  CommandTable table;
  ServerState server;
  Dispatcher dispatcher;
  ClientState client;
};

}  // namespace kvd::testing
