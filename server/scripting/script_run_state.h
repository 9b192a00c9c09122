#pragma once
// What other strands may know of the script running on the store strand. A script holds the
// store strand for as long as it runs; past busy-reply-threshold the connections answer
// other clients themselves (-BUSY), and SCRIPT KILL / FUNCTION KILL / SHUTDOWN NOSAVE reach
// the script through `kill`, which the Lua count hook reads. Everything here but `engine`
// and `process_events` is atomic for that reason.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

namespace kvd {

class Scripting;

enum class ScriptKill : int { kNone = 0, kKill = 1, kShutdown = 2 };

struct ScriptRunState {
  // A script (or function) runs and has passed busy-reply-threshold.
  std::atomic<bool> busy{false};
  // The running code is a function (FCALL): the messages name FUNCTION KILL instead.
  std::atomic<bool> is_function{false};
  // The running script has written: it cannot be killed, only SHUTDOWN NOSAVE ends it.
  std::atomic<bool> wrote{false};
  // Set from a connection strand while busy; the script stops at its next hook.
  std::atomic<int> kill{static_cast<int>(ScriptKill::kNone)};

  // Runs pending network handlers while a script is busy (Redis's processEventsWhileBlocked)
  // so that connections read and answer -BUSY even with a single I/O thread. Set by the
  // network layer; unset in unit tests.
  std::function<void()> process_events;

  // The Lua engine, script cache and function libraries (server/scripting/scripting.h), made
  // on the first script command. Store strand only.
  std::shared_ptr<Scripting> engine;
};

}  // namespace kvd
