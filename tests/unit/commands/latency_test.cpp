// LATENCY (the latency monitor and per-command histograms), INFO latencystats and the
// latency-* parameters.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "server/commands/latency_commands.h"
#include "server/latency_histogram.h"
#include "server/latency_monitor.h"
#include "unit/commands/harness.h"
#include "unit/commands/resp_reader.h"

namespace kvd::testing {
namespace {

TEST_CASE("latency histogram buckets values as HdrHistogram with two significant digits") {
  // Exact below 256 ns; then 128 sub-buckets per power of two.
  CHECK(LatencyHistogram::HighestEquivalent(255) == 255);
  CHECK(LatencyHistogram::LowestEquivalent(257) == 256);
  CHECK(LatencyHistogram::HighestEquivalent(257) == 257);
  CHECK(LatencyHistogram::HighestEquivalent(1024) == 1031);
  CHECK(LatencyHistogram::HighestEquivalent(8000) == 8031);
  CHECK(LatencyHistogram::HighestEquivalent(15000) == 15039);
  CHECK(LatencyHistogram::LowestEquivalent(15000) == 14976);
  CHECK(LatencyHistogram::HighestEquivalent(32768) == 33023);

  LatencyHistogram h;
  CHECK(h.ValueAtPercentile(50) == 0);
  h.Record(15'000);  // 15 us, as redis-server reports: p50=15.039, bucket 16
  CHECK(h.ValueAtPercentile(50) == 15'039);
  CHECK(h.ValueAtPercentile(99.9) == 15'039);
  std::vector<std::pair<int64_t, uint64_t>> buckets;
  h.ForEachLogBucket([&](int64_t us, uint64_t n) { buckets.emplace_back(us, n); });
  CHECK(buckets == std::vector<std::pair<int64_t, uint64_t>>{{16, 1}});

  for (int i = 0; i < 98; ++i) h.Record(1'000);
  h.Record(2'000'000'000);  // clamped to 1 s
  CHECK(h.total_count() == 100);
  CHECK(h.ValueAtPercentile(50) == 1'003);  // 1000 shares a bucket with 1001..1003
  CHECK(h.ValueAtPercentile(99) == 15'039);
  CHECK(h.ValueAtPercentile(100) == LatencyHistogram::HighestEquivalent(1'000'000'000));
  buckets.clear();
  h.ForEachLogBucket([&](int64_t us, uint64_t n) { buckets.emplace_back(us, n); });
  // Cumulative counts at 1 us, then 16 us; the 1 s sample lies past the last level.
  CHECK(buckets == std::vector<std::pair<int64_t, uint64_t>>{{1, 98}, {16, 99}});
}

TEST_CASE("percentiles print as Redis prints them") {
  CHECK(FormatPercentile(50) == "50");
  CHECK(FormatPercentile(99.9) == "99.9");
  CHECK(FormatPercentile(0) == "0");
  CHECK(FormatPercentile(99.99) == "99.99");
}

TEST_CASE("the latency monitor keeps the worst spike per second and the last 160") {
  LatencyMonitor m;
  m.AddSampleIfNeeded("command", 50, 0, 1000);  // monitor off
  m.AddSampleIfNeeded("command", 5, 10, 1000);  // under the threshold
  CHECK(m.events().empty());
  m.AddSampleIfNeeded("command", 20, 10, 1000);
  m.AddSampleIfNeeded("command", 30, 10, 1000);  // same second: raises the sample
  m.AddSampleIfNeeded("command", 15, 10, 1000);  // same second, lower: ignored
  const LatencyMonitor::Series* s = m.Find("command");
  REQUIRE(s != nullptr);
  CHECK(s->latest().time_sec == 1000);
  CHECK(s->latest().latency_ms == 30);
  CHECK(s->max_ms == 30);
  for (int i = 1; i <= 200; ++i) m.AddSample("command", i, 1000 + i);
  std::vector<int64_t> times;
  s->ForEach([&](const LatencyMonitor::Sample& x) { times.push_back(x.time_sec); });
  REQUIRE(times.size() == LatencyMonitor::kSamples);
  CHECK(times.front() == 1041);
  CHECK(times.back() == 1200);
  CHECK(s->max_ms == 200);
  m.AddSample("expire-cycle", 12, 1300);
  CHECK(m.Reset("COMMAND") == 1);
  CHECK(m.Find("command") == nullptr);
  CHECK(m.ResetAll() == 1);
}

TEST_CASE("LATENCY LATEST, HISTORY, RESET, GRAPH and DOCTOR") {
  Harness h;
  h.clock.SetMs(1'700'000'100'000);
  CHECK(h.Run({"LATENCY", "LATEST"}) == "*0\r\n");
  CHECK(h.Run({"LATENCY", "HISTORY", "command"}) == "*0\r\n");
  CHECK(h.Run({"LATENCY", "GRAPH", "command"}) ==
        "-ERR No samples available for event 'command'\r\n");
  CHECK(ParseReply(h.Run({"LATENCY", "DOCTOR"})).str.find("disabled") != std::string::npos);

  h.server.latency.AddSample("command", 120, 1'700'000'040);
  h.server.latency.AddSample("command", 250, 1'700'000'090);
  RespValue latest = ParseReply(h.Run({"LATENCY", "LATEST"}));
  REQUIRE(latest.elems.size() == 1);
  CHECK(latest.elems[0].elems[0].str == "command");
  CHECK(latest.elems[0].elems[1].integer == 1'700'000'090);
  CHECK(latest.elems[0].elems[2].integer == 250);
  CHECK(latest.elems[0].elems[3].integer == 250);
  CHECK(h.Run({"LATENCY", "HISTORY", "command"}) ==
        "*2\r\n*2\r\n:1700000040\r\n:120\r\n*2\r\n:1700000090\r\n:250\r\n");

  const std::string graph = ParseReply(h.Run({"LATENCY", "GRAPH", "command"})).str;
  CHECK(graph.rfind("command - high 250 ms, low 120 ms (all time high 250 ms)\n", 0) == 0);
  // Each column is labelled downwards with its age: "1m" (60 s ago) and "10s".
  CHECK(graph.find("\n11\nm0\n s\n") != std::string::npos);
  CHECK(graph.find("#") != std::string::npos);    // the higher sample's top
  std::string doctor = ParseReply(h.Run({"LATENCY", "DOCTOR"})).str;
  CHECK(doctor.find("1. command: 2 latency spikes (average 185ms, mean deviation 65ms") !=
        std::string::npos);
  CHECK(doctor.find("SLOWLOG") != std::string::npos);

  CHECK(h.Run({"LATENCY", "RESET", "nosuch"}) == ":0\r\n");
  CHECK(h.Run({"LATENCY", "RESET"}) == ":1\r\n");
  CHECK(h.Run({"LATENCY", "LATEST"}) == "*0\r\n");
  CHECK(h.Run({"LATENCY", "FOO"}) == "-ERR unknown subcommand 'FOO'. Try LATENCY HELP.\r\n");
  CHECK(ParseReply(h.Run({"LATENCY", "HELP"})).elems.size() == 17);
}

TEST_CASE("commands slower than latency-monitor-threshold are latency events") {
  Harness h;
  CHECK(h.Run({"CONFIG", "GET", "latency-monitor-threshold"}) ==
        "*2\r\n$25\r\nlatency-monitor-threshold\r\n$1\r\n0\r\n");
  CHECK(h.Run({"CONFIG", "SET", "latency-monitor-threshold", "-1"}).rfind("-ERR", 0) == 0);
  // A threshold no real command here reaches (1 s); spikes are injected through the function
  // the dispatcher calls after every command.
  CHECK(h.Run({"CONFIG", "SET", "latency-monitor-threshold", "1000"}) == "+OK\r\n");
  h.Run({"SET", "k", "v"});
  CHECK(h.Run({"LATENCY", "LATEST"}) == "*0\r\n");
  RecordCommandLatency(h.server, *h.table.Find("get"), 999'000, h.clock.NowMs());
  CHECK(h.Run({"LATENCY", "LATEST"}) == "*0\r\n");
  RecordCommandLatency(h.server, *h.table.Find("get"), 3'000'000, h.clock.NowMs());
  RecordCommandLatency(h.server, *h.table.Find("keys"), 7'000'000, h.clock.NowMs());
  RespValue latest = ParseReply(h.Run({"LATENCY", "LATEST"}));
  REQUIRE(latest.elems.size() == 2);
  CHECK(latest.elems[0].elems[0].str == "command");  // KEYS is not a fast command
  CHECK(latest.elems[0].elems[2].integer == 7000);
  CHECK(latest.elems[1].elems[0].str == "fast-command");
  CHECK(latest.elems[1].elems[2].integer == 3000);
}

TEST_CASE("LATENCY HISTOGRAM and INFO latencystats count every call per command") {
  Harness h;
  h.Run({"SET", "a", "1"});
  h.Run({"SET", "b", "2"});
  h.Run({"GET", "a"});
  h.Run({"CLIENT", "ID"});
  std::map<std::string, RespValue> all = ParseReply(h.Run({"LATENCY", "HISTOGRAM"})).AsMap();
  CHECK(all.count("set") == 1);
  CHECK(all.count("get") == 1);
  CHECK(all.count("client|id") == 1);
  CHECK(all.count("del") == 0);  // never called
  std::map<std::string, RespValue> set = all["set"].AsMap();
  CHECK(set["calls"].integer == 2);
  REQUIRE(!set["histogram_usec"].elems.empty());
  CHECK(set["histogram_usec"].elems.back().integer == 2);  // cumulative: all calls

  // Named commands: a container stands for its subcommands; unknown names are skipped.
  std::map<std::string, RespValue> some =
      ParseReply(h.Run({"LATENCY", "HISTOGRAM", "GET", "client", "nosuch", "del"})).AsMap();
  CHECK(some.size() == 2);
  CHECK(some["get"].AsMap()["calls"].integer == 1);
  CHECK(some["client|id"].AsMap()["calls"].integer == 1);
  h.client.resp = 3;
  const std::string resp3 = h.Run({"LATENCY", "HISTOGRAM", "get"});
  CHECK(resp3.rfind("%1\r\n$3\r\nget\r\n%2\r\n$5\r\ncalls\r\n:1\r\n$14\r\nhistogram_usec\r\n%1\r\n",
                    0) == 0);
  h.client.resp = 2;

  std::string info = ParseReply(h.Run({"INFO", "latencystats"})).str;
  CHECK(info.find("# Latencystats\r\n") != std::string::npos);
  CHECK(info.find("latency_percentiles_usec_set:p50=") != std::string::npos);
  CHECK(info.find(",p99=") != std::string::npos);
  CHECK(info.find(",p99.9=") != std::string::npos);
  CHECK(info.find("latency_percentiles_usec_client|id:") != std::string::npos);
  CHECK(ParseReply(h.Run({"INFO"})).str.find("Latencystats") == std::string::npos);

  CHECK(h.Run({"CONFIG", "SET", "latency-tracking-info-percentiles", "50 99.99"}) == "+OK\r\n");
  CHECK(h.Run({"CONFIG", "GET", "latency-tracking-info-percentiles"}) ==
        "*2\r\n$33\r\nlatency-tracking-info-percentiles\r\n$8\r\n50 99.99\r\n");
  info = ParseReply(h.Run({"INFO", "latencystats"})).str;
  CHECK(info.find("latency_percentiles_usec_get:p50=") != std::string::npos);
  CHECK(info.find(",p99.99=") != std::string::npos);
  CHECK(h.Run({"CONFIG", "SET", "latency-tracking-info-percentiles", "101"}).rfind("-ERR", 0) ==
        0);

  // Tracking off: no new histograms; CONFIG RESETSTAT drops the old ones.
  CHECK(h.Run({"CONFIG", "SET", "latency-tracking", "no"}) == "+OK\r\n");
  h.Run({"DEL", "a"});
  CHECK(ParseReply(h.Run({"LATENCY", "HISTOGRAM", "del"})).elems.empty());
  CHECK(h.Run({"CONFIG", "RESETSTAT"}) == "+OK\r\n");
  CHECK(h.Run({"LATENCY", "HISTOGRAM"}) == "*0\r\n");
}

}  // namespace
}  // namespace kvd::testing
