// Debian's redis-cli against the server: plain commands, --pipe, --scan, --bigkeys, --rdb and
// --functions-rdb.
#include <algorithm>
#include <set>

#include <doctest/doctest.h>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

TEST_CASE("redis-cli runs commands and prints replies") {
  ServerProcess server;
  const int port = server.port();
  CHECK(RunCli(port, {"set", "greeting", "hello world"}).out == "OK\n");
  CliResult get = RunCli(port, {"get", "greeting"});
  CHECK(get.code == 0);
  CHECK(get.out == "hello world\n");
  CHECK(RunCli(port, {"--no-raw", "get", "greeting"}).out == "\"hello world\"\n");
  CHECK(RunCli(port, {"--no-raw", "get", "missing"}).out == "(nil)\n");
  CHECK(RunCli(port, {"--no-raw", "incr", "counter"}).out == "(integer) 1\n");
  CHECK(RunCli(port, {"--no-raw", "mget", "greeting", "missing"}).out ==
        "1) \"hello world\"\n2) (nil)\n");
  CHECK(RunCli(port, {"incr", "greeting"}).out ==
        "ERR value is not an integer or out of range\n\n");
  // Arguments go through untouched: quotes, spaces, shell characters.
  CHECK(RunCli(port, {"set", "it's \"$HOME\"", "a;b|c`d`"}).out == "OK\n");
  CHECK(RunCli(port, {"get", "it's \"$HOME\""}).out == "a;b|c`d`\n");
  // -n selects a database; -x takes the last argument from stdin.
  CHECK(RunCli(port, {"-n", "3", "set", "in3", "v"}).out == "OK\n");
  CHECK(RunCli(port, {"-n", "3", "dbsize"}).out == "1\n");
  CHECK(RunCli(port, {"-x", "set", "fromstdin"}, "line one\nline two\n").out == "OK\n");
  CHECK(RunCli(port, {"strlen", "fromstdin"}).out == "18\n");
  // Commands read from stdin, one per line.
  CliResult batch = RunCli(port, {}, "SET a 1\nINCR a\nGET a\nPING\n");
  CHECK(batch.out == "OK\n2\n2\nPONG\n");
  CHECK(RunCli(port, {"dbsize"}).out == "5\n");
}

TEST_CASE("redis-cli with a password") {
  ServerProcess server({"--requirepass", "pw"});
  CHECK(RunCli(server.port(), {"ping"}).out == "NOAUTH Authentication required.\n\n");
  CHECK(RunCli(server.port(), {"-a", "pw", "--no-auth-warning", "ping"}).out == "PONG\n");
  CliResult wrong = RunCli(server.port(), {"-a", "wrong", "--no-auth-warning", "ping"});
  CHECK(wrong.out == "NOAUTH Authentication required.\n\n");
  CHECK(Contains(wrong.err, "WRONGPASS invalid username-password pair or user is disabled."));
}

TEST_CASE("redis-cli --pipe mass insert of 100,000 keys") {
  ServerProcess server;
  std::string input;
  input.reserve(100000 * 48);
  for (int i = 0; i < 100000; ++i) {
    input += Command({"SET", "key:" + std::to_string(i), "value:" + std::to_string(i * 7)});
  }
  CliResult r = RunCli(server.port(), {"--pipe"}, input);
  INFO("stdout: ", r.out, "\nstderr: ", r.err);
  CHECK(r.code == 0);
  CHECK(Contains(r.out, "errors: 0, replies: 100000"));

  RawClient c(server.port());
  CHECK(c.Call({"DBSIZE"}) == Int(100000));
  for (int i : {0, 1, 54321, 99998, 99999}) {
    CAPTURE(i);
    CHECK(c.Call({"GET", "key:" + std::to_string(i)}) == Bulk("value:" + std::to_string(i * 7)));
  }
  CHECK(c.Call({"EXISTS", "key:100000"}) == Int(0));
}

