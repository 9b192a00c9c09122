// The list family's CommandSpecs carry Redis 7.2's metadata (COMMAND INFO / COMMAND DOCS).
#include <doctest/doctest.h>

#include <cstdint>
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
  const char* since;
};

const std::vector<Expected> kExpected = {
    {"lpush", -3, kWrite | kDenyOom | kFast, 1, 1, 1, "@write @list @fast", "1.0.0"},
    {"rpush", -3, kWrite | kDenyOom | kFast, 1, 1, 1, "@write @list @fast", "1.0.0"},
    {"lpushx", -3, kWrite | kDenyOom | kFast, 1, 1, 1, "@write @list @fast", "2.2.0"},
    {"rpushx", -3, kWrite | kDenyOom | kFast, 1, 1, 1, "@write @list @fast", "2.2.0"},
    {"lpop", -2, kWrite | kFast, 1, 1, 1, "@write @list @fast", "1.0.0"},
    {"rpop", -2, kWrite | kFast, 1, 1, 1, "@write @list @fast", "1.0.0"},
    {"llen", 2, kReadOnly | kFast, 1, 1, 1, "@read @list @fast", "1.0.0"},
    {"lrange", 4, kReadOnly, 1, 1, 1, "@read @list @slow", "1.0.0"},
    {"lindex", 3, kReadOnly, 1, 1, 1, "@read @list @slow", "1.0.0"},
    {"lset", 4, kWrite | kDenyOom, 1, 1, 1, "@write @list @slow", "1.0.0"},
    {"linsert", 5, kWrite | kDenyOom, 1, 1, 1, "@write @list @slow", "2.2.0"},
    {"lrem", 4, kWrite, 1, 1, 1, "@write @list @slow", "1.0.0"},
    {"ltrim", 4, kWrite, 1, 1, 1, "@write @list @slow", "1.0.0"},
    {"lpos", -3, kReadOnly, 1, 1, 1, "@read @list @slow", "6.0.6"},
    {"lmove", 5, kWrite | kDenyOom, 1, 2, 1, "@write @list @slow", "6.2.0"},
    {"rpoplpush", 3, kWrite | kDenyOom, 1, 2, 1, "@write @list @slow", "1.2.0"},
    {"lmpop", -4, kWrite | kMovableKeys, 0, 0, 0, "@write @list @slow", "7.0.0"},
};

TEST_CASE("list commands are registered with Redis's metadata") {
  Harness h;
  for (const Expected& e : kExpected) {
    CAPTURE(e.name);
    const CommandSpec* s = h.table.Find(e.name);
    REQUIRE(s != nullptr);
    CHECK(s->arity == e.arity);
    CHECK(s->flags == e.flags);
    CHECK(s->first_key == e.first);
    CHECK(s->last_key == e.last);
    CHECK(s->key_step == e.step);
    CHECK(s->acl_categories == e.acl);
    CHECK(s->group == "list");
    CHECK(s->since == e.since);
    CHECK((s->handler != nullptr));
    CHECK_FALSE(s->summary.empty());
    CHECK_FALSE(s->complexity.empty());
  }
  CHECK(h.table.Find("LMOVE")->summary ==
        "Returns an element after popping it from one list and pushing it to another. Deletes "
        "the list if the last element was moved.");
}

TEST_CASE("the dispatcher checks the list commands' arity") {
  Harness h;
  CHECK(h.Run({"LPUSH", "l"}) == "-ERR wrong number of arguments for 'lpush' command\r\n");
  CHECK(h.Run({"LLEN"}) == "-ERR wrong number of arguments for 'llen' command\r\n");
  CHECK(h.Run({"LINDEX", "l"}) == "-ERR wrong number of arguments for 'lindex' command\r\n");
  CHECK(h.Run({"LMOVE", "a", "b", "LEFT"}) ==
        "-ERR wrong number of arguments for 'lmove' command\r\n");
  CHECK(h.Run({"RPOPLPUSH", "a"}) == "-ERR wrong number of arguments for 'rpoplpush' command\r\n");
  CHECK(h.Run({"EXISTS", "l"}) == ":0\r\n");
}

}  // namespace
}  // namespace kvd::testing
