// How scripts run among other commands: their effects logged for the append-only file (as
// MULTI ... EXEC when more than one), inside MULTI/EXEC, blocking commands that never block,
// blocked clients served once the script has ended, and busy-reply-threshold with SCRIPT
// KILL, FUNCTION KILL and SHUTDOWN NOSAVE (answered as the connection does while a script
// is busy, server/scripting/busy_reply.h).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "server/scripting/busy_reply.h"
#include "server/scripting/sha1.h"
#include "unit/commands/extra_client.h"
#include "unit/commands/key_test_util.h"
#include "unit/commands/script_test_util.h"

namespace kvd::testing {
namespace {

using Commands = std::vector<std::vector<std::string>>;

TEST_CASE("a script's writes are logged as its effects, in MULTI ... EXEC when several") {
  LoggingHarness h;
  CHECK(Eval(h, "return redis.call('get', 'a')") == kNil);
  CHECK(h.TakeLog().empty());
  CHECK(Eval(h, "return redis.call('set', KEYS[1], ARGV[1])", {"a"}, {"1"}) == kOk);
  CHECK(h.TakeLog() == Commands{{"set", "a", "1"}});
  CHECK(Eval(h,
             "redis.call('incr', 'a'); redis.call('expire', 'a', 100); "
             "redis.call('set', 'b', 'x', 'NX'); redis.call('set', 'b', 'y', 'NX'); return 1") ==
        Int(1));
  const std::string at = std::to_string(h.clock.NowMs() + 100'000);
  CHECK(h.TakeLog() == Commands{{"MULTI"},
                                {"incr", "a"},
                                {"PEXPIREAT", "a", at},
                                {"set", "b", "x", "NX"},
                                {"EXEC"}});
  // A SELECT inside is logged, and the log goes back to the caller's database.
  CHECK(Eval(h, "redis.call('select', 2); redis.call('set', 'c', '1'); return 1") == Int(1));
  CHECK(h.TakeLog() ==
        Commands{{"MULTI"}, {"SELECT", "2"}, {"set", "c", "1"}, {"SELECT", "0"}, {"EXEC"}});
  // A failing script logs what it did before failing, as Redis.
  CHECK(Eval(h, "redis.call('set', 'd', '1'); error('x')").starts_with("-ERR user_script:1: x"));
  CHECK(h.TakeLog() == Commands{{"set", "d", "1"}});
}

TEST_CASE("scripts inside MULTI/EXEC run at EXEC, logged with the transaction") {
  LoggingHarness h;
  CHECK(h.Run({"MULTI"}) == kOk);
  CHECK(h.Run({"SET", "a", "1"}) == "+QUEUED\r\n");
  CHECK(h.Run({"EVAL", "return redis.call('incr', 'a')", "0"}) == "+QUEUED\r\n");
  CHECK(h.Run({"EXEC"}) == "*2\r\n" + kOk + Int(2));
  CHECK(h.TakeLog() == Commands{{"MULTI"}, {"SET", "a", "1"}, {"incr", "a"}, {"EXEC"}});
}

TEST_CASE("blocking commands in a script answer at once; waiting clients are served after") {
  Harness h;
  // BLPOP's null array is false to Lua, which a script returns as a null bulk.
  CHECK(Eval(h, "return redis.call('blpop', 'l', 0)") == kNil);
  CHECK(Eval(h, "return redis.call('blpop', 'l', 0) == false") == Int(1));
  ExtraClient waiter(h);
  CHECK(waiter.Run("BLPOP l 0").empty());  // blocks
  // The script pushes and pops again: the waiter gets nothing in between.
  CHECK(Eval(h,
             "redis.call('rpush', 'l', 'a', 'b'); local v = redis.call('lpop', 'l'); "
             "return {v, redis.call('llen', 'l')}") == "*2\r\n$1\r\na\r\n:1\r\n");
  CHECK(waiter.Take() == "*2\r\n$1\r\nl\r\n$1\r\nb\r\n");
}

TEST_CASE("SCRIPT KILL stops a slow script that has not written") {
  Harness h;
  REQUIRE(h.config.Set(std::vector<std::string_view>{"busy-reply-threshold", "1"}) == "");
  std::vector<std::string> answers;
  h.server.script_run.process_events = [&] {
    if (!answers.empty()) return;
    std::vector<std::string_view> get = {"GET", "k"}, fkill = {"FUNCTION", "KILL"},
                                  kill = {"script", "kill"};
    answers.push_back(AnswerWhileBusy(h.server, get).reply);
    answers.push_back(AnswerWhileBusy(h.server, fkill).reply);
    answers.push_back(AnswerWhileBusy(h.server, kill).reply);
  };
  const std::string body = "local i = 0 while true do i = i + 1 end";
  CHECK(Eval(h, body) ==
        ScriptError("ERR Script killed by user with SCRIPT KILL...", Sha1Hex(body)));
  const std::string busy =
      "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN "
      "NOSAVE.\r\n";
  CHECK(answers == std::vector<std::string>{busy, busy, kOk});
  CHECK_FALSE(h.server.script_run.busy.load());
  // A pcall in the script cannot swallow the kill.
  answers.clear();
  const std::string stubborn = "while true do pcall(function() while true do end end) end";
  CHECK(Eval(h, stubborn) ==
        ScriptError("ERR Script killed by user with SCRIPT KILL...", Sha1Hex(stubborn)));
  CHECK(h.Run({"PING"}) == "+PONG\r\n");
}

TEST_CASE("a script that has written cannot be killed; SHUTDOWN NOSAVE stops it") {
  LoggingHarness h;
  REQUIRE(h.config.Set(std::vector<std::string_view>{"lua-time-limit", "1"}) == "");
  std::vector<std::string> answers;
  std::vector<ShutdownMode> shutdowns;
  h.server.request_shutdown = [&](const ShutdownRequest& r) { shutdowns.push_back(r.mode); };
  h.server.script_run.process_events = [&] {
    if (!answers.empty()) return;
    std::vector<std::string_view> kill = {"SCRIPT", "KILL"}, shutdown = {"SHUTDOWN"},
                                  nosave = {"SHUTDOWN", "NOSAVE"};
    answers.push_back(AnswerWhileBusy(h.server, kill).reply);
    answers.push_back(AnswerWhileBusy(h.server, shutdown).reply);
    answers.push_back(AnswerWhileBusy(h.server, nosave).reply);
  };
  const std::string body = "redis.call('set', 'w', '1') while true do end";
  CHECK(Eval(h, body) ==
        ScriptError("ERR Script killed by user with SCRIPT KILL...", Sha1Hex(body)));
  CHECK(answers ==
        std::vector<std::string>{
            "-UNKILLABLE Sorry the script already executed write commands against the dataset. "
            "You can either wait the script termination or kill the server in a hard way using "
            "the SHUTDOWN NOSAVE command.\r\n",
            "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN "
            "NOSAVE.\r\n",
            ""});
  CHECK(shutdowns == std::vector<ShutdownMode>{ShutdownMode::kNoSave});
  // Nothing of the stopped script reaches the log: the server exits without saving.
  CHECK(h.TakeLog().empty());
}

TEST_CASE("busy-reply-threshold is a config parameter with lua-time-limit as its alias") {
  Harness h;
  CHECK(h.Run({"CONFIG", "GET", "busy-reply-threshold"}) ==
        "*2\r\n$20\r\nbusy-reply-threshold\r\n$4\r\n5000\r\n");
  CHECK(h.Run({"CONFIG", "SET", "lua-time-limit", "250"}) == kOk);
  CHECK(h.Run({"CONFIG", "GET", "busy-reply-threshold"}) ==
        "*2\r\n$20\r\nbusy-reply-threshold\r\n$3\r\n250\r\n");
}

}  // namespace
}  // namespace kvd::testing
