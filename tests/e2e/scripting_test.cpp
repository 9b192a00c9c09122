// Lua scripting and functions against the real binary: Redis's documented examples, RESP3
// conversions, SCRIPT KILL of a looping script while another client waits (and SHUTDOWN
// NOSAVE of one that has written), and scripts' effects and function libraries surviving a
// restart through the append-only file.
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

namespace fs = std::filesystem;

const std::string kBusyErr =
    "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n";

// Whether a fresh client's PING is answered -BUSY. A command that reached the store before
// the script became slow waits for the script's end (as if sent before it): such a probe is
// abandoned, still connected, in `stuck`.
bool ProbeBusy(int port, std::vector<std::unique_ptr<RawClient>>& stuck) {
  auto probe = std::make_unique<RawClient>(port, 300ms);
  try {
    return probe->Call({"PING"}) == kBusyErr;
  } catch (const std::exception&) {
    stuck.push_back(std::move(probe));
    return false;
  }
}

std::string AllIncrFiles(const std::string& dir) {
  std::string all;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.path().string().find(".incr.aof") == std::string::npos) continue;
    std::ifstream in(e.path(), std::ios::binary);
    all.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return all;
}

TEST_CASE("EVAL: Redis's documented examples") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"EVAL", "return {KEYS[1],KEYS[2],ARGV[1],ARGV[2]}", "2", "key1", "key2",
                "first", "second"}) ==
        Arr({Bulk("key1"), Bulk("key2"), Bulk("first"), Bulk("second")}));
  CHECK(c.Call({"EVAL", "return redis.call('SET', KEYS[1], ARGV[1])", "1", "foo", "bar"}) == kOk);
  CHECK(c.Call({"EVAL", "return redis.call('GET', KEYS[1])", "1", "foo"}) == Bulk("bar"));
  const std::string sha = "ffffffffffffffffffffffffffffffffffffffff";
  CHECK(c.Call({"SCRIPT", "LOAD", "return 'Immabe a cached script'"}) ==
        Bulk("c664a3bf70bd1d45c4284ffebb65a6f2299bfc9f"));
  CHECK(c.Call({"EVALSHA", "c664a3bf70bd1d45c4284ffebb65a6f2299bfc9f", "0"}) ==
        Bulk("Immabe a cached script"));
  CHECK(c.Call({"EVALSHA", sha, "0"}) == Err("NOSCRIPT No matching script. Please use EVAL."));
  CHECK(c.Call({"EVAL", "return redis.call('nosuch')", "0"})
            .starts_with("-ERR Unknown Redis command called from script script: "));
  CHECK(c.Call({"EVAL_RO", "return redis.call('SET', KEYS[1], 'x')", "1", "foo"})
            .starts_with("-ERR Write commands are not allowed from read-only scripts. script: "));
  // Functions: the introduction's knockknock library.
  CHECK(c.Call({"FUNCTION", "LOAD",
                "#!lua name=mylib\nredis.register_function('knockknock', function() return "
                "'Who\\'s there?' end)"}) == Bulk("mylib"));
  CHECK(c.Call({"FCALL", "knockknock", "0"}) == Bulk("Who's there?"));
  // redis-cli --eval, as the documentation shows it.
  TempDir dir;
  const std::string script = dir.Write("s.lua", "return {KEYS[1], ARGV[1]}");
  CliResult r = RunCli(server.port(), {"--eval", script, "k1", ",", "a1"});
  CHECK(r.out == "k1\na1\n");
}

TEST_CASE("SORT BY nosort of a set is sorted anyway inside a script, as Redis does") {
  ServerProcess server;
  RawClient c(server.port());
  REQUIRE(c.Call({"SADD", "s", "c", "a", "b", "10", "2"}) == Int(5));
  const std::string sorted =
      "*5\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n";
  CHECK(c.Call({"EVAL", "return redis.call('SORT', KEYS[1], 'BY', 'nosort')", "1", "s"}) ==
        sorted);
  CHECK(c.Call({"FUNCTION", "LOAD",
                "#!lua name=lib\nredis.register_function('srt', function(keys) "
                "return redis.call('SORT_RO', keys[1], 'BY', 'nosort', 'DESC') end)"}) ==
        "$3\r\nlib\r\n");
  CHECK(c.Call({"FCALL", "srt", "1", "s"}) ==
        "*5\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\n2\r\n$2\r\n10\r\n");
  // A list keeps its own order.
  REQUIRE(c.Call({"RPUSH", "l", "b", "a"}) == Int(2));
  CHECK(c.Call({"EVAL", "return redis.call('SORT', KEYS[1], 'BY', 'nosort')", "1", "l"}) ==
        "*2\r\n$1\r\nb\r\n$1\r\na\r\n");
}

TEST_CASE("EVAL: RESP3 conversions for a HELLO 3 client") {
  ServerProcess server;
  RawClient c(server.port());
  REQUIRE(c.Exec({"HELLO", "3"}).type == '%');
  CHECK(c.Call({"EVAL", "redis.setresp(3); return redis.call('hgetall', KEYS[1])", "1", "h"}) ==
        "%0\r\n");
  CHECK(c.Call({"HSET", "h", "f", "v"}) == Int(1));
  CHECK(c.Call({"EVAL", "redis.setresp(3); return redis.call('hgetall', KEYS[1])", "1", "h"}) ==
        "%1\r\n$1\r\nf\r\n$1\r\nv\r\n");
  CHECK(c.Call({"EVAL", "return {double=1.5}", "0"}) == ",1.5\r\n");
  CHECK(c.Call({"EVAL", "redis.setresp(3); return false", "0"}) == "#f\r\n");
  CHECK(c.Call({"EVAL", "return nil", "0"}) == "_\r\n");
}

