// MIGRATE between two servers: keys moved with their TTLs, KEYS, COPY, REPLACE, the target's
// errors, AUTH, the I/O errors and timeouts, the connection kept for reuse (and made again
// when the target closed it), the DEL that stands for it in the log, and keys crossing
// between kvd and redis-server both ways.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "e2e/free_port.h"
#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

const std::string kRedisServer = "/usr/bin/redis-server";
const std::string kBusyKey =
    Err("ERR Target instance replied with error: BUSYKEY Target key name already exists.");

// MIGRATE 127.0.0.1 <port> <rest...>
std::string Migrate(RawClient& c, int port, std::vector<std::string> rest) {
  std::vector<std::string> args{"MIGRATE", "127.0.0.1", std::to_string(port)};
  args.insert(args.end(), rest.begin(), rest.end());
  return c.Call(args);
}

// The clients connected to the server `c` talks to, itself included.
size_t ClientCount(RawClient& c) { return Lines(c.Exec({"CLIENT", "LIST"}).Text()).size(); }

TEST_CASE("MIGRATE moves a key with its remaining TTL and deletes it here") {
  ServerProcess source, target;
  RawClient s(source.port()), t(target.port());
  REQUIRE(s.Call({"SET", "k", "value", "PX", "100000"}) == kOk);
  CHECK(Migrate(s, target.port(), {"k", "0", "5000"}) == kOk);
  CHECK(s.Call({"EXISTS", "k"}) == Int(0));
  CHECK(t.Exec({"GET", "k"}).Text() == "value");
  const int64_t ttl = t.Exec({"PTTL", "k"}).integer;
  CHECK(ttl > 0);
  CHECK(ttl <= 100000);
  // A key without a TTL arrives without one.
  REQUIRE(s.Call({"RPUSH", "list", "a", "b"}) == Int(2));
  CHECK(Migrate(s, target.port(), {"list", "0", "5000"}) == kOk);
  CHECK(t.Call({"LRANGE", "list", "0", "-1"}) == Arr({Bulk("a"), Bulk("b")}));
  CHECK(t.Call({"PTTL", "list"}) == Int(-1));
}

TEST_CASE("MIGRATE KEYS moves the keys that exist; NOKEY when none does") {
  ServerProcess source, target;
  RawClient s(source.port()), t(target.port());
  REQUIRE(s.Call({"SET", "a", "1"}) == kOk);
  REQUIRE(s.Call({"HSET", "b", "f", "v"}) == Int(1));
  REQUIRE(s.Call({"SADD", "c", "m"}) == Int(1));
  CHECK(Migrate(s, target.port(), {"", "0", "5000", "KEYS", "a", "missing", "b", "c"}) == kOk);
  CHECK(s.Call({"EXISTS", "a", "b", "c"}) == Int(0));
  CHECK(t.Call({"GET", "a"}) == Bulk("1"));
  CHECK(t.Call({"HGET", "b", "f"}) == Bulk("v"));
  CHECK(t.Call({"SISMEMBER", "c", "m"}) == Int(1));
  CHECK(t.Call({"EXISTS", "missing"}) == Int(0));
  CHECK(Migrate(s, target.port(), {"", "0", "5000", "KEYS", "x", "y"}) == "+NOKEY\r\n");
  CHECK(Migrate(s, target.port(), {"x", "0", "5000"}) == "+NOKEY\r\n");
}

TEST_CASE("MIGRATE COPY keeps the key, REPLACE overwrites, BUSYKEY without it") {
  ServerProcess source, target;
  RawClient s(source.port()), t(target.port());
  REQUIRE(s.Call({"SET", "k", "v1"}) == kOk);
  CHECK(Migrate(s, target.port(), {"k", "0", "5000", "COPY"}) == kOk);
  CHECK(s.Call({"GET", "k"}) == Bulk("v1"));
  CHECK(t.Call({"GET", "k"}) == Bulk("v1"));
  REQUIRE(s.Call({"SET", "k", "v2"}) == kOk);
  CHECK(Migrate(s, target.port(), {"k", "0", "5000"}) == kBusyKey);
  CHECK(s.Call({"GET", "k"}) == Bulk("v2"));
  CHECK(Migrate(s, target.port(), {"k", "0", "5000", "copy", "replace"}) == kOk);
  CHECK(t.Call({"GET", "k"}) == Bulk("v2"));
  CHECK(s.Call({"GET", "k"}) == Bulk("v2"));
  // The keys the target took are gone here even when another one failed.
  REQUIRE(s.Call({"SET", "fresh", "f"}) == kOk);
  CHECK(Migrate(s, target.port(), {"", "0", "5000", "KEYS", "k", "fresh"}) == kBusyKey);
  CHECK(s.Call({"EXISTS", "k"}) == Int(1));
  CHECK(s.Call({"EXISTS", "fresh"}) == Int(0));
  CHECK(t.Call({"GET", "fresh"}) == Bulk("f"));
}

