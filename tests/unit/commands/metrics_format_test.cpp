// The Prometheus exposition (server/metrics_snapshot.h, metrics_format.h): figures taken from
// a real server state after real commands, and the text format's rules.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <sstream>
#include <string>

#include "server/metrics_format.h"
#include "server/metrics_snapshot.h"
#include "unit/commands/harness.h"

namespace kvd::testing {
namespace {

// The value of the sample `series` ("name" or "name{labels}"), or "" when absent.
std::string Sample(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(series + " ", 0) == 0) return line.substr(series.size() + 1);
  }
  return "";
}

TEST_CASE("figures follow the commands that ran") {
  Harness h;
  h.Run({"SET", "a", "1"});
  h.Run({"SET", "b", "2", "EX", "100"});
  h.Run({"GET", "a"});
  h.Run({"GET", "missing"});
  h.Run({"SELECT", "3"});
  h.Run({"SET", "c", "3"});
  h.Run({"INCR", "c", "extra"});  // wrong arity: rejected
  h.Run({"LPUSH", "c", "x"});     // WRONGTYPE: failed
  h.server.stats.total_net_repl_input_bytes = 300;  // as the master link counts them
  h.server.stats.total_net_repl_output_bytes = 700;
  MetricsSnapshot m = TakeMetricsSnapshot(h.server);
  std::string text = FormatPrometheus(m, TakeProcessMetrics());

  CHECK(Sample(text, "kvd_connected_clients") == "1");
  CHECK(Sample(text, "kvd_keyspace_hits_total") == "1");
  CHECK(Sample(text, "kvd_keyspace_misses_total") == "1");
  CHECK(Sample(text, "kvd_db_keys{db=\"0\"}") == "2");
  CHECK(Sample(text, "kvd_db_keys_expiring{db=\"0\"}") == "1");
  CHECK(Sample(text, "kvd_db_keys{db=\"3\"}") == "1");
  CHECK(Sample(text, "kvd_db_keys{db=\"1\"}") == "");  // empty databases are left out
  CHECK(Sample(text, "kvd_commands_total{cmd=\"set\"}") == "3");
  CHECK(Sample(text, "kvd_commands_total{cmd=\"get\"}") == "2");
  CHECK(Sample(text, "kvd_commands_rejected_calls_total{cmd=\"incr\"}") == "1");
  CHECK(Sample(text, "kvd_commands_failed_calls_total{cmd=\"lpush\"}") == "1");
  CHECK(Sample(text, "kvd_errors_total{error=\"WRONGTYPE\"}") == "1");
  CHECK(Sample(text, "kvd_errors_total{error=\"ERR\"}") == "1");
  CHECK(Sample(text, "kvd_net_repl_input_bytes_total") == "300");
  CHECK(Sample(text, "kvd_net_repl_output_bytes_total") == "700");
  CHECK(std::stoull(Sample(text, "kvd_memory_used_bytes")) > 0);
  CHECK(std::stoull(Sample(text, "kvd_memory_system_bytes")) > 0);
  CHECK(!Sample(text, "kvd_commands_duration_seconds_total{cmd=\"set\"}").empty());
  CHECK(Sample(text, "kvd_up") == "1");
}

TEST_CASE("every sample belongs to a family announced with HELP and TYPE") {
  Harness h;
  h.Run({"SET", "a", "1"});
  h.Run({"CONFIG", "GET", "port"});
  std::string text = FormatPrometheus(TakeMetricsSnapshot(h.server), TakeProcessMetrics());
  CHECK(text.ends_with("\n"));
  std::set<std::string> help, type;
  std::map<std::string, std::string> types;
  std::istringstream in(text);
  std::string line;
  size_t samples = 0;
  while (std::getline(in, line)) {
    CAPTURE(line);
    REQUIRE(!line.empty());
    if (line.rfind("# HELP ", 0) == 0) {
      std::string name = line.substr(7, line.find(' ', 7) - 7);
      CHECK(help.insert(name).second);  // once per family
      continue;
    }
    if (line.rfind("# TYPE ", 0) == 0) {
      std::string name = line.substr(7, line.find(' ', 7) - 7);
      std::string t = line.substr(line.find(' ', 7) + 1);
      CHECK((t == "gauge" || t == "counter"));
      CHECK(type.insert(name).second);
      types[name] = t;
      continue;
    }
    ++samples;
    std::string name = line.substr(0, line.find_first_of("{ "));
    CHECK(help.count(name) == 1);
    CHECK(type.count(name) == 1);
    CHECK(name.rfind("kvd_", 0) == 0);
    if (types[name] == "counter") CHECK(name.ends_with("_total"));
    // The value parses as a number.
    std::string value = line.substr(line.rfind(' ') + 1);
    CHECK_NOTHROW((void)std::stod(value));
  }
  CHECK(samples > 30);
  CHECK(Sample(text, "kvd_commands_total{cmd=\"config|get\"}") == "1");
}

TEST_CASE("label values are escaped") {
  CHECK(EscapeLabelValue("plain") == "plain");
  CHECK(EscapeLabelValue("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
  MetricsSnapshot m;
  m.errors.push_back({"ODD\"ERR", 2});
  std::string text = FormatPrometheus(m, ProcessMetrics{});
  CHECK(Sample(text, "kvd_errors_total{error=\"ODD\\\"ERR\"}") == "2");
}

TEST_CASE("the cgroup limit is shown only when there is one") {
  MetricsSnapshot m;
  ProcessMetrics p;
  CHECK(FormatPrometheus(m, p).find("kvd_memory_cgroup_limit_bytes") == std::string::npos);
  p.cgroup_memory_limit = 268435456;
  CHECK(Sample(FormatPrometheus(m, p), "kvd_memory_cgroup_limit_bytes") == "268435456");
}

}  // namespace
}  // namespace kvd::testing
