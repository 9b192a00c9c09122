// Keyspace notifications: the notify-keyspace-events flags, the two channel forms, the
// event each write command publishes (Redis's names and order), expired and evicted.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "server/keyspace_events.h"
#include "unit/commands/harness.h"
#include "unit/commands/pubsub_test_util.h"

namespace kvd::testing {
namespace {

// A subscriber to every keyevent channel of database 0, which sees each event as
// "<event> <key>".
struct EventLog {
  explicit EventLog(Harness& h, std::string_view flags = "KEA") : h(h), peer(h) {
    REQUIRE(h.Run({"CONFIG", "SET", "notify-keyspace-events", flags}) == "+OK\r\n");
    peer.Run({"PSUBSCRIBE", "__keyevent@*__:*"});
  }
  std::vector<std::string> Take() {
    std::vector<std::string> events;
    for (const auto& f : Frames(peer.Take())) {
      REQUIRE(f.size() == 4);
      const std::string& channel = f[2];
      events.push_back(channel.substr(channel.find("__:") + 3) + " " + f[3]);
    }
    return events;
  }
  Harness& h;
  PubSubPeer peer;
};

using Events = std::vector<std::string>;

TEST_CASE("notify-keyspace-events: Redis's letters, canonical order and error") {
  Harness h;
  auto get = [&] { return h.Run({"CONFIG", "GET", "notify-keyspace-events"}); };
  const std::string prefix = "*2\r\n$22\r\nnotify-keyspace-events\r\n";
  CHECK(get() == prefix + "$0\r\n\r\n");
  CHECK(h.Run({"CONFIG", "SET", "notify-keyspace-events", "Kx$gEm"}) == "+OK\r\n");
  CHECK(get() == prefix + "$6\r\ng$xKEm\r\n");
  CHECK(h.Run({"CONFIG", "SET", "notify-keyspace-events", "AKEn"}) == "+OK\r\n");
  CHECK(get() == prefix + "$3\r\nAKE\r\n");  // n is not shown next to A, as in Redis
  CHECK(h.Run({"CONFIG", "SET", "notify-keyspace-events", "KEAq"}) ==
        "-ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - "
        "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.\r\n");
  CHECK(get() == prefix + "$3\r\nAKE\r\n");
  CHECK(FormatNotifyFlags(*ParseNotifyFlags("lshzxetgK$")) == "g$lshzxetK");
  CHECK(FormatNotifyFlags(*ParseNotifyFlags("lshzxetdg$E")) == "AE");
  CHECK(ParseNotifyFlags("") == 0);
}

TEST_CASE("both channel forms; nothing without K or E, nor for a disabled class") {
  Harness h;
  PubSubPeer sub(h);
  sub.Run({"PSUBSCRIBE", "__key*"});
  CHECK(h.Run({"SET", "k", "v"}) == "+OK\r\n");
  CHECK(sub.Take().empty());  // off by default

  h.Run({"CONFIG", "SET", "notify-keyspace-events", "KEA"});
  h.Run({"SELECT", "3"});
  h.Run({"SET", "k", "v"});
  CHECK(Frames(sub.Take()) == FrameList{{"pmessage", "__key*", "__keyspace@3__:k", "set"},
                                        {"pmessage", "__key*", "__keyevent@3__:set", "k"}});
  h.Run({"CONFIG", "SET", "notify-keyspace-events", "E$"});
  h.Run({"SET", "k", "v"});
  CHECK(Frames(sub.Take()) == FrameList{{"pmessage", "__key*", "__keyevent@3__:set", "k"}});
  h.Run({"CONFIG", "SET", "notify-keyspace-events", "Kl"});
  h.Run({"SET", "k", "v"});
  CHECK(sub.Take().empty());
  h.Run({"CONFIG", "SET", "notify-keyspace-events", "A"});
  h.Run({"SET", "k", "v"});
  CHECK(sub.Take().empty());
}

TEST_CASE("keyspace events: generic commands") {
  Harness h;
  EventLog log(h);
  h.Run({"MSET", "a", "1", "b", "2"});
  CHECK(log.Take() == Events{"set a", "set b"});
  h.Run({"DEL", "a", "missing", "b"});
  CHECK(log.Take() == Events{"del a", "del b"});
  h.Run({"SET", "k", "v"});
  log.Take();
  h.Run({"EXPIRE", "k", "100"});
  h.Run({"PERSIST", "k"});
  h.Run({"PERSIST", "k"});  // no TTL left: no event
  CHECK(log.Take() == Events{"expire k", "persist k"});
  h.Run({"RENAME", "k", "k2"});
  CHECK(log.Take() == Events{"rename_from k", "rename_to k2"});
  h.Run({"COPY", "k2", "k3"});
  CHECK(log.Take() == Events{"copy_to k3"});
  h.Run({"MOVE", "k3", "1"});
  CHECK(log.Take() == Events{"move_from k3", "move_to k3"});
  h.Run({"PEXPIRE", "k2", "-1"});  // a time in the past deletes
  CHECK(log.Take() == Events{"del k2"});
  h.Run({"UNLINK", "nothing"});
  CHECK(log.Take().empty());
}

TEST_CASE("keyspace events: string commands") {
  Harness h;
  EventLog log(h);
  h.Run({"SET", "s", "v", "EX", "10"});
  CHECK(log.Take() == Events{"set s", "expire s"});
  h.Run({"SET", "s", "v", "NX"});  // not set: no event
  h.Run({"SETNX", "n", "1"});
  h.Run({"SETEX", "e", "10", "v"});
  CHECK(log.Take() == Events{"set n", "set e", "expire e"});
  h.Run({"INCR", "n"});
  h.Run({"DECRBY", "n", "5"});
  h.Run({"INCRBYFLOAT", "n", "1.5"});
  h.Run({"APPEND", "s", "x"});
  h.Run({"SETRANGE", "s", "0", "y"});
  h.Run({"SETRANGE", "s", "0", ""});  // writes nothing: no event
  CHECK(log.Take() == Events{"incrby n", "incrby n", "incrbyfloat n", "append s", "setrange s"});
  h.Run({"GETSET", "s", "w"});
  h.Run({"GETEX", "s", "PX", "500"});
  h.Run({"GETEX", "s", "PERSIST"});
  h.Run({"GETDEL", "s"});
  CHECK(log.Take() == Events{"set s", "expire s", "persist s", "del s"});
  h.Run({"INCR", "s2"});
  h.Run({"INCR", "e"});  // not an integer: no event
  CHECK(log.Take() == Events{"incrby s2"});
}

TEST_CASE("keyspace events: expired keys, lazily or by the active cycle") {
  Harness h;
  EventLog log(h);
  PubSubPeer space(h);
  space.Run({"SUBSCRIBE", "__keyspace@0__:k"});
  h.Run({"SET", "k", "v", "PX", "100"});
  log.Take();
  space.Take();
  h.clock.Advance(101);
  CHECK(h.Run({"GET", "k"}) == "$-1\r\n");
  CHECK(log.Take() == Events{"expired k"});
  CHECK(Frames(space.Take()) == FrameList{{"message", "__keyspace@0__:k", "expired"}});

  h.Run({"SET", "j", "v", "PX", "10"});
  log.Take();
  h.clock.Advance(11);
  h.store.ActiveExpireCycle(h.clock.NowMs(), 1000000, [] { return int64_t{0}; });
  CHECK(log.Take() == Events{"expired j"});

  // Only x: the expiry is published, the write that set it is not.
  h.Run({"CONFIG", "SET", "notify-keyspace-events", "Ex"});
  h.Run({"SET", "i", "v", "PX", "10"});
  h.clock.Advance(11);
  h.Run({"EXISTS", "i"});
  CHECK(log.Take() == Events{"expired i"});
}

TEST_CASE("keyspace events: new keys only with n, before the command's own event") {
  Harness h;
  EventLog log(h, "KEAn");
  h.Run({"SET", "k", "v"});
  h.Run({"SET", "k", "v2"});  // overwritten, not added
  h.Run({"LPUSH", "l", "a"});
  h.Run({"LPUSH", "l", "b"});
  CHECK(log.Take() == Events{"new k", "set k", "set k", "new l", "lpush l", "lpush l"});
  h.Run({"RENAME", "k", "k2"});
  h.Run({"COPY", "k2", "k3"});
  CHECK(log.Take() == Events{"new k2", "rename_from k", "rename_to k2", "new k3", "copy_to k3"});
  h.Run({"SET", "e", "v", "PX", "5"});
  h.clock.Advance(6);
  h.Run({"SET", "e", "v"});  // the expired key goes first: added again
  CHECK(log.Take() == Events{"new e", "set e", "expire e", "expired e", "new e", "set e"});
  h.Run({"SADD", "s", "a"});
  h.Run({"ZINCRBY", "z", "1", "m"});
  h.Run({"HSET", "h", "f", "v"});
  h.Run({"INCR", "cnt"});
  h.Run({"SREM", "s", "nope"});  // an existing collection left as it was
  CHECK(log.Take() ==
        Events{"new s", "sadd s", "new z", "zincr z", "new h", "hset h", "new cnt", "incrby cnt"});
  // A *STORE result over an existing key takes its place (Redis's dbOverwrite); RESTORE
  // REPLACE deletes the old key first (dbDelete, dbAdd): a new key.
  h.Run({"SUNIONSTORE", "s", "s"});
  h.Run({"SORT", "s", "ALPHA", "STORE", "h"});
  h.Run({"ZRANGESTORE", "z", "z", "0", "-1"});
  const std::string payload = h.Run({"DUMP", "s"});
  h.Run({"RESTORE", "h", "0", payload.substr(payload.find('\n') + 1, payload.size() -
                                            payload.find('\n') - 3), "REPLACE"});
  CHECK(log.Take() == Events{"sunionstore s", "sortstore h", "zrangestore z", "new h",
                             "restore h"});
  // A leaves n out; without n, no "new".
  REQUIRE(h.Run({"CONFIG", "SET", "notify-keyspace-events", "KEA"}) == "+OK\r\n");
  h.Run({"SET", "fresh", "v"});
  CHECK(log.Take() == Events{"set fresh"});
}

TEST_CASE("keyspace events: key misses only with m, which A leaves out") {
  Harness h;
  EventLog log(h);
  CHECK(h.Run({"GET", "nope"}) == "$-1\r\n");
  CHECK(log.Take().empty());
  h.Run({"CONFIG", "SET", "notify-keyspace-events", "Em"});
  h.Run({"GET", "nope"});
  h.Run({"HGET", "h", "f"});
  h.Run({"SET", "k", "v"});
  h.Run({"GET", "k"});
  CHECK(log.Take() == Events{"keymiss nope", "keymiss h"});
}

TEST_CASE("keyspace events: evicted keys") {
  Harness h;
  EventLog log(h, "Ee");
  NotifyKeyEvicted(h.server, "big", 0);
  CHECK(log.Take() == Events{"evicted big"});
  h.Run({"CONFIG", "SET", "notify-keyspace-events", "Eg"});
  NotifyKeyEvicted(h.server, "big", 0);
  CHECK(log.Take().empty());
}

TEST_CASE("keyspace events: list commands") {
  Harness h;
  EventLog log(h);
  h.Run({"RPUSH", "l", "a", "b", "c"});
  h.Run({"LPUSH", "l", "z"});
  h.Run({"LPUSHX", "none", "z"});  // no key: no event
  h.Run({"RPUSHX", "l", "d"});
  CHECK(log.Take() == Events{"rpush l", "lpush l", "rpush l"});
  h.Run({"LSET", "l", "0", "y"});
  h.Run({"LINSERT", "l", "BEFORE", "a", "x"});
  h.Run({"LINSERT", "l", "BEFORE", "nope", "x"});
  h.Run({"LREM", "l", "0", "x"});
  h.Run({"LREM", "l", "0", "nope"});
  CHECK(log.Take() == Events{"lset l", "linsert l", "lrem l"});
  h.Run({"LMOVE", "l", "m", "RIGHT", "LEFT"});
  CHECK(log.Take() == Events{"lpush m", "rpop l"});
  h.Run({"LTRIM", "l", "0", "1"});
  h.Run({"LPOP", "l", "1"});
  CHECK(log.Take() == Events{"ltrim l", "lpop l"});
  h.Run({"RPOP", "l"});
  CHECK(log.Take() == Events{"rpop l", "del l"});
  h.Run({"LMPOP", "2", "none", "m", "LEFT", "COUNT", "5"});
  CHECK(log.Take() == Events{"lpop m", "del m"});
  h.Run({"RPUSH", "b", "1"});
  log.Take();
  h.Run({"BLPOP", "b", "0"});
  CHECK(log.Take() == Events{"lpop b", "del b"});
  h.Run({"RPUSH", "t", "1", "2"});
  h.Run({"LTRIM", "t", "5", "6"});
  CHECK(log.Take() == Events{"rpush t", "ltrim t", "del t"});
}

TEST_CASE("keyspace events: hash commands") {
  Harness h;
  EventLog log(h);
  h.Run({"HSET", "h", "f", "1", "g", "2"});
  h.Run({"HMSET", "h", "f", "3"});
  h.Run({"HSETNX", "h", "f", "4"});  // exists: no event
  h.Run({"HSETNX", "h", "n", "4"});
  h.Run({"HINCRBY", "h", "f", "1"});
  h.Run({"HINCRBYFLOAT", "h", "f", "0.5"});
  CHECK(log.Take() == Events{"hset h", "hset h", "hset h", "hincrby h", "hincrbyfloat h"});
  h.Run({"HDEL", "h", "nope"});
  h.Run({"HDEL", "h", "f", "g"});
  CHECK(log.Take() == Events{"hdel h"});
  h.Run({"HDEL", "h", "n"});
  CHECK(log.Take() == Events{"hdel h", "del h"});
}

TEST_CASE("keyspace events: set commands") {
  Harness h;
  EventLog log(h);
  h.Run({"SADD", "s", "a", "b", "c"});
  h.Run({"SADD", "s", "a"});  // nothing added: no event
  h.Run({"SREM", "s", "a"});
  CHECK(log.Take() == Events{"sadd s", "srem s"});
  h.Run({"SMOVE", "s", "t", "b"});
  CHECK(log.Take() == Events{"srem s", "sadd t"});
  h.Run({"SADD", "u", "c"});
  log.Take();
  h.Run({"SMOVE", "s", "u", "c"});  // u has c already: only the source changes
  CHECK(log.Take() == Events{"srem s", "del s"});
  h.Run({"SINTERSTORE", "dst", "t", "t"});
  h.Run({"SUNIONSTORE", "dst", "t", "u"});
  h.Run({"SDIFFSTORE", "dst", "t", "t"});  // empty: the destination goes
  CHECK(log.Take() == Events{"sinterstore dst", "sunionstore dst", "del dst"});
  h.Run({"SPOP", "u"});
  CHECK(log.Take() == Events{"spop u", "del u"});
  h.Run({"SADD", "v", "1", "2", "3"});
  h.Run({"SPOP", "v", "2"});
  h.Run({"SPOP", "v", "5"});
  CHECK(log.Take() == Events{"sadd v", "spop v", "spop v", "del v"});
}

TEST_CASE("keyspace events: sorted set commands") {
  Harness h;
  EventLog log(h);
  h.Run({"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"});
  h.Run({"ZADD", "z", "1", "a"});  // unchanged: no event
  h.Run({"ZINCRBY", "z", "1", "a"});
  h.Run({"ZADD", "z", "INCR", "1", "a"});
  CHECK(log.Take() == Events{"zadd z", "zincr z", "zincr z"});
  h.Run({"ZREM", "z", "a", "nope"});
  h.Run({"ZREMRANGEBYSCORE", "z", "2", "2"});
  h.Run({"ZREMRANGEBYRANK", "z", "5", "6"});  // nothing removed: no event
  CHECK(log.Take() == Events{"zrem z", "zremrangebyscore z"});
  h.Run({"ZUNIONSTORE", "u", "1", "z"});
  h.Run({"ZRANGESTORE", "r", "z", "0", "0"});
  h.Run({"ZINTERSTORE", "u", "2", "z", "none"});  // empty: the destination goes
  CHECK(log.Take() == Events{"zunionstore u", "zrangestore r", "del u"});
  h.Run({"ZPOPMIN", "z"});
  h.Run({"ZMPOP", "1", "z", "MAX"});
  CHECK(log.Take() == Events{"zpopmin z", "zpopmax z", "del z"});
  h.Run({"ZADD", "b", "1", "m"});
  log.Take();
  h.Run({"BZPOPMAX", "b", "0"});
  CHECK(log.Take() == Events{"zpopmax b", "del b"});
  h.Run({"ZADD", "r2", "1", "a"});
  h.Run({"ZREMRANGEBYLEX", "r2", "-", "+"});
  CHECK(log.Take() == Events{"zadd r2", "zremrangebylex r2", "del r2"});
}

}  // namespace
}  // namespace kvd::testing