TEST_CASE("MIGRATE into another database, over the same connection") {
  ServerProcess source, target;
  RawClient s(source.port()), t(target.port());
  REQUIRE(s.Call({"SET", "a", "1"}) == kOk);
  REQUIRE(s.Call({"SET", "b", "2"}) == kOk);
  REQUIRE(s.Call({"SET", "c", "3"}) == kOk);
  CHECK(Migrate(s, target.port(), {"a", "3", "5000"}) == kOk);
  CHECK(Migrate(s, target.port(), {"b", "0", "5000"}) == kOk);
  CHECK(Migrate(s, target.port(), {"c", "99", "5000"}) ==
        Err("ERR Target instance replied with error: ERR DB index is out of range"));
  CHECK(s.Call({"GET", "c"}) == Bulk("3"));
  CHECK(t.Call({"GET", "b"}) == Bulk("2"));
  CHECK(t.Call({"SELECT", "3"}) == kOk);
  CHECK(t.Call({"GET", "a"}) == Bulk("1"));
  CHECK(t.Call({"GET", "b"}) == kNil);
}

TEST_CASE("MIGRATE argument errors") {
  ServerProcess source;
  RawClient s(source.port());
  REQUIRE(s.Call({"SET", "k", "v"}) == kOk);
  const int port = FreePort();
  CHECK(Migrate(s, port, {"k", "0"}) == ArityErr("migrate"));
  CHECK(Migrate(s, port, {"k", "0", "5000", "BOGUS"}) == kSyntaxErr);
  CHECK(Migrate(s, port, {"k", "0", "5000", "AUTH"}) == kSyntaxErr);
  CHECK(Migrate(s, port, {"k", "0", "5000", "AUTH2", "user"}) == kSyntaxErr);
  // The options are read before the numbers.
  CHECK(Migrate(s, port, {"k", "x", "5000", "BOGUS"}) == kSyntaxErr);
  CHECK(Migrate(s, port, {"k", "0", "5000", "KEYS", "k"}) ==
        Err("ERR When using MIGRATE KEYS option, the key argument must be set to the empty "
            "string"));
  CHECK(Migrate(s, port, {"k", "x", "5000"}) == kNotIntErr);
  CHECK(Migrate(s, port, {"k", "0", "1.5"}) == kNotIntErr);
  CHECK(s.Call({"GET", "k"}) == Bulk("v"));
}

TEST_CASE("MIGRATE COMMAND GETKEYS: the key, or the keys after KEYS") {
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"COMMAND", "GETKEYS", "MIGRATE", "h", "1", "k", "0", "5000", "COPY"}) ==
        Arr({Bulk("k")}));
  CHECK(c.Call({"COMMAND", "GETKEYS", "MIGRATE", "h", "1", "", "0", "5000", "AUTH", "pw", "KEYS",
                "a", "b"}) == Arr({Bulk("a"), Bulk("b")}));
  CHECK(c.Call({"COMMAND", "GETKEYS", "MIGRATE", "h", "1", "k", "0", "5000", "KEYS", "a", "b"}) ==
        Err("ERR Invalid arguments specified for command"));
  const Reply info = c.Exec({"COMMAND", "INFO", "migrate"});
  REQUIRE(info.elements.size() == 1);
  const Reply& m = info.elements[0];
  REQUIRE(m.elements.size() >= 6);
  CHECK(m.elements[1].integer == -6);
  CHECK(m.elements[2].raw == Arr({"+write\r\n", "+movablekeys\r\n"}));
  CHECK(m.elements[3].integer == 3);
  CHECK(m.elements[4].integer == 3);
  CHECK(m.elements[5].integer == 1);
}

