// kvd [configfile] [--name value ...], as redis-server: the options after the config file
// set parameters by their redis.conf names and override the file.
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "server/config.h"
#include "server/net/logging.h"
#include "server/net/server.h"
#include "server/open_files_limit.h"
#include "server/supervision.h"

namespace {

// Where a daemon without a pidfile setting writes its pid (Redis: /var/run/redis.pid).
constexpr std::string_view kDefaultPidFile = "/var/run/kvd.pid";

constexpr const char* kVersionLine =
    "kvd v=" KVD_VERSION " redis-compat=7.2 malloc=libc bits=64";

// Groups `--name v1 v2 --other v` into (name, values) and applies each. Returns "" or the
// first error.
std::string ApplyCommandLine(kvd::Config& config, const std::vector<std::string>& args) {
  size_t i = 0;
  while (i < args.size()) {
    const std::string& flag = args[i];
    if (flag.size() < 3 || flag.compare(0, 2, "--") != 0) {
      return "Unexpected argument '" + flag + "': options are --name value (e.g. --port 7000)";
    }
    std::vector<std::string_view> values;
    size_t j = i + 1;
    while (j < args.size() && args[j].compare(0, 2, "--") != 0) values.push_back(args[j++]);
    std::string_view name = std::string_view(flag).substr(2);
    // As redis-server: a bare `--save` means no save rules.
    if (values.empty() && name == "save") values.push_back("");
    if (std::string err = config.ApplyStartup(name, values); !err.empty()) return err;
    i = j;
  }
  return "";
}

std::string ExecutablePath(const char* argv0) {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n > 0) return std::string(buf, static_cast<size_t>(n));
  return argv0;
}

}  // namespace

int main(int argc, char** argv) {
  // As redis-server: a first argument that is not an option is the config file.
  std::string config_file;
  std::vector<char*> cli_args(argv, argv + argc);
  if (argc > 1 && argv[1][0] != '-') {
    config_file = argv[1];
    cli_args.erase(cli_args.begin() + 1);
  }
  CLI::App app{
      "kvd: an in-memory key-value server that speaks the Redis protocol.\n"
      "Usage: kvd [/path/to/kvd.conf] [--name value ...]",
      "kvd"};
  bool version = false;
  app.add_flag("-v,--version", version, "Print the version and exit");
  app.allow_extras();  // --name value pairs go to ApplyCommandLine, in order
  app.footer(
      "Any config parameter can be set with --name value, overriding the file:\n"
      "  kvd conf/kvd.conf --port 7000 --loglevel verbose\n"
      "  kvd --port 0 --save \"\"        (any free port, no snapshot at shutdown)");
  try {
    app.parse(static_cast<int>(cli_args.size()), cli_args.data());
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (version) {
    std::cout << kVersionLine << std::endl;
    return 0;
  }

  kvd::Config config;
  if (!config_file.empty()) {
    if (std::string err = config.LoadFile(config_file); !err.empty()) {
      std::cerr << err << std::endl;
      return 1;
    }
  }
  if (std::string err = ApplyCommandLine(config, app.remaining()); !err.empty()) {
    std::cerr << "*** FATAL CONFIG ERROR (kvd " KVD_VERSION ") ***\n" << err << std::endl;
    return 1;
  }
  // As redis-server: a supervised process stays in the foreground whatever daemonize says;
  // a daemon without a pidfile writes the default one.
  std::string supervision_warning;
  const kvd::Supervisor supervisor =
      kvd::FindSupervisor(config.values().supervised, &supervision_warning);
  if (config.values().daemonize && supervisor == kvd::Supervisor::kNone) {
    if (config.values().pidfile.empty()) {
      const std::string_view values[] = {kDefaultPidFile};
      config.ApplyStartup("pidfile", values);
    }
    if (std::string err = kvd::Daemonize(); !err.empty()) {
      std::cerr << err << std::endl;
      return 1;
    }
  }
  if (std::string err = kvd::net::SetupLogging(config.values()); !err.empty()) {
    std::cerr << err << std::endl;
    return 1;
  }

  spdlog::info("oO0OoO0OoO0Oo kvd is starting oO0OoO0OoO0Oo");
  spdlog::info("kvd version={}, bits=64, pid={}, just started", KVD_VERSION, getpid());
  if (!supervision_warning.empty()) spdlog::warn("{}", supervision_warning);
  if (config_file.empty()) {
    spdlog::warn(
        "Warning: no config file specified, using the default config. In order to specify a "
        "config file use {} /path/to/kvd.conf",
        argv[0]);
  } else {
    spdlog::info("Configuration loaded");
  }

  const int maxclients = config.values().maxclients;
  const int served = kvd::AdjustOpenFilesLimit(maxclients);
  if (served == 0) return 1;
  if (served != maxclients) {
    const std::string value = std::to_string(served);
    const std::string_view values[] = {value};
    config.ApplyStartup("maxclients", values);
  }

  int code = 1;
  {
    kvd::net::Server server(config, ExecutablePath(argv[0]));
    if (std::string err = server.Start(); !err.empty()) {
      spdlog::warn("{}", err);
    } else {
      code = server.Run();
    }
  }
  spdlog::shutdown();
  return code;
}
