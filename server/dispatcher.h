#pragma once
// Runs one parsed command for one client: looks it up, checks arity and authentication,
// runs the handler, keeps INFO's counters. Never blocks.
#include <span>
#include <string>
#include <string_view>

#include "server/client_state.h"
#include "server/server_state.h"

namespace kvd {

class Dispatcher {
 public:
  explicit Dispatcher(ServerState& server) : server_(server) {}

  // Appends the command's reply to `out`, encoded for the client's protocol version.
  void Execute(ClientState& client, std::span<const std::string_view> args, std::string& out);

 private:
  // Hands what the command changed to ServerState::propagate.
  void Propagate(const CommandContext& ctx);

  ServerState& server_;
};

}  // namespace kvd
