// The Prometheus endpoint against the real binary: scrapes over TCP whose figures move with
// the commands clients run, 404/405/400 answers, and garbage that never brings kvd down.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "e2e/free_port.h"
#include "e2e/harness.h"

namespace kvd::e2e {
namespace {


struct HttpReply {
  std::string status_line;
  std::string head;  // status line and headers
  std::string body;
};

// Sends `request` as is and reads the response until the server closes the connection.
HttpReply Http(int port, std::string_view request) {
  RawClient client(port);
  client.SendOnly(request);
  std::string raw = client.ReadUntilClosed();
  HttpReply r;
  size_t split = raw.find("\r\n\r\n");
  REQUIRE(split != std::string::npos);
  r.head = raw.substr(0, split + 2);
  r.body = raw.substr(split + 4);
  r.status_line = raw.substr(0, raw.find("\r\n"));
  return r;
}

HttpReply Scrape(int port) {
  return Http(port, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
}

// The value of the series ("name" or "name{labels}") in an exposition, as a number.
double Value(const std::string& body, const std::string& series) {
  std::istringstream in(body);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  FAIL("no sample " << series);
  return -1;
}

class MetricsServer {
 public:
  explicit MetricsServer(std::vector<std::string> extra = {}) : metrics_port_(FreePort()) {
    std::vector<std::string> args = {"--metrics-port", std::to_string(metrics_port_)};
    args.insert(args.end(), extra.begin(), extra.end());
    server_ = std::make_unique<ServerProcess>(args);
  }
  ServerProcess& server() { return *server_; }
  int metrics_port() const { return metrics_port_; }

 private:
  int metrics_port_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_CASE("metrics: a scrape's figures move with the commands clients run") {
  if (!TestingKvd()) return;
  MetricsServer m;
  HttpReply first = Scrape(m.metrics_port());
  CHECK(first.status_line == "HTTP/1.1 200 OK");
  CHECK(Contains(first.head, "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"));
  CHECK(Contains(first.head, "Content-Length: " + std::to_string(first.body.size()) + "\r\n"));
  CHECK(Contains(first.body, "# TYPE kvd_commands_processed_total counter\n"));
  CHECK(Contains(first.body, "# HELP kvd_connected_clients "));
  CHECK(Value(first.body, "kvd_connected_clients") == 0);
  CHECK(Value(first.body, "kvd_db_keys{db=\"0\"}") == 0);
  const double processed = Value(first.body, "kvd_commands_processed_total");
  CHECK(Contains(m.server().Log(), "Metrics endpoint on http://127.0.0.1:" +
                                       std::to_string(m.metrics_port()) + "/metrics"));

  RawClient client(m.server().port());
  for (int i = 0; i < 5; ++i) {
    CHECK(client.Call({"SET", "key:" + std::to_string(i), "v"}) == kOk);
  }
  CHECK(client.Call({"GET", "key:0"}) == Bulk("v"));
  CHECK(client.Call({"GET", "nope"}) == kNil);
  CHECK(client.Call({"SELECT", "2"}) == kOk);
  CHECK(client.Call({"SET", "k", "v", "EX", "1000"}) == kOk);
  CHECK(client.Exec({"INCR", "k"}).IsError());

  HttpReply second = Scrape(m.metrics_port());
  const std::string& b = second.body;
  CHECK(Value(b, "kvd_connected_clients") == 1);
  CHECK(Value(b, "kvd_commands_processed_total") == processed + 10);
  CHECK(Value(b, "kvd_commands_total{cmd=\"set\"}") == 6);
  CHECK(Value(b, "kvd_commands_total{cmd=\"get\"}") == 2);
  CHECK(Value(b, "kvd_commands_failed_calls_total{cmd=\"incr\"}") == 1);
  CHECK(Value(b, "kvd_commands_duration_seconds_total{cmd=\"set\"}") > 0);
  CHECK(Value(b, "kvd_keyspace_hits_total") == 1);
  CHECK(Value(b, "kvd_keyspace_misses_total") == 1);
  CHECK(Value(b, "kvd_db_keys{db=\"0\"}") == 5);
  CHECK(Value(b, "kvd_db_keys{db=\"2\"}") == 1);
  CHECK(Value(b, "kvd_db_keys_expiring{db=\"2\"}") == 1);
  CHECK(Value(b, "kvd_errors_total{error=\"ERR\"}") == 1);
  CHECK(Value(b, "kvd_net_input_bytes_total") > Value(first.body, "kvd_net_input_bytes_total"));
  CHECK(Value(b, "kvd_memory_used_bytes") > 0);
  CHECK(Value(b, "kvd_memory_used_rss_bytes") > 0);
  // A scrape is not a client: it is not counted as a connection or a command.
  CHECK(Value(b, "kvd_connections_received_total") == 1);
}

TEST_CASE("metrics: HEAD, other paths and methods") {
  if (!TestingKvd()) return;
  MetricsServer m;
  HttpReply head = Http(m.metrics_port(), "HEAD /metrics HTTP/1.0\r\n\r\n");
  CHECK(head.status_line == "HTTP/1.1 200 OK");
  CHECK(head.body.empty());
  HttpReply query = Http(m.metrics_port(), "GET /metrics?debug=1 HTTP/1.1\r\n\r\n");
  CHECK(query.status_line == "HTTP/1.1 200 OK");
  HttpReply root = Http(m.metrics_port(), "GET / HTTP/1.1\r\n\r\n");
  CHECK(root.status_line == "HTTP/1.1 404 Not Found");
  HttpReply post = Http(m.metrics_port(), "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
  CHECK(post.status_line == "HTTP/1.1 405 Method Not Allowed");
  CHECK(Contains(post.head, "Allow: GET, HEAD\r\n"));
}

TEST_CASE("metrics: garbage gets 400 and a closed connection, and kvd carries on") {
  if (!TestingKvd()) return;
  MetricsServer m;
  for (std::string_view bad : {std::string_view("PING\r\n"),
                               std::string_view("*1\r\n$4\r\nPING\r\n"),
                               std::string_view("GET /metrics HTTP/9\r\n\r\n"),
                               std::string_view("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\n", 10)}) {
    CAPTURE(bad);
    HttpReply r = Http(m.metrics_port(), bad);
    CHECK(r.status_line == "HTTP/1.1 400 Bad Request");
  }
  {
    // A head that never ends is cut off at the size limit.
    RawClient client(m.metrics_port());
    client.SendOnly("GET /metrics HTTP/1.1\r\n");
    std::string filler(1024, 'x');
    for (int i = 0; i < 9; ++i) client.SendOnly("X-Filler: " + filler + "\r\n");
    CHECK(client.ReadUntilClosed().rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0);
  }
  {
    // Clients that connect and go, with or without half a request.
    RawClient silent(m.metrics_port());
    RawClient partial(m.metrics_port());
    partial.SendOnly("GET /met");
  }
  RawClient client(m.server().port());
  CHECK(client.Call({"PING"}) == "+PONG\r\n");
  CHECK(Scrape(m.metrics_port()).status_line == "HTTP/1.1 200 OK");
}

TEST_CASE("metrics: off by default; settings readable, not changeable at run time") {
  if (!TestingKvd()) return;
  ServerProcess server;
  CHECK(!Contains(server.Log(), "Metrics endpoint"));
  CliResult get = RunCli(server.port(), {"CONFIG", "GET", "metrics-*"});
  CHECK(get.out == "metrics-port\n0\nmetrics-bind\n127.0.0.1\n");
  CliResult set = RunCli(server.port(), {"CONFIG", "SET", "metrics-port", "9999"});
  CHECK(Contains(set.out, "can't set immutable config"));
}

TEST_CASE("metrics: a bad metrics-bind stops startup") {
  if (!TestingKvd()) return;
  ExitResult r = RunServerToExit({"--port", "0", "--metrics-port", std::to_string(FreePort()),
                                  "--metrics-bind", "not-an-address", "--save", ""});
  CHECK(r.exited);
  CHECK(r.code == 1);
  CHECK(Contains(r.output, "Invalid metrics-bind address 'not-an-address'"));
}

TEST_CASE("INFO memory shows the cgroup memory limit, 0 when there is none") {
  if (!TestingKvd()) return;
  ServerProcess server({"--maxmemory", "50%"});
  RawClient client(server.port());
  std::string info = client.Exec({"INFO", "memory"}).Text();
  std::optional<std::string> limit = InfoField(info, "cgroup_memory_limit");
  REQUIRE(limit.has_value());
  std::optional<std::string> maxmemory = InfoField(info, "maxmemory");
  REQUIRE(maxmemory.has_value());
  CHECK(std::stoll(*maxmemory) > 0);
  if (*limit != "0") {
    CHECK(std::stoll(*maxmemory) == std::stoll(*limit) / 2);
  } else {
    CHECK(std::stoll(*maxmemory) == std::stoll(*InfoField(info, "total_system_memory")) / 2);
  }
  CHECK(RunCli(server.port(), {"CONFIG", "GET", "maxmemory"}).out == "maxmemory\n50%\n");
}

}  // namespace
}  // namespace kvd::e2e
