// DEBUG over TCP: the enable-debug-command gate, each subcommand's effect, PROTOCOL's replies
// byte for byte in RESP2 and RESP3, and DIGEST equal to the real redis-server's for the same
// data. The expectations are Redis's: run with KVD_E2E_SERVER=/usr/bin/redis-server to check
// them (the subcommands that would crash Redis run against kvd only).
#include <doctest/doctest.h>

#include <chrono>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

using namespace std::chrono_literals;

const std::string kDenied =
    Err("ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", "
        "you can run it from a local connection, otherwise you need to set this option in the "
        "configuration file, and then restart the server.");
const std::string kZeroDigest = "+0000000000000000000000000000000000000000\r\n";

std::string UnknownSub(const std::string& sub) {
  return Err("ERR unknown subcommand or wrong number of arguments for '" + sub +
             "'. Try DEBUG HELP.");
}

ServerProcess StartWithDebug(std::vector<std::string> args = {}, ServerOptions options = {}) {
  args.insert(args.begin(), {"--enable-debug-command", "yes"});
  return ServerProcess(std::move(args), std::move(options));
}

std::string Digest(RawClient& c) {
  const Reply r = c.Exec({"DEBUG", "DIGEST"});
  REQUIRE(r.type == '+');
  return r.str;
}

int64_t ExpiredKeys(RawClient& c) { return std::stoll(InfoField(c, "stats", "expired_keys")); }

TEST_CASE("debug: refused unless enable-debug-command allows the client") {
  {
    ServerProcess server;
    RawClient c(server.port());
    CHECK(c.Call({"DEBUG", "SLEEP", "0"}) == kDenied);
    CHECK(c.Call({"DEBUG", "HELP"}) == kDenied);
    CHECK(c.Call({"DEBUG", "nosuch"}) == kDenied);
    // Arity comes first.
    CHECK(c.Call({"DEBUG"}) == ArityErr("debug"));
    // Inside MULTI the refusal fails the transaction.
    CHECK(c.Call({"MULTI"}) == kOk);
    CHECK(c.Call({"DEBUG", "DIGEST"}) == kDenied);
    CHECK(c.Call({"EXEC"}) == Err("EXECABORT Transaction discarded because of previous errors."));
  }
  {
    ServerProcess server({"--enable-debug-command", "local"});
    RawClient c(server.port());  // from 127.0.0.1: local
    CHECK(c.Call({"DEBUG", "SLEEP", "0"}) == kOk);
  }
  ServerProcess server = StartWithDebug();
  RawClient c(server.port());
  CHECK(c.Call({"DEBUG", "SLEEP", "0"}) == kOk);
  // COMMAND INFO shows Redis's flags ("protected" is hidden, as in Redis).
  const Reply info = c.Exec({"COMMAND", "INFO", "debug"});
  REQUIRE(info.elements.size() == 1);
  REQUIRE(info.elements[0].elements.size() >= 3);
  CHECK(info.elements[0].elements[1].integer == -2);
  std::vector<std::string> flags;
  for (const Reply& f : info.elements[0].elements[2].elements) flags.push_back(f.str);
  CHECK(flags == std::vector<std::string>{"admin", "noscript", "loading", "stale"});
}

