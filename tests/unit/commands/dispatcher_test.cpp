// The dispatcher's own rules, against a small test-only command table: lookup, arity,
// subcommands, authentication, maxmemory, INFO's counters. The real table gets a few
// end-to-end checks through the Harness at the bottom.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/clock.h"
#include "core/store.h"
#include "server/command.h"
#include "server/config.h"
#include "server/dispatcher.h"
#include "server/errors.h"
#include "server/server_state.h"
#include "unit/commands/harness.h"

namespace kvd::testing {
namespace {

int64_t g_seen_now_ms = 0;

void CmdEchoCount(CommandContext& ctx) {  // replies with its argument count
  g_seen_now_ms = ctx.now_ms;
  ctx.reply.Integer(static_cast<int64_t>(ctx.args.size()));
}
void CmdFail(CommandContext& ctx) { ctx.Error("WRONGTYPE pretend"); }
void CmdNull(CommandContext& ctx) { ctx.reply.Null(); }
void CmdWrite(CommandContext& ctx) {
  ctx.db().Put(ctx.args[1], ctx.args[2]);
  ctx.AddDirty();
  ctx.reply.Ok();
}

CommandSpec MakeSpec(std::string name, int arity, uint32_t flags, CommandHandler handler) {
  CommandSpec s;
  s.name = std::move(name);
  s.arity = arity;
  s.flags = flags;
  s.handler = handler;
  return s;
}

// A family of made-up commands that exercise every dispatcher path.
void RegisterTestFamily(CommandTable& t) {
  t.Add(MakeSpec("fixed", 2, kReadOnly, CmdEchoCount));
  t.Add(MakeSpec("atleast", -2, 0, CmdEchoCount));
  t.Add(MakeSpec("fail", 1, 0, CmdFail));
  t.Add(MakeSpec("null", 1, 0, CmdNull));
  t.Add(MakeSpec("open", 1, kNoAuth, CmdEchoCount));
  t.Add(MakeSpec("write", 3, kWrite | kDenyOom, CmdWrite));
  CommandSpec client = MakeSpec("client", -2, 0, nullptr);
  client.subcommands.push_back(MakeSpec("client|list", 2, 0, CmdEchoCount));
  client.subcommands.push_back(MakeSpec("client|kill", -3, 0, CmdEchoCount));
  t.Add(std::move(client));
}

struct Fixture {
  Fixture() : store(16), server(config, store, table, clock), dispatcher(server) {
    RegisterTestFamily(table);
    table.Freeze();
    client.authenticated = true;
    server.AddClient(client);
  }
  ~Fixture() { server.RemoveClient(client); }

  std::string Run(std::vector<std::string_view> args) {
    std::string out;
    dispatcher.Execute(client, args, out);
    return out;
  }
  const CommandSpec& Spec(std::string_view name) {
    const CommandSpec* s = table.Find(name);
    REQUIRE(s != nullptr);
    return *s;
  }