TEST_CASE("MIGRATE AUTH and AUTH2 to a password-protected target, hidden from SLOWLOG") {
  ServerProcess source, target({"--requirepass", "sekret"});
  RawClient s(source.port()), t(target.port());
  REQUIRE(t.Call({"AUTH", "sekret"}) == kOk);
  REQUIRE(s.Call({"SET", "k", "v"}) == kOk);
  REQUIRE(s.Call({"SET", "k2", "v2"}) == kOk);
  CHECK(Migrate(s, target.port(), {"k", "0", "5000"}) ==
        Err("ERR Target instance replied with error: NOAUTH Authentication required."));
  CHECK(Migrate(s, target.port(), {"k", "0", "5000", "AUTH", "wrong"}) ==
        Err("ERR Target instance replied with error: WRONGPASS invalid username-password pair "
            "or user is disabled."));
  CHECK(s.Call({"GET", "k"}) == Bulk("v"));
  REQUIRE(s.Call({"CONFIG", "SET", "slowlog-log-slower-than", "0"}) == kOk);
  CHECK(Migrate(s, target.port(), {"k", "0", "5000", "AUTH", "sekret"}) == kOk);
  const Reply logged = s.Exec({"SLOWLOG", "GET", "1"});
  REQUIRE(logged.elements.size() == 1);
  REQUIRE(logged.elements[0].elements.size() >= 4);
  const Reply& args = logged.elements[0].elements[3];
  REQUIRE(args.elements.size() == 8);
  CHECK(args.elements[6].Text() == "AUTH");
  CHECK(args.elements[7].Text() == "(redacted)");
  CHECK(Migrate(s, target.port(), {"k2", "0", "5000", "AUTH2", "default", "sekret"}) == kOk);
  CHECK(t.Call({"MGET", "k", "k2"}) == Arr({Bulk("v"), Bulk("v2")}));
  CHECK(s.Call({"EXISTS", "k", "k2"}) == Int(0));
}

