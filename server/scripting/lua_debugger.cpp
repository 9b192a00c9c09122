#include "server/scripting/lua_debugger.h"

extern "C" {
#include <lauxlib.h>
#include <lua.h>
}

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "core/numeric.h"
#include "core/text.h"
#include "server/blocking_socket.h"
#include "server/scripting/lua_debugger_format.h"
#include "server/scripting/lua_sandbox.h"
#include "server/scripting/script_run.h"
#include "server/server_state.h"

namespace kvd {
namespace {

constexpr size_t kMaxBreakpoints = 64;
constexpr size_t kMaxInput = 1 << 20;  // a client that sends more without a command fails
constexpr int kSendTimeoutMs = 5000;
constexpr int64_t kDefaultTimeLimitMs = 5000;  // when busy-reply-threshold is 0
constexpr size_t kMaxArgs = 1024, kMaxArgLength = 1024;

// atoi's reading: leading digits after an optional sign, 0 when there are none.
int AtoI(const std::string& s) { return std::atoi(s.c_str()); }

bool IsCommand(const std::string& name, const char* shortcut, const char* full) {
  return EqualsIgnoreCase(name, shortcut) || EqualsIgnoreCase(name, full);
}

}  // namespace

LuaDebugger::LuaDebugger(int fd, std::string_view source) : fd_(fd) {
  while (!source.empty() && (source.back() == '\n' || source.back() == '\r')) {
    source.remove_suffix(1);
  }
  size_t start = 0;
  for (;;) {
    const size_t end = source.find('\n', start);
    source_.emplace_back(source.substr(start, end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
}

void LuaDebugger::Hook(lua_State* L, lua_Debug* ar) {
  ScriptRun* run = CurrentRun(L);
  if (run == nullptr || run->debugger == nullptr) return;
  // Raised here, where no C++ object is alive: lua_error unwinds with longjmp.
  if (const char* error = run->debugger->OnHook(L, ar, *run)) {
    lua_pushstring(L, error);
    lua_error(L);
  }
}

const char* LuaDebugger::OnHook(lua_State* L, lua_Debug* ar, ScriptRun& run) {
  lua_getstack(L, 0, ar);
  lua_getinfo(L, "Sl", ar);
  current_line_ = ar->currentline;
  const bool breakpoint = IsBreakpoint(current_line_) || lua_breakpoint_;
  // Code run by the debugger's own `eval` is not the script.
  if (std::strstr(ar->short_src, "user_script") == nullptr) return nullptr;

  bool timeout = false;
  const auto now = std::chrono::steady_clock::now();
  if (ar->event == LUA_HOOKCOUNT && !step_ && !breakpoint) {
    int64_t limit = run.caller.server.config.values().busy_reply_threshold;
    if (limit <= 0) limit = kDefaultTimeLimitMs;
    if (now - run.start < std::chrono::milliseconds(limit)) return nullptr;
    timeout = true;
    step_ = true;
  }
  if (!step_ && !breakpoint) return nullptr;

  const char* reason = breakpoint ? (lua_breakpoint_ ? "redis.breakpoint() called" : "break point")
                       : timeout  ? "timeout reached, infinite loop?"
                                  : "step over";
  step_ = false;
  lua_breakpoint_ = false;
  Log("* Stopped at " + std::to_string(current_line_) + ", stop reason = " + reason);
  LogSourceLine(current_line_);
  SendLogs();
  const ReplEnd end = Repl(L);
  if (end.error != nullptr) return end.error;
  // A script stopped for looping must not loop on unattended once its client is gone.
  if (end.disconnected && timeout) {
    return "timeout during Lua debugging with client closing connection";
  }
  run.start = std::chrono::steady_clock::now();
  return nullptr;
}

LuaDebugger::ReplEnd LuaDebugger::Repl(lua_State* L) {
  std::vector<std::string> argv;
  for (;;) {
    int parsed;
    while ((parsed = ParseCommand(argv)) == 0) {
      if (!ReadMore()) {
        // Nobody to stop for any more: the script runs to its end.
        step_ = false;
        breakpoints_.clear();
        return {.disconnected = true};
      }
      if (input_.size() > kMaxInput) {
        input_.clear();
        return {.error = "max client buffer reached"};
      }
    }
    if (parsed < 0) return {.error = "protocol error"};
    input_.clear();  // as Redis: whatever came after the command is dropped

    const std::string& cmd = argv[0];
    if (IsCommand(cmd, "s", "step") || IsCommand(cmd, "n", "next")) {
      step_ = true;
      return {};
    }
    if (IsCommand(cmd, "c", "continue")) return {};
    if (IsCommand(cmd, "a", "abort")) return {.error = "script aborted for user request"};
    if (!RunCommand(L, argv)) {
      Log("<error> Unknown Redis Lua debugger command or wrong number of arguments.");
    }
    SendLogs();
  }
}

bool LuaDebugger::RunCommand(lua_State* L, const std::vector<std::string>& argv) {
  const std::string& cmd = argv[0];
  if (IsCommand(cmd, "h", "help")) {
    Help();
  } else if (IsCommand(cmd, "t", "trace")) {
    Trace(L);
  } else if (IsCommand(cmd, "m", "maxlen")) {
    Maxlen(argv);
  } else if (IsCommand(cmd, "b", "break")) {
    Break(argv);
  } else if (IsCommand(cmd, "e", "eval")) {
    Eval(L, argv);
  } else if (argv.size() > 1 && IsCommand(cmd, "r", "redis")) {
    Redis(L, argv);
  } else if (IsCommand(cmd, "p", "print")) {
    if (argv.size() == 2) {
      Print(L, argv[1]);
    } else {
      PrintLocals(L);
    }
  } else if (IsCommand(cmd, "l", "list")) {
    int around = current_line_, context = 5;
    if (argv.size() > 1 && AtoI(argv[1]) > 0) around = AtoI(argv[1]);
    if (argv.size() > 2) context = AtoI(argv[2]);
    List(around, context);
  } else if (IsCommand(cmd, "w", "whole")) {
    List(1, 1000000);
  } else {
    return false;
  }
  return true;
}

// The debugger's commands come as RESP arrays of bulk strings (what redis-cli sends), each
// argument at most 1024 bytes, as Redis's deliberately small parser accepts.
int LuaDebugger::ParseCommand(std::vector<std::string>& argv) const {
  argv.clear();
  if (input_.empty()) return 0;
  std::string_view in = input_;
  const size_t star = in.find('*');
  if (star == std::string_view::npos) return -1;
  in.remove_prefix(star + 1);
  size_t eol = in.find("\r\n");
  if (eol == std::string_view::npos) return 0;
  const int64_t argc = ParseInt64(in.substr(0, eol)).value_or(0);
  if (argc <= 0 || argc > static_cast<int64_t>(kMaxArgs)) return -1;
  in.remove_prefix(eol + 2);
  while (argv.size() < static_cast<size_t>(argc)) {
    if (in.empty()) return 0;
    if (in[0] != '$') return -1;
    eol = in.find("\r\n");
    if (eol == std::string_view::npos) return 0;
    const int64_t len = ParseInt64(in.substr(1, eol - 1)).value_or(0);
    if (len <= 0 || len > static_cast<int64_t>(kMaxArgLength)) return -1;
    in.remove_prefix(eol + 2);
    if (in.size() < static_cast<size_t>(len) + 2) return 0;
    if (in.substr(static_cast<size_t>(len), 2) != "\r\n") return -1;
    argv.emplace_back(in.substr(0, static_cast<size_t>(len)));
    in.remove_prefix(static_cast<size_t>(len) + 2);
  }
  return 1;
}

bool LuaDebugger::ReadMore() {
  char buf[1024];
  for (;;) {
    const ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) {
      input_.append(buf, static_cast<size_t>(n));
      return true;
    }
    if (n == 0 || (errno != EAGAIN && errno != EINTR)) return false;
    // Nothing yet: the script waits for its client as long as it takes, as in Redis.
    if (WaitReady(fd_, POLLIN, -1) != IoStatus::kOk) return false;
  }
}

bool LuaDebugger::Send(std::string_view data) {
  return WriteAll(fd_, data, kSendTimeoutMs) == IoStatus::kOk;
}

void LuaDebugger::SendLogs() {
  std::string out = "*" + std::to_string(logs_.size()) + "\r\n";
  for (std::string& line : logs_) {
    std::replace_if(
        line.begin(), line.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
    out += '+';
    out += line;
    out += "\r\n";
  }
  logs_.clear();
  // A failed write shows at the next read, which ends the session.
  Send(out);
}

void LuaDebugger::EndSession() {
  Log("<endsession>");
  SendLogs();
}

void LuaDebugger::LogWithMaxLen(std::string line) {
  const bool cut = maxlen_ != 0 && line.size() > maxlen_;
  if (cut) {
    line.resize(maxlen_);
    line += " ...";
  }
  Log(std::move(line));
  if (cut && !maxlen_hint_sent_) {
    maxlen_hint_sent_ = true;
    Log("<hint> The above reply was trimmed. Use 'maxlen 0' to disable trimming.");
  }
}

void LuaDebugger::LogValue(lua_State* L, std::string prefix) {
  AppendLuaValue(prefix, L, -1);
  LogWithMaxLen(std::move(prefix));
}

void LuaDebugger::LogCommand(std::span<const std::string_view> args) {
  std::string line = "<redis>";
  for (size_t j = 0; j < args.size(); ++j) {
    if (j == 10) {
      // Redis's count, one short of the arguments left out.
      line += " ... (" + std::to_string(args.size() - j - 1) + " more)";
      break;
    }
    line += ' ';
    line += args[j];
  }
  Log(std::move(line));
}

void LuaDebugger::LogReply(std::string_view resp) {
  std::string line = "<reply> ";
  AppendReplyAsText(line, resp);
  LogWithMaxLen(std::move(line));
}

void LuaDebugger::LogError(std::string_view error) {
  // Redis words most of these errors without a code ("Unknown Redis command called from
  // script"); its own error code is the one it shows.
  if (error.starts_with("-ERR ")) error.remove_prefix(5);
  Log("<error> " + std::string(error));
}

void LuaDebugger::LogDebugValues(lua_State* L) {
  std::string line = "<debug> line " + std::to_string(current_line_) + ": ";
  const int argc = lua_gettop(L);
  for (int i = 1; i <= argc; ++i) {
    AppendLuaValue(line, L, i);
    if (i != argc) line += ", ";
  }
  Log(std::move(line));
}

bool LuaDebugger::IsBreakpoint(int line) const {
  return std::find(breakpoints_.begin(), breakpoints_.end(), line) != breakpoints_.end();
}

void LuaDebugger::LogSourceLine(int line) {
  const bool bp = IsBreakpoint(line), current = line == current_line_;
  const char* prefix = current && bp ? "->#" : current ? "-> " : bp ? "  #" : "   ";
  const bool in_range = line >= 1 && static_cast<size_t>(line) <= source_.size();
  std::string number = std::to_string(line);
  if (number.size() < 3) number.resize(3, ' ');  // Redis's %-3d
  Log(prefix + number + " " +
      (in_range ? source_[line - 1] : std::string("<out of range source code line>")));
}

void LuaDebugger::List(int around, int context) {
  for (int j = 1; j <= static_cast<int>(source_.size()); ++j) {
    if (around != 0 && std::abs(around - j) > context) continue;
    LogSourceLine(j);
  }
}

void LuaDebugger::Print(lua_State* L, const std::string& name) {
  lua_Debug ar;
  for (int level = 0; lua_getstack(L, level, &ar) != 0; ++level) {
    const char* local;
    for (int i = 1; (local = lua_getlocal(L, &ar, i)) != nullptr; ++i) {
      const bool found = name == local;
      if (found) LogValue(L, "<value> ");
      lua_pop(L, 1);
      if (found) return;
    }
  }
  // Two globals are worth showing too.
  if (name == "ARGV" || name == "KEYS") {
    lua_getglobal(L, name.c_str());
    LogValue(L, "<value> ");
    lua_pop(L, 1);
  } else {
    Log("No such variable.");
  }
}

void LuaDebugger::PrintLocals(lua_State* L) {
  lua_Debug ar;
  int shown = 0;
  if (lua_getstack(L, 0, &ar) != 0) {
    const char* local;
    for (int i = 1; (local = lua_getlocal(L, &ar, i)) != nullptr; ++i) {
      if (std::strstr(local, "(*temporary)") == nullptr) {
        LogValue(L, "<value> " + std::string(local) + " = ");
        ++shown;
      }
      lua_pop(L, 1);
    }
  }
  if (shown == 0) Log("No local variables in the current context.");
}

void LuaDebugger::Break(const std::vector<std::string>& argv) {
  if (argv.size() == 1) {
    if (breakpoints_.empty()) {
      Log("No breakpoints set. Use 'b <line>' to add one.");
      return;
    }
    Log(std::to_string(breakpoints_.size()) + " breakpoints set:");
    for (int line : breakpoints_) LogSourceLine(line);
    return;
  }
  for (size_t j = 1; j < argv.size(); ++j) {
    std::optional<int64_t> line = ParseInt64(argv[j]);
    if (!line || *line < INT32_MIN || *line > INT32_MAX) {
      Log("Invalid argument:'" + argv[j] + "'");
    } else if (*line == 0) {
      breakpoints_.clear();
      Log("All breakpoints removed.");
    } else if (*line > 0) {
      const int n = static_cast<int>(*line);
      if (breakpoints_.size() == kMaxBreakpoints) {
        Log("Too many breakpoints set.");
      } else if (n <= static_cast<int>(source_.size()) && !IsBreakpoint(n)) {
        breakpoints_.push_back(n);
        List(n, 1);
      } else {
        Log("Wrong line number.");
      }
    } else {
      auto it = std::find(breakpoints_.begin(), breakpoints_.end(), static_cast<int>(-*line));
      if (it != breakpoints_.end()) {
        breakpoints_.erase(it);
        Log("Breakpoint removed.");
      } else {
        Log("No breakpoint in the specified line.");
      }
    }
  }
}

// Runs a fragment of Lua in a frame of its own: as an expression first ("return <code>"),
// then as a statement.
void LuaDebugger::Eval(lua_State* L, const std::vector<std::string>& argv) {
  std::string code;
  for (size_t j = 1; j < argv.size(); ++j) {
    if (j > 1) code += ' ';
    code += argv[j];
  }
  const std::string expr = "return " + code;
  if (luaL_loadbuffer(L, expr.data(), expr.size(), "@ldb_eval") != 0) {
    lua_pop(L, 1);
    if (luaL_loadbuffer(L, code.data(), code.size(), "@ldb_eval") != 0) {
      Log(std::string("<error> ") + lua_tostring(L, -1));
      lua_pop(L, 1);
      return;
    }
  }
  if (lua_pcall(L, 0, 1, 0) != 0) {
    const char* error = lua_tostring(L, -1);
    Log(std::string("<error> ") + (error ? error : "(error object is not a string)"));
    lua_pop(L, 1);
    return;
  }
  LogValue(L, "<retval> ");
  lua_pop(L, 1);
}

// Runs a command through redis.call itself, stepping, so that the command and its reply
// are logged as the script's own calls are.
void LuaDebugger::Redis(lua_State* L, const std::vector<std::string>& argv) {
  if (!lua_checkstack(L, static_cast<int>(argv.size()) + 1)) {
    LogReply("-max lua stack reached\r\n");
    return;
  }
  lua_getglobal(L, "redis");
  lua_getfield(L, -1, "call");
  for (size_t j = 1; j < argv.size(); ++j) lua_pushlstring(L, argv[j].data(), argv[j].size());
  step_ = true;
  lua_pcall(L, static_cast<int>(argv.size()) - 1, 1, 0);
  step_ = false;
  lua_pop(L, 2);
}

void LuaDebugger::Trace(lua_State* L) {
  lua_Debug ar;
  int level = 0;
  for (; lua_getstack(L, level, &ar) != 0; ++level) {
    lua_getinfo(L, "Snl", &ar);
    if (std::strstr(ar.short_src, "user_script") == nullptr) continue;
    Log(std::string(level == 0 ? "In " : "From ") + (ar.name ? ar.name : "top level") + ":");
    LogSourceLine(ar.currentline);
  }
  if (level == 0) Log("<error> Can't retrieve Lua stack.");
}

void LuaDebugger::Maxlen(const std::vector<std::string>& argv) {
  if (argv.size() == 2) {
    int n = AtoI(argv[1]);
    maxlen_hint_sent_ = true;  // the user knows of the command
    if (n != 0 && n <= 60) n = 60;
    maxlen_ = static_cast<size_t>(n);
  }
  if (maxlen_ != 0) {
    Log("<value> replies are truncated at " + std::to_string(maxlen_) + " bytes.");
  } else {
    Log("<value> replies are unlimited.");
  }
}

void LuaDebugger::Help() {
  static constexpr const char* kHelp[] = {
      "Redis Lua debugger help:",
      "[h]elp               Show this help.",
      "[s]tep               Run current line and stop again.",
      "[n]ext               Alias for step.",
      "[c]ontinue           Run till next breakpoint.",
      "[l]ist               List source code around current line.",
      "[l]ist [line]        List source code around [line].",
      "                     line = 0 means: current position.",
      "[l]ist [line] [ctx]  In this form [ctx] specifies how many lines",
      "                     to show before/after [line].",
      "[w]hole              List all source code. Alias for 'list 1 1000000'.",
      "[p]rint              Show all the local variables.",
      "[p]rint <var>        Show the value of the specified variable.",
      "                     Can also show global vars KEYS and ARGV.",
      "[b]reak              Show all breakpoints.",
      "[b]reak <line>       Add a breakpoint to the specified line.",
      "[b]reak -<line>      Remove breakpoint from the specified line.",
      "[b]reak 0            Remove all breakpoints.",
      "[t]race              Show a backtrace.",
      "[e]val <code>        Execute some Lua code (in a different callframe).",
      "[r]edis <cmd>        Execute a Redis command.",
      "[m]axlen [len]       Trim logged Redis replies and Lua var dumps to len.",
      "                     Specifying zero as <len> means unlimited.",
      "[a]bort              Stop the execution of the script. In sync",
      "                     mode dataset changes will be retained.",
      "",
      "Debugger functions you can call from Lua scripts:",
      "redis.debug()        Produce logs in the debugger console.",
      "redis.breakpoint()   Stop execution like if there was a breakpoint in the",
      "                     next line of code.",
  };
  for (const char* line : kHelp) Log(line);
}

}  // namespace kvd
