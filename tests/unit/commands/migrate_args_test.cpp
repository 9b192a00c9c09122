// MIGRATE's arguments, its secrets and its keys, as Redis reads them.
#include "server/commands/migrate_args.h"

#include <doctest/doctest.h>

#include <string_view>
#include <vector>

namespace kvd::testing {
namespace {

using Args = std::vector<std::string_view>;

std::string_view ErrorOf(const Args& args) {
  const auto parsed = ParseMigrateArgs(args);
  const auto* err = std::get_if<std::string_view>(&parsed);
  return err ? *err : "";
}

TEST_CASE("MIGRATE options, and the defaults") {
  const Args plain{"MIGRATE", "host", "6379", "k", "3", "0"};
  const MigrateArgs m = std::get<MigrateArgs>(ParseMigrateArgs(plain));
  CHECK(m.host == "host");
  CHECK(m.port == "6379");
  CHECK(m.db == 3);
  CHECK(m.timeout_ms == 1000);  // 0 and below mean 1000, as in Redis
  CHECK_FALSE(m.copy);
  CHECK_FALSE(m.replace);
  CHECK_FALSE(m.password);
  CHECK(m.keys.size() == 1);
  CHECK(m.keys[0] == "k");

  const Args all{"migrate", "h",     "1", "",  "0",    "250", "copy",
                 "REPLACE", "AUTH2", "u", "p", "KEYS", "a",   "copy"};
  const MigrateArgs o = std::get<MigrateArgs>(ParseMigrateArgs(all));
  CHECK(o.timeout_ms == 250);
  CHECK(o.copy);
  CHECK(o.replace);
  CHECK(o.username == "u");
  CHECK(o.password == "p");
  REQUIRE(o.keys.size() == 2);  // everything after KEYS is a key
  CHECK(o.keys[1] == "copy");
  CHECK(std::get<MigrateArgs>(ParseMigrateArgs(Args{"MIGRATE", "h", "1", "", "0", "-5", "KEYS"}))
            .keys.empty());
}

TEST_CASE("MIGRATE argument errors in Redis's order") {
  CHECK(ErrorOf({"MIGRATE", "h", "1", "k", "x", "y", "NOPE"}) == "ERR syntax error");
  CHECK(ErrorOf({"MIGRATE", "h", "1", "k", "0", "0", "AUTH"}) == "ERR syntax error");
  CHECK(ErrorOf({"MIGRATE", "h", "1", "k", "0", "0", "AUTH2", "u"}) == "ERR syntax error");
  CHECK(ErrorOf({"MIGRATE", "h", "1", "k", "0", "0", "KEYS", "a"}) == kMigrateKeysErr);
  CHECK(ErrorOf({"MIGRATE", "h", "1", "k", "0", "1e3"}) ==
        "ERR value is not an integer or out of range");
  CHECK(ErrorOf({"MIGRATE", "h", "1", "k", "db", "0"}) ==
        "ERR value is not an integer or out of range");
  CHECK(ErrorOf({"MIGRATE", "h", "1", "k", "0", "0", "COPY"}).empty());
}

TEST_CASE("MIGRATE's passwords and user name are secret, up to what Redis parses") {
  const Args a{"MIGRATE", "h",     "1", "",   "0",    "0",    "COPY", "AUTH",
               "pw",      "AUTH2", "u", "p2", "KEYS", "AUTH", "k"};
  std::vector<size_t> secret;
  for (size_t i = 0; i < a.size(); ++i) {
    if (IsMigrateSecret(a, i)) secret.push_back(i);
  }
  CHECK(secret == std::vector<size_t>{8, 10, 11});
  CHECK_FALSE(IsMigrateSecret(Args{"MIGRATE", "h", "1", "k", "0", "0", "BAD", "AUTH", "pw"}, 8));
}

TEST_CASE("MIGRATE's keys as Redis's key specs and migrateGetKeys find them") {
  using Positions = std::vector<size_t>;
  CHECK(MigrateKeyPositions(Args{"MIGRATE", "h", "1", "k", "0", "0"}) == Positions{3});
  CHECK(MigrateKeyPositions(Args{"MIGRATE", "h", "1", "", "0", "0", "KEYS", "a", "b"}) ==
        Positions{7, 8});
  // KEYS as the last argument is outside the spec's search: the key argument it is.
  CHECK(MigrateKeyPositions(Args{"MIGRATE", "h", "1", "", "0", "0", "KEYS"}) == Positions{3});
  // migrateGetKeys skips AUTH's value, here "KEYS".
  CHECK(MigrateKeyPositions(Args{"MIGRATE", "h", "1", "", "0", "0", "AUTH", "KEYS", "a"}) ==
        Positions{3});
  // It skips unknown words.
  CHECK(MigrateKeyPositions(Args{"MIGRATE", "h", "1", "", "0", "0", "BAD", "KEYS", "a"}) ==
        Positions{8});
  CHECK(MigrateKeyPositions(Args{"MIGRATE", "h", "1", "k", "0", "0", "KEYS", "a", "b"}).empty());
}

}  // namespace
}  // namespace kvd::testing
