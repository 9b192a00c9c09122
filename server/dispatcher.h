#pragma once
// Runs one parsed command for one client: looks it up, checks arity and authentication,
// runs the handler, keeps INFO's counters. Never blocks.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/client_state.h"
#include "server/server_state.h"

namespace kvd {

class Dispatcher {
 public:
  explicit Dispatcher(ServerState& server) : server_(server) {}

  // Appends the command's reply to `out`, encoded for the client's protocol version.
  void Execute(ClientState& client, std::span<const std::string_view> args, std::string& out);

  // EXEC (server/transaction_exec.cpp): runs the client's queued commands one after the
  // other with nothing in between, replying an array of their replies. What they change is
  // logged together once they are done, and the clients blocked on keys they gave data to
  // are served after that.
  void Exec(CommandContext& ctx);

 private:
  struct LoggedCommand {
    size_t db;
    std::vector<std::string> args;
  };
  // Hands what the command changed to ServerState::propagate; inside EXEC, to exec_log_.
  void Propagate(const CommandContext& ctx);
  // Hands logged commands to ServerState::propagate, wrapped in MULTI ... EXEC when there is
  // more than one, so that they replay all or nothing, as Redis logs them.
  void PropagateAll(const std::vector<LoggedCommand>& commands);
  bool in_exec_ = false;
  std::vector<LoggedCommand> exec_log_;  // what the running EXEC's commands log
  // Runs a command that passed every check: the handler, then the statistics, propagation
  // and serving of the clients blocked on keys it gave data to.
  void Run(ClientState& client, const CommandSpec& spec, std::span<const std::string_view> args,
           ReplyWriter& reply, int64_t now_ms);

  // Blocked clients (dispatcher_blocking.cpp): serves the waiters of every ready key, first
  // blocked first, by running their command again.
  void ServeBlockedClients();
  void ServeKey(size_t db, const std::string& key);
  void RunAgain(ClientState& client);
  bool serving_blocked_ = false;

  ServerState& server_;
};

}  // namespace kvd
