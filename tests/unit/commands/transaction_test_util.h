#pragma once
// Shared by the MULTI/EXEC and WATCH tests: more connections on a harness's server, each
// running commands written as one line ("SET k v"), and a harness that records what is
// logged for the append-only file.
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "unit/commands/harness.h"

namespace kvd::testing {

inline std::vector<std::string_view> Words(std::string_view line) {
  std::vector<std::string_view> words;
  size_t pos = 0;
  while (pos <= line.size()) {
    size_t sp = line.find(' ', pos);
    if (sp == std::string_view::npos) sp = line.size();
    words.push_back(line.substr(pos, sp - pos));
    pos = sp + 1;
  }
  return words;
}

// One connection on the harness's server. `resumed` collects the replies its blocked
// commands finally got.
struct TxClient {
  explicit TxClient(Harness& h) : h(h) {
    c.id = h.server.next_client_id++;
    c.authenticated = true;
    c.resume = [this](std::string reply) { resumed += reply; };
    h.server.AddClient(c);
  }
  ~TxClient() { Disconnect(); }
  TxClient(const TxClient&) = delete;
  TxClient& operator=(const TxClient&) = delete;

  std::string Run(std::string_view line) {
    std::string out;
    h.dispatcher.Execute(c, Words(line), out);
    return out;
  }
  void Disconnect() {
    if (connected) h.server.RemoveClient(c);
    connected = false;
  }

  Harness& h;
  ClientState c;
  std::string resumed;
  bool connected = true;
};

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
