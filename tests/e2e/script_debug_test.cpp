// The Lua debugger (SCRIPT DEBUG, redis-cli --ldb) against the real binary: a forked session
// steps, prints, runs commands and keeps its changes to itself while the server serves
// others; a synchronous one keeps its changes; abort, the loop timeout, the debugger's
// errors, malformed debugger input, a client that leaves mid-session, and a shutdown ending
// the forked sessions. The expected lines are Redis's.
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

using Lines = std::vector<std::string>;

// One answer of the debugger: an array of status lines.
Lines ReadLog(RawClient& c) {
  Reply r = c.ReadReply();
  REQUIRE(r.type == '*');
  Lines lines;
  for (const Reply& e : r.elements) {
    REQUIRE(e.type == '+');
    lines.push_back(e.str);
  }
  return lines;
}

Lines Debugger(RawClient& c, const std::vector<std::string>& command) {
  c.Send(Command(command));
  return ReadLog(c);
}

const std::string kScript =
    "local a = 1\n"
    "redis.call('set', KEYS[1], ARGV[1])\n"
    "redis.debug('hi', a, {1, 2})\n"
    "return redis.call('get', KEYS[1])\n";

TEST_CASE("SCRIPT DEBUG YES: a forked session steps through the script; its changes stay there") {
  ServerProcess server;
  RawClient dbg(server.port());
  RawClient other(server.port());
  CHECK(dbg.Call({"SCRIPT", "DEBUG", "YES"}) == kOk);
  dbg.Send(Command({"EVAL", kScript, "1", "k", "v"}));
  CHECK(ReadLog(dbg) == Lines{"* Stopped at 1, stop reason = step over", "-> 1   local a = 1"});
  // The session runs apart: the server answers everyone else meanwhile.
  CHECK(other.Call({"PING"}) == "+PONG\r\n");

  CHECK(Debugger(dbg, {"s"}) == Lines{"* Stopped at 2, stop reason = step over",
                                      "-> 2   redis.call('set', KEYS[1], ARGV[1])"});
  CHECK(Debugger(dbg, {"p"}) == Lines{"<value> a = 1"});
  CHECK(Debugger(dbg, {"p", "KEYS"}) == Lines{"<value> {\"k\"}"});
  CHECK(Debugger(dbg, {"step"}) == Lines{"<redis> set k v", "<reply> \"+OK\"",
                                         "* Stopped at 3, stop reason = step over",
                                         "-> 3   redis.debug('hi', a, {1, 2})"});
  CHECK(Debugger(dbg, {"r", "get", "k"}) == Lines{"<redis> get k", "<reply> \"v\""});
  CHECK(Debugger(dbg, {"e", "1", "+", "1"}) == Lines{"<retval> 2"});
  // eval runs in a frame of its own: the script's locals are not there.
  CHECK(Debugger(dbg, {"e", "a"}) ==
        Lines{"<error> ldb_eval:1: Script attempted to access nonexistent global variable 'a'"});
  CHECK(Debugger(dbg, {"e", "{x = 'y'}"}) == Lines{"<retval> {[\"x\"]=\"y\"}"});
  CHECK(Debugger(dbg, {"b", "4"}) ==
        Lines{"-> 3   redis.debug('hi', a, {1, 2})", "  #4   return redis.call('get', KEYS[1])"});
  CHECK(Debugger(dbg, {"b"}) ==
        Lines{"1 breakpoints set:", "  #4   return redis.call('get', KEYS[1])"});
  CHECK(Debugger(dbg, {"c"}) == Lines{"<debug> line 3: \"hi\", 1, {1; 2}",
                                      "* Stopped at 4, stop reason = break point",
                                      "->#4   return redis.call('get', KEYS[1])"});
  CHECK(Debugger(dbg, {"w"}) ==
        Lines{"   1   local a = 1", "   2   redis.call('set', KEYS[1], ARGV[1])",
              "   3   redis.debug('hi', a, {1, 2})", "->#4   return redis.call('get', KEYS[1])"});
  CHECK(Debugger(dbg, {"c"}) == Lines{"<endsession>"});
  CHECK(dbg.ReadReply().raw == Bulk("v"));
  CHECK(dbg.ReadUntilClosed().empty());  // the end of the session
  // What the script wrote was the forked session's only.
  CHECK(other.Call({"EXISTS", "k"}) == Int(0));
}