TEST_CASE("redis-cli --scan --pattern returns exactly the matching keys") {
  ServerProcess server;
  RawClient c(server.port());
  std::set<std::string> expected;
  std::string batch;
  for (int i = 0; i < 500; ++i) {
    const std::string user = "user:" + std::to_string(i);
    expected.insert(user);
    batch += Command({"MSET", user, "u", "session:" + std::to_string(i), "s"});
  }
  c.Send(batch);
  for (int i = 0; i < 500; ++i) REQUIRE(c.ReadReply().raw == kOk);
  CHECK(c.Call({"MSET", "user:", "empty suffix", "user", "no colon", "users:1", "x",
                "xuser:1", "x", "USER:1", "x"}) == kOk);
  expected.insert("user:");
  CHECK(c.Call({"SELECT", "1"}) == kOk);
  CHECK(c.Call({"SET", "user:other-db", "x"}) == kOk);

  CliResult r = RunCli(server.port(), {"--scan", "--pattern", "user:*"});
  CHECK(r.code == 0);
  std::vector<std::string> lines = Lines(r.out);
  std::set<std::string> got(lines.begin(), lines.end());
  CHECK(got == expected);
  CHECK(lines.size() >= expected.size());

  CliResult all = RunCli(server.port(), {"--scan"});
  std::vector<std::string> all_lines = Lines(all.out);
  CHECK(all_lines.size() >= 1005);
  CHECK(std::set<std::string>(all_lines.begin(), all_lines.end()).size() == 1005);
}

TEST_CASE("redis-cli --bigkeys reports the biggest string key") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"SET", "small", "x"}) == kOk);
  CHECK(c.Call({"SET", "medium", std::string(100, 'm')}) == kOk);
  CHECK(c.Call({"SET", "the-big-one", std::string(5000, 'b')}) == kOk);
  CliResult r = RunCli(server.port(), {"--bigkeys"});
  INFO("stdout: ", r.out, "\nstderr: ", r.err);
  CHECK(r.code == 0);
  CHECK(Contains(r.out, "Sampled 3 keys in the keyspace!"));
  CHECK(Contains(r.out, "Biggest string found '\"the-big-one\"' has 5000 bytes"));
  CHECK(Contains(r.out, "3 strings with 5101 bytes (100.00% of keys, avg size 1700.33)"));
}

TEST_CASE("redis-cli --rdb takes the snapshot over replication; --functions-rdb only libraries") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"SET", "k", "v"}) == kOk);
  const std::string library =
      "#!lua name=lib\nredis.register_function('hi', function() return 1 end)";
  CHECK(c.Call({"FUNCTION", "LOAD", library}) == Bulk("lib"));

  TempDir whole, functions;
  CliResult r = RunCli(server.port(), {"--rdb", whole.path() + "/dump.rdb"});
  INFO("stderr: ", r.err);
  CHECK(r.code == 0);
  r = RunCli(server.port(), {"--functions-rdb", functions.path() + "/dump.rdb"});
  INFO("stderr: ", r.err);
  CHECK(r.code == 0);

  ServerProcess from_whole({"--dir", whole.path()});
  RawClient w(from_whole.port());
  CHECK(w.Call({"GET", "k"}) == Bulk("v"));
  CHECK(w.Call({"FCALL", "hi", "0"}) == Int(1));
  ServerProcess from_functions({"--dir", functions.path()});
  RawClient f(from_functions.port());
  CHECK(f.Call({"DBSIZE"}) == Int(0));
  CHECK(f.Call({"FCALL", "hi", "0"}) == Int(1));

  CHECK(c.Call({"REPLCONF", "rdb-filter-only", "functions keys"}) ==
        Err("ERR Unsupported rdb-filter-only option: keys"));
  CHECK(c.Call({"REPLCONF", "rdb-only", "2"}) ==
        Err("ERR value is out of range, value must between 0 and 1"));
}

}  // namespace
}  // namespace kvd::e2e
