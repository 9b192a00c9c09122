#pragma once
// Runs one parsed command for one client: looks it up, checks arity and authentication,
// runs the handler, keeps INFO's counters. Never blocks.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/client_pause.h"
#include "server/client_state.h"
#include "server/monitor.h"
#include "server/server_state.h"

namespace kvd {

class Dispatcher {
 public:
  explicit Dispatcher(ServerState& server);
  ~Dispatcher();

  // Appends the command's reply to `out`, encoded for the client's protocol version, unless
  // CLIENT REPLY drops it. A command that blocks or is held by CLIENT PAUSE replies later,
  // through ClientState::resume.
  void Execute(ClientState& client, std::span<const std::string_view> args, std::string& out);
  // The same for a command already looked up: `command` is args[0]'s entry in the command
  // table, null when there is none (a connection looks up a whole batch ahead of running
  // it, server/batch_prefetch.h).
  void Execute(ClientState& client, std::span<const std::string_view> args, std::string& out,
               const CommandSpec* command);

  // Periodic work (the server's cron): ends a CLIENT PAUSE whose time is up and runs what it
  // held.
  void Cron(int64_t now_ms);

  // CLIENT PAUSE / UNPAUSE and MONITOR. Held commands run after the command that ended the
  // pause, or at the next Cron once its time is up.
  ClientPause& pause() { return pause_; }
  Monitors& monitors() { return monitors_; }

  // EXEC (server/transaction_exec.cpp): runs the client's queued commands one after the
  // other with nothing in between, replying an array of their replies. What they change is
  // logged together once they are done, and the clients blocked on keys they gave data to
  // are served after that.
  void Exec(CommandContext& ctx);

  // Blocked clients (dispatcher_blocking.cpp): serves the waiters of every ready key, first
  // blocked first, by running their command again. Runs after every command; the cron runs
  // it after the active expiry cycle.
  void ServeBlockedClients() {
    // A served command may itself make keys ready (BLMOVE pushes): ServeReadyKeys serves
    // them after the keys already ready, never a nested one. Inside EXEC, they wait for its
    // end.
    if (!serving_blocked_ && !in_exec_ && server_.blocked.HasReady()) ServeReadyKeys();
  }

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
           ReplyWriter& reply, int64_t now_ms, int64_t start_us);

  void ServeReadyKeys();
  void ServeKey(size_t db, const std::string& key);
  void RunAgain(ClientState& client);
  bool serving_blocked_ = false;
  bool rerun_ = false;  // a blocked command runs again: monitors saw it when it blocked

  // Execute without CLIENT REPLY's filter (a held command's reply goes through resume).
  void Dispatch(ClientState& client, std::span<const std::string_view> args, std::string& out,
                const CommandSpec* command);
  // Runs the commands CLIENT PAUSE held, in the order they came (dispatcher_pause.cpp).
  void ReleaseHeld();
  bool HeldMayRun(const ClientState& client) const;
  ClientPause pause_;
  Monitors monitors_;

  ServerState& server_;
};

// CLIENT REPLY's filter: drops what the client's command appended to `out` from `from` on
// when its replies are off or skipped, then moves SKIP on to the next command, as Redis's
// resetClient. Called once per command, when its reply is made (or comes, once blocked):
// inline, as nearly every client has its replies on.
void ApplyReplyMode(ClientState& client, std::string& out, size_t from);
inline void FilterReply(ClientState& client, std::string& out, size_t from) {
  if (client.reply_mode != ClientState::ReplyMode::kOn) ApplyReplyMode(client, out, from);
}

}  // namespace kvd
