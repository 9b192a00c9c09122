// LATENCY LATEST|HISTORY|RESET|GRAPH|DOCTOR|HISTOGRAM|HELP (Redis's latency.c), and the
// per-command latency histograms behind LATENCY HISTOGRAM and INFO latencystats.
#include "server/commands/latency_commands.h"

#include <cstdio>
#include <vector>

#include "core/text.h"
#include "server/commands/key_spec.h"
#include "server/commands/subcommand_help.h"
#include "server/latency_histogram.h"
#include "server/server_state.h"

namespace kvd {
namespace {

constexpr std::string_view kGroup = "server";

int64_t NowSec(const CommandContext& ctx) { return ctx.now_ms / 1000; }

void LatencyLatest(CommandContext& ctx) {
  const auto& events = ctx.server.latency.events();
  ctx.reply.ArrayHeader(events.size());
  for (const auto& [event, series] : events) {
    ctx.reply.ArrayHeader(4);
    ctx.reply.Bulk(event);
    ctx.reply.Integer(series.latest().time_sec);
    ctx.reply.Integer(series.latest().latency_ms);
    ctx.reply.Integer(series.max_ms);
  }
}

void LatencyHistory(CommandContext& ctx) {
  const LatencyMonitor::Series* series = ctx.server.latency.Find(ctx.args[2]);
  if (!series) return ctx.reply.ArrayHeader(0);
  std::vector<LatencyMonitor::Sample> samples;
  series->ForEach([&](const LatencyMonitor::Sample& s) { samples.push_back(s); });
  ctx.reply.ArrayHeader(samples.size());
  for (const LatencyMonitor::Sample& s : samples) {
    ctx.reply.ArrayHeader(2);
    ctx.reply.Integer(s.time_sec);
    ctx.reply.Integer(s.latency_ms);
  }
}

void LatencyReset(CommandContext& ctx) {
  if (ctx.args.size() == 2) {
    return ctx.reply.Integer(static_cast<int64_t>(ctx.server.latency.ResetAll()));
  }
  size_t resets = 0;
  for (size_t i = 2; i < ctx.args.size(); ++i) resets += ctx.server.latency.Reset(ctx.args[i]);
  ctx.reply.Integer(static_cast<int64_t>(resets));
}

void LatencyGraphCmd(CommandContext& ctx) {
  const LatencyMonitor::Series* series = ctx.server.latency.Find(ctx.args[2]);
  if (!series) {
    return ctx.Error("ERR No samples available for event '" + std::string(ctx.args[2]) + "'");
  }
  ctx.reply.Verbatim("txt", LatencyGraph(ctx.args[2], *series, NowSec(ctx)));
}

void LatencyDoctor(CommandContext& ctx) {
  const ConfigValues& cfg = ctx.server.config.values();
  LatencyDoctorInput in;
  in.threshold_ms = cfg.latency_monitor_threshold;
  in.slowlog_log_slower_than_us = cfg.slowlog_log_slower_than;
  in.hz = cfg.hz;
  in.appendfsync_always = cfg.appendonly && cfg.appendfsync == "always";
  in.now_sec = NowSec(ctx);
  ctx.reply.Verbatim("txt", LatencyDoctorReport(ctx.server.latency, in));
}

// One command's entry of LATENCY HISTOGRAM: {calls, histogram_usec: {bucket: cumulative}}.
void ReplyHistogram(ReplyWriter& reply, const CommandSpec& spec) {
  const LatencyHistogram& h = *spec.latency_histogram;
  reply.Bulk(spec.name);
  reply.MapHeader(2);
  reply.Bulk("calls");
  reply.Integer(static_cast<int64_t>(h.total_count()));
  reply.Bulk("histogram_usec");
  std::vector<std::pair<int64_t, uint64_t>> buckets;
  h.ForEachLogBucket([&](int64_t us, uint64_t n) { buckets.emplace_back(us, n); });
  reply.MapHeader(buckets.size());
  for (const auto& [us, n] : buckets) {
    reply.Integer(us);
    reply.Integer(static_cast<int64_t>(n));
  }
}

// Commands (and their subcommands) that have a histogram, in table order.
void CollectTracked(const CommandSpec& spec, std::vector<const CommandSpec*>& out) {
  if (spec.latency_histogram) out.push_back(&spec);
  for (const CommandSpec& sub : spec.subcommands) CollectTracked(sub, out);
}

// LATENCY HISTOGRAM [command ...]: unknown names and commands never called are left out; a
// container command stands for its subcommands.
void LatencyHistogramCmd(CommandContext& ctx) {
  std::vector<const CommandSpec*> tracked;
  if (ctx.args.size() == 2) {
    for (const CommandSpec& spec : ctx.server.commands.All()) CollectTracked(spec, tracked);
  } else {
    for (size_t i = 2; i < ctx.args.size(); ++i) {
      std::string_view name = ctx.args[i];
      const CommandSpec* spec = nullptr;
      if (size_t bar = name.find('|'); bar != std::string_view::npos) {
        const CommandSpec* container = ctx.server.commands.Find(name.substr(0, bar));
        if (container) spec = FindSubcommand(*container, name.substr(bar + 1));
      } else {
        spec = ctx.server.commands.Find(name);
      }
      if (!spec) continue;
      std::vector<const CommandSpec*> found;
      CollectTracked(*spec, found);
      for (const CommandSpec* f : found) {
        if (std::find(tracked.begin(), tracked.end(), f) == tracked.end()) tracked.push_back(f);
      }
    }
  }
  ctx.reply.MapHeader(tracked.size());
  for (const CommandSpec* spec : tracked) ReplyHistogram(ctx.reply, *spec);
}

void LatencyHelp(CommandContext& ctx) {
  ReplySubcommandHelp(
      ctx.reply, "LATENCY",
      {"DOCTOR", "    Return a human readable latency analysis report.", "GRAPH <event>",
       "    Return an ASCII latency graph for the <event> class.", "HISTORY <event>",
       "    Return time-latency samples for the <event> class.", "LATEST",
       "    Return the latest latency samples for all events.", "RESET [<event> ...]",
       "    Reset latency data of one or more <event> classes.",
       "    (default: reset all data for all event classes)", "HISTOGRAM [COMMAND ...]",
       "    Return a cumulative distribution of latencies in the format of a histogram for the "
       "specified command names.",
       "    If no commands are specified then all histograms are replied."});
}

void AppendPercentiles(const CommandSpec& spec, const std::vector<double>& percentiles,
                       std::string& out) {
  if (spec.latency_histogram) {
    out += "latency_percentiles_usec_" + spec.name + ":";
    for (size_t i = 0; i < percentiles.size(); ++i) {
      char buf[64];
      std::snprintf(
          buf, sizeof buf, "%.3f",
          static_cast<double>(spec.latency_histogram->ValueAtPercentile(percentiles[i])) / 1000.0);
      if (i) out += ',';
      out += 'p';
      out += FormatPercentile(percentiles[i]);
      out += '=';
      out += buf;
    }
    out += "\r\n";
  }
  for (const CommandSpec& sub : spec.subcommands) AppendPercentiles(sub, percentiles, out);
}

}  // namespace

void RecordCommandLatency(ServerState& server, const CommandSpec& spec, int64_t duration_us,
                          int64_t now_ms) {
  const ConfigValues& cfg = server.config.values();
  if (cfg.latency_tracking) {
    if (!spec.latency_histogram) spec.latency_histogram = std::make_shared<LatencyHistogram>();
    spec.latency_histogram->Record(duration_us * 1000);
  }
  server.latency.AddSampleIfNeeded((spec.flags & kFast) ? "fast-command" : "command",
                                   duration_us / 1000, cfg.latency_monitor_threshold,
                                   now_ms / 1000);
}

void AppendLatencyStats(CommandContext& ctx, std::string& out) {
  const std::vector<double>& percentiles =
      ctx.server.config.values().latency_tracking_info_percentiles;
  for (const CommandSpec& spec : ctx.server.commands.All()) {
    AppendPercentiles(spec, percentiles, out);
  }
}

void RegisterLatencyCommands(CommandTable& t) {
  constexpr uint32_t kFlags = kAdmin | kNoScript | kLoading | kStale;
  constexpr std::string_view kAcl = "@admin @slow @dangerous";
  CommandSpec latency =
      MakeSpec("latency", -2, 0, kNoKeys, nullptr,
               {"@slow", kGroup, "2.8.13", "A container for latency diagnostics commands.",
                "Depends on subcommand."});
  latency.subcommands = {
      MakeSpec(
          "latency|doctor", 2, kFlags, kNoKeys, LatencyDoctor,
          {kAcl, kGroup, "2.8.13", "Returns a human-readable latency analysis report.", "O(1)"}),
      MakeSpec("latency|graph", 3, kFlags, kNoKeys, LatencyGraphCmd,
               {kAcl, kGroup, "2.8.13", "Returns a latency graph for an event.", "O(1)"}),
      MakeSpec("latency|help", 2, kLoading | kStale, kNoKeys, LatencyHelp,
               {"@slow", kGroup, "2.8.13", "Returns helpful text about the different subcommands.",
                "O(1)"}),
      MakeSpec("latency|histogram", -2, kFlags, kNoKeys, LatencyHistogramCmd,
               {kAcl, kGroup, "7.0.0",
                "Returns the cumulative distribution of latencies of a subset or all commands.",
                "O(N) where N is the number of commands with latency information being "
                "retrieved."}),
      MakeSpec("latency|history", 3, kFlags, kNoKeys, LatencyHistory,
               {kAcl, kGroup, "2.8.13", "Returns timestamp-latency samples for an event.", "O(1)"}),
      MakeSpec(
          "latency|latest", 2, kFlags, kNoKeys, LatencyLatest,
          {kAcl, kGroup, "2.8.13", "Returns the latest latency samples for all events.", "O(1)"}),
      MakeSpec("latency|reset", -2, kFlags, kNoKeys, LatencyReset,
               {kAcl, kGroup, "2.8.13", "Resets the latency data for one or more events.", "O(1)"}),
  };
  t.Add(std::move(latency));
}

}  // namespace kvd