TEST_CASE("debug: HELP, and unknown subcommands or argument counts") {
  ServerProcess server = StartWithDebug();
  RawClient c(server.port());
  const Reply help = c.Exec({"DEBUG", "HELP"});
  REQUIRE(help.elements.size() > 10);
  CHECK(help.elements[0].str == "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  CHECK(help.elements.back().str == "    Prints this help.");
  CHECK(c.Call({"DEBUG", "nosuch"}) == UnknownSub("nosuch"));
  CHECK(c.Call({"DEBUG", "object"}) == UnknownSub("object"));
  CHECK(c.Call({"DEBUG", "SLEEP", "0", "1"}) == UnknownSub("SLEEP"));
  CHECK(c.Call({"DEBUG", "HELP", "x"}) == UnknownSub("HELP"));
  if (TestingKvd()) {
    // The crashing subcommands are not there.
    for (const char* sub : {"SEGFAULT", "PANIC", "ASSERT", "RESTART", "CRASH-AND-RECOVER"}) {
      CHECK(c.Call({"DEBUG", sub}) == UnknownSub(sub));
    }
    CHECK(c.Call({"PING"}) == "+PONG\r\n");
  }
}

TEST_CASE("debug: SLEEP stops the whole server") {
  ServerProcess server = StartWithDebug();
  RawClient sleeper(server.port());
  RawClient other(server.port());
  CHECK(sleeper.Call({"DEBUG", "SLEEP", "0"}) == kOk);
  CHECK(sleeper.Call({"DEBUG", "SLEEP", "junk"}) == kOk);  // strtod: 0
  sleeper.SendOnly(Command({"DEBUG", "SLEEP", "1.5"}));
  std::this_thread::sleep_for(200ms);  // the sleep has begun
  const auto start = std::chrono::steady_clock::now();
  CHECK(other.Call({"PING"}) == "+PONG\r\n");
  CHECK(std::chrono::steady_clock::now() - start >= 800ms);
  CHECK(sleeper.ReadReply().raw == kOk);
}

TEST_CASE("debug: OBJECT describes a value as Redis does") {
  ServerProcess server = StartWithDebug();
  RawClient c(server.port());
  CHECK(c.Call({"SET", "s", "hello"}) == kOk);
  CHECK(c.Call({"SET", "n", "123"}) == kOk);
  CHECK(c.Call({"SET", "long", std::string(100, 'x')}) == kOk);
  const std::regex line(
      R"(\+Value at:0x[0-9a-f]+ refcount:(\d+) encoding:(\w+) serializedlength:(\d+) )"
      R"(lru:\d+ lru_seconds_idle:\d+(.*)\r\n)");
  std::smatch m;
  std::string r = c.Call({"DEBUG", "OBJECT", "s"});
  REQUIRE(std::regex_match(r, m, line));
  CHECK(m[1] == "1");
  CHECK(m[2] == "embstr");
  CHECK(m[3] == "6");
  CHECK(m[4] == "");
  r = c.Call({"DEBUG", "OBJECT", "n"});
  REQUIRE(std::regex_match(r, m, line));
  CHECK(m[1] == "2147483647");
  CHECK(m[2] == "int");
  CHECK(m[3] == "2");
  r = c.Call({"DEBUG", "OBJECT", "long"});  // LZF-compressed in the RDB
  REQUIRE(std::regex_match(r, m, line));
  CHECK(m[2] == "raw");
  CHECK(std::stoi(m[3]) < 20);
  // A list of several nodes shows the quicklist's.
  CHECK(c.Call({"CONFIG", "SET", "list-max-listpack-size", "4"}) == kOk);
  CHECK(c.Call({"RPUSH", "l", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}) == Int(10));
  r = c.Call({"DEBUG", "OBJECT", "l"});
  REQUIRE(std::regex_match(r, m, line));
  CHECK(m[2] == "quicklist");
  CHECK(std::string(m[4]).starts_with(
      " ql_nodes:3 ql_avg_node:3.33 ql_listpack_max:4 ql_compressed:0"));
  CHECK(c.Call({"DEBUG", "OBJECT", "missing"}) == Err("ERR no such key"));
}

TEST_CASE("debug: DIGEST follows the data; DIGEST-VALUE the values") {
  ServerProcess server = StartWithDebug();
  RawClient c(server.port());
  CHECK(c.Call({"DEBUG", "DIGEST"}) == kZeroDigest);
  CHECK(c.Call({"DEBUG", "DIGEST-VALUE"}) == "*0\r\n");
  CHECK(c.Call({"DEBUG", "DIGEST-VALUE", "missing"}) == Arr({kZeroDigest}));
  CHECK(c.Call({"SET", "a", "1"}) == kOk);
  const std::string one = Digest(c);
  CHECK(one.size() == 40);
  CHECK(one != std::string(40, '0'));
  CHECK(c.Call({"SET", "b", "2"}) == kOk);
  const std::string two = Digest(c);
  CHECK(two != one);
  // The same data written in another order.
  CHECK(c.Call({"FLUSHALL"}) == kOk);
  CHECK(c.Call({"DEBUG", "DIGEST"}) == kZeroDigest);
  CHECK(c.Call({"SET", "b", "2"}) == kOk);
  CHECK(c.Call({"SET", "a", "1"}) == kOk);
  CHECK(Digest(c) == two);
  // An expiry changes it; its time does not.
  CHECK(c.Call({"EXPIRE", "a", "1000"}) == Int(1));
  const std::string with_ttl = Digest(c);
  CHECK(with_ttl != two);
  CHECK(c.Call({"EXPIRE", "a", "2000"}) == Int(1));
  CHECK(Digest(c) == with_ttl);
  // The same data in another database is another dataset.
  CHECK(c.Call({"MOVE", "b", "1"}) == Int(1));
  const std::string moved = Digest(c);
  CHECK(c.Call({"SELECT", "1"}) == kOk);
  CHECK(c.Call({"MOVE", "b", "0"}) == Int(1));
  CHECK(Digest(c) == with_ttl);
  CHECK(moved != with_ttl);
  // Ordered and unordered values.
  CHECK(c.Call({"SELECT", "0"}) == kOk);
  CHECK(c.Call({"RPUSH", "l1", "x", "y"}) == Int(2));
  CHECK(c.Call({"RPUSH", "l2", "y", "x"}) == Int(2));
  CHECK(c.Call({"SADD", "s1", "x", "y"}) == Int(2));
  CHECK(c.Call({"SADD", "s2", "y", "x"}) == Int(2));
  const Reply values = c.Exec({"DEBUG", "DIGEST-VALUE", "l1", "l2", "s1", "s2"});
  REQUIRE(values.elements.size() == 4);
  CHECK(values.elements[0].str != values.elements[1].str);
  CHECK(values.elements[2].str == values.elements[3].str);
}

// The same writes on kvd and on redis-server, then both digests compared: the whole dataset
// and each value. Covers every type in its small and large encodings, and expiry.
TEST_CASE("debug: DIGEST equals redis-server's for the same data") {
  ServerProcess ours = StartWithDebug();
  ServerProcess redis = StartWithDebug({}, {.binary = "/usr/bin/redis-server"});
  RawClient a(ours.port());
  RawClient b(redis.port());
  std::vector<std::vector<std::string>> writes = {
      {"SET", "str", "hello"},
      {"SET", "int", "12345"},
      {"SET", "neg", "-7"},
      {"SET", "long", std::string(300, 'z')},
      {"SET", "ttl", "v", "EX", "10000"},
      {"RPUSH", "list", "a", "1", "b", "2"},
      {"SADD", "intset", "1", "2", "3", "-100"},
      {"SADD", "set", "a", "b", "c", "10"},
      {"HSET", "hash", "f1", "v1", "f2", "2", "3", "three"},
      {"ZADD", "zset", "1", "a", "0.1", "b", "-1.5", "c", "1e300", "d", "inf", "e", "-inf", "f",
       "3", "g"},
      {"XADD", "stream", "1-1", "f", "v", "n", "42"},
      {"XADD", "stream", "2-5", "f", "w", "n", "43"},
      {"XADD", "stream", "3-0", "other", "x"},
      {"PEXPIRE", "hash", "100000000"},
      {"SELECT", "3"},
      {"SET", "str", "in db 3"},
  };
  std::vector<std::string> big_list = {"RPUSH", "biglist"};
  std::vector<std::string> big_set = {"SADD", "bigset"};
  std::vector<std::string> big_hash = {"HSET", "bighash"};
  std::vector<std::string> big_zset = {"ZADD", "bigzset"};
  for (int i = 0; i < 300; ++i) {
    const std::string n = std::to_string(i);
    big_list.push_back("element-" + n);
    big_set.push_back("member-" + n);
    big_hash.insert(big_hash.end(), {"field-" + n, "value-" + n});
    big_zset.insert(big_zset.end(), {std::to_string(i * 0.37), "member-" + n});
  }
  writes.insert(writes.begin(), {big_list, big_set, big_hash, big_zset});
  writes.push_back({"XADD", "stream3", "*", "a", "b"});
  for (const auto& w : writes) {
    CAPTURE(w[0]);
    const std::string expected = b.Call(w);
    if (w[1] == "stream3") {
      CHECK(a.Exec(w).type == '$');  // IDs differ: the stream's digest is not compared
      continue;
    }
    CHECK(a.Call(w) == expected);
  }
  CHECK(a.Call({"DEL", "stream3"}) == Int(1));
  CHECK(b.Call({"DEL", "stream3"}) == Int(1));
  CHECK(Digest(a) == Digest(b));
  CHECK(a.Call({"SELECT", "0"}) == kOk);
  CHECK(b.Call({"SELECT", "0"}) == kOk);
  const std::vector<std::string> values = {"DEBUG",   "DIGEST-VALUE", "str",    "int",     "neg",
                                           "long",    "ttl",          "list",   "intset",  "set",
                                           "hash",    "zset",         "stream", "biglist", "bigset",
                                           "bighash", "bigzset",      "missing"};
  CHECK(a.Call(values) == b.Call(values));
}

TEST_CASE("debug: POPULATE creates string keys, not as changes to save or replicate") {
  ServerProcess server = StartWithDebug();
  RawClient c(server.port());
  CHECK(c.Call({"SET", "key:1", "mine"}) == kOk);
  CHECK(c.Call({"SAVE"}) == kOk);
  CHECK(c.Call({"DEBUG", "POPULATE", "10"}) == kOk);
  CHECK(c.Call({"DBSIZE"}) == Int(10));
  CHECK(c.Call({"GET", "key:0"}) == Bulk("value:0"));
  CHECK(c.Call({"GET", "key:9"}) == Bulk("value:9"));
  CHECK(c.Call({"GET", "key:1"}) == Bulk("mine"));  // existing keys stay
  CHECK(InfoField(c, "persistence", "rdb_changes_since_last_save") == "0");
  CHECK(c.Call({"DEBUG", "POPULATE", "3", "p", "10"}) == kOk);
  CHECK(c.Call({"GET", "p:2"}) == Bulk(std::string("value:2\0\0\0", 10)));
  CHECK(c.Call({"DEBUG", "POPULATE", "2", "q", "3"}) == kOk);
  CHECK(c.Call({"GET", "q:1"}) == Bulk("val"));
  CHECK(c.Call({"DEBUG", "POPULATE", "0"}) == kOk);
  CHECK(c.Call({"DBSIZE"}) == Int(15));
  const std::string positive = Err("ERR value is out of range, must be positive");
  CHECK(c.Call({"DEBUG", "POPULATE", "-1"}) == positive);
  CHECK(c.Call({"DEBUG", "POPULATE", "abc"}) == positive);
  CHECK(c.Call({"DEBUG", "POPULATE", "1", "k", "-5"}) == positive);
  CHECK(c.Call({"DEBUG", "POPULATE", "1", "k", "1", "x"}) == UnknownSub("POPULATE"));
  // In the selected database, and WATCH sees the new keys.
  RawClient w(server.port());
  CHECK(w.Call({"SELECT", "2"}) == kOk);
  CHECK(w.Call({"WATCH", "key:0"}) == kOk);
  CHECK(w.Call({"DEBUG", "POPULATE", "1"}) == kOk);
  CHECK(w.Call({"DBSIZE"}) == Int(1));
  CHECK(w.Call({"MULTI"}) == kOk);
  CHECK(w.Call({"PING"}) == "+QUEUED\r\n");
  CHECK(w.Call({"EXEC"}) == kNilArray);
}

TEST_CASE("debug: RELOAD saves and loads the data back") {
  ServerProcess server = StartWithDebug();
  RawClient c(server.port());
  CHECK(c.Call({"DEBUG", "RELOAD", "NOSAVE"}) == Err("ERR Error trying to load the RDB dump"));
  CHECK(c.Call({"DEBUG", "RELOAD", "FAST"}) ==
        Err("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options."));
  CHECK(c.Call({"SET", "s", "v", "EX", "1000"}) == kOk);
  CHECK(c.Call({"RPUSH", "l", "a", "b"}) == Int(2));
  CHECK(c.Call({"ZADD", "z", "1.5", "m"}) == Int(1));
  CHECK(c.Call({"SELECT", "5"}) == kOk);
  CHECK(c.Call({"HSET", "h", "f", "v"}) == Int(1));
  const std::string before = Digest(c);
  CHECK(c.Call({"DEBUG", "RELOAD"}) == kOk);
  CHECK(Digest(c) == before);
  CHECK(c.Call({"HGET", "h", "f"}) == Bulk("v"));
  CHECK(InfoField(c, "persistence", "rdb_changes_since_last_save") == "0");
  CHECK(Exists(server.dir() + "/dump.rdb"));
  // NOSAVE: back to the file, dropping what changed since.
  CHECK(c.Call({"SET", "later", "x"}) == kOk);
  CHECK(c.Call({"DEL", "h"}) == Int(1));
  CHECK(c.Call({"DEBUG", "RELOAD", "NOSAVE"}) == kOk);
  CHECK(Digest(c) == before);
  // NOFLUSH MERGE: the file's keys join what is there, replacing the same names.
  CHECK(c.Call({"SET", "extra", "1"}) == kOk);
  CHECK(c.Call({"HSET", "h", "f", "changed"}) == Int(0));
  CHECK(c.Call({"DEBUG", "RELOAD", "NOSAVE", "NOFLUSH", "MERGE"}) == kOk);
  CHECK(c.Call({"GET", "extra"}) == Bulk("1"));
  CHECK(c.Call({"HGET", "h", "f"}) == Bulk("v"));
  if (TestingKvd()) {
    // Redis kills itself on a key loaded twice; kvd fails the reload and keeps its data.
    CHECK(c.Call({"DEBUG", "RELOAD", "NOSAVE", "NOFLUSH"}) ==
          Err("ERR Error trying to load the RDB dump"));
    CHECK(c.Call({"GET", "extra"}) == Bulk("1"));
  }
}

TEST_CASE("debug: SET-ACTIVE-EXPIRE 0 leaves expired keys until they are accessed") {
  ServerProcess server = StartWithDebug({"--hz", "100"});
  RawClient c(server.port());
  CHECK(c.Call({"DEBUG", "SET-ACTIVE-EXPIRE", "0"}) == kOk);
  CHECK(c.Call({"SET", "k", "v", "PX", "50"}) == kOk);
  // Many expiry cycles' worth of time.
  std::this_thread::sleep_for(500ms);
  CHECK(ExpiredKeys(c) == 0);
  // Redis's DBSIZE counts the key until it is reclaimed; kvd's counts live keys only.
  if (!TestingKvd()) CHECK(c.Call({"DBSIZE"}) == Int(1));
  CHECK(c.Call({"DEBUG", "DIGEST-VALUE", "k"}) != Arr({kZeroDigest}));
  CHECK(c.Call({"GET", "k"}) == kNil);
  CHECK(ExpiredKeys(c) == 1);
  CHECK(c.Call({"DEBUG", "SET-ACTIVE-EXPIRE", "1"}) == kOk);
  CHECK(c.Call({"SET", "k2", "v", "PX", "50"}) == kOk);
  CHECK(WaitFor([&] { return ExpiredKeys(c) == 2; }));
}

TEST_CASE("debug: CHANGE-REPL-ID and LOG") {
  ServerProcess server = StartWithDebug();
  RawClient c(server.port());
  const std::string replid = InfoField(c, "replication", "master_replid");
  CHECK(c.Call({"DEBUG", "CHANGE-REPL-ID"}) == kOk);
  const std::string changed = InfoField(c, "replication", "master_replid");
  CHECK(changed.size() == 40);
  CHECK(changed != replid);
  CHECK(InfoField(c, "replication", "master_replid2") == std::string(40, '0'));
  CHECK(InfoField(c, "replication", "second_repl_offset") == "-1");
  CHECK(c.Call({"DEBUG", "LOG", "hello from the test"}) == kOk);
  CHECK(WaitFor([&] { return Contains(server.Log(), "DEBUG LOG: hello from the test"); }));
}

TEST_CASE("debug: PROTOCOL's replies in RESP2 and RESP3") {
  ServerProcess server = StartWithDebug();
  RawClient c(server.port());
  const auto protocol = [&](const std::string& type) {
    return c.Call({"DEBUG", "PROTOCOL", type});
  };
  CHECK(protocol("string") == "$11\r\nHello World\r\n");
  CHECK(protocol("integer") == ":12345\r\n");
  CHECK(protocol("double") == "$5\r\n3.141\r\n");
  CHECK(protocol("bignum") == "$37\r\n1234567999999999999999999999999999999\r\n");
  CHECK(protocol("null") == "$-1\r\n");
  CHECK(protocol("array") == "*3\r\n:0\r\n:1\r\n:2\r\n");
  CHECK(protocol("set") == "*3\r\n:0\r\n:1\r\n:2\r\n");
  CHECK(protocol("map") == "*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n");
  CHECK(protocol("attrib") == "$39\r\nSome real reply following the attribute\r\n");
  CHECK(protocol("push") == Err("ERR RESP2 is not supported by this command"));
  CHECK(protocol("verbatim") == "$25\r\nThis is a verbatim\nstring\r\n");
  CHECK(protocol("true") == ":1\r\n");
  CHECK(protocol("FALSE") == ":0\r\n");
  CHECK(protocol("nope") ==
        Err("ERR Wrong protocol type name. Please use one of the following: "
            "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false"));
  REQUIRE(c.Exec({"HELLO", "3"}).type == '%');
  CHECK(protocol("string") == "$11\r\nHello World\r\n");
  CHECK(protocol("integer") == ":12345\r\n");
  CHECK(protocol("double") == ",3.141\r\n");
  CHECK(protocol("bignum") == "(1234567999999999999999999999999999999\r\n");
  CHECK(protocol("null") == "_\r\n");
  CHECK(protocol("array") == "*3\r\n:0\r\n:1\r\n:2\r\n");
  CHECK(protocol("set") == "~3\r\n:0\r\n:1\r\n:2\r\n");
  CHECK(protocol("map") == "%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n");
  // The attribute and push frames come before the real reply: Call reads the first frame,
  // ReadReply the next.
  CHECK(protocol("attrib") == "|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n");
  CHECK(c.ReadReply().raw == "$39\r\nSome real reply following the attribute\r\n");
  CHECK(protocol("push") == ">2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n");
  CHECK(c.ReadReply().raw == "$40\r\nSome real reply following the push reply\r\n");
  CHECK(protocol("verbatim") == "=29\r\ntxt:This is a verbatim\nstring\r\n");
  CHECK(protocol("true") == "#t\r\n");
  CHECK(protocol("false") == "#f\r\n");
}

}  // namespace
}  // namespace kvd::e2e
