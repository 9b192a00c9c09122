#pragma once
// The Prometheus text exposition format (version 0.0.4) of kvd's figures: one family per
// INFO figure, with HELP and TYPE lines, conventional names (kvd_ prefix, base units, _total
// for counters) and labels for the per-database and per-command ones.
#include <string>

#include "server/metrics_snapshot.h"

namespace kvd {

// What the endpoint's reply declares as its Content-Type.
inline constexpr const char* kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

std::string FormatPrometheus(const MetricsSnapshot& m, const ProcessMetrics& p);

// A label value with backslash, double quote and newline escaped, as the format requires.
std::string EscapeLabelValue(std::string_view value);

}  // namespace kvd
