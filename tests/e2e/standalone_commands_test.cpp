// What a standalone server answers to cluster and module commands, and LOLWUT, against the
// real binary: the replies redis-server gives with cluster-enabled no and no module loaded.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

const std::string kClusterDisabled = "-ERR This instance has cluster support disabled\r\n";

std::string Version(RawClient& c) { return InfoField(c, "server", "redis_version"); }

TEST_CASE("CLUSTER, READONLY, READWRITE and ASKING say cluster support is disabled") {
  ServerProcess server;
  RawClient c(server.port());
  for (const std::vector<std::string>& cmd :
       std::vector<std::vector<std::string>>{{"CLUSTER", "INFO"},
                                             {"cluster", "slots"},
                                             {"CLUSTER", "NODES"},
                                             {"CLUSTER", "SHARDS"},
                                             {"CLUSTER", "MYID"},
                                             {"CLUSTER", "KEYSLOT", "foo"},
                                             {"CLUSTER", "HELP"},
                                             {"CLUSTER", "ADDSLOTS", "1", "2"},
                                             {"READONLY"},
                                             {"READWRITE"},
                                             {"ASKING"}}) {
    CAPTURE(cmd[0]);
    CHECK(c.Call(cmd) == kClusterDisabled);
  }
  // The table's checks still come first.
  CHECK(c.Call({"CLUSTER", "FOO"}) == "-ERR unknown subcommand 'FOO'. Try CLUSTER HELP.\r\n");
  CHECK(c.Call({"CLUSTER", "INFO", "x"}) ==
        "-ERR wrong number of arguments for 'cluster|info' command\r\n");
  CHECK(c.Call({"CLUSTER"}) == "-ERR wrong number of arguments for 'cluster' command\r\n");
  CHECK(c.Call({"READONLY", "x"}) == "-ERR wrong number of arguments for 'readonly' command\r\n");
  // COMMAND knows them, with Redis's metadata.
  const Reply info = c.Exec({"COMMAND", "INFO", "cluster", "asking", "restore-asking"});
  REQUIRE(info.elements.size() == 3);
  CHECK(info.elements[0].elements[0].str == "cluster");
  CHECK(info.elements[0].elements[1].integer == -2);
  CHECK(info.elements[1].elements[0].str == "asking");
  CHECK(info.elements[2].elements[2].elements.back().str == "asking");  // its flags
}

TEST_CASE("RESTORE-ASKING restores as RESTORE does") {
  ServerProcess server;
  RawClient c(server.port());
  REQUIRE(c.Call({"RPUSH", "src", "a", "b"}) == Int(2));
  const std::string payload = c.Exec({"DUMP", "src"}).str;
  CHECK(c.Call({"RESTORE-ASKING", "dst", "0", payload}) == kOk);
  CHECK(c.Call({"LRANGE", "dst", "0", "-1"}) == "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  CHECK(c.Call({"RESTORE-ASKING", "dst", "0", payload}) ==
        "-BUSYKEY Target key name already exists.\r\n");
  CHECK(c.Call({"RESTORE-ASKING", "dst", "0", payload, "REPLACE"}) == kOk);
  CHECK(c.Call({"RESTORE-ASKING", "bad", "0", "junk"}) ==
        "-ERR DUMP payload version or checksum are wrong\r\n");
  CHECK(c.Exec({"COMMAND", "GETKEYS", "RESTORE-ASKING", "k", "0", payload}).elements[0].str == "k");
}

