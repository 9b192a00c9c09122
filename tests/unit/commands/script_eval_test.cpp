// EVAL and the conversions between Lua values and replies, both ways, in RESP2 and RESP3;
// the sandbox; script errors with Redis 7's texts. Expected replies were taken from
// redis-server 7.0.15.
#include <doctest/doctest.h>

#include "server/scripting/sha1.h"
#include "unit/commands/key_test_util.h"
#include "unit/commands/script_test_util.h"

namespace kvd::testing {
namespace {

TEST_CASE("EVAL converts Lua values to RESP2 replies as Redis") {
  Harness h;
  CHECK(Eval(h, "return {1,2,3,'ciao',{1,2}}") ==
        "*5\r\n:1\r\n:2\r\n:3\r\n$4\r\nciao\r\n*2\r\n:1\r\n:2\r\n");
  CHECK(Eval(h, "return 3.99") == ":3\r\n");
  CHECK(Eval(h, "return -3.99") == ":-3\r\n");
  CHECK(Eval(h, "return {1,2,nil,4}") == "*2\r\n:1\r\n:2\r\n");
  CHECK(Eval(h, "return true") == ":1\r\n");
  CHECK(Eval(h, "return false") == "$-1\r\n");
  CHECK(Eval(h, "return nil") == "$-1\r\n");
  CHECK(Eval(h, "return {err='My Error'}") == "-My Error\r\n");
  CHECK(Eval(h, "return {ok='FINE'}") == "+FINE\r\n");
  CHECK(Eval(h, "return redis.error_reply('My Error')") == "-My Error\r\n");
  CHECK(Eval(h, "return redis.status_reply('FOO')") == "+FOO\r\n");
  CHECK(Eval(h, "return {double=3.5}") == "$3\r\n3.5\r\n");
  CHECK(Eval(h, "return {map={a=1}}") == "*2\r\n$1\r\na\r\n:1\r\n");
  CHECK(Eval(h, "return {set={a=true}}") == "*1\r\n$1\r\na\r\n");
  CHECK(Eval(h, "return {big_number='123'}") == "$3\r\n123\r\n");
  CHECK(Eval(h, "return KEYS[1] .. ARGV[2]", {"k"}, {"a", "b"}) == Bulk("kb"));
}

TEST_CASE("EVAL converts to RESP3 for a RESP3 client, booleans after redis.setresp(3)") {
  Harness h;
  h.client.resp = 3;
  CHECK(Eval(h, "return true") == ":1\r\n");
  CHECK(Eval(h, "redis.setresp(3); return true") == "#t\r\n");
  CHECK(Eval(h, "redis.setresp(3); return false") == "#f\r\n");
  CHECK(Eval(h, "return {double=3.5}") == ",3.5\r\n");
  CHECK(Eval(h, "return {map={a=1}}") == "%1\r\n$1\r\na\r\n:1\r\n");
  CHECK(Eval(h, "return {set={a=true}}") == "~1\r\n$1\r\na\r\n");
  CHECK(Eval(h, "return {big_number='123'}") == "(123\r\n");
  CHECK(Eval(h, "return nil") == "_\r\n");
  CHECK(Eval(h, "return {verbatim_string={format='txt', string='abc'}}") == "=7\r\ntxt:abc\r\n");
}

TEST_CASE("redis.call converts replies to Lua values as Redis, RESP2 and RESP3") {
  Harness h;
  CHECK(Eval(h, "return type(redis.call('get', 'nosuchkey'))") == Bulk("boolean"));
  CHECK(Eval(h, "redis.setresp(3); return type(redis.call('get', 'nosuchkey'))") ==
        Bulk("nil"));
  CHECK(Eval(h, "return redis.call('ping')") == "+PONG\r\n");
  CHECK(Eval(h, "return redis.call('ping')['ok']") == Bulk("PONG"));
  CHECK(h.Run({"HSET", "h", "f", "v"}) == Int(1));
  CHECK(Eval(h, "return redis.call('hgetall', 'h')") == "*2\r\n$1\r\nf\r\n$1\r\nv\r\n");
  CHECK(Eval(h, "redis.setresp(3); return redis.call('hgetall', 'h')['map']['f']") ==
        Bulk("v"));
  CHECK(h.Run({"ZADD", "z", "1.5", "a"}) == Int(1));
  CHECK(Eval(h, "redis.setresp(3); return redis.call('zscore', 'z', 'a')['double'] * 2") ==
        Int(3));
  CHECK(Eval(h, "return redis.call('zscore', 'z', 'a')") == Bulk("1.5"));
  CHECK(Eval(h, "return redis.call('incrby', 'n', 5)") == Int(5));
  // Numbers go to commands with 17 significant digits, as Redis.
  CHECK(Eval(h, "return redis.call('set', 'f', 0.1)") == kOk);
  CHECK(h.Run({"GET", "f"}) == Bulk("0.10000000000000001"));
}

TEST_CASE("script errors carry Redis 7's texts and the script's line") {
  Harness h;
  const auto sha = [](std::string_view body) { return Sha1Hex(body); };
  std::string body = "return redis.call('nosuch')";
  CHECK(Eval(h, body) == ScriptError("ERR Unknown Redis command called from script", sha(body)));
  body = "return redis.call('get')";
  CHECK(Eval(h, body) ==
        ScriptError("ERR Wrong number of args calling Redis command from script", sha(body)));
  CHECK(h.Run({"SET", "s", "abc"}) == kOk);
  body = "return redis.call('incr', KEYS[1])";
  CHECK(Eval(h, body, {"s"}) ==
        ScriptError("ERR value is not an integer or out of range", sha(body)));
  CHECK(Eval(h, "return redis.pcall('incr', KEYS[1])", {"s"}) ==
        "-ERR value is not an integer or out of range\r\n");
  body = "error('boom')";
  CHECK(Eval(h, body) == ScriptError("ERR user_script:1: boom", sha(body)));
  body = "error({err='X boom'})";
  CHECK(Eval(h, body) == ScriptError("X boom", sha(body)));
  // A table without a message (Redis 7.0 crashed there; its fix replies this).
  body = "error({x='y'})";
  CHECK(Eval(h, body) == ScriptError("ERR unknown error", sha(body)));
  body = "return redis.call('subscribe', 'c')";
  CHECK(Eval(h, body) == ScriptError("ERR This Redis command is not allowed from script", sha(body)));
  // XREAD and XREADGROUP with BLOCK are refused in scripts, as Redis 7.2 does.
  body = "return redis.call('XREAD', 'BLOCK', '0', 'STREAMS', 's', '$')";
  CHECK(Eval(h, body) ==
        ScriptError("ERR XREAD command is not allowed with BLOCK option from scripts", sha(body)));
  CHECK(Eval(h, "return redis.pcall('xreadgroup', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', "
                "'s', '>')") ==
        "-ERR xreadgroup command is not allowed with BLOCK option from scripts\r\n");
  body = "return redis.call()";
  CHECK(Eval(h, body) ==
        ScriptError("ERR Please specify at least one argument for this redis lib call", sha(body)));
  body = "return redis.call('get', {})";
  CHECK(Eval(h, body) ==
        ScriptError("ERR Lua redis lib command arguments must be strings or integers", sha(body)));
  body = "return redis.setresp(4)";
  CHECK(Eval(h, body) == ScriptError("ERR RESP version must be 2 or 3.", sha(body)));
  CHECK(Eval(h, "return 'a") ==
        "-ERR Error compiling script (new function): user_script:1: unfinished string near "
        "'<eof>'\r\n");
  // Lua's pcall gives a redis error's text.
  CHECK(Eval(h, "local ok, e = pcall(function() redis.call('nosuch') end); return e") ==
        Bulk("ERR Unknown Redis command called from script"));
  // Errors count as error replies (INFO errorstats).
  CHECK(h.server.stats.error_counts["ERR"] > 0);
}

TEST_CASE("a called command's error passed on by the script counts once in errorstats") {
  Harness h;
  REQUIRE(h.Run({"SET", "s", "v"}) == "+OK\r\n");
  const auto errors = [&] { return h.server.stats.total_error_replies; };
  const auto eval_failed = [&] { return h.server.commands.Find("eval")->failed_calls; };
  struct Case {
    const char* body;
    uint64_t errors;  // INFO's error replies it adds
    bool failed;      // whether EVAL fails
  };
  // As Redis 7: the INCR's error counts when INCR replies; the script raising it (call) or
  // returning it (pcall) fails EVAL without counting it again. Errors of the script's own
  // making count once, when EVAL replies.
  for (const Case& c : {Case{"return redis.call('INCR', 's')", 1, true},
                        Case{"return redis.pcall('INCR', 's')", 1, true},
                        Case{"local r = redis.pcall('INCR', 's'); return 1", 1, false},
                        Case{"return redis.error_reply('MY bad')", 1, true},
                        Case{"return {err = 'ERR made'}", 1, true},
                        Case{"error('boom')", 1, true},
                        Case{"return redis.call('nosuch')", 1, true}}) {
    CAPTURE(c.body);
    const uint64_t before = errors(), failed_before = eval_failed();
    REQUIRE(h.Run({"EVAL", c.body, "0"}).size() > 0);
    CHECK(errors() - before == c.errors);
    CHECK(eval_failed() - failed_before == (c.failed ? 1 : 0));
  }
}

TEST_CASE("a table that contains itself ends in an error, not a crash") {
  Harness h;
  const std::string reply = Eval(h, "local t = {} t[1] = t return t");
  CHECK(reply.find("-ERR reached lua stack limit\r\n") != std::string::npos);
  CHECK(Eval(h, "return 1") == Int(1));
}

TEST_CASE("the number of keys is checked as Redis") {
  Harness h;
  CHECK(h.Run({"EVAL", "return 1", "-1"}) == Err("ERR Number of keys can't be negative"));
  CHECK(h.Run({"EVAL", "return 1", "2", "a"}) ==
        Err("ERR Number of keys can't be greater than number of args"));
  CHECK(h.Run({"EVAL", "return 1", "x"}) == kNotInt);
}

TEST_CASE("globals are protected as in Redis") {
  Harness h;
  std::string body = "x = 1";
  CHECK(Eval(h, body) ==
        ScriptError("ERR user_script:1: Attempt to modify a readonly table", Sha1Hex(body)));
  body = "_G.x = 1";
  CHECK(Eval(h, body) ==
        ScriptError("ERR user_script:1: Attempt to modify a readonly table", Sha1Hex(body)));
  for (std::string_view name : {"x", "os", "io", "print", "require", "dofile", "loadfile",
                                "debug", "package", "setfenv_x"}) {
    CAPTURE(name);
    body = "return " + std::string(name);
    CHECK(Eval(h, body) ==
          ScriptError("ERR user_script:1: Script attempted to access nonexistent global "
                      "variable '" + std::string(name) + "'",
                      Sha1Hex(body)));
  }
  // Bytecode is refused; source still loads.
  CHECK(Eval(h, "return loadstring(string.dump(function() return 1 end))") == kNil);
  CHECK(Eval(h, "return loadstring('return 7')()") == Int(7));
  // A global slipped in with rawset does not outlive its script.
  CHECK(Eval(h, "rawset(_G, 'leak', 1); return leak") == Int(1));
  body = "return leak";
  CHECK(Eval(h, body) ==
        ScriptError("ERR user_script:1: Script attempted to access nonexistent global variable "
                    "'leak'",
                    Sha1Hex(body)));
  CHECK(Eval(h, "return redis.REDIS_VERSION") == Bulk("7.2.4"));
  CHECK(Eval(h, "return redis.REDIS_VERSION_NUM") == Int(0x070204));
  CHECK(Eval(h, "return redis.sha1hex('')") == Bulk("da39a3ee5e6b4b0d3255bfef95601890afd80709"));
}

TEST_CASE("EVALSHA, SCRIPT LOAD, EXISTS and FLUSH") {
  Harness h;
  const std::string sha = "e0e1f9fabfc9d4800c877a703b823ac0578ff8db";
  CHECK(h.Run({"EVALSHA", sha, "0"}) == Err("NOSCRIPT No matching script. Please use EVAL."));
  CHECK(h.Run({"SCRIPT", "LOAD", "return 1"}) == Bulk(sha));
  CHECK(h.Run({"EVALSHA", sha, "0"}) == Int(1));
  CHECK(h.Run({"EVALSHA", "E0E1F9FABFC9D4800C877A703B823AC0578FF8DB", "0"}) == Int(1));
  CHECK(h.Run({"SCRIPT", "EXISTS", sha, "abc"}) == "*2\r\n:1\r\n:0\r\n");
  CHECK(Eval(h, "return 2") == Int(2));  // EVAL caches too
  CHECK(h.Run({"EVALSHA", Sha1Hex("return 2"), "0"}) == Int(2));
  CHECK(h.Run({"SCRIPT", "FLUSH", "BAD"}) == Err("ERR SCRIPT FLUSH only support SYNC|ASYNC option"));
  CHECK(h.Run({"SCRIPT", "FLUSH"}) == kOk);
  CHECK(h.Run({"SCRIPT", "EXISTS", sha}) == "*1\r\n:0\r\n");
  CHECK(h.Run({"EVALSHA", sha, "0"}) == Err("NOSCRIPT No matching script. Please use EVAL."));
  CHECK(h.Run({"SCRIPT", "KILL"}) == Err("NOTBUSY No scripts in execution right now."));
  CHECK(h.Run({"SCRIPT", "LOAD", "return +"}).starts_with(
      "-ERR Error compiling script (new function): user_script:1:"));
}

TEST_CASE("read-only scripts refuse writes") {
  Harness h;
  std::string body = "return redis.call('set','x','y')";
  CHECK(h.Run({"EVAL_RO", body, "0"}) ==
        ScriptError("ERR Write commands are not allowed from read-only scripts.", Sha1Hex(body)));
  CHECK(h.Run({"SET", "x", "1"}) == kOk);
  CHECK(h.Run({"EVAL_RO", "return redis.call('get','x')", "0"}) == Bulk("1"));
  CHECK(h.Run({"EVALSHA_RO", Sha1Hex("return redis.call('get','x')"), "0"}) == Bulk("1"));
  // Not writes, but they may emit one (PFCOUNT caching its count, PUBLISH): refused too.
  CHECK(h.Run({"PFADD", "hll", "a"}) == Int(1));
  for (const char* call : {"return redis.call('pfcount','hll')",
                           "return redis.call('publish','c','m')",
                           "return redis.call('spublish','c','m')"}) {
    CAPTURE(call);
    CHECK(h.Run({"EVAL_RO", call, "0"}) ==
          ScriptError("ERR Write commands are not allowed from read-only scripts.", Sha1Hex(call)));
  }
  CHECK(h.Run({"EVAL", "return redis.call('pfcount','hll')", "0"}) == Int(1));
  body = "#!lua flags=no-writes\nreturn redis.call('set','a','b')";
  CHECK(Eval(h, body) == ScriptError("ERR Write commands are not allowed from read-only scripts.",
                                     Sha1Hex(body), 2));
  // A script that declares it may write cannot run as read-only.
  CHECK(h.Run({"EVAL_RO", "#!lua\nreturn 1", "0"}) ==
        Err("ERR Can not execute a script with write flag using *_ro command."));
  CHECK(h.Run({"EVAL_RO", "#!lua flags=no-writes\nreturn 1", "0"}) == Int(1));
  CHECK(Eval(h, "#!lua flags=foo\nreturn 1") == Err("ERR Unexpected flag in script shebang: foo"));
  CHECK(Eval(h, "#!lux\nreturn 1") == Err("ERR Unexpected engine in script shebang: #!lux"));
  CHECK(Eval(h, "#!lua name=x\nreturn 1") == Err("ERR Unknown lua shebang option: name=x"));
}

TEST_CASE("a script runs on its own client: SELECT inside stays inside") {
  Harness h;
  CHECK(Eval(h, "redis.call('select', 1); redis.call('set', 'k', 'in1'); return 1") == Int(1));
  CHECK(h.Run({"GET", "k"}) == kNil);
  CHECK(h.Run({"SELECT", "1"}) == kOk);
  CHECK(h.Run({"GET", "k"}) == Bulk("in1"));
  // And it starts in the caller's database.
  CHECK(Eval(h, "return redis.call('get', 'k')") == Bulk("in1"));
}

TEST_CASE("redis.acl_check_cmd answers for the caller's user, keys included") {
  Harness h;
  REQUIRE(h.Run({"ACL", "SETUSER", "bob", "on", "nopass", "+eval", "+get", "~k*"}) == kOk);
  REQUIRE(h.Run({"AUTH", "bob", "any"}) == kOk);
  CHECK(Eval(h, "return redis.acl_check_cmd('get', 'k1')") == ":1\r\n");
  CHECK(Eval(h, "return redis.acl_check_cmd('get', 'other')") == "$-1\r\n");  // false
  CHECK(Eval(h, "return redis.acl_check_cmd('set', 'k1', 'v')") == "$-1\r\n");
  CHECK(Eval(h, "return redis.acl_check_cmd('nosuch')")
            .starts_with("-ERR Invalid command passed to redis.acl_check_cmd()"));
  // A refusal found this way is not a refusal: nothing in ACL LOG.
  REQUIRE(h.Run({"AUTH", "default", "any"}) == kOk);
  CHECK(h.Run({"ACL", "LOG"}) == "*0\r\n");
}

TEST_CASE("EVAL's redis has the debugger's functions and the deprecated replicate_commands") {
  Harness h;
  CHECK(Eval(h, "return redis.replicate_commands()") == Int(1));
  // Outside a debugging session (SCRIPT DEBUG) a breakpoint is not hit and debug shows nothing.
  CHECK(Eval(h, "redis.debug('x', 1) return redis.breakpoint()") == "$-1\r\n");
  // A function library's redis has none of them, as in Redis.
  CHECK(h.Run({"FUNCTION", "LOAD",
               "#!lua name=lib\nredis.register_function('f', function()\n"
               "  return {type(redis.breakpoint), type(redis.debug), "
               "type(redis.replicate_commands)}\nend)"}) == Bulk("lib"));
  CHECK(h.Run({"FCALL", "f", "0"}) == "*3\r\n$3\r\nnil\r\n$3\r\nnil\r\n$3\r\nnil\r\n");
}

}  // namespace
}  // namespace kvd::testing
