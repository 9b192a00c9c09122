#include "server/monitor.h"

#include <algorithm>
#include <cstdio>

#include "core/text.h"
#include "server/client_state.h"
#include "server/redaction.h"
#include "server/command.h"
#include "server/server_state.h"

namespace kvd {
namespace {

// The arguments as monitors see them, secrets replaced (server/redaction.h).
std::vector<std::string_view> Redacted(const CommandSpec& spec,
                                       std::span<const std::string_view> args) {
  std::vector<std::string_view> out(args.begin(), args.end());
  for (size_t i = 1; i < out.size(); ++i) {
    if (IsSecretArgument(args, i)) out[i] = kRedactedArgument;
  }
  return out;
}

}  // namespace

std::string FormatMonitorLine(int64_t now_us, size_t db, std::string_view addr,
                              std::span<const std::string_view> args) {
  char stamp[48];
  std::snprintf(stamp, sizeof stamp, "+%lld.%06lld [%zu ", static_cast<long long>(now_us / 1000000),
                static_cast<long long>(now_us % 1000000), db);
  std::string line(stamp);
  line.append(addr).append("] ");
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) line += ' ';
    AppendRepr(line, args[i]);
  }
  line += "\r\n";
  return line;
}

void Monitors::Add(ClientState& client) {
  client.monitor = true;
  if (std::find(ids_.begin(), ids_.end(), client.id) == ids_.end()) ids_.push_back(client.id);
}

void Monitors::Remove(ClientState& client) {
  client.monitor = false;
  std::erase(ids_, client.id);
}

void Monitors::Feed(const ServerState& server, const ClientState& client,
                    const CommandSpec& spec, size_t db, std::span<const std::string_view> args) {
  const std::vector<std::string_view> shown = Redacted(spec, args);
  const std::string line = FormatMonitorLine(server.clock.NowUs(), db, client.addr, shown);
  std::erase_if(ids_, [&](uint64_t id) {
    auto it = server.clients.find(id);
    if (it == server.clients.end() || !it->second->monitor) return true;  // gone
    if (it->second->link) it->second->link->Push(line);
    return false;
  });
}

}  // namespace kvd