TEST_CASE("SCRIPT DEBUG SYNC: the session holds the server, and its changes stay") {
  ServerProcess server;
  RawClient dbg(server.port());
  CHECK(dbg.Call({"SCRIPT", "DEBUG", "SYNC"}) == kOk);
  dbg.Send(Command({"EVAL", kScript, "1", "k", "v"}));
  CHECK(ReadLog(dbg) == Lines{"* Stopped at 1, stop reason = step over", "-> 1   local a = 1"});
  CHECK(Debugger(dbg, {"l", "2", "0"}) == Lines{"   2   redis.call('set', KEYS[1], ARGV[1])"});
  CHECK(Debugger(dbg, {"t"}) == Lines{"In top level:", "-> 1   local a = 1"});
  CHECK(Debugger(dbg, {"c"}) == Lines{"<debug> line 3: \"hi\", 1, {1; 2}", "<endsession>"});
  CHECK(dbg.ReadReply().raw == Bulk("v"));
  CHECK(dbg.ReadUntilClosed().empty());
  RawClient other(server.port());
  CHECK(other.Call({"GET", "k"}) == Bulk("v"));
}

TEST_CASE("the Lua debugger: abort, the loop timeout, its errors and help") {
  ServerProcess server;
  RawClient dbg(server.port());
  CHECK(dbg.Call({"CONFIG", "SET", "busy-reply-threshold", "100"}) == kOk);
  CHECK(dbg.Call({"SCRIPT", "DEBUG", "maybe"}) == Err("ERR Use SCRIPT DEBUG YES/SYNC/NO"));
  CHECK(dbg.Call({"SCRIPT", "DEBUG", "SYNC"}) == kOk);
  CHECK(dbg.Call({"EVALSHA", "abc", "0"}) == Err("NOSCRIPT No matching script. Please use EVAL."));
  CHECK(dbg.Call({"EVALSHA", std::string(40, 'a'), "0"}) ==
        Err("ERR Please use EVAL instead of EVALSHA for debugging"));
  const std::string loop = "local i = 0\nwhile true do i = i + 1 end\n";
  dbg.Send(Command({"EVAL", loop, "0"}));
  CHECK(ReadLog(dbg) == Lines{"* Stopped at 1, stop reason = step over", "-> 1   local i = 0"});
  CHECK(Debugger(dbg, {"x"}) ==
        Lines{"<error> Unknown Redis Lua debugger command or wrong number of arguments."});
  CHECK(Debugger(dbg, {"r"}) ==
        Lines{"<error> Unknown Redis Lua debugger command or wrong number of arguments."});
  const Lines help = Debugger(dbg, {"h"});
  REQUIRE(help.size() == 30);
  CHECK(help.front() == "Redis Lua debugger help:");
  CHECK(help.back() == "                     next line of code.");
  CHECK(Debugger(dbg, {"b", "9"}) == Lines{"Wrong line number."});
  CHECK(Debugger(dbg, {"b", "-1"}) == Lines{"No breakpoint in the specified line."});
  CHECK(Debugger(dbg, {"b", "x"}) == Lines{"Invalid argument:'x'"});
  CHECK(Debugger(dbg, {"b", "0"}) == Lines{"All breakpoints removed."});
  CHECK(Debugger(dbg, {"m", "5"}) == Lines{"<value> replies are truncated at 60 bytes."});
  CHECK(Debugger(dbg, {"p", "i"}) == Lines{"No such variable."});
  CHECK(Debugger(dbg, {"e", "nosuch("}) ==
        Lines{"<error> ldb_eval:1: unexpected symbol near '<eof>'"});
  CHECK(Debugger(dbg, {"r", "set", "x"}) ==
        Lines{"<redis> set x", "<error> Wrong number of args calling Redis command from script"});
  // Nothing stops the loop but the time it takes.
  CHECK(Debugger(dbg, {"c"}) ==
        Lines{"* Stopped at 2, stop reason = timeout reached, infinite loop?",
              "-> 2   while true do i = i + 1 end"});
  CHECK(Debugger(dbg, {"a"}) == Lines{"<endsession>"});
  CHECK(dbg.ReadReply().raw == Err("ERR script aborted for user request script: "
                                   "750e5b8084df67c7172e8838b2fbdf9ce98bacf1, on @user_script:2."));
  CHECK(dbg.ReadUntilClosed().empty());

  // Without a session, redis.breakpoint() is false and redis.debug() shows nothing.
  RawClient plain(server.port());
  CHECK(plain.Call({"EVAL", "redis.debug('x') return redis.breakpoint()", "0"}) == kNil);
}

