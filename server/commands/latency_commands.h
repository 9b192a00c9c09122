#pragma once
// What the dispatcher and INFO need from the latency commands (latency_commands.cpp).
#include <cstdint>
#include <string>

#include "server/command.h"

namespace kvd {

// After a command ran: its latency histogram (latency-tracking) and the "command" /
// "fast-command" latency event (latency-monitor-threshold), as Redis's call().
void RecordCommandLatency(ServerState& server, const CommandSpec& spec, int64_t duration_us,
                          int64_t now_ms);

// INFO latencystats: latency_percentiles_usec_<command>:p50=...,p99=...,p99.9=...
void AppendLatencyStats(CommandContext& ctx, std::string& out);

}  // namespace kvd
