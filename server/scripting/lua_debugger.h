#pragma once
// Redis's Lua debugger (SCRIPT DEBUG YES|SYNC, redis-cli --ldb): the session of one debugged
// EVAL. The script runs under a hook that stops it at its first line, after each `step`, at
// breakpoints, after redis.breakpoint(), and once it has run busy-reply-threshold (5 s when
// 0) without a stop. While it is stopped, the session reads debugger commands (step,
// continue, list, whole, print, break, trace, eval, redis, maxlen, abort, help) straight
// from the client's socket and answers each with an array of status lines; stepping over
// redis.call logs the command and its reply.
//
// The socket is used synchronously on the store strand, as Redis's ldb does: the connection
// reads nothing while its own command runs. In a forked session (SCRIPT DEBUG YES) the child
// process runs the session and the parent has let go of the connection.
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct lua_State;
struct lua_Debug;

namespace kvd {

struct ScriptRun;

class LuaDebugger {
 public:
  // fd: the debugging client's socket; source: the script's text, for `list`.
  LuaDebugger(int fd, std::string_view source);

  // The hook Scripting::Run installs for a debugged script (line and count events).
  static void Hook(lua_State* L, lua_Debug* ar);

  // While stepping, redis.call and redis.pcall log their command and its reply or error.
  bool logging() const { return step_; }
  void LogCommand(std::span<const std::string_view> args);
  void LogReply(std::string_view resp);
  void LogError(std::string_view error);
  // redis.breakpoint(): stop at the next line.
  void BreakAtNextLine() { lua_breakpoint_ = true; }
  // redis.debug(...): logs its arguments; the client sees them at the next stop.
  void LogDebugValues(lua_State* L);
  // The script is done: the last logs and "<endsession>" go to the client.
  void EndSession();

  // Writes all of `data` to the client, each wait for the socket bounded by 5 s.
  bool Send(std::string_view data);

 private:
  struct ReplEnd {
    bool disconnected = false;    // the client went away: the script runs on unstopped
    const char* error = nullptr;  // the script must stop with this error (abort...)
  };
  const char* OnHook(lua_State* L, lua_Debug* ar, ScriptRun& run);
  ReplEnd Repl(lua_State* L);
  // One whole command from the input into `argv`: 1; more input needed: 0; malformed: -1.
  int ParseCommand(std::vector<std::string>& argv) const;
  bool ReadMore();
  // Runs a command that does not resume the script; false for an unknown one.
  bool RunCommand(lua_State* L, const std::vector<std::string>& argv);

  void Log(std::string line) { logs_.push_back(std::move(line)); }
  void LogWithMaxLen(std::string line);  // cut at maxlen, with a hint the first time
  void LogValue(lua_State* L, std::string prefix);  // the value on top of the stack
  void SendLogs();
  void LogSourceLine(int line);
  void List(int around, int context);
  void Print(lua_State* L, const std::string& name);
  void PrintLocals(lua_State* L);
  void Break(const std::vector<std::string>& argv);
  void Eval(lua_State* L, const std::vector<std::string>& argv);
  void Redis(lua_State* L, const std::vector<std::string>& argv);
  void Trace(lua_State* L);
  void Maxlen(const std::vector<std::string>& argv);
  void Help();
  bool IsBreakpoint(int line) const;

  int fd_;
  std::vector<std::string> source_;  // by line, from line 1
  std::vector<std::string> logs_;    // sent at the next stop
  std::vector<int> breakpoints_;
  std::string input_;  // the client's unparsed bytes
  bool step_ = true;   // stop at the next line (the session starts stopped at line 1)
  bool lua_breakpoint_ = false;
  int current_line_ = 0;
  size_t maxlen_ = 256;  // logged values and replies are cut there (0: never)
  bool maxlen_hint_sent_ = false;
};

}  // namespace kvd