TEST_CASE("MODULE lists no module; LOAD and UNLOAD fail, and only where allowed") {
  SUBCASE("enable-module-command no (the default)") {
    ServerProcess server;
    RawClient c(server.port());
    CHECK(c.Call({"MODULE", "LIST"}) == "*0\r\n");
    const std::string not_allowed =
        "-ERR MODULE command not allowed. If the enable-module-command option is set to "
        "\"local\", you can run it from a local connection, otherwise you need to set this "
        "option in the configuration file, and then restart the server.\r\n";
    CHECK(c.Call({"MODULE", "LOAD", "/nonexistent/module.so"}) == not_allowed);
    CHECK(c.Call({"MODULE", "LOADEX", "/nonexistent/module.so"}) == not_allowed);
    CHECK(c.Call({"MODULE", "UNLOAD", "json"}) == not_allowed);
    const Reply help = c.Exec({"MODULE", "HELP"});
    REQUIRE(help.elements.size() == 11);
    CHECK(help.elements[0].str ==
          "MODULE <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
    CHECK(help.elements[5].str ==
          "LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]");
    CHECK(c.Call({"MODULE", "LOAD"}) ==
          "-ERR wrong number of arguments for 'module|load' command\r\n");
  }
  SUBCASE("enable-module-command local, from a local connection") {
    ServerProcess server({"--enable-module-command", "local"});
    RawClient c(server.port());
    const std::string load_failed =
        "-ERR Error loading the extension. Please check the server logs.\r\n";
    CHECK(c.Call({"MODULE", "LOAD", "/nonexistent/module.so", "arg"}) == load_failed);
    CHECK(c.Call({"MODULE", "LOADEX", "/nonexistent/module.so", "ARGS", "x"}) == load_failed);
    CHECK(c.Call({"MODULE", "UNLOAD", "json"}) ==
          "-ERR Error unloading module: no such module with that name\r\n");
    CHECK(c.Call({"MODULE", "LIST"}) == "*0\r\n");
    CHECK(Contains(server.Log(), "/nonexistent/module.so"));
  }
}

TEST_CASE("LOLWUT says the version, and draws versions 5 and 6") {
  ServerProcess server;
  RawClient c(server.port());
  const std::string version = Version(c);
  REQUIRE_FALSE(version.empty());
  CHECK(c.Exec({"LOLWUT"}).str == "Redis ver. " + version + "\n");
  CHECK(c.Exec({"LOLWUT", "VERSION", "7"}).str == "Redis ver. " + version + "\n");
  CHECK(c.Exec({"LOLWUT", "whatever"}).str == "Redis ver. " + version + "\n");
  CHECK(c.Call({"LOLWUT", "VERSION", "x"}) == kNotIntErr);

  // Version 5, one column: a 2x2-pixel canvas with one square, one Braille character.
  const std::string tiny = c.Exec({"LOLWUT", "VERSION", "5", "1", "1", "1"}).str;
  CHECK(tiny == "\xe2\xa0\x8b\n\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. " +
                    version + "\n");
  // By default 66 columns of Braille characters (3 bytes each) on every line of the picture.
  const std::vector<std::string> five = Lines(c.Exec({"LOLWUT", "VERSION", "5"}).str);
  REQUIRE(five.size() > 10);
  CHECK(five[0].size() == 66 * 3);
  CHECK(five.back() == "Georg Nees - schotter, plotter on paper, 1968. Redis ver. " + version);
  CHECK(c.Call({"LOLWUT", "VERSION", "5", "x"}) == kNotIntErr);

  // Version 6: 80x20 cells by default, each a colored space; here 3 columns by 2 rows.
  const std::vector<std::string> six = Lines(c.Exec({"LOLWUT", "VERSION", "6", "3", "2"}).str);
  REQUIRE(six.size() == 4);
  for (int row = 0; row < 2; ++row) {
    size_t cells = 0;
    for (size_t at = 0; (at = six[row].find(" \033[0m", at)) != std::string::npos; ++at) ++cells;
    CHECK(cells == 3);
  }
  CHECK(six[3] == "Original 8 bit image from Plaguemon by hikikomori. Redis ver. " + version);
  CHECK(Lines(c.Exec({"LOLWUT", "VERSION", "6"}).str).size() == 20 + 2);
}

}  // namespace
}  // namespace kvd::e2e