TEST_CASE("MIGRATE to nothing, or to a target that never answers: IOERR, the key stays") {
  ServerProcess source;
  RawClient s(source.port());
  REQUIRE(s.Call({"SET", "k", "v"}) == kOk);
  CHECK(Migrate(s, FreePort(), {"k", "0", "1000"}) ==
        Err("IOERR error or timeout writing to target instance"));
  CHECK(s.Call({"MIGRATE", "", "6379", "k", "0", "1000"}) ==
        Err("IOERR error or timeout connecting to the client"));
  // A listener that never accepts: the kernel takes the connection and the request, and no
  // reply comes before the timeout.
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  REQUIRE(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(listen(listener, 4) == 0);
  REQUIRE(getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  const auto start = Clock::now();
  CHECK(Migrate(s, ntohs(addr.sin_port), {"k", "0", "200"}) ==
        Err("IOERR error or timeout reading to target instance"));
  CHECK(Clock::now() - start >= 200ms);
  close(listener);
  CHECK(s.Call({"GET", "k"}) == Bulk("v"));
}

TEST_CASE("MIGRATE keeps its connection, makes it again once the target closed it") {
  ServerProcess source, target;
  RawClient s(source.port()), t(target.port());
  for (const char* key : {"a", "b", "c"}) REQUIRE(s.Call({"SET", key, "v"}) == kOk);
  CHECK(Migrate(s, target.port(), {"a", "0", "5000"}) == kOk);
  CHECK(Migrate(s, target.port(), {"b", "0", "5000"}) == kOk);
  CHECK(ClientCount(t) == 2);  // this client and the one connection MIGRATE keeps
  // The target drops it: the next MIGRATE finds out on its first read and tries once more.
  CHECK(t.Call({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"}) == Int(1));
  REQUIRE(WaitFor([&] { return ClientCount(t) == 1; }));
  CHECK(Migrate(s, target.port(), {"c", "0", "5000"}) == kOk);
  CHECK(t.Call({"MGET", "a", "b", "c"}) == Arr({Bulk("v"), Bulk("v"), Bulk("v")}));
  CHECK(ClientCount(t) == 2);
  // Unused for more than 10 seconds, it is closed.
  CHECK(WaitFor([&] { return ClientCount(t) == 1; }));
}

TEST_CASE("MIGRATE fires del events and is logged as DEL, COPY as nothing") {
  TempDir dir;
  ServerProcess target;
  {
    ServerProcess source(
        {"--dir", dir.path(), "--appendonly", "yes", "--notify-keyspace-events", "KEA"});
    RawClient s(source.port()), sub(source.port());
    REQUIRE(sub.Exec({"SUBSCRIBE", "__keyevent@0__:del"}).elements.size() == 3);
    REQUIRE(s.Call({"SET", "moved", "1"}) == kOk);
    REQUIRE(s.Call({"SET", "copied", "2"}) == kOk);
    CHECK(Migrate(s, target.port(), {"moved", "0", "5000"}) == kOk);
    CHECK(Migrate(s, target.port(), {"copied", "0", "5000", "COPY"}) == kOk);
    const Reply event = sub.ReadReply();
    REQUIRE(event.elements.size() == 3);
    CHECK(event.elements[2].Text() == "moved");
  }
  ServerProcess source({"--dir", dir.path(), "--appendonly", "yes"});
  RawClient s(source.port());
  CHECK(s.Call({"EXISTS", "moved"}) == Int(0));
  CHECK(s.Call({"GET", "copied"}) == Bulk("2"));
}

// Keys of every type go from one server to the other and arrive equal.
void CrossOver(ServerProcess& from, ServerProcess& to) {
  RawClient f(from.port()), t(to.port());
  std::vector<std::string> big_hash{"HSET", "bighash"};
  for (int i = 0; i < 300; ++i) {
    big_hash.insert(big_hash.end(), {"field-" + std::to_string(i), std::string(100, 'v')});
  }
  REQUIRE(f.Exec(big_hash).integer == 300);
  REQUIRE(f.Call({"SET", "str", std::string(5000, 'z'), "EX", "1000"}) == kOk);
  REQUIRE(f.Call({"RPUSH", "list", "a", "b", "3"}) == Int(3));
  REQUIRE(f.Call({"ZADD", "zset", "1.5", "a", "-inf", "b"}) == Int(2));
  REQUIRE(f.Call({"SADD", "intset", "1", "2", "300000"}) == Int(3));
  const std::vector<std::string> keys = {"bighash", "str", "list", "zset", "intset"};
  std::vector<std::string> migrate = {"", "2", "5000", "KEYS"};
  migrate.insert(migrate.end(), keys.begin(), keys.end());
  CHECK(Migrate(f, to.port(), migrate) == kOk);
  CHECK(f.Call({"DBSIZE"}) == Int(0));
  REQUIRE(t.Call({"SELECT", "2"}) == kOk);
  CHECK(t.Call({"DBSIZE"}) == Int(5));
  CHECK(t.Call({"HLEN", "bighash"}) == Int(300));
  CHECK(t.Call({"STRLEN", "str"}) == Int(5000));
  CHECK(t.Exec({"TTL", "str"}).integer > 990);
  CHECK(t.Call({"LRANGE", "list", "0", "-1"}) == Arr({Bulk("a"), Bulk("b"), Bulk("3")}));
  CHECK(t.Call({"ZRANGE", "zset", "0", "-1", "WITHSCORES"}) ==
        Arr({Bulk("b"), Bulk("-inf"), Bulk("a"), Bulk("1.5")}));
  CHECK(t.Call({"SMISMEMBER", "intset", "1", "2", "300000"}) == Arr({Int(1), Int(1), Int(1)}));
}

TEST_CASE("MIGRATE from this server to redis-server") {
  ServerProcess from, to({}, {.binary = kRedisServer});
  CrossOver(from, to);
}

TEST_CASE("MIGRATE from redis-server to this server") {
  ServerProcess from({}, {.binary = kRedisServer}), to;
  CrossOver(from, to);
}

}  // namespace
}  // namespace kvd::e2e