TEST_CASE("malformed debugger input stops the script with an error, never the server") {
  ServerProcess server;
  const std::string sha = "e0e1f9fabfc9d4800c877a703b823ac0578ff8db";  // of "return 1"
  const std::vector<std::string> junk = {
      "garbage\r\n", "*2\r\n$1\r\ns\r\n:1\r\n", "*0\r\n", "*1\r\n$2000\r\n", "*1\r\n$0\r\n\r\n",
      // A command that never ends, past the 1 MB the debugger buffers.
      "*1\r\n$" + std::string(1100 * 1024, '9')};
  for (const std::string& bytes : junk) {
    CAPTURE(bytes.substr(0, 20));
    RawClient dbg(server.port());
    CHECK(dbg.Call({"SCRIPT", "DEBUG", "SYNC"}) == kOk);
    dbg.Send(Command({"EVAL", "return 1", "0"}));
    CHECK(ReadLog(dbg).size() == 2);
    dbg.Send(bytes);
    CHECK(ReadLog(dbg) == Lines{"<endsession>"});
    const std::string why = bytes.size() > 1000 ? "max client buffer reached" : "protocol error";
    CHECK(dbg.ReadReply().raw == Err("ERR " + why + " script: " + sha + ", on @user_script:1."));
  }
  RawClient other(server.port());
  CHECK(other.Call({"PING"}) == "+PONG\r\n");
}

TEST_CASE("a shutdown ends the forked debugging sessions") {
  ServerProcess server;
  RawClient dbg(server.port());
  CHECK(dbg.Call({"SCRIPT", "DEBUG", "YES"}) == kOk);
  dbg.Send(Command({"EVAL", "return 1", "0"}));
  CHECK(ReadLog(dbg) == Lines{"* Stopped at 1, stop reason = step over", "-> 1   return 1"});
  RawClient admin(server.port());
  admin.Send(Command({"SHUTDOWN", "NOSAVE"}));
  CHECK(server.WaitExit().code == 0);
  CHECK(dbg.ReadUntilClosed().empty());
}

TEST_CASE("a debugging client that goes away leaves the script to run to its end") {
  ServerProcess server;
  RawClient other(server.port());
  {
    RawClient dbg(server.port());
    CHECK(dbg.Call({"SCRIPT", "DEBUG", "SYNC"}) == kOk);
    dbg.Send(Command({"EVAL", "redis.call('set', 'sync', 'done')", "0"}));
    CHECK(ReadLog(dbg).size() == 2);
  }
  // The server, held by the session, serves again once the script has ended.
  CHECK(other.Call({"GET", "sync"}) == Bulk("done"));
  {
    RawClient dbg(server.port());
    CHECK(dbg.Call({"SCRIPT", "DEBUG", "YES"}) == kOk);
    dbg.Send(Command({"EVAL", "return 1", "0"}));
    CHECK(ReadLog(dbg).size() == 2);
  }
  if (TestingKvd()) {
    // The forked session ends by itself, and the server reaps it.
    const std::string forked = "Lua debugging session forked as process ";
    const std::string log = server.Log();
    const size_t at = log.find(forked);
    REQUIRE(at != std::string::npos);
    const std::string pid = log.substr(at + forked.size(), log.find('\n', at) - at - forked.size());
    CHECK(
        WaitFor([&] { return Contains(server.Log(), "Lua debugging session " + pid + " ended"); }));
  }
}

TEST_CASE("redis-cli --ldb and --ldb-sync-mode debug a script file") {
  ServerProcess server;
  TempDir dir;
  const std::string file = dir.Write("s.lua", kScript);
  auto strip_colors = [](std::string s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '\x1b') {
        i = s.find('m', i);
        if (i == std::string::npos) break;
        continue;
      }
      out += s[i];
    }
    return out;
  };
  const std::string intro =
      "Lua debugging session started, please use:\n"
      "quit    -- End the session.\n"
      "restart -- Restart the script in debug mode again.\n"
      "help    -- Show Lua script debugging commands.\n\n"
      "* Stopped at 1, stop reason = step over\n"
      "-> 1   local a = 1\n";
  CliResult forked =
      RunCli(server.port(), {"--ldb", "--eval", file, "foo", ",", "bar"}, "s\np\nr get foo\nc\n");
  CHECK(strip_colors(forked.out) ==
        intro +
            "* Stopped at 2, stop reason = step over\n"
            "-> 2   redis.call('set', KEYS[1], ARGV[1])\n"
            "<value> a = 1\n"
            "<redis> get foo\n"
            "<reply> NULL\n"
            "<debug> line 3: \"hi\", 1, {1; 2}\n\n"
            "\"bar\"\n\n"
            "(Lua debugging session ended -- dataset changes rolled back)\n\n");
  CHECK(RunCli(server.port(), {"exists", "foo"}).out == "0\n");

  CliResult sync =
      RunCli(server.port(), {"--ldb-sync-mode", "--eval", file, "foo", ",", "bar"}, "c\n");
  CHECK(strip_colors(sync.out) == intro +
                                      "<debug> line 3: \"hi\", 1, {1; 2}\n\n"
                                      "\"bar\"\n\n"
                                      "(Lua debugging session ended)\n\n");
  CHECK(RunCli(server.port(), {"get", "foo"}).out == "bar\n");
}

}  // namespace
}  // namespace kvd::e2e