  ManualClock clock;
  Config config;
  Store store;
  CommandTable table;
  ServerState server;
  Dispatcher dispatcher;
  ClientState client;
};

TEST_CASE("unknown command: Redis's text, arguments quoted, trailing space") {
  Fixture f;
  CHECK(f.Run({"nosuch", "a", "b"}) ==
        "-ERR unknown command 'nosuch', with args beginning with: 'a' 'b' \r\n");
  CHECK(f.Run({"nosuch"}) == "-ERR unknown command 'nosuch', with args beginning with: \r\n");
  // The argument list stops once 128 bytes are shown; each argument is clipped to the rest.
  std::string a(100, 'a'), b(100, 'b');
  std::string expected = "-ERR unknown command 'x', with args beginning with: '" + a + "' '" +
                         std::string(128 - 103, 'b') + "' \r\n";
  CHECK(f.Run({"x", a, b, "c"}) == expected);
  // The command name itself is clipped to 128 bytes.
  std::string long_name(200, 'z');
  CHECK(f.Run({long_name}) == "-ERR unknown command '" + std::string(128, 'z') +
                                  "', with args beginning with: \r\n");
  // CR/LF in a quoted argument cannot break the reply line.
  CHECK(f.Run({"nosuch", "a\r\nb"}) ==
        "-ERR unknown command 'nosuch', with args beginning with: 'a  b' \r\n");
}

TEST_CASE("lookup ignores case; arity errors name the command in lower case") {
  Fixture f;
  CHECK(f.Run({"FiXeD", "x"}) == ":2\r\n");
  CHECK(f.Run({"FIXED"}) == "-ERR wrong number of arguments for 'fixed' command\r\n");
  CHECK(f.Run({"fixed", "a", "b"}) == "-ERR wrong number of arguments for 'fixed' command\r\n");
  CHECK(f.Run({"atleast"}) == "-ERR wrong number of arguments for 'atleast' command\r\n");
  CHECK(f.Run({"atleast", "1", "2", "3"}) == ":4\r\n");
}

TEST_CASE("empty requests are ignored") {
  Fixture f;
  CHECK(f.Run({}).empty());
  CHECK(f.server.stats.total_commands_processed == 0);
}

TEST_CASE("container commands dispatch on their subcommand") {
  Fixture f;
  CHECK(f.Run({"CLIENT", "LIST"}) == ":2\r\n");
  CHECK(f.Run({"client", "Kill", "a", "b"}) == ":4\r\n");
  CHECK(f.Run({"client", "foo"}) == "-ERR unknown subcommand 'foo'. Try CLIENT HELP.\r\n");
  CHECK(f.Run({"client", "list", "x"}) ==
        "-ERR wrong number of arguments for 'client|list' command\r\n");
  CHECK(f.Run({"client", "kill"}) ==
        "-ERR wrong number of arguments for 'client|kill' command\r\n");
  REQUIRE(f.client.last_command != nullptr);
  CHECK(f.client.last_command->name == "client|kill");
  CHECK(f.Run({"client"}) == "-ERR wrong number of arguments for 'client' command\r\n");
  CHECK(f.client.last_command->name == "client");  // as Redis's lastcmd: what the lookup found
}

TEST_CASE("NOAUTH until the client authenticates when requirepass is set") {
  Fixture f;
  std::vector<std::string_view> set = {"requirepass", "secret"};
  REQUIRE(f.config.Set(set) == "");
  ClientState fresh;  // as the network layer makes it: authenticated only without a password
  fresh.authenticated = f.config.values().requirepass.empty();
  f.server.AddClient(fresh);
  auto run = [&](std::vector<std::string_view> args) {
    std::string out;
    f.dispatcher.Execute(fresh, args, out);
    return out;
  };
  CHECK(run({"fixed", "x"}) == "-NOAUTH Authentication required.\r\n");
  CHECK(run({"open"}) == ":1\r\n");  // kNoAuth commands (AUTH, HELLO...) pass
  // Lookup and arity come first, as in Redis.
  CHECK(run({"nosuch"}) == "-ERR unknown command 'nosuch', with args beginning with: \r\n");
  CHECK(run({"fixed"}) == "-ERR wrong number of arguments for 'fixed' command\r\n");
  CHECK(f.Spec("fixed").rejected_calls == 2);
  CHECK(f.server.stats.error_counts["NOAUTH"] == 1);
  fresh.authenticated = true;
  CHECK(run({"fixed", "x"}) == ":2\r\n");
  // A client connected before the password was set stays authenticated.
  CHECK(f.Run({"fixed", "x"}) == ":2\r\n");
  f.server.RemoveClient(fresh);
}

TEST_CASE("commandstats: calls, rejected_calls, failed_calls; per subcommand") {
  Fixture f;
  f.Run({"fixed", "a"});
  f.Run({"fixed", "b"});
  f.Run({"fixed"});
  f.Run({"fail"});
  f.Run({"client", "list"});
  f.Run({"client", "list", "x"});
  f.Run({"client", "nope"});  // no command to charge it to, as in Redis
  CHECK(f.Spec("fixed").calls == 2);
  CHECK(f.Spec("fixed").rejected_calls == 1);
  CHECK(f.Spec("fixed").failed_calls == 0);
  CHECK(f.Spec("fail").calls == 1);
  CHECK(f.Spec("fail").failed_calls == 1);
  const CommandSpec* list = FindSubcommand(f.Spec("client"), "LIST");
  REQUIRE(list != nullptr);
  CHECK(list->calls == 1);
  CHECK(list->rejected_calls == 1);
  CHECK(f.Spec("client").calls == 0);
  CHECK(f.Spec("client").rejected_calls == 0);
  // Only commands that ran count as processed.
  CHECK(f.server.stats.total_commands_processed == 4);
  CHECK(f.client.commands == 4);
}

TEST_CASE("errorstats count every error reply by its first word") {
  Fixture f;
  f.Run({"nosuch"});
  f.Run({"fixed"});
  f.Run({"fail"});
  f.Run({"fail"});
  f.Run({"client", "nope"});
  CHECK(f.server.stats.error_counts["ERR"] == 3);
  CHECK(f.server.stats.error_counts["WRONGTYPE"] == 2);
  CHECK(f.server.stats.total_error_replies == 5);
}

TEST_CASE("CountError: the kind is the first word, ERR without one; at most 128 kinds") {
  Fixture f;
  f.server.CountError(f.client, "MOVED 1 2");
  f.server.CountError(f.client, "nospace");
  f.server.CountError(f.client, std::string(40, 'X') + " long first word");
  CHECK(f.server.stats.error_counts["MOVED"] == 1);
  CHECK(f.server.stats.error_counts["ERR"] == 2);
  for (int i = 0; i < 200; ++i) f.server.CountError(f.client, "K" + std::to_string(i) + " x");
  CHECK(f.server.stats.error_counts.size() == 128);
  CHECK(f.server.stats.total_error_replies == 203);
  CHECK(f.server.stats.unexpected_error_replies == 0);  // a plain client's errors are expected
}

TEST_CASE("errors replied to our master, a replica or the log's replay are unexpected") {
  Fixture f;
  for (bool ClientState::*role : {&ClientState::master, &ClientState::replica,
                                  &ClientState::replaying_aof}) {
    ClientState c;
    c.*role = true;
    f.server.CountError(c, "WRONGTYPE Operation against a key holding the wrong kind of value");
  }
  f.client.master = true;
  f.Run({"fail"});  // through the dispatcher
  CHECK(f.server.stats.unexpected_error_replies == 4);
  CHECK(f.server.stats.total_error_replies == 4);
  f.server.ResetStats();
  CHECK(f.server.stats.unexpected_error_replies == 0);
}

TEST_CASE("CountExpireCycle: time used, cycles out of time, a running average of stale keys") {
  Fixture f;
  f.server.CountExpireCycle({.sampled = 20, .expired = 20, .out_of_time = false}, 150);
  CHECK(f.server.stats.expired_stale_perc == doctest::Approx(0.05));
  f.server.CountExpireCycle({.sampled = 0, .expired = 0, .out_of_time = true}, 1000);
  CHECK(f.server.stats.expired_stale_perc == doctest::Approx(0.0475));
  CHECK(f.server.stats.expired_time_cap_reached_count == 1);
  CHECK(f.server.stats.expire_cycle_time_used_us == 1150);
}

TEST_CASE("handlers see one clock reading; the client's last interaction is recorded") {
  Fixture f;
  f.clock.SetMs(1'800'000'000'123);
  f.Run({"fixed", "x"});
  CHECK(g_seen_now_ms == 1'800'000'000'123);
  CHECK(f.client.last_interaction_ms == 1'800'000'000'123);
  REQUIRE(f.client.last_command != nullptr);
  CHECK(f.client.last_command->name == "fixed");
}

TEST_CASE("replies use the client's protocol version") {
  Fixture f;
  CHECK(f.Run({"null"}) == "$-1\r\n");
  f.client.resp = 3;
  CHECK(f.Run({"null"}) == "_\r\n");
}

TEST_CASE("maxmemory: denyoom commands are refused past the limit, others run") {
  Fixture f;
  CHECK(f.Run({"write", "k", std::string(4096, 'v')}) == "+OK\r\n");
  CHECK(f.server.stats.dirty == 1);
  std::vector<std::string_view> set = {"maxmemory", "1024"};
  REQUIRE(f.config.Set(set) == "");
  CHECK(f.Run({"write", "k2", "v"}) ==
        "-OOM command not allowed when used memory > 'maxmemory'.\r\n");
  CHECK(f.Run({"fixed", "k"}) == ":2\r\n");
  CHECK(f.Spec("write").rejected_calls == 1);
}

TEST_CASE("ResetStats clears command and error statistics but not dirty") {
  Fixture f;
  f.Run({"fixed", "x"});
  f.Run({"fail"});
  f.Run({"client", "list"});
  f.Run({"write", "k", "v"});
  f.server.ResetStats();
  CHECK(f.Spec("fixed").calls == 0);
  CHECK(f.Spec("fail").failed_calls == 0);
  CHECK(FindSubcommand(f.Spec("client"), "list")->calls == 0);
  CHECK(f.server.stats.error_counts.empty());
  CHECK(f.server.stats.total_commands_processed == 0);
  CHECK(f.server.stats.dirty == 1);
}

TEST_CASE("Cron derives the instantaneous rates from 100 ms samples") {
  Fixture f;
  f.server.Cron(f.clock.NowMs());
  for (int i = 0; i < 16; ++i) {
    for (int j = 0; j < 50; ++j) f.Run({"fixed", "x"});
    f.server.stats.total_net_input_bytes += 1024;
    f.server.stats.total_net_repl_output_bytes += 2048;
    f.clock.Advance(100);
    f.server.Cron(f.clock.NowMs());
  }
  CHECK(f.server.rates.ops.PerSecond() == doctest::Approx(500.0));
  CHECK(f.server.rates.net_input.PerSecond() == doctest::Approx(10240.0));
  CHECK(f.server.rates.net_repl_output.PerSecond() == doctest::Approx(20480.0));
  CHECK(f.server.rates.net_output.PerSecond() == 0);
  // Half the window idle: the mean of 16 samples halves.
  for (int i = 0; i < 8; ++i) {
    f.clock.Advance(100);
    f.server.Cron(f.clock.NowMs());
  }
  CHECK(f.server.rates.ops.PerSecond() == doctest::Approx(250.0));
}

TEST_CASE("the client registry assigns ids and forgets removed clients") {
  Fixture f;
  ClientState a, b;
  f.server.AddClient(a);
  f.server.AddClient(b);
  CHECK(a.id != 0);
  CHECK(b.id == a.id + 1);
  CHECK(f.server.clients.size() == 3);
  f.server.RemoveClient(a);
  CHECK(f.server.clients.count(a.id) == 0);
  f.server.RemoveClient(b);
  CHECK(f.server.clients.size() == 1);
}

TEST_CASE("error helpers") {
  CHECK(InvalidExpireError("set") == "ERR invalid expire time in 'set' command");
  CHECK(WrongArityError("GET") == "ERR wrong number of arguments for 'get' command");
  CHECK(UnknownSubcommandError("config", "x") == "ERR unknown subcommand 'x'. Try CONFIG HELP.");
}

// The real table, through the shared harness.
TEST_CASE("the real command table: arity and subcommand errors as Redis") {
  Harness h;
  CHECK(h.Run({"GET"}) == "-ERR wrong number of arguments for 'get' command\r\n");
  CHECK(h.Run({"CONFIG", "NOPE"}) == "-ERR unknown subcommand 'NOPE'. Try CONFIG HELP.\r\n");
  CHECK(h.Run({"config", "get"}) ==
        "-ERR wrong number of arguments for 'config|get' command\r\n");
  CHECK(h.Run({"frobnicate", "x"}) ==
        "-ERR unknown command 'frobnicate', with args beginning with: 'x' \r\n");
}

}  // namespace
}  // namespace kvd::testing
