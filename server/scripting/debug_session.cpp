#include "server/scripting/debug_session.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include <spdlog/spdlog.h>

#include "server/client_state.h"
#include "server/command.h"
#include "server/scripting/lua_debugger.h"
#include "server/scripting/scripting.h"

namespace kvd {
namespace {

bool in_forked_session = false;

// The child keeps only the debugging client's socket (and the standard streams): the
// listeners and the other clients' sockets close with the parent's, not when the session
// ends, and a restarted server can bind its port while a session still runs.
void EnterForkedSession(int client_fd) {
  in_forked_session = true;
  // As Redis's debugging child: the signals that stop the server are the parent's to act on;
  // the parent kills its sessions when it shuts down.
  ::signal(SIGTERM, SIG_IGN);
  ::signal(SIGINT, SIG_IGN);
  if (client_fd > 3) ::close_range(3, static_cast<unsigned>(client_fd) - 1, 0);
  ::close_range(static_cast<unsigned>(client_fd) + 1, ~0u, 0);
}

}  // namespace

bool InForkedDebugSession() { return in_forked_session; }

void Scripting::DebugEval(CommandContext& ctx, bool read_only) {
  ClientState& client = ctx.client;
  const bool forked = client.lua_debug == ClientState::LuaDebug::kForked;
  if (forked) {
    const pid_t pid = ::fork();
    if (pid < 0) {
      client.lua_debug = ClientState::LuaDebug::kOff;
      return ctx.Error(std::string("ERR Fork() failed: can't run EVAL in debugging mode: ") +
                       std::strerror(errno));
    }
    if (pid > 0) {
      debug_sessions_.push_back(pid);
      spdlog::warn("Lua debugging session forked as process {}", pid);
      client.lua_debug = ClientState::LuaDebug::kOff;
      client.socket_handed_off = true;
      client.close_after_reply = true;
      return;
    }
    EnterForkedSession(client.fd);
  } else {
    spdlog::warn("Synchronous Lua debugging session started");
  }
  LuaDebugger debugger(client.fd, ctx.args[1]);
  Eval(ctx, false, read_only, &debugger);
  debugger.EndSession();
  if (forked) {
    // Everything the client is owed in this process, the EVAL's reply last.
    debugger.Send(ctx.reply.buffer());
    ::_exit(0);
  }
  spdlog::warn("Synchronous Lua debugging session ended");
  client.close_after_reply = true;  // which tells redis-cli the session is over
}

void Scripting::ReapDebugSessions() {
  std::erase_if(debug_sessions_, [](pid_t pid) {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == 0) return false;
    if (r == pid) spdlog::info("Lua debugging session {} ended", pid);
    return true;  // ended, or not ours to wait for any more
  });
}

void Scripting::KillDebugSessions() {
  for (pid_t pid : debug_sessions_) {
    spdlog::warn("Killing debugging session {}", pid);
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
  debug_sessions_.clear();
}

}  // namespace kvd
