#pragma once
// What a connection answers, on its own strand, while a script holds the store strand past
// busy-reply-threshold (ScriptRunState::busy), as Redis does during a slow script: SCRIPT
// KILL / FUNCTION KILL stop the script unless it has written; SHUTDOWN NOSAVE stops it and
// the server; QUIT closes; anything else gets -BUSY.
#include <span>
#include <string>
#include <string_view>

namespace kvd {

class ServerState;

struct BusyAnswer {
  std::string reply;   // RESP, possibly empty (SHUTDOWN NOSAVE replies nothing)
  bool close = false;  // QUIT
};

// Thread-safe: reads and sets only ScriptRunState's atomics and calls request_shutdown.
BusyAnswer AnswerWhileBusy(ServerState& server, std::span<const std::string_view> args);

// A signalled shutdown that a busy script held past shutdown-timeout: the script is killed
// when it has not written (the shutdown then saves as usual); one that has written ends as
// with SHUTDOWN NOSAVE, so that its half-done writes never reach the disk. Thread-safe.
void StopScriptForShutdown(ServerState& server);

}  // namespace kvd
