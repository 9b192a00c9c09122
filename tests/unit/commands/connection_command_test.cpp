// COMMAND, COMMAND COUNT|INFO|DOCS|LIST|GETKEYS|HELP.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "unit/commands/harness.h"
#include "unit/commands/resp_reader.h"

namespace kvd::testing {
namespace {

std::vector<std::string> Strings(const RespValue& array) {
  std::vector<std::string> out;
  for (const RespValue& e : array.elems) out.push_back(e.str);
  return out;
}

size_t TotalNames(const CommandTable& t) {
  size_t n = 0;
  for (const CommandSpec& s : t.All()) n += 1 + s.subcommands.size();
  return n;
}

TEST_CASE("COMMAND COUNT is the number of top-level commands") {
  Harness h;
  REQUIRE(h.table.All().size() > 20);
  CHECK(h.Run({"COMMAND", "COUNT"}) == ":" + std::to_string(h.table.All().size()) + "\r\n");
  CHECK(h.Run({"COMMAND", "COUNT", "x"}) ==
        "-ERR wrong number of arguments for 'command|count' command\r\n");
}

TEST_CASE("COMMAND INFO of a command with a key") {
  Harness h;
  CHECK(h.Run({"COMMAND", "INFO", "memory|usage"}) ==
        "*1\r\n*10\r\n$12\r\nmemory|usage\r\n:-3\r\n*1\r\n+readonly\r\n:2\r\n:2\r\n:1\r\n"
        "*2\r\n+@read\r\n+@slow\r\n*0\r\n"
        "*1\r\n*6\r\n$5\r\nflags\r\n*1\r\n+RO\r\n"
        "$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n"
        "*2\r\n$5\r\nindex\r\n:2\r\n"
        "$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n"
        "*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n"
        "*0\r\n");
}

TEST_CASE("COMMAND INFO: flags and categories as Redis, null for unknown names") {
  Harness h;
  CHECK(h.Run({"COMMAND", "INFO", "auth", "nosuch"}) ==
        "*2\r\n*10\r\n$4\r\nauth\r\n:-2\r\n"
        "*6\r\n+noscript\r\n+loading\r\n+stale\r\n+fast\r\n+no_auth\r\n+allow_busy\r\n"
        ":0\r\n:0\r\n:0\r\n*2\r\n+@fast\r\n+@connection\r\n*0\r\n*0\r\n*0\r\n"
        "$-1\r\n");
  REQUIRE(h.Run({"HELLO", "3"}).rfind("%7", 0) == 0);
  CHECK(h.Run({"COMMAND", "INFO", "echo", "nosuch"}) ==
        "*2\r\n*10\r\n$4\r\necho\r\n:2\r\n~3\r\n+loading\r\n+stale\r\n+fast\r\n"
        ":0\r\n:0\r\n:0\r\n~2\r\n+@fast\r\n+@connection\r\n~0\r\n~0\r\n~0\r\n_\r\n");
}

TEST_CASE("COMMAND INFO of a container nests its subcommands") {
  Harness h;
  RespValue v = ParseReply(h.Run({"COMMAND", "INFO", "client"}));
  REQUIRE(v.elems.size() == 1);
  const RespValue& client = v.elems[0];
  REQUIRE(client.elems.size() == 10);
  CHECK(client.elems[0].str == "client");
  CHECK(client.elems[1].integer == -2);
  std::set<std::string> subs;
  for (const RespValue& s : client.elems[9].elems) subs.insert(s.elems[0].str);
  for (const char* name : {"client|id", "client|setname", "client|getname", "client|setinfo",
                           "client|info", "client|list", "client|kill", "client|help"}) {
    CHECK(subs.count(name) == 1);
  }
}

TEST_CASE("plain COMMAND describes every command") {
  Harness h;
  RespValue v = ParseReply(h.Run({"COMMAND"}));
  REQUIRE(v.type == '*');
  CHECK(v.elems.size() == h.table.All().size());
  for (const RespValue& e : v.elems) {
    REQUIRE(e.elems.size() == 10);
    CHECK(h.table.Find(e.elems[0].str) != nullptr);
  }
  CHECK(ParseReply(h.Run({"COMMAND", "INFO"})).elems.size() == h.table.All().size());
}

TEST_CASE("COMMAND DOCS of one command") {
  Harness h;
  CHECK(h.Run({"COMMAND", "DOCS", "echo"}) ==
        "*2\r\n$4\r\necho\r\n*10\r\n$7\r\nsummary\r\n$25\r\nReturns the given string.\r\n"
        "$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n"
        "$10\r\ncomplexity\r\n$4\r\nO(1)\r\n"
        "$9\r\narguments\r\n*1\r\n*4\r\n$4\r\nname\r\n$7\r\nmessage\r\n"
        "$4\r\ntype\r\n$6\r\nstring\r\n");
  CHECK(h.Run({"COMMAND", "DOCS", "nosuch"}) == "*0\r\n");
  REQUIRE(h.Run({"HELLO", "3"}).rfind("%7", 0) == 0);
  CHECK(h.Run({"COMMAND", "DOCS", "ECHO"}).rfind("%1\r\n$4\r\necho\r\n%5\r\n", 0) == 0);
}

// redis-cli 7 builds its hints from this reply at start: it must be a well-formed map of
// name -> doc map, every command present, containers with their subcommands.
TEST_CASE("COMMAND DOCS without names is well formed in RESP2 and RESP3") {
  Harness h;
  for (const char* proto : {"2", "3"}) {
    CAPTURE(proto);
    REQUIRE(h.Run({"HELLO", proto}).size() > 0);
    RespValue v = ParseReply(h.Run({"COMMAND", "DOCS"}));
    CHECK(v.type == (proto[0] == '3' ? '%' : '*'));
    REQUIRE(v.elems.size() == 2 * h.table.All().size());
    for (size_t i = 0; i < v.elems.size(); i += 2) {
      const std::string& name = v.elems[i].str;
      CAPTURE(name);
      const CommandSpec* spec = h.table.Find(name);
      REQUIRE(spec != nullptr);
      auto doc = v.elems[i + 1].AsMap();
      CHECK(doc.count("group") == 1);
      CHECK(doc.count("since") == 1);
      CHECK(doc.count("summary") == 1);
      if (!spec->subcommands.empty()) {
        REQUIRE(doc.count("subcommands") == 1);
        CHECK(doc["subcommands"].elems.size() == 2 * spec->subcommands.size());
      }
    }
  }
}

TEST_CASE("COMMAND DOCS takes subcommand names") {
  Harness h;
  RespValue v = ParseReply(h.Run({"COMMAND", "DOCS", "config|get", "client"}));
  REQUIRE(v.elems.size() == 4);
  CHECK(v.elems[0].str == "config|get");
  CHECK(v.elems[1].AsMap()["since"].str == "2.0.0");
  CHECK(v.elems[2].str == "client");
  CHECK(v.elems[3].AsMap()["subcommands"].AsMap().count("client|kill") == 1);
}

TEST_CASE("every connection and server command carries its documentation") {
  Harness h;
  for (const char* name :
       {"ping", "echo", "quit", "hello", "select", "reset", "auth", "client", "command", "info",
        "dbsize", "flushdb", "flushall", "time", "config", "memory", "shutdown"}) {
    CAPTURE(name);
    const CommandSpec* spec = h.table.Find(name);
    REQUIRE(spec != nullptr);
    CHECK_FALSE(spec->summary.empty());
    CHECK_FALSE(spec->since.empty());
    CHECK_FALSE(spec->complexity.empty());
    CHECK_FALSE(spec->acl_categories.empty());
    for (const CommandSpec& sub : spec->subcommands) {
      CAPTURE(sub.name);
      CHECK(sub.name.rfind(std::string(name) + "|", 0) == 0);
      const bool has_handler = sub.handler != nullptr;
      CHECK(has_handler);
      CHECK_FALSE(sub.summary.empty());
    }
  }
}

TEST_CASE("COMMAND LIST and its filters") {
  Harness h;
  std::vector<std::string> all = Strings(ParseReply(h.Run({"COMMAND", "LIST"})));
  CHECK(all.size() == TotalNames(h.table));
  CHECK(std::count(all.begin(), all.end(), "get") == 1);
  CHECK(std::count(all.begin(), all.end(), "client|list") == 1);

  std::vector<std::string> clients =
      Strings(ParseReply(h.Run({"COMMAND", "LIST", "FILTERBY", "PATTERN", "CLIENT*"})));
  CHECK(clients.size() == 1 + h.table.Find("client")->subcommands.size());
  for (const std::string& n : clients) CHECK(n.rfind("client", 0) == 0);

  std::vector<std::string> conn =
      Strings(ParseReply(h.Run({"COMMAND", "LIST", "FILTERBY", "ACLCAT", "connection"})));
  CHECK(std::count(conn.begin(), conn.end(), "ping") == 1);
  CHECK(std::count(conn.begin(), conn.end(), "client|id") == 1);
  CHECK(std::count(conn.begin(), conn.end(), "get") == 0);
  CHECK(std::count(conn.begin(), conn.end(), "client") == 0);  // the container is @slow only

  CHECK(h.Run({"COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuch"}) == "*0\r\n");
  CHECK(h.Run({"COMMAND", "LIST", "FILTERBY", "MODULE", "json"}) == "*0\r\n");
  CHECK(h.Run({"COMMAND", "LIST", "FILTERBY", "foo", "bar"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"COMMAND", "LIST", "FILTERBY", "PATTERN"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"COMMAND", "LIST", "foo"}) == "-ERR syntax error\r\n");
}

TEST_CASE("COMMAND GETKEYS") {
  Harness h;
  CHECK(h.Run({"COMMAND", "GETKEYS", "memory", "usage", "k1"}) == "*1\r\n$2\r\nk1\r\n");
  CHECK(h.Run({"COMMAND", "GETKEYS", "ping"}) == "-ERR The command has no key arguments\r\n");
  CHECK(h.Run({"COMMAND", "GETKEYS", "nosuch", "a"}) == "-ERR Invalid command specified\r\n");
  CHECK(h.Run({"COMMAND", "GETKEYS", "memory", "nosuch", "a"}) ==
        "-ERR Invalid command specified\r\n");
  CHECK(h.Run({"COMMAND", "GETKEYS", "memory", "usage"}) ==
        "-ERR Invalid number of arguments specified for command\r\n");
}

TEST_CASE("COMMAND GETKEYS of commands whose keys are counted by an argument") {
  Harness h;
  CHECK(h.Run({"COMMAND", "GETKEYS", "zunionstore", "d", "2", "a", "b", "WEIGHTS", "1", "2"}) ==
        "*3\r\n$1\r\nd\r\n$1\r\na\r\n$1\r\nb\r\n");
  CHECK(h.Run({"COMMAND", "GETKEYS", "lmpop", "2", "a", "b", "LEFT"}) ==
        "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  CHECK(h.Run({"COMMAND", "GETKEYS", "blmpop", "0", "1", "a", "LEFT"}) == "*1\r\n$1\r\na\r\n");
  CHECK(h.Run({"COMMAND", "GETKEYS", "bzmpop", "0", "1", "z", "MIN"}) == "*1\r\n$1\r\nz\r\n");
  CHECK(h.Run({"COMMAND", "GETKEYS", "sintercard", "2", "a", "b"}) ==
        "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  CHECK(h.Run({"COMMAND", "GETKEYS", "zunion", "5", "a", "b"}) ==
        "-ERR Invalid arguments specified for command\r\n");
  CHECK(h.Run({"COMMAND", "GETKEYS", "zunion", "x", "a"}) ==
        "-ERR Invalid arguments specified for command\r\n");
}

TEST_CASE("COMMAND GETKEYS of a script with no keys is empty, as Redis's no_mandatory_keys") {
  Harness h;
  CHECK(h.Run({"COMMAND", "GETKEYS", "eval", "return 1", "0"}) == "*0\r\n");
  CHECK(h.Run({"COMMAND", "GETKEYS", "fcall", "f", "1", "k"}) == "*1\r\n$1\r\nk\r\n");
  RespValue info = ParseReply(h.Run({"COMMAND", "INFO", "eval"}));
  REQUIRE(info.elems.size() == 1);
  const std::vector<std::string> flags = Strings(info.elems[0].elems[2]);
  CHECK(std::find(flags.begin(), flags.end(), "no_mandatory_keys") != flags.end());
}

// Flags as redis-server 7.0 and 7.2 list them, no_async_loading in its place.
TEST_CASE("COMMAND INFO shows no_async_loading on the commands Redis refuses while async loading") {
  Harness h;
  const auto flags = [&](std::string_view name) {
    RespValue info = ParseReply(h.Run({"COMMAND", "INFO", std::string(name)}));
    REQUIRE(info.elems.size() == 1);
    return Strings(info.elems[0].elems[2]);
  };
  using V = std::vector<std::string>;
  CHECK(flags("save") == V{"admin", "noscript", "no_async_loading", "no_multi"});
  CHECK(flags("bgsave") == V{"admin", "noscript", "no_async_loading"});
  CHECK(flags("replicaof") == V{"admin", "noscript", "stale", "no_async_loading"});
  CHECK(flags("cluster|meet") == V{"admin", "stale", "no_async_loading"});
  CHECK(flags("module|load") == V{"admin", "noscript", "no_async_loading"});
  CHECK(flags("get") == V{"readonly", "fast"});
}

// Replies taken from redis-server 7.0.
TEST_CASE("COMMAND GETKEYSANDFLAGS: each key with its key spec's flags") {
  Harness h;
  const auto key = [](std::string_view k, std::vector<std::string_view> flags) {
    std::string out = "*2\r\n$" + std::to_string(k.size()) + "\r\n" + std::string(k) + "\r\n*" +
                      std::to_string(flags.size()) + "\r\n";
    for (std::string_view f : flags) out += "+" + std::string(f) + "\r\n";
    return out;
  };
  CHECK(h.Run({"COMMAND", "GETKEYSANDFLAGS", "lmove", "a", "b", "left", "right"}) ==
        "*2\r\n" + key("a", {"RW", "access", "delete"}) + key("b", {"RW", "insert"}));
  CHECK(h.Run({"COMMAND", "GETKEYSANDFLAGS", "zunionstore", "d", "2", "a", "b"}) ==
        "*3\r\n" + key("d", {"OW", "update"}) + key("a", {"RO", "access"}) +
            key("b", {"RO", "access"}));
  // Keyword key specs: GEORADIUS's STORE and STOREDIST destinations; SORT's STORE.
  CHECK(h.Run({"COMMAND", "GETKEYS", "georadius", "k", "0", "0", "1", "m", "store", "dst",
               "storedist", "d2"}) == "*3\r\n$1\r\nk\r\n$3\r\ndst\r\n$2\r\nd2\r\n");
  CHECK(h.Run({"COMMAND", "GETKEYSANDFLAGS", "sort", "k", "by", "x", "store", "d"}) ==
        "*2\r\n" + key("k", {"RO", "access"}) + key("d", {"OW", "update"}));
  CHECK(h.Run({"COMMAND", "GETKEYSANDFLAGS", "bitfield", "k", "get", "u8", "0"}) ==
        "*1\r\n" + key("k", {"RO", "access"}));
  CHECK(h.Run({"COMMAND", "GETKEYSANDFLAGS", "bitfield", "k", "set", "u8", "0", "1"}) ==
        "*1\r\n" + key("k", {"RW", "access", "update"}));
  // SET's flags depend on GET: the old value is read only then.
  CHECK(h.Run({"COMMAND", "GETKEYSANDFLAGS", "set", "a", "b"}) ==
        "*1\r\n" + key("a", {"OW", "update"}));
  CHECK(h.Run({"COMMAND", "GETKEYSANDFLAGS", "set", "a", "b", "get"}) ==
        "*1\r\n" + key("a", {"RW", "access", "update"}));
  CHECK(h.Run({"COMMAND", "GETKEYSANDFLAGS", "mset", "a", "1", "b", "2"}) ==
        "*2\r\n" + key("a", {"OW", "update"}) + key("b", {"OW", "update"}));
  CHECK(h.Run({"COMMAND", "GETKEYSANDFLAGS", "ping"}) ==
        "-ERR The command has no key arguments\r\n");
  // Redis 7.2's arity (-3): a command of the wrong length is checked against its own arity.
  CHECK(h.Run({"COMMAND", "GETKEYSANDFLAGS", "get"}) ==
        "-ERR Invalid number of arguments specified for command\r\n");
  CHECK(h.Run({"COMMAND", "GETKEYSANDFLAGS", "zunion", "5", "a"}) ==
        "-ERR Invalid arguments specified for command\r\n");
}

TEST_CASE("COMMAND INFO marks counted keys: movablekeys and a keynum key spec") {
  Harness h;
  RespValue info = ParseReply(h.Run({"COMMAND", "INFO", "zunionstore", "lmpop", "get"}));
  REQUIRE(info.elems.size() == 3);
  auto flags = [&](size_t i) { return Strings(info.elems[i].elems[2]); };
  CHECK(flags(0) == std::vector<std::string>{"write", "denyoom", "movablekeys"});
  CHECK(flags(1) == std::vector<std::string>{"write", "movablekeys"});
  CHECK(flags(2) == std::vector<std::string>{"readonly", "fast"});
  // ZUNIONSTORE: the destination by range, then the sources counted by argument 2.
  const RespValue& specs = info.elems[0].elems[8];
  REQUIRE(specs.elems.size() == 2);
  const RespValue& keynum = specs.elems[1];
  REQUIRE(keynum.elems.size() == 6);
  CHECK(keynum.elems[1].elems[0].str == "RO");
  CHECK(keynum.elems[3].elems[3].elems[1].integer == 2);  // begin_search index
  CHECK(keynum.elems[5].elems[1].str == "keynum");
  CHECK(Strings(keynum.elems[5].elems[3])[0] == "keynumidx");
}

TEST_CASE("COMMAND HELP and unknown subcommands") {
  Harness h;
  RespValue help = ParseReply(h.Run({"COMMAND", "HELP"}));
  REQUIRE(help.elems.size() > 4);
  CHECK(help.elems[0].str == "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  CHECK(h.Run({"COMMAND", "nope"}) == "-ERR unknown subcommand 'nope'. Try COMMAND HELP.\r\n");
}

}  // namespace
}  // namespace kvd::testing
