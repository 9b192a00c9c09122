// What each write command hands to the append-only log (ServerState::propagate): Redis 7.2's
// rewrites (absolute expiry times, SREM for SPOP, SET for INCRBYFLOAT...), nothing for a
// write that changed nothing, and a log whose replay rebuilds the same data whatever the
// clock says and whatever SPOP drew.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/text.h"
#include "unit/commands/harness.h"
#include "unit/commands/key_test_util.h"
#include "unit/commands/resp_reader.h"

namespace kvd::testing {
namespace {

constexpr int64_t kStartMs = 1'700'000'000'000;  // where ManualClock starts

using Command = std::vector<std::string>;
using Commands = std::vector<Command>;

struct Logged {
  size_t db;
  Command args;
};

// A harness whose propagation hook records every logged command.
struct LoggingHarness : Harness {
  LoggingHarness() {
    server.propagate = [this](size_t db, std::span<const std::string_view> command) {
      log.push_back({db, Command(command.begin(), command.end())});
    };
  }

  // The commands logged since the last call, without their databases.
  Commands Take() {
    Commands out;
    for (Logged& e : log) out.push_back(std::move(e.args));
    log.clear();
    return out;
  }

  std::vector<Logged> log;
};

std::string Ms(int64_t ms) { return std::to_string(ms); }

// The bulk strings of an array reply, in order.
std::vector<std::string> Strings(const std::string& reply) {
  std::optional<RespValue> v = RespReader::ParseOne(reply);
  REQUIRE(v);
  REQUIRE(v->type == '*');
  std::vector<std::string> out;
  for (const RespValue& e : v->elems) out.push_back(e.str);
  return out;
}

std::string BulkText(const std::string& reply) {
  std::optional<RespValue> v = RespReader::ParseOne(reply);
  REQUIRE(v);
  REQUIRE(v->type == '$');
  return v->str;
}

// Runs the logged commands into `h` as a loader would, SELECTing the database each was
// logged in. Every one must succeed.
void Replay(const std::vector<Logged>& log, Harness& h) {
  for (const Logged& e : log) {
    if (e.db != h.client.db) REQUIRE(h.Run({"SELECT", std::to_string(e.db)}) == kOk);
    std::vector<std::string_view> args(e.args.begin(), e.args.end());
    const std::string reply = h.Run(args);
    INFO("replaying ", e.args[0], " ", e.args.size() > 1 ? e.args[1] : "", ": ", reply);
    CHECK(reply.front() != '-');
  }
}

// Everything a client can read of the data, per database and key: type, value (members
// sorted where the type has no order), absolute expiry and PTTL.
std::map<std::string, std::string> Dump(Harness& h) {
  const size_t selected = h.client.db;
  std::map<std::string, std::string> out;
  for (size_t db = 0; db < h.store.DatabaseCount(); ++db) {
    REQUIRE(h.Run({"SELECT", std::to_string(db)}) == kOk);
    for (const std::string& key : SortedStrings(h.Run({"KEYS", "*"}))) {
      const std::string type = h.Run({"TYPE", key});
      std::string value;
      if (type == "+string\r\n") {
        value = h.Run({"GET", key});
      } else if (type == "+list\r\n") {
        value = h.Run({"LRANGE", key, "0", "-1"});
      } else if (type == "+zset\r\n") {
        value = h.Run({"ZRANGE", key, "0", "-1", "WITHSCORES"});
      } else if (type == "+set\r\n") {
        for (const std::string& m : SortedStrings(h.Run({"SMEMBERS", key}))) value += m + ",";
      } else if (type == "+hash\r\n") {
        std::vector<std::string> flat = Strings(h.Run({"HGETALL", key}));
        std::map<std::string, std::string> fields;
        for (size_t i = 0; i + 1 < flat.size(); i += 2) fields[flat[i]] = flat[i + 1];
        for (const auto& [f, v] : fields) value += f + "=" + v + ",";
      } else {
        FAIL("unexpected type ", type);
      }
      out[std::to_string(db) + ":" + key] =
          type + value + h.Run({"PEXPIRETIME", key}) + h.Run({"PTTL", key});
    }
  }
  REQUIRE(h.Run({"SELECT", std::to_string(selected)}) == kOk);
  return out;
}

TEST_CASE("EXPIRE, PEXPIRE and EXPIREAT are logged as PEXPIREAT with the absolute time") {
  LoggingHarness h;
  CHECK(h.Run({"SET", "k", "v"}) == kOk);
  CHECK(h.Take() == Commands{{"SET", "k", "v"}});

  CHECK(h.Run({"EXPIRE", "k", "100"}) == Int(1));
  CHECK(h.Take() == Commands{{"PEXPIREAT", "k", Ms(kStartMs + 100'000)}});
  h.clock.Advance(1'000);
  CHECK(h.Run({"PEXPIRE", "k", "200000", "GT"}) == Int(1));
  CHECK(h.Take() == Commands{{"PEXPIREAT", "k", Ms(kStartMs + 201'000), "GT"}});
  CHECK(h.Run({"EXPIREAT", "k", "1700000300", "xx"}) == Int(1));
  CHECK(h.Take() == Commands{{"PEXPIREAT", "k", Ms(1'700'000'300'000), "xx"}});
  CHECK(h.Run({"pexpireat", "k", "1700000250000", "LT"}) == Int(1));
  CHECK(h.Take() == Commands{{"PEXPIREAT", "k", "1700000250000", "LT"}});
  CHECK(h.Run({"PEXPIRETIME", "k"}) == Int(1'700'000'250'000));

  // Refused by a condition, or no key: nothing changed, nothing logged.
  CHECK(h.Run({"EXPIRE", "k", "10", "NX"}) == Int(0));
  CHECK(h.Run({"EXPIRE", "k", "1000", "LT"}) == Int(0));
  CHECK(h.Run({"EXPIRE", "missing", "10"}) == Int(0));
  CHECK(h.Run({"EXPIRE", "k", "ten"}) == kNotInt);
  CHECK(h.Take().empty());
}

TEST_CASE("An expire time not after now deletes the key and is logged as DEL") {
  LoggingHarness h;
  CHECK(h.Run({"MSET", "a", "1", "b", "2", "c", "3", "d", "4"}) == kOk);
  h.Take();
  CHECK(h.Run({"EXPIRE", "a", "-1"}) == Int(1));
  CHECK(h.Run({"PEXPIRE", "b", "0"}) == Int(1));
  CHECK(h.Run({"EXPIREAT", "c", "1"}) == Int(1));
  CHECK(h.Run({"PEXPIREAT", "d", Ms(kStartMs)}) == Int(1));
  CHECK(h.Take() == Commands{{"DEL", "a"}, {"DEL", "b"}, {"DEL", "c"}, {"DEL", "d"}});
  CHECK(h.Run({"EXISTS", "a", "b", "c", "d"}) == Int(0));
}

TEST_CASE("PERSIST is logged as sent, and only when it removed a TTL") {
  LoggingHarness h;
  CHECK(h.Run({"SET", "k", "v", "EX", "10"}) == kOk);
  h.Take();
  CHECK(h.Run({"PERSIST", "k"}) == Int(1));
  CHECK(h.Take() == Commands{{"PERSIST", "k"}});
  CHECK(h.Run({"PERSIST", "k"}) == Int(0));
  CHECK(h.Run({"PERSIST", "missing"}) == Int(0));
  CHECK(h.Take().empty());
}

TEST_CASE("SET with an expiry is logged as SET key value PXAT <absolute ms>") {
  LoggingHarness h;
  h.clock.Advance(5);
  const int64_t now = kStartMs + 5;
  CHECK(h.Run({"SET", "a", "1", "EX", "10"}) == kOk);
  CHECK(h.Run({"SET", "b", "2", "px", "500", "NX"}) == kOk);
  CHECK(h.Run({"SET", "c", "3", "EXAT", "1700000100"}) == kOk);
  CHECK(h.Run({"SET", "c", "4", "XX", "GET", "PXAT", "1700000200000"}) == Bulk("3"));
  CHECK(h.Run({"SETEX", "e", "5", "5"}) == kOk);
  CHECK(h.Run({"PSETEX", "f", "250", "6"}) == kOk);
  CHECK(h.Take() == Commands{{"SET", "a", "1", "PXAT", Ms(now + 10'000)},
                             {"SET", "b", "2", "PXAT", Ms(now + 500)},
                             {"SET", "c", "3", "PXAT", "1700000100000"},
                             {"SET", "c", "4", "PXAT", "1700000200000"},
                             {"SET", "e", "5", "PXAT", Ms(now + 5'000)},
                             {"SET", "f", "6", "PXAT", Ms(now + 250)}});
}

TEST_CASE("SET without an expiry is logged as sent, minus GET") {
  LoggingHarness h;
  CHECK(h.Run({"SET", "k", "v", "EX", "100"}) == kOk);
  h.Take();
  CHECK(h.Run({"SET", "k", "w", "KEEPTTL", "GET"}) == Bulk("v"));
  CHECK(h.Run({"SET", "k", "x", "get", "XX", "GET"}) == Bulk("w"));
  CHECK(h.Run({"SET", "j", "y", "NX"}) == kOk);
  CHECK(h.Run({"SETNX", "i", "z"}) == Int(1));
  CHECK(h.Take() == Commands{{"SET", "k", "w", "KEEPTTL"},
                             {"SET", "k", "x", "XX"},
                             {"SET", "j", "y", "NX"},
                             {"SETNX", "i", "z"}});
  CHECK(h.Run({"PTTL", "k"}) == Int(-1));  // XX without KEEPTTL cleared it

  // Refused by NX/XX, or failed: nothing logged.
  CHECK(h.Run({"SET", "j", "again", "NX"}) == kNil);
  CHECK(h.Run({"SET", "j", "again", "NX", "GET"}) == Bulk("y"));
  CHECK(h.Run({"SET", "none", "v", "XX"}) == kNil);
  CHECK(h.Run({"SETNX", "i", "again"}) == Int(0));
  CHECK(h.Run({"RPUSH", "list", "a"}) == Int(1));
  h.Take();
  CHECK(h.Run({"SET", "list", "v", "GET"}).front() == '-');
  CHECK(h.Run({"SET", "k", "v", "EX", "0"}).front() == '-');
  CHECK(h.Take().empty());
}

TEST_CASE("SET with an absolute time in the past logs that time: the key is expired") {
  LoggingHarness h;
  CHECK(h.Run({"SET", "k", "v", "PXAT", "1"}) == kOk);
  CHECK(h.Run({"SET", "j", "v", "EXAT", "1"}) == kOk);
  CHECK(h.Take() == Commands{{"SET", "k", "v", "PXAT", "1"}, {"SET", "j", "v", "PXAT", "1000"}});
  CHECK(h.Run({"EXISTS", "k", "j"}) == Int(0));
}

TEST_CASE("GETEX is logged as PEXPIREAT, DEL or PERSIST, never as sent") {
  LoggingHarness h;
  CHECK(h.Run({"SET", "k", "v"}) == kOk);
  h.Take();
  CHECK(h.Run({"GETEX", "k"}) == Bulk("v"));
  CHECK(h.Run({"GETEX", "k", "PERSIST"}) == Bulk("v"));  // had no TTL: nothing changed
  CHECK(h.Run({"GETEX", "missing", "EX", "5"}) == kNil);
  CHECK(h.Take().empty());

  CHECK(h.Run({"GETEX", "k", "EX", "5"}) == Bulk("v"));
  h.clock.Advance(10);
  CHECK(h.Run({"GETEX", "k", "PX", "700"}) == Bulk("v"));
  CHECK(h.Run({"GETEX", "k", "EXAT", "1700000900"}) == Bulk("v"));
  CHECK(h.Run({"GETEX", "k", "PXAT", "1700000800000"}) == Bulk("v"));
  CHECK(h.Run({"GETEX", "k", "PERSIST"}) == Bulk("v"));
  CHECK(h.Take() == Commands{{"PEXPIREAT", "k", Ms(kStartMs + 5'000)},
                             {"PEXPIREAT", "k", Ms(kStartMs + 10 + 700)},
                             {"PEXPIREAT", "k", "1700000900000"},
                             {"PEXPIREAT", "k", "1700000800000"},
                             {"PERSIST", "k"}});

  CHECK(h.Run({"GETEX", "k", "PXAT", Ms(kStartMs + 10)}) == Bulk("v"));
  CHECK(h.Take() == Commands{{"DEL", "k"}});
  CHECK(h.Run({"EXISTS", "k"}) == Int(0));
}

TEST_CASE("GETDEL is logged as DEL, GETSET as SET") {
  LoggingHarness h;
  CHECK(h.Run({"SET", "k", "v", "EX", "100"}) == kOk);
  h.Take();
  CHECK(h.Run({"GETSET", "k", "w"}) == Bulk("v"));
  CHECK(h.Run({"GETSET", "new", "x"}) == kNil);
  CHECK(h.Run({"GETDEL", "k"}) == Bulk("w"));
  CHECK(h.Take() == Commands{{"SET", "k", "w"}, {"SET", "new", "x"}, {"DEL", "k"}});
  CHECK(h.Run({"GETDEL", "k"}) == kNil);
  CHECK(h.Take().empty());

  // With lazyfree-lazy-user-del the deletion is logged as UNLINK, as Redis does.
  CHECK(h.Run({"CONFIG", "SET", "lazyfree-lazy-user-del", "yes"}) == kOk);
  CHECK(h.Run({"GETDEL", "new"}) == Bulk("x"));
  CHECK(h.Take() == Commands{{"UNLINK", "new"}});
}

TEST_CASE("INCRBYFLOAT is logged as SET of the result with KEEPTTL") {
  LoggingHarness h;
  CHECK(h.Run({"INCRBYFLOAT", "f", "1.5"}) == Bulk("1.5"));
  CHECK(h.Run({"EXPIRE", "f", "100"}) == Int(1));
  CHECK(h.Run({"INCRBYFLOAT", "f", "0.1"}) == Bulk("1.6"));
  CHECK(h.Run({"INCRBYFLOAT", "f", "3.0e3"}) == Bulk("3001.60000000000000009"));
  CHECK(h.Take() == Commands{{"SET", "f", "1.5", "KEEPTTL"},
                             {"PEXPIREAT", "f", Ms(kStartMs + 100'000)},
                             {"SET", "f", "1.6", "KEEPTTL"},
                             {"SET", "f", "3001.60000000000000009", "KEEPTTL"}});
  CHECK(h.Run({"PTTL", "f"}) == Int(100'000));
  CHECK(h.Run({"INCRBYFLOAT", "f", "x"}).front() == '-');
  CHECK(h.Take().empty());
}

TEST_CASE("HINCRBYFLOAT is logged as HSET of the result") {
  LoggingHarness h;
  CHECK(h.Run({"HINCRBYFLOAT", "h", "x", "2.5"}) == Bulk("2.5"));
  CHECK(h.Run({"HINCRBYFLOAT", "h", "x", "1e1"}) == Bulk("12.5"));
  CHECK(h.Run({"HINCRBY", "h", "n", "3"}) == Int(3));
  CHECK(h.Take() == Commands{{"HSET", "h", "x", "2.5"},
                             {"HSET", "h", "x", "12.5"},
                             {"HINCRBY", "h", "n", "3"}});
  CHECK(h.Run({"HINCRBYFLOAT", "h", "x", "nope"}).front() == '-');
  CHECK(h.Take().empty());
}

TEST_CASE("SPOP is logged as SREM of the members it popped, or DEL when it took them all") {
  LoggingHarness h;
  CHECK(h.Run({"SADD", "s", "a", "b", "c", "d", "e", "f"}) == Int(6));
  CHECK(h.Take() == Commands{{"SADD", "s", "a", "b", "c", "d", "e", "f"}});

  const std::string one = BulkText(h.Run({"SPOP", "s"}));
  CHECK(h.Take() == Commands{{"SREM", "s", one}});

  const std::vector<std::string> two = Strings(h.Run({"SPOP", "s", "2"}));
  REQUIRE(two.size() == 2);
  CHECK(h.Take() == Commands{{"SREM", "s", two[0], two[1]}});

  CHECK(h.Run({"SPOP", "s", "0"}) == "*0\r\n");
  CHECK(h.Run({"SPOP", "missing"}) == kNil);
  CHECK(h.Run({"SPOP", "missing", "3"}) == "*0\r\n");
  CHECK(h.Run({"SRANDMEMBER", "s"}).front() == '$');
  CHECK(h.Run({"SRANDMEMBER", "s", "-5"}).front() == '*');
  CHECK(h.Take().empty());

  CHECK(Strings(h.Run({"SPOP", "s", "3"})).size() == 3);
  CHECK(h.Take() == Commands{{"DEL", "s"}});
  CHECK(h.Run({"EXISTS", "s"}) == Int(0));
}

TEST_CASE("SPOP of the last member and SPOP with a large count") {
  LoggingHarness h;
  CHECK(h.Run({"SADD", "one", "m"}) == Int(1));
  h.Take();
  CHECK(h.Run({"SPOP", "one"}) == Bulk("m"));
  CHECK(h.Take() == Commands{{"SREM", "one", "m"}});

  std::vector<std::string> add = {"SADD", "big"};
  for (int i = 0; i < 2500; ++i) add.push_back(KeyName("m", i));
  CHECK(h.Run(std::vector<std::string_view>(add.begin(), add.end())) == Int(2500));
  h.Take();
  const std::vector<std::string> popped = Strings(h.Run({"SPOP", "big", "2100"}));
  REQUIRE(popped.size() == 2100);
  // SREMs of at most 1024 members each, as Redis batches them, in a MULTI ... EXEC as
  // Redis 7 wraps what one command propagates when that is more than one command.
  Commands logged = h.Take();
  REQUIRE(logged.size() == 5);
  CHECK(logged.front() == Command{"MULTI"});
  CHECK(logged.back() == Command{"EXEC"});
  logged = Commands(logged.begin() + 1, logged.end() - 1);
  CHECK(logged[0].size() == 2 + 1024);
  CHECK(logged[1].size() == 2 + 1024);
  CHECK(logged[2].size() == 2 + 52);
  std::vector<std::string> removed;
  for (const Command& c : logged) {
    CHECK(c[0] == "SREM");
    CHECK(c[1] == "big");
    removed.insert(removed.end(), c.begin() + 2, c.end());
  }
  CHECK(removed == popped);
  CHECK(h.Run({"SCARD", "big"}) == Int(400));
}

TEST_CASE("LMPOP and ZMPOP are logged as the pop from the key they hit") {
  LoggingHarness h;
  CHECK(h.Run({"RPUSH", "l", "a", "b", "c", "d", "e"}) == Int(5));
  CHECK(h.Run({"ZADD", "z", "1", "a", "2", "b", "3", "c"}) == Int(3));
  h.Take();
  CHECK(h.Run({"LMPOP", "2", "nolist", "l", "LEFT", "COUNT", "2"}) != "*-1\r\n");
  CHECK(h.Run({"LMPOP", "1", "l", "RIGHT"}) != "*-1\r\n");
  CHECK(h.Run({"LMPOP", "1", "l", "right", "COUNT", "10"}) != "*-1\r\n");  // the last 2
  CHECK(h.Run({"ZMPOP", "2", "nozset", "z", "MAX", "COUNT", "2"}) != "*-1\r\n");
  CHECK(h.Run({"ZMPOP", "1", "z", "MIN", "COUNT", "5"}) != "*-1\r\n");  // the last one
  CHECK(h.Take() == Commands{{"LPOP", "l", "2"},
                             {"RPOP", "l", "1"},
                             {"RPOP", "l", "2"},
                             {"ZPOPMAX", "z", "2"},
                             {"ZPOPMIN", "z", "1"}});
  CHECK(h.Run({"EXISTS", "l", "z"}) == Int(0));
  CHECK(h.Run({"LMPOP", "1", "l", "LEFT"}) == "*-1\r\n");
  CHECK(h.Run({"ZMPOP", "1", "z", "MIN"}) == "*-1\r\n");
  CHECK(h.Take().empty());
}

TEST_CASE("LPOP, RPOP, ZPOPMIN and ZPOPMAX are logged as sent") {
  LoggingHarness h;
  CHECK(h.Run({"RPUSH", "l", "a", "b", "c", "d", "e"}) == Int(5));
  CHECK(h.Run({"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"}) == Int(4));
  h.Take();
  CHECK(h.Run({"LPOP", "l"}) == Bulk("a"));
  CHECK(h.Run({"LPOP", "l", "2"}).front() == '*');
  CHECK(h.Run({"RPOP", "l", "10"}).front() == '*');
  CHECK(h.Run({"ZPOPMIN", "z"}).front() == '*');
  CHECK(h.Run({"ZPOPMAX", "z", "2"}).front() == '*');
  CHECK(h.Take() == Commands{{"LPOP", "l"},
                             {"LPOP", "l", "2"},
                             {"RPOP", "l", "10"},
                             {"ZPOPMIN", "z"},
                             {"ZPOPMAX", "z", "2"}});
  CHECK(h.Run({"LPOP", "l"}) == kNil);
  CHECK(h.Run({"ZPOPMIN", "z", "0"}) == "*0\r\n");
  CHECK(h.Run({"RPUSH", "l", "x"}) == Int(1));
  h.Take();
  CHECK(h.Run({"LPOP", "l", "0"}) == "*0\r\n");
  CHECK(h.Take().empty());
}

TEST_CASE("Writes that change nothing log nothing") {
  LoggingHarness h;
  CHECK(h.Run({"SET", "str", "v"}) == kOk);
  CHECK(h.Run({"SET", "other", "v"}) == kOk);
  CHECK(h.Run({"HSET", "h", "f", "1"}) == Int(1));
  CHECK(h.Run({"SADD", "s", "a", "b"}) == Int(2));
  CHECK(h.Run({"SADD", "t", "c"}) == Int(1));
  CHECK(h.Run({"RPUSH", "l", "a", "b"}) == Int(2));
  CHECK(h.Run({"ZADD", "z", "1", "a", "2", "b"}) == Int(2));
  h.Take();

  const std::vector<std::vector<std::string_view>> no_change = {
      {"SET", "str", "w", "NX"},
      {"MSETNX", "fresh", "1", "str", "2"},
      {"SETRANGE", "str", "0", ""},
      {"SETRANGE", "missing", "3", ""},
      {"HSETNX", "h", "f", "2"},
      {"HDEL", "h", "nofield"},
      {"SADD", "s", "a"},
      {"SREM", "s", "nomember"},
      {"SMOVE", "s", "t", "nomember"},
      {"SMOVE", "s", "s", "a"},
      {"SINTERSTORE", "dst", "s", "t"},
      {"SINTERSTORE", "dst", "s", "missing"},
      {"SUNIONSTORE", "dst", "missing"},
      {"SDIFFSTORE", "dst", "s", "s"},
      {"LPUSHX", "missing", "a"},
      {"LREM", "l", "0", "nomember"},
      {"LTRIM", "l", "0", "-1"},
      {"LINSERT", "l", "BEFORE", "nopivot", "x"},
      {"RPOPLPUSH", "missing", "l"},
      {"LMOVE", "missing", "l", "LEFT", "RIGHT"},
      {"ZADD", "z", "NX", "5", "a"},
      {"ZADD", "z", "XX", "GT", "0", "a"},
      {"ZADD", "z", "XX", "1", "nomember"},
      {"ZINCRBY", "z", "0", "a"},
      {"ZREM", "z", "nomember"},
      {"ZREMRANGEBYSCORE", "z", "10", "20"},
      {"ZUNIONSTORE", "zdst", "1", "missing"},
      {"ZRANGESTORE", "zdst", "z", "10", "20"},
      {"RENAME", "str", "str"},
      {"RENAMENX", "str", "other"},
      {"COPY", "str", "other"},
      {"MOVE", "missing", "1"},
      {"DEL", "missing"},
      {"PERSIST", "str"},
      {"EXPIRE", "missing", "10"},
      {"GETDEL", "missing"},
      {"INCR", "str"},
      {"SADD", "str", "a"},
      {"LPUSH", "h", "a"},
  };
  for (const std::vector<std::string_view>& args : no_change) {
    INFO(args[0], " ", args[1]);
    h.Run(args);
    CHECK(h.Take().empty());
  }
  CHECK(h.Run({"EXISTS", "dst", "zdst", "fresh"}) == Int(0));
}

TEST_CASE("A *STORE with an empty result logs when it deleted the destination") {
  LoggingHarness h;
  CHECK(h.Run({"SET", "dst", "v"}) == kOk);
  CHECK(h.Run({"SET", "zdst", "v"}) == kOk);
  h.Take();
  CHECK(h.Run({"SUNIONSTORE", "dst", "missing"}) == Int(0));
  CHECK(h.Run({"ZUNIONSTORE", "zdst", "1", "missing"}) == Int(0));
  CHECK(h.Take() ==
        Commands{{"SUNIONSTORE", "dst", "missing"}, {"ZUNIONSTORE", "zdst", "1", "missing"}});
  CHECK(h.Run({"EXISTS", "dst", "zdst"}) == Int(0));
}

TEST_CASE("Deterministic writes are logged as sent, with their database") {
  LoggingHarness h;
  CHECK(h.Run({"SELECT", "2"}) == kOk);
  CHECK(h.Run({"MSET", "a", "1", "b", "2"}) == kOk);
  CHECK(h.Run({"APPEND", "a", "x"}) == Int(2));
  CHECK(h.Run({"INCRBY", "b", "5"}) == Int(7));
  CHECK(h.Run({"RENAME", "a", "c"}) == kOk);
  CHECK(h.Run({"COPY", "c", "d", "DB", "3"}) == Int(1));
  CHECK(h.Run({"MOVE", "c", "4"}) == Int(1));
  CHECK(h.Run({"DEL", "b", "missing"}) == Int(1));
  CHECK(h.Run({"SWAPDB", "3", "4"}) == kOk);
  CHECK(h.Run({"SWAPDB", "5", "5"}) == kOk);  // Redis counts it as a change too
  CHECK(h.Run({"SELECT", "0"}) == kOk);
  CHECK(h.Run({"ZADD", "z", "CH", "1", "a"}) == Int(1));
  CHECK(h.Run({"ZINCRBY", "z", "0.5", "a"}) == "$3\r\n1.5\r\n");
  CHECK(h.Run({"UNLINK", "z"}) == Int(1));

  std::vector<std::pair<size_t, Command>> logged;
  for (Logged& e : h.log) logged.emplace_back(e.db, e.args);
  CHECK(logged == std::vector<std::pair<size_t, Command>>{
                      {2, {"MSET", "a", "1", "b", "2"}},
                      {2, {"APPEND", "a", "x"}},
                      {2, {"INCRBY", "b", "5"}},
                      {2, {"RENAME", "a", "c"}},
                      {2, {"COPY", "c", "d", "DB", "3"}},
                      {2, {"MOVE", "c", "4"}},
                      {2, {"DEL", "b", "missing"}},
                      {2, {"SWAPDB", "3", "4"}},
                      {2, {"SWAPDB", "5", "5"}},
                      {0, {"ZADD", "z", "CH", "1", "a"}},
                      {0, {"ZINCRBY", "z", "0.5", "a"}},
                      {0, {"UNLINK", "z"}},
                  });
}

TEST_CASE("FLUSHDB and FLUSHALL are logged even when there was nothing to remove") {
  LoggingHarness h;
  CHECK(h.Run({"FLUSHDB"}) == kOk);
  CHECK(h.Run({"FLUSHALL", "SYNC"}) == kOk);
  CHECK(h.Run({"SET", "k", "v"}) == kOk);
  CHECK(h.Run({"flushdb", "ASYNC"}) == kOk);
  CHECK(h.Take() ==
        Commands{{"FLUSHDB"}, {"FLUSHALL", "SYNC"}, {"SET", "k", "v"}, {"flushdb", "ASYNC"}});
  CHECK(h.Run({"FLUSHDB", "bogus"}).front() == '-');
  CHECK(h.Take().empty());
}

TEST_CASE("A log replayed later neither revives nor extends keys") {
  LoggingHarness h;
  CHECK(h.Run({"SET", "a", "v", "EX", "100"}) == kOk);
  CHECK(h.Run({"SETEX", "b", "100", "v"}) == kOk);
  CHECK(h.Run({"SET", "c", "v"}) == kOk);
  CHECK(h.Run({"EXPIRE", "c", "100"}) == Int(1));
  CHECK(h.Run({"SET", "d", "v"}) == kOk);
  CHECK(h.Run({"GETEX", "d", "PX", "100000"}) == Bulk("v"));
  CHECK(h.Run({"SET", "gone", "v"}) == kOk);
  CHECK(h.Run({"EXPIRE", "gone", "-1"}) == Int(1));

  // Loaded as Redis loads (nothing expires while loading), then read 60 s and 200 s later.
  Harness loaded;
  loaded.clock.SetMs(0);
  Replay(h.log, loaded);
  loaded.clock.SetMs(kStartMs + 60'000);
  for (std::string_view key : {"a", "b", "c", "d"}) {
    INFO(key);
    CHECK(loaded.Run({"PTTL", key}) == Int(40'000));
    CHECK(loaded.Run({"PEXPIRETIME", key}) == Int(kStartMs + 100'000));
  }
  CHECK(loaded.Run({"EXISTS", "gone"}) == Int(0));
  loaded.clock.SetMs(kStartMs + 200'000);
  CHECK(loaded.Run({"DBSIZE"}) == Int(0));

  // Replayed on a clock 60 s and 200 s on, the relative times as sent would have given
  // every key another 100 s.
  Harness later;
  later.clock.SetMs(kStartMs + 60'000);
  Replay(h.log, later);
  for (std::string_view key : {"a", "b", "c", "d"}) {
    INFO(key);
    CHECK(later.Run({"PTTL", key}) == Int(40'000));
  }
  Harness much_later;
  much_later.clock.SetMs(kStartMs + 200'000);
  Replay(h.log, much_later);
  CHECK(much_later.Run({"DBSIZE"}) == Int(0));
}

// A mixed workload over every family, several databases and two minutes of clock; some
// keys expire during it (and are not written again), others after it.
void RunWorkload(Harness& h) {
  const std::vector<std::vector<std::string>> steps = {
      {"SET", "s1", "hello"},
      {"SET", "s2", "v", "EX", "1800"},
      {"SETEX", "s3", "1800", "x"},
      {"PSETEX", "s4", "900000", "y"},
      {"SET", "short", "v", "PX", "100"},
      {"SET", "past", "v", "PXAT", "1000"},
      {"SET", "f", "10.5", "EX", "1800"},
      {"INCRBYFLOAT", "f", "0.25"},
      {"INCRBYFLOAT", "f", "1e-3"},
      {"APPEND", "s1", " world"},
      {"INCR", "cnt"},
      {"INCRBY", "cnt", "10"},
      {"DECR", "cnt"},
      {"GETSET", "s1", "replaced"},
      {"GETEX", "s3", "PERSIST"},
      {"GETEX", "s4", "EX", "600"},
      {"SET", "g", "v"},
      {"GETEX", "g", "PXAT", "1000"},
      {"SET", "gd", "v"},
      {"GETDEL", "gd"},
      {"MSET", "m1", "a", "m2", "b"},
      {"SET", "s5", "v", "KEEPTTL", "GET"},
      {"SET", "e1", "v"},
      {"EXPIRE", "e1", "1200"},
      {"PEXPIRE", "e1", "1500000", "GT"},
      {"EXPIRE", "e1", "10", "NX"},
      {"SET", "e2", "v"},
      {"EXPIRE", "e2", "-5"},
      {"SET", "e3", "v"},
      {"EXPIREAT", "e3", "1700003000", "NX"},
      {"HSET", "h", "f1", "1", "f2", "2"},
      {"HINCRBY", "h", "f1", "5"},
      {"HINCRBYFLOAT", "h", "f3", "1.1"},
      {"HINCRBYFLOAT", "h", "f3", "2.2"},
      {"HDEL", "h", "f2"},
      {"HSETNX", "h", "f4", "4"},
      {"EXPIRE", "h", "1000"},
      {"SADD", "st", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o",
       "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z"},
      {"SPOP", "st"},
      {"SPOP", "st", "10"},
      {"SADD", "st2", "1", "2", "3"},
      {"SPOP", "st2", "100"},
      {"SADD", "st3", "a", "b"},
      {"SMOVE", "st3", "st4", "a"},
      {"SADD", "sa", "1", "2", "3"},
      {"SADD", "sb", "2", "3", "4"},
      {"SINTERSTORE", "si", "sa", "sb"},
      {"SUNIONSTORE", "su", "sa", "sb"},
      {"SDIFFSTORE", "sd", "sa", "sb"},
      {"RPUSH", "l", "a", "b", "c", "d", "e", "f", "g"},
      {"LPOP", "l"},
      {"RPOP", "l", "2"},
      {"LMPOP", "2", "nolist", "l", "LEFT", "COUNT", "2"},
      {"LPUSH", "l", "z"},
      {"LSET", "l", "0", "y"},
      {"LINSERT", "l", "BEFORE", "y", "x"},
      {"LREM", "l", "0", "c"},
      {"LTRIM", "l", "0", "10"},
      {"RPOPLPUSH", "l", "l2"},
      {"LMOVE", "l2", "l", "LEFT", "RIGHT"},
      {"RPUSHX", "l2", "nothing"},
      {"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"},
      {"ZINCRBY", "z", "0.5", "a"},
      {"ZADD", "z", "GT", "CH", "10", "b", "0", "c"},
      {"ZPOPMIN", "z"},
      {"ZPOPMAX", "z", "1"},
      {"ZMPOP", "1", "z", "MIN", "COUNT", "1"},
      {"ZADD", "z2", "1", "x", "2", "y"},
      {"ZUNIONSTORE", "zu", "2", "z", "z2", "WEIGHTS", "1", "2"},
      {"ZRANGESTORE", "zr", "z2", "0", "0"},
      {"ZREMRANGEBYSCORE", "zu", "0", "1"},
      {"ZREM", "z2", "x"},
      {"SELECT", "1"},
      {"SET", "d1", "v", "EX", "1700"},
      {"APPEND", "d1", "w"},
      {"SET", "d2", "v"},
      {"RENAME", "d2", "d3"},
      {"COPY", "d3", "d4"},
      {"MOVE", "d4", "2"},
      {"SELECT", "0"},
      {"COPY", "s3", "s3copy", "DB", "3"},
      {"SWAPDB", "3", "4"},
      {"SELECT", "5"},
      {"SET", "junk", "1"},
      {"FLUSHDB"},
      {"SET", "kept", "1"},
      {"SELECT", "0"},
      {"UNLINK", "m2"},
      {"DEL", "m1", "missing"},
      {"RENAMENX", "s2", "s2b"},
  };
  for (const std::vector<std::string>& step : steps) {
    h.clock.Advance(1'000);
    const std::string reply = h.Run(std::vector<std::string_view>(step.begin(), step.end()));
    INFO(step[0], " ", step.size() > 1 ? step[1] : "", ": ", reply);
    CHECK(reply.front() != '-');
  }
}

TEST_CASE("Replaying the log rebuilds the same data with the same absolute expiry times") {
  LoggingHarness h;
  RunWorkload(h);
  const int64_t end_ms = h.clock.NowMs();
  const std::map<std::string, std::string> at_end = Dump(h);
  h.clock.Advance(3'600'000);
  const std::map<std::string, std::string> hour_later = Dump(h);
  REQUIRE(at_end.size() > 20);
  REQUIRE(hour_later.size() < at_end.size());  // the volatile keys have gone

  // Nothing in the log depends on the clock or on chance.
  for (const Logged& e : h.log) {
    INFO(e.args[0]);
    for (std::string_view sent :
         {"EXPIRE", "PEXPIRE", "EXPIREAT", "SETEX", "PSETEX", "GETEX", "GETDEL", "GETSET", "SPOP",
          "INCRBYFLOAT", "HINCRBYFLOAT", "LMPOP", "ZMPOP"}) {
      CHECK_FALSE(EqualsIgnoreCase(e.args[0], sent));
    }
    if (EqualsIgnoreCase(e.args[0], "SET")) {
      for (std::string_view option : {"EX", "PX", "EXAT", "GET"}) {
        CHECK(std::none_of(e.args.begin() + 3, e.args.end(),
                           [&](const std::string& a) { return EqualsIgnoreCase(a, option); }));
      }
    }
  }

  // Replayed as Redis loads an AOF, with no key expiring while it loads (clock 0 here),
  // and on the clock of the workload's start and end: the same data each time, at the end
  // and an hour later. (A key written again after it expired would need its expiry logged
  // as a DEL; this workload leaves expired keys alone.)
  for (int64_t replay_ms : {int64_t{0}, kStartMs, end_ms}) {
    INFO("replayed at ", replay_ms);
    Harness replay;
    replay.clock.SetMs(replay_ms);
    Replay(h.log, replay);
    replay.clock.SetMs(end_ms);
    CHECK(Dump(replay) == at_end);
    replay.clock.SetMs(end_ms + 3'600'000);
    CHECK(Dump(replay) == hour_later);
  }
}

}  // namespace
}  // namespace kvd::testing
