#pragma once
// MONITOR: clients that see every command the server runs, as one status line each
// ("+1339518083.107412 [0 127.0.0.1:60866] "keys" "*""), in the format of Redis's
// replicationFeedMonitors. Lines go out through ClientState::push, so that a monitor's own
// command's reply comes before the line that shows it. Touched on the store strand only.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kvd {

struct ClientState;
struct CommandSpec;
class ServerState;

class Monitors {
 public:
  // Starts (ClientState::monitor set) or stops a client's monitoring.
  void Add(ClientState& client);
  void Remove(ClientState& client);
  bool empty() const { return ids_.empty(); }
  size_t size() const { return ids_.size(); }

  // Shows `args`, run by `client` in database `db`, to every monitor still connected (the
  // ones that went are forgotten here). Secrets are redacted as Redis does (AUTH, HELLO's
  // AUTH option).
  void Feed(const ServerState& server, const ClientState& client, const CommandSpec& spec,
            size_t db, std::span<const std::string_view> args);

 private:
  std::vector<uint64_t> ids_;  // in the order they started, as Redis's server.monitors
};

// One monitor line, "+<sec>.<usec> [<db> <addr>] "arg" ...\r\n", args quoted as Redis's
// sdscatrepr quotes them.
std::string FormatMonitorLine(int64_t now_us, size_t db, std::string_view addr,
                              std::span<const std::string_view> args);

}  // namespace kvd
