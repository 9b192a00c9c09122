// Configuration: the file syntax, the command line, CONFIG GET patterns and CONFIG SET's
// validation, atomicity and errors.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "server/config.h"
#include "unit/commands/harness.h"
#include "unit/commands/temp_dir.h"

namespace kvd::testing {
namespace {

using Args = std::vector<std::string_view>;

// A config file in the temp directory, removed at the end of the test.
class TempFile {
 public:
  explicit TempFile(const std::string& text) {
    char name[] = "/tmp/kvd-config-test-XXXXXX";
    int fd = mkstemp(name);
    REQUIRE(fd >= 0);
    close(fd);
    path_ = name;
    std::ofstream(path_) << text;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string GetOne(const Config& c, std::string_view name) {
  Args p = {name};
  auto all = c.Get(p);
  REQUIRE(all.size() == 1);
  return all[0].second;
}

std::string Startup(Config& c, std::string_view name, Args values) {
  return c.ApplyStartup(name, values);
}

TEST_CASE("every parameter has its redis.conf name and a default") {
  Config c;
  Args all = {"*"};
  std::map<std::string, std::string> got;
  for (auto& [k, v] : c.Get(all)) got[k] = v;
  const std::map<std::string, std::string> expected = {
      {"port", "6379"}, {"bind", "127.0.0.1 -::1"}, {"tcp-backlog", "511"},
      {"tcp-keepalive", "300"}, {"dbfilename", "dump.rdb"},
      {"save", "3600 1 300 100 60 10000"}, {"loglevel", "notice"}, {"logfile", ""},
      {"pidfile", ""}, {"databases", "16"}, {"maxclients", "10000"}, {"timeout", "0"},
      {"hz", "10"}, {"requirepass", ""}, {"proto-max-bulk-len", "536870912"},
      {"client-query-buffer-limit", "1073741824"}, {"io-threads", "1"}, {"maxmemory", "0"},
      {"maxmemory-policy", "noeviction"}, {"maxmemory-samples", "5"},
      {"lfu-log-factor", "10"}, {"lfu-decay-time", "1"}, {"daemonize", "no"},
      {"rdbcompression", "yes"},
      {"rdbchecksum", "yes"}, {"stop-writes-on-bgsave-error", "yes"},
      {"lazyfree-lazy-user-del", "no"}, {"lazyfree-lazy-user-flush", "no"},
      {"key-load-delay", "0"}, {"appendonly", "no"}, {"appendfsync", "everysec"},
      {"appenddirname", "appendonlydir"}, {"appendfilename", "appendonly.aof"},
      {"auto-aof-rewrite-percentage", "100"}, {"auto-aof-rewrite-min-size", "67108864"},
      {"aof-load-truncated", "yes"}, {"aof-use-rdb-preamble", "yes"},
      {"aof-timestamp-enabled", "no"}, {"notify-keyspace-events", ""},
      {"slowlog-log-slower-than", "10000"}, {"slowlog-max-len", "128"},
      {"latency-monitor-threshold", "0"}, {"latency-tracking", "yes"},
      {"latency-tracking-info-percentiles", "50 99 99.9"},
      {"client-output-buffer-limit",
       "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"},
      {"metrics-port", "0"}, {"metrics-bind", "127.0.0.1"},
      {"maxmemory-eviction-tenacity", "10"}, {"lazyfree-lazy-eviction", "no"},
      {"busy-reply-threshold", "5000"}, {"lua-time-limit", "5000"},
      {"aclfile", ""}, {"acllog-max-len", "128"}, {"protected-mode", "yes"},
      {"enable-protected-configs", "no"}, {"enable-debug-command", "no"},
      {"enable-module-command", "no"},
      {"shutdown-timeout", "10"}, {"tls-port", "0"}, {"tls-cert-file", ""},
      {"tls-key-file", ""}, {"tls-key-file-pass", ""}, {"tls-ca-cert-file", ""},
      {"tls-ca-cert-dir", ""}, {"tls-auth-clients", "yes"}, {"tls-protocols", ""},
      {"tls-ciphers", ""}, {"tls-ciphersuites", ""}, {"tls-prefer-server-ciphers", "no"}};
  for (const auto& entry : expected) {
    const std::string& k = entry.first;
    const std::string& v = entry.second;
    CAPTURE(k);
    REQUIRE(got.count(k) == 1);
    CHECK(got[k] == v);
  }
  // dir reads as an absolute path, as Redis's CONFIG GET dir does.
  REQUIRE(got.count("dir") == 1);
  CHECK(got["dir"].front() == '/');
}

TEST_CASE("enable-protected-configs lets CONFIG SET change dir: never, always or locally") {
  TempDir dir;
  Args set_dir = {"dir", dir.path()};
  const std::string refused =
      "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config";
  {
    Config c;  // no, the default
    CHECK(c.Set(set_dir, /*local_client=*/true) == refused);
  }
  {
    Config c;
    Args local = {"local"};
    REQUIRE(c.ApplyStartup("enable-protected-configs", local) == "");
    CHECK(c.Set(set_dir, /*local_client=*/false) == refused);
    CHECK(c.Set(set_dir, /*local_client=*/true) == "");
  }
  {
    Config c;
    Args yes = {"yes"};
    REQUIRE(c.ApplyStartup("enable-protected-configs", yes) == "");
    CHECK(c.Set(set_dir, /*local_client=*/false) == "");
    Args bogus = {"sometimes"};
    CHECK(c.ApplyStartup("enable-protected-configs", bogus) != "");
  }
  Config c;
  Args change = {"enable-protected-configs", "yes"};
  CHECK(c.Set(change) ==
        "ERR CONFIG SET failed (possibly related to argument 'enable-protected-configs') - "
        "can't set immutable config");
}

TEST_CASE("the config file: comments, blank lines, quotes, units, repeated save lines") {
  TempFile f(
      "# a comment\n"
      "\n"
      "   port 7000   \n"
      "bind 127.0.0.1 \"::1\"\n"
      "requirepass \"with space\"\n"
      "logfile ''\n"
      "MaxMemory 2mb\n"
      "proto-max-bulk-len 1GB\n"
      "save 900 1\n"
      "save 300 10\r\n"
      "hz 1000\n");
  Config c;
  REQUIRE(c.LoadFile(f.path()) == "");
  const ConfigValues& v = c.values();
  CHECK(v.port == 7000);
  CHECK(v.bind == std::vector<std::string>{"127.0.0.1", "::1"});
  CHECK(v.requirepass == "with space");
  CHECK(v.logfile == "");
  CHECK(v.maxmemory == 2 * 1024 * 1024);
  CHECK(v.proto_max_bulk_len == 1024LL * 1024 * 1024);
  CHECK(v.save == "900 1 300 10");  // the file's first save line replaces the defaults
  CHECK(v.hz == 500);               // clamped, as Redis
  CHECK(c.config_file().front() == '/');
}

TEST_CASE("config file errors name the file, the line and the directive") {
  Config c;
  SUBCASE("bad value") {
    TempFile f("port 7000\n# c\nhz abc\n");
    std::string err = c.LoadFile(f.path());
    CHECK(err.find("*** FATAL CONFIG FILE ERROR") != std::string::npos);
    CHECK(err.find(f.path()) != std::string::npos);
    CHECK(err.find("at line 3") != std::string::npos);
    CHECK(err.find(">>> 'hz abc'") != std::string::npos);
    CHECK(err.find("argument couldn't be parsed into an integer") != std::string::npos);
  }
  SUBCASE("unknown directive") {
    TempFile f("no-such-directive yes\n");
    std::string err = c.LoadFile(f.path());
    CHECK(err.find(">>> 'no-such-directive yes'") != std::string::npos);
    CHECK(err.find("Bad directive or wrong number of arguments") != std::string::npos);
  }
  SUBCASE("wrong number of arguments") {
    TempFile f("port 1 2\n");
    CHECK(c.LoadFile(f.path()).find("Bad directive") != std::string::npos);
  }
  SUBCASE("unbalanced quotes") {
    TempFile f("requirepass \"abc\n");
    CHECK(c.LoadFile(f.path()).find("Unbalanced quotes") != std::string::npos);
  }
  SUBCASE("missing file") {
    CHECK(c.LoadFile("/nonexistent/kvd.conf").find("can't open config file") !=
          std::string::npos);
  }
}

TEST_CASE("conf/kvd.conf loads and documents the defaults") {
  const std::string root = KVD_SOURCE_DIR;
  Config c;
  REQUIRE(c.LoadFile(root + "/conf/kvd.conf") == "");
  Config defaults;
  Args all = {"*"};
  auto a = c.Get(all), b = defaults.Get(all);
  CHECK(a == b);
}

TEST_CASE("memory values take Redis's units") {
  Config c;
  auto mem = [&](std::string_view text) -> int64_t {
    if (!Startup(c, "maxmemory", {text}).empty()) return -1;
    return c.values().maxmemory;
  };
  CHECK(mem("100") == 100);
  CHECK(mem("1b") == 1);
  CHECK(mem("1k") == 1000);
  CHECK(mem("1kb") == 1024);
  CHECK(mem("1K") == 1000);
  CHECK(mem("3m") == 3'000'000);
  CHECK(mem("3MB") == 3 * 1024 * 1024);
  CHECK(mem("2g") == 2'000'000'000);
  CHECK(mem("2gb") == 2LL * 1024 * 1024 * 1024);
  CHECK(mem("1x") == -1);
  CHECK(mem("-1") == -1);
  // Redis's memtoull reads no digits as 0, so a bare unit or nothing at all is 0 bytes.
  CHECK(mem("mb") == 0);
  CHECK(mem("") == 0);
  CHECK(mem("GB") == 0);
  CHECK(mem("99999999999gb") == -1);  // overflow
}

TEST_CASE("startup values are checked; errors name the option and the value") {
  Config c;
  std::string err = Startup(c, "port", {"abc"});
  CHECK(err.find("'port abc'") != std::string::npos);
  CHECK(err.find("argument couldn't be parsed into an integer") != std::string::npos);
  CHECK(Startup(c, "port", {"65536"}).find("between 0 and 65535") != std::string::npos);
  CHECK(Startup(c, "port", {"0"}) == "");
  CHECK(Startup(c, "databases", {"0"}).find("between 1 and") != std::string::npos);
  CHECK(Startup(c, "hz", {"-1"}).find("between 0 and") != std::string::npos);
  CHECK(Startup(c, "hz", {"0"}) == "");
  CHECK(c.values().hz == 1);
  CHECK(Startup(c, "loglevel", {"loud"}).find("debug, verbose, notice, warning") !=
        std::string::npos);
  CHECK(Startup(c, "LogLevel", {"WARNING"}) == "");
  CHECK(c.values().loglevel == "warning");
  CHECK(Startup(c, "proto-max-bulk-len", {"1000"}).find("between 1048576") !=
        std::string::npos);
  CHECK(Startup(c, "dbfilename", {"a/b.rdb"}).find("can't be a path") != std::string::npos);
  CHECK(Startup(c, "dir", {"/nonexistent-dir"}).find("No such file") != std::string::npos);
  CHECK(Startup(c, "maxmemory-policy", {"allkeys-lru"}) == "");
  CHECK(Startup(c, "maxmemory-policy", {"lru"}).find("allkeys-random, noeviction") !=
        std::string::npos);
  CHECK(Startup(c, "io-threads", {"129"}).find("between 1 and 128") != std::string::npos);
  CHECK(Startup(c, "daemonize", {"maybe"}).find("'yes' or 'no'") != std::string::npos);
  CHECK(Startup(c, "daemonize", {"yes"}) == "");
  CHECK(c.values().daemonize);
  CHECK(Startup(c, "nosuch", {"1"}).find("Bad directive") != std::string::npos);
  CHECK(Startup(c, "port", {}).find("Bad directive") != std::string::npos);
  CHECK(c.values().port == 0);  // failed attempts changed nothing
}

TEST_CASE("save rules: pairs, \"\" for none; the command line replaces them") {
  Config c;
  CHECK(Startup(c, "save", {"60", "1", "10", "100"}) == "");
  CHECK(c.values().save == "60 1 10 100");
  CHECK(Startup(c, "save", {""}) == "");
  CHECK(c.values().save == "");
  CHECK(Startup(c, "save", {"3600 1"}) == "");  // --save "3600 1": one quoted word
  CHECK(c.values().save == "3600 1");
  CHECK(Startup(c, "save", {"60"}).find("Invalid save parameters") != std::string::npos);
  CHECK(Startup(c, "save", {"0", "1"}).find("Invalid save parameters") != std::string::npos);
  CHECK(Startup(c, "save", {"10", "-1"}).find("Invalid save parameters") != std::string::npos);
}

TEST_CASE("rdbcompression and rdbchecksum: yes or no, from the file, the command line and "
          "CONFIG SET") {
  Config c;
  CHECK(c.values().rdbcompression);
  CHECK(c.values().rdbchecksum);
  CHECK(Startup(c, "rdbcompression", {"NO"}) == "");
  CHECK_FALSE(c.values().rdbcompression);
  CHECK(GetOne(c, "rdbcompression") == "no");
  CHECK(Startup(c, "rdbchecksum", {"maybe"}).find("argument must be 'yes' or 'no'") !=
        std::string::npos);
  CHECK(c.values().rdbchecksum);  // a bad value changes nothing

  TempFile f("rdbchecksum no\nrdbcompression yes\n");
  Config from_file;
  REQUIRE(from_file.LoadFile(f.path()) == "");
  CHECK_FALSE(from_file.values().rdbchecksum);
  CHECK(from_file.values().rdbcompression);

  Harness h;
  CHECK(h.Run({"CONFIG", "SET", "rdbchecksum", "no", "rdbcompression", "no"}) == "+OK\r\n");
  CHECK_FALSE(h.config.values().rdbchecksum);
  CHECK_FALSE(h.config.values().rdbcompression);
  CHECK(h.Run({"CONFIG", "GET", "rdbc*"}) ==
        "*4\r\n$14\r\nrdbcompression\r\n$2\r\nno\r\n$11\r\nrdbchecksum\r\n$2\r\nno\r\n");
  CHECK(h.Run({"CONFIG", "SET", "rdbchecksum", "1"}) ==
        "-ERR CONFIG SET failed (possibly related to argument 'rdbchecksum') - argument must be "
        "'yes' or 'no'\r\n");
}

TEST_CASE("CONFIG GET: glob patterns, case-insensitive, each parameter once") {
  Config c;
  Args p1 = {"*max*"};
  std::vector<std::string> names;
  for (auto& [k, v] : c.Get(p1)) names.push_back(k);
  REQUIRE(names.size() == 33);
  CHECK(std::vector<std::string>(names.begin(), names.begin() + 8) ==
        std::vector<std::string>{"slowlog-max-len", "maxclients", "acllog-max-len",
                                 "proto-max-bulk-len", "maxmemory", "maxmemory-policy",
                                 "maxmemory-samples", "maxmemory-eviction-tenacity"});
  Args p2 = {"PORT", "po*", "h?"};
  auto got = c.Get(p2);
  REQUIRE(got.size() == 2);
  CHECK(got[0] == std::pair<std::string, std::string>{"port", "6379"});
  CHECK(got[1] == std::pair<std::string, std::string>{"hz", "10"});
  Args none = {"nosuch*"};
  CHECK(c.Get(none).empty());
}

TEST_CASE("CONFIG SET: Redis's errors, checked in Redis's order") {
  Config c;
  auto set = [&](Args a) { return c.Set(a); };
  CHECK(set({"foo", "1"}) == "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
  CHECK(set({"hz", "5", "foo", "1"}) ==
        "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
  CHECK(set({"hz", "abc"}) ==
        "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be "
        "parsed into an integer");
  CHECK(set({"HZ", "abc"}) ==
        "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be "
        "parsed into an integer");
  CHECK(set({"port", "7000"}) ==
        "ERR CONFIG SET failed (possibly related to argument 'port') - can't set immutable config");
  CHECK(set({"dir", "/tmp"}) ==
        "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config");
  CHECK(set({"hz", "5", "hz", "6"}) ==
        "ERR CONFIG SET failed (possibly related to argument 'hz') - duplicate parameter");
  CHECK(set({"maxmemory", "1x"}) ==
        "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a "
        "memory value");
  CHECK(set({"save", "1 2 3"}) ==
        "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters");
  CHECK(set({"hz", "5", "port"}) == "ERR syntax error");
}

TEST_CASE("CONFIG SET is atomic and runs the change hooks after success only") {
  Config c;
  std::vector<std::string> changed;
  c.OnChange([&](std::string_view name) { changed.emplace_back(name); });
  Args bad = {"hz", "20", "maxclients", "abc"};
  CHECK(c.Set(bad) != "");
  CHECK(c.values().hz == 10);
  CHECK(changed.empty());
  Args good = {"hz", "20", "MaxClients", "50", "save", "10 1 20 2", "loglevel", "verbose"};
  CHECK(c.Set(good) == "");
  CHECK(c.values().hz == 20);
  CHECK(c.values().maxclients == 50);
  CHECK(c.values().save == "10 1 20 2");
  CHECK(c.values().loglevel == "verbose");
  CHECK(changed == std::vector<std::string>{"hz", "maxclients", "save", "loglevel"});
  Args clear = {"save", ""};
  CHECK(c.Set(clear) == "");
  CHECK(c.values().save == "");
  Args hz = {"hz", "100000"};
  CHECK(c.Set(hz) == "");
  CHECK(GetOne(c, "hz") == "500");
}

TEST_CASE("CONFIG GET/SET through the dispatcher") {
  Harness h;
  CHECK(h.Run({"CONFIG", "SET", "timeout", "30"}) == "+OK\r\n");
  CHECK(h.config.values().timeout == 30);
  CHECK(h.Run({"CONFIG", "GET", "timeout"}) == "*2\r\n$7\r\ntimeout\r\n$2\r\n30\r\n");
  CHECK(h.Run({"CONFIG", "SET", "port", "1"}) ==
        "-ERR CONFIG SET failed (possibly related to argument 'port') - can't set immutable "
        "config\r\n");
}

}  // namespace
}  // namespace kvd::testing
