// LATENCY end to end: a slow command becomes a latency event; every command's latency lands
// in its histogram, as redis-cli and monitoring tools read them.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

TEST_CASE("a command slower than latency-monitor-threshold is a latency event") {
  ServerProcess server({"--latency-monitor-threshold", "1"});
  RawClient c(server.port());
  CHECK(c.Exec({"LATENCY", "LATEST"}).elements.empty());
  // Copying half a million members cannot take under a millisecond.
  std::vector<std::string> sadd = {"SADD", "big"};
  for (int i = 0; i < 500'000; ++i) sadd.push_back("member:" + std::to_string(i));
  CHECK(c.Exec(sadd).integer == 500'000);
  CHECK(c.Exec({"SUNIONSTORE", "copy", "big"}).integer == 500'000);
  Reply latest = c.Exec({"LATENCY", "LATEST"});
  REQUIRE(latest.type == '*');
  bool command_event = false;
  for (const Reply& e : latest.elements) {
    REQUIRE(e.elements.size() == 4);
    if (e.elements[0].Text() != "command") continue;
    command_event = true;
    CHECK(e.elements[2].integer >= 1);
    CHECK(e.elements[3].integer >= e.elements[2].integer);
  }
  CHECK(command_event);
  CHECK(c.Exec({"LATENCY", "HISTORY", "command"}).elements.size() >= 1);
  CHECK(Contains(c.Exec({"LATENCY", "GRAPH", "command"}).Text(), "command - high "));
  CHECK(Contains(c.Exec({"LATENCY", "DOCTOR"}).Text(), "command: "));
  CHECK(c.Exec({"LATENCY", "RESET"}).integer >= 1);
  CHECK(c.Exec({"LATENCY", "LATEST"}).elements.empty());
}

TEST_CASE("LATENCY HISTOGRAM and INFO latencystats through redis-cli") {
  ServerProcess server;
  RawClient c(server.port());
  for (int i = 0; i < 5; ++i) CHECK(c.Call({"SET", "k" + std::to_string(i), "v"}) == kOk);
  Reply hist = c.Exec({"LATENCY", "HISTOGRAM", "set"});
  REQUIRE(hist.elements.size() == 2);
  CHECK(hist.elements[0].Text() == "set");
  const Reply& body = hist.elements[1];
  REQUIRE(body.elements.size() == 4);
  CHECK(body.elements[0].Text() == "calls");
  CHECK(body.elements[1].integer == 5);
  CHECK(body.elements[3].elements.back().integer == 5);  // cumulative

  CliResult info = RunCli(server.port(), {"INFO", "latencystats"});
  CHECK(Contains(info.out, "# Latencystats"));
  CHECK(Contains(info.out, "latency_percentiles_usec_set:p50="));
  CHECK(Contains(info.out, ",p99.9="));
}

}  // namespace
}  // namespace kvd::e2e
