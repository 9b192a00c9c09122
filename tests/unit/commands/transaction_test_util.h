#pragma once
// Shared by the MULTI/EXEC and WATCH tests: more connections on a harness's server, each
// running commands written as one line ("SET k v"), and a harness that records what is
// logged for the append-only file.
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "unit/commands/extra_client.h"
#include "unit/commands/harness.h"

namespace kvd::testing {

using TxClient = ExtraClient;

// A harness whose propagation hook records every logged command, with two more clients.
struct TxHarness : Harness {
  TxHarness() {
    server.propagate = [this](size_t db, std::span<const std::string_view> command) {
      log.emplace_back(db, std::vector<std::string>(command.begin(), command.end()));
    };
  }
  // The logged commands since the last call, without their databases.
  std::vector<std::vector<std::string>> TakeLog() {
    std::vector<std::vector<std::string>> out;
    for (auto& [db, command] : log) out.push_back(std::move(command));
    log.clear();
    return out;
  }

  std::vector<std::pair<size_t, std::vector<std::string>>> log;
  TxClient a{*this};
  TxClient b{*this};
};

inline const std::string kQueued = "+QUEUED\r\n";
inline const std::string kNullArray = "*-1\r\n";
inline const std::string kExecAbort =
    "-EXECABORT Transaction discarded because of previous errors.\r\n";

}  // namespace kvd::testing
