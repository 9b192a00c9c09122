// The string and generic families' CommandSpecs carry Redis 7.2's metadata.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "unit/commands/harness.h"

namespace kvd::testing {
namespace {

struct Expected {
  const char* name;
  int arity;
  uint32_t flags;
  int first, last, step;
  const char* acl;
  const char* group;
  const char* since;
};

const std::vector<Expected> kExpected = {
    {"get", 2, kReadOnly | kFast, 1, 1, 1, "@read @string @fast", "string", "1.0.0"},
    {"set", -3, kWrite | kDenyOom, 1, 1, 1, "@write @string @slow", "string", "1.0.0"},
    {"setnx", 3, kWrite | kDenyOom | kFast, 1, 1, 1, "@write @string @fast", "string", "1.0.0"},
    {"setex", 4, kWrite | kDenyOom, 1, 1, 1, "@write @string @slow", "string", "2.0.0"},
    {"psetex", 4, kWrite | kDenyOom, 1, 1, 1, "@write @string @slow", "string", "2.6.0"},
    {"getset", 3, kWrite | kDenyOom | kFast, 1, 1, 1, "@write @string @fast", "string", "1.0.0"},
    {"getdel", 2, kWrite | kFast, 1, 1, 1, "@write @string @fast", "string", "6.2.0"},
    {"getex", -2, kWrite | kFast, 1, 1, 1, "@write @string @fast", "string", "6.2.0"},
    {"mget", -2, kReadOnly | kFast, 1, -1, 1, "@read @string @fast", "string", "1.0.0"},
    {"mset", -3, kWrite | kDenyOom, 1, -1, 2, "@write @string @slow", "string", "1.0.1"},
    {"msetnx", -3, kWrite | kDenyOom, 1, -1, 2, "@write @string @slow", "string", "1.0.1"},
    {"incr", 2, kWrite | kDenyOom | kFast, 1, 1, 1, "@write @string @fast", "string", "1.0.0"},
    {"decr", 2, kWrite | kDenyOom | kFast, 1, 1, 1, "@write @string @fast", "string", "1.0.0"},
    {"incrby", 3, kWrite | kDenyOom | kFast, 1, 1, 1, "@write @string @fast", "string", "1.0.0"},
    {"decrby", 3, kWrite | kDenyOom | kFast, 1, 1, 1, "@write @string @fast", "string", "1.0.0"},
    {"incrbyfloat", 3, kWrite | kDenyOom | kFast, 1, 1, 1, "@write @string @fast", "string",
     "2.6.0"},
    {"append", 3, kWrite | kDenyOom | kFast, 1, 1, 1, "@write @string @fast", "string", "2.0.0"},
    {"strlen", 2, kReadOnly | kFast, 1, 1, 1, "@read @string @fast", "string", "2.2.0"},
    {"getrange", 4, kReadOnly, 1, 1, 1, "@read @string @slow", "string", "2.4.0"},
    {"substr", 4, kReadOnly, 1, 1, 1, "@read @string @slow", "string", "1.0.0"},
    {"setrange", 4, kWrite | kDenyOom, 1, 1, 1, "@write @string @slow", "string", "2.2.0"},
    {"del", -2, kWrite, 1, -1, 1, "@keyspace @write @slow", "generic", "1.0.0"},
    {"unlink", -2, kWrite | kFast, 1, -1, 1, "@keyspace @write @fast", "generic", "4.0.0"},
    {"exists", -2, kReadOnly | kFast, 1, -1, 1, "@keyspace @read @fast", "generic", "1.0.0"},
    {"type", 2, kReadOnly | kFast, 1, 1, 1, "@keyspace @read @fast", "generic", "1.0.0"},
    {"keys", 2, kReadOnly, 0, 0, 0, "@keyspace @read @slow @dangerous", "generic", "1.0.0"},
    {"scan", -2, kReadOnly, 0, 0, 0, "@keyspace @read @slow", "generic", "2.8.0"},
    {"randomkey", 1, kReadOnly, 0, 0, 0, "@keyspace @read @slow", "generic", "1.0.0"},
    {"rename", 3, kWrite, 1, 2, 1, "@keyspace @write @slow", "generic", "1.0.0"},
    {"renamenx", 3, kWrite | kFast, 1, 2, 1, "@keyspace @write @fast", "generic", "1.0.0"},
    {"copy", -3, kWrite | kDenyOom, 1, 2, 1, "@keyspace @write @slow", "generic", "6.2.0"},
    {"move", 3, kWrite | kFast, 1, 1, 1, "@keyspace @write @fast", "generic", "1.0.0"},
    {"swapdb", 3, kWrite | kFast, 0, 0, 0, "@keyspace @write @fast @dangerous", "server", "4.0.0"},
    {"touch", -2, kReadOnly | kFast, 1, -1, 1, "@keyspace @read @fast", "generic", "3.2.1"},
    {"expire", -3, kWrite | kFast, 1, 1, 1, "@keyspace @write @fast", "generic", "1.0.0"},
    {"pexpire", -3, kWrite | kFast, 1, 1, 1, "@keyspace @write @fast", "generic", "2.6.0"},
    {"expireat", -3, kWrite | kFast, 1, 1, 1, "@keyspace @write @fast", "generic", "1.2.0"},
    {"pexpireat", -3, kWrite | kFast, 1, 1, 1, "@keyspace @write @fast", "generic", "2.6.0"},
    {"ttl", 2, kReadOnly | kFast, 1, 1, 1, "@keyspace @read @fast", "generic", "1.0.0"},
    {"pttl", 2, kReadOnly | kFast, 1, 1, 1, "@keyspace @read @fast", "generic", "2.6.0"},
    {"expiretime", 2, kReadOnly | kFast, 1, 1, 1, "@keyspace @read @fast", "generic", "7.0.0"},
    {"pexpiretime", 2, kReadOnly | kFast, 1, 1, 1, "@keyspace @read @fast", "generic", "7.0.0"},
    {"persist", 2, kWrite | kFast, 1, 1, 1, "@keyspace @write @fast", "generic", "2.2.0"},
};

TEST_CASE("string and generic commands are registered with Redis's metadata") {
  Harness h;
  for (const Expected& e : kExpected) {
    CAPTURE(e.name);
    const CommandSpec* s = h.table.Find(e.name);
    REQUIRE(s != nullptr);
    CHECK(s->name == e.name);
    CHECK(s->arity == e.arity);
    CHECK(s->flags == e.flags);
    CHECK(s->first_key == e.first);
    CHECK(s->last_key == e.last);
    CHECK(s->key_step == e.step);
    CHECK(s->acl_categories == e.acl);
    CHECK(s->group == e.group);
    CHECK(s->since == e.since);
    CHECK((s->handler != nullptr));
    CHECK_FALSE(s->summary.empty());
    CHECK_FALSE(s->complexity.empty());
  }
  CHECK(h.table.Find("GET")->summary == "Returns the string value of a key.");
  CHECK(h.table.Find("scan")->summary == "Iterates over the key names in the database.");
}

TEST_CASE("the dispatcher checks the registered arity") {
  Harness h;
  CHECK(h.Run({"GET"}) == "-ERR wrong number of arguments for 'get' command\r\n");
  CHECK(h.Run({"GET", "a", "b"}) == "-ERR wrong number of arguments for 'get' command\r\n");
  CHECK(h.Run({"SET", "a"}) == "-ERR wrong number of arguments for 'set' command\r\n");
  CHECK(h.Run({"RANDOMKEY", "x"}) == "-ERR wrong number of arguments for 'randomkey' command\r\n");
  CHECK(h.Run({"COPY", "a"}) == "-ERR wrong number of arguments for 'copy' command\r\n");
}

}  // namespace
}  // namespace kvd::testing
