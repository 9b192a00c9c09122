#pragma once
// Helpers for the stream command tests: expected replies of entries, a harness that records
// what is logged, and a scoped stream-node-max-entries.
#include <cstddef>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/encoding_limits.h"
#include "unit/commands/extra_client.h"
#include "unit/commands/harness.h"
#include "unit/commands/list_test_util.h"

namespace kvd::testing {

// One entry as XRANGE replies it: [id, [field, value, ...]].
inline std::string Entry(std::string_view id, const std::vector<std::string>& pairs) {
  return "*2\r\n" + Bulk(id) + Arr(pairs);
}
// An array of replies already encoded.
inline std::string Array(std::initializer_list<std::string> items) {
  std::string out = "*" + std::to_string(items.size()) + "\r\n";
  for (const std::string& s : items) out += s;
  return out;
}

using Command = std::vector<std::string>;

// A harness whose propagation hook records every logged command.
struct StreamHarness : Harness {
  StreamHarness() {
    server.propagate = [this](size_t, std::span<const std::string_view> command) {
      log.emplace_back(command.begin(), command.end());
    };
  }
  std::vector<Command> TakeLog() { return std::exchange(log, {}); }
  std::vector<Command> log;
};

// stream-node-max-entries for the life of the object (the limit is process-wide). Declare it
// after the harness: a harness's config sets the limit to its default.
struct ScopedNodeEntries {
  explicit ScopedNodeEntries(size_t n) : saved(encoding_limits.stream_node_max_entries) {
    encoding_limits.stream_node_max_entries = n;
  }
  ~ScopedNodeEntries() { encoding_limits.stream_node_max_entries = saved; }
  size_t saved;
};

// Adds entries <first>-1 .. <first + n - 1>-1 with field "f" and value i.
inline void FillStream(ExtraClient& c, std::string_view key, int n, int first = 1) {
  for (int i = 0; i < n; ++i) {
    c.Run("XADD " + std::string(key) + " " + std::to_string(first + i) + "-1 f " +
          std::to_string(i));
  }
}

}  // namespace kvd::testing
