// The shipped operations files: kvd starts with conf/kvd-production.conf and serves what it
// promises (append-only file, maxmemory as a percentage, the metrics endpoint), and the
// example systemd unit passes `systemd-analyze verify`.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "e2e/free_port.h"
#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

const std::string kConfDir = KVD_SOURCE_DIR "/conf";


std::string ConfigGet(int port, const std::string& name) {
  std::vector<std::string> lines = Lines(RunCli(port, {"CONFIG", "GET", name}).out);
  REQUIRE(lines.size() == 2);
  return lines[1];
}

TEST_CASE("kvd starts with conf/kvd-production.conf and applies it") {
  if (!TestingKvd()) return;
  const int metrics_port = FreePort();
  // The file's port, dir and metrics port are the machine's; a test overrides them.
  ServerProcess server({kConfDir + "/kvd-production.conf", "--metrics-port",
                        std::to_string(metrics_port)});
  CHECK(ConfigGet(server.port(), "appendonly") == "yes");
  CHECK(ConfigGet(server.port(), "maxmemory") == "75%");
  CHECK(ConfigGet(server.port(), "maxmemory-policy") == "noeviction");
  CHECK(ConfigGet(server.port(), "lazyfree-lazy-user-del") == "yes");
  CHECK(ConfigGet(server.port(), "slowlog-max-len") == "256");
  CHECK(ConfigGet(server.port(), "latency-monitor-threshold") == "100");
  CHECK(ConfigGet(server.port(), "metrics-bind") == "127.0.0.1");
  CHECK(Contains(server.Log(), "Configuration loaded"));

  RawClient client(server.port());
  CHECK(client.Call({"SET", "k", "v"}) == kOk);
  // The append-only file is being written in the test's dir.
  CHECK(WaitFor([&] {
    return std::filesystem::exists(server.dir() + "/appendonlydir/appendonly.aof.manifest");
  }));
  std::string info = client.Exec({"INFO", "memory"}).Text();
  CHECK(std::stoll(*InfoField(info, "maxmemory")) > 0);

  RawClient scrape(metrics_port);
  scrape.SendOnly("GET /metrics HTTP/1.1\r\n\r\n");
  std::string reply = scrape.ReadUntilClosed();
  CHECK(reply.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(Contains(reply, "\nkvd_aof_enabled 1\n"));
  CHECK(Contains(reply, "\nkvd_db_keys{db=\"0\"} 1\n"));
}

TEST_CASE("conf/kvd.service passes systemd-analyze verify") {
  if (!TestingKvd()) return;
  if (!std::filesystem::exists("/usr/bin/systemd-analyze")) {
    MESSAGE("systemd-analyze is not installed: skipped");
    return;
  }
  // The unit names /usr/local/bin/kvd, which the verifier wants to exist: point a copy at the
  // binary under test.
  TempDir dir;
  std::ifstream in(kConfDir + "/kvd.service");
  REQUIRE(in);
  std::stringstream unit;
  unit << in.rdbuf();
  std::string text = unit.str();
  const std::string exec = "ExecStart=/usr/local/bin/kvd";
  size_t at = text.find(exec);
  REQUIRE(at != std::string::npos);
  text.replace(at, exec.size(), "ExecStart=" + ServerBinary());
  std::string path = dir.Write("kvd.service", text);
  ExitResult r = RunToExit({"systemd-analyze", "verify", path});
  CHECK(r.exited);
  CHECK(r.code == 0);
  CHECK(!Contains(r.output, "kvd.service:"));  // no complaint about any line of the unit
  CHECK(Contains(text, "Restart=on-failure"));
  CHECK(Contains(text, "LimitNOFILE="));
}

}  // namespace
}  // namespace kvd::e2e