TEST_CASE("SCRIPT KILL stops a looping script while another client waits") {
  ServerProcess server({"--busy-reply-threshold", "100"});
  RawClient looping(server.port());
  looping.SendOnly(Command({"EVAL", "local i = 0 while true do i = i + 1 end", "0"}));
  // Once past the threshold, others are told the server is busy.
  std::vector<std::unique_ptr<RawClient>> stuck;
  REQUIRE(WaitFor([&] { return ProbeBusy(server.port(), stuck); }));
  RawClient other(server.port());
  CHECK(other.Call({"GET", "k"}) == kBusyErr);
  CHECK(other.Call({"FUNCTION", "KILL"}) == kBusyErr);
  CHECK(other.Call({"SCRIPT", "KILL"}) == kOk);
  CHECK(looping.ReadReply().raw.starts_with(
      "-ERR Script killed by user with SCRIPT KILL... script: "));
  CHECK(other.Call({"PING"}) == "+PONG\r\n");
  CHECK(looping.Call({"PING"}) == "+PONG\r\n");
  // A probe that had to wait got its reply once the script ended.
  for (auto& c : stuck) CHECK(c->ReadReply().raw == "+PONG\r\n");
  CHECK(Contains(server.Log(), "Slow script detected: still in execution after"));
}

TEST_CASE("a script that has written cannot be killed; SHUTDOWN NOSAVE ends it") {
  ServerProcess server({"--lua-time-limit", "100"});
  RawClient looping(server.port());
  looping.SendOnly(
      Command({"EVAL", "redis.call('set', 'x', '1') while true do end", "0"}));
  std::vector<std::unique_ptr<RawClient>> stuck;
  REQUIRE(WaitFor([&] { return ProbeBusy(server.port(), stuck); }));
  RawClient other(server.port());
  CHECK(other.Call({"SCRIPT", "KILL"}) ==
        "-UNKILLABLE Sorry the script already executed write commands against the dataset. You "
        "can either wait the script termination or kill the server in a hard way using the "
        "SHUTDOWN NOSAVE command.\r\n");
  CHECK(other.Call({"SHUTDOWN"}) == kBusyErr);
  other.SendOnly(Command({"SHUTDOWN", "NOSAVE"}));
  ExitResult exit = server.WaitExit();
  CHECK(exit.exited);
  CHECK(exit.code == 0);
}

TEST_CASE("scripts' effects and function libraries come back from the append-only file") {
  TempDir dir;
  const std::vector<std::string> args = {"--appendonly", "yes", "--dir", dir.path()};
  {
    ServerProcess server(args);
    RawClient c(server.port());
    // math.random's value is logged as the value written, not as the script.
    CHECK(c.Call({"EVAL",
                  "redis.call('set', KEYS[1], math.random(1000000)); redis.call('incr', KEYS[2]);"
                  " redis.call('rpush', 'l', 'a', 'b'); redis.call('lpop', 'l'); return 1",
                  "2", "r", "n"}) == Int(1));
    CHECK(c.Call({"FUNCTION", "LOAD",
                  "#!lua name=lib\nredis.register_function('setget', function(keys, args) "
                  "redis.call('set', keys[1], args[1]) return redis.call('get', keys[1]) end)"}) ==
          Bulk("lib"));
    CHECK(c.Call({"FCALL", "setget", "1", "f", "v"}) == Bulk("v"));
  }
  // The log holds the scripts' effects, never the scripts.
  const std::string log = AllIncrFiles(dir.path());
  CHECK(Contains(log, "MULTI"));
  CHECK(Contains(log, "FUNCTION"));
  CHECK_FALSE(Contains(log, "EVAL"));
  CHECK_FALSE(Contains(log, "FCALL"));
  ServerProcess server(args);
  RawClient c(server.port());
  CHECK(c.Exec({"GET", "r"}).type == '$');
  CHECK(c.Call({"GET", "n"}) == Bulk("1"));
  CHECK(c.Call({"LRANGE", "l", "0", "-1"}) == Arr({Bulk("b")}));
  CHECK(c.Call({"GET", "f"}) == Bulk("v"));
  CHECK(c.Call({"FCALL", "setget", "1", "f2", "w"}) == Bulk("w"));
}

TEST_CASE("FUNCTION DUMP payloads move between kvd and redis-server both ways") {
  ServerProcess kvd;
  ServerProcess redis({}, ServerOptions{"/usr/bin/redis-server"});
  RawClient k(kvd.port());
  RawClient r(redis.port());
  // Long enough that Redis compresses the code (LZF) in its payload.
  const std::string from_kvd =
      "#!lua name=fromkvd\nredis.register_function('kf', function() return 'a reply long "
      "enough to be compressed' end)";
  const std::string from_redis =
      "#!lua name=fromredis\nredis.register_function('rf', function() return 'another reply "
      "long enough to be compressed' end)";
  REQUIRE(k.Call({"FUNCTION", "LOAD", from_kvd}) == Bulk("fromkvd"));
  REQUIRE(r.Call({"FUNCTION", "LOAD", from_redis}) == Bulk("fromredis"));
  const std::string kvd_dump = k.Exec({"FUNCTION", "DUMP"}).str;
  const std::string redis_dump = r.Exec({"FUNCTION", "DUMP"}).str;
  CHECK(r.Call({"FUNCTION", "RESTORE", kvd_dump}) == kOk);
  CHECK(k.Call({"FUNCTION", "RESTORE", redis_dump}) == kOk);
  CHECK(r.Call({"FCALL", "kf", "0"}) == Bulk("a reply long enough to be compressed"));
  CHECK(k.Call({"FCALL", "rf", "0"}) == Bulk("another reply long enough to be compressed"));
}

}  // namespace
}  // namespace kvd::e2e
