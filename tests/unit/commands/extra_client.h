#pragma once
// One more connection on a commands harness's server, running commands written as one line
// ("SET k v"). `resumed` collects the replies its blocked commands were finally given.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "unit/commands/harness.h"
#include "unit/commands/lambda_link.h"

namespace kvd::testing {

// "SET k v" -> {"SET", "k", "v"}: single spaces separate the words.
inline std::vector<std::string_view> SplitWords(std::string_view line) {
  std::vector<std::string_view> words;
  size_t pos = 0;
  while (true) {
    const size_t sp = line.find(' ', pos);
    words.push_back(line.substr(pos, sp == std::string_view::npos ? sp : sp - pos));
    if (sp == std::string_view::npos) return words;
    pos = sp + 1;
  }
}

struct ExtraClient {
  explicit ExtraClient(Harness& h) : h(h) {
    c.id = h.server.next_client_id++;
    c.authenticated = true;
    c.link = &link;
    link.resume = [this](std::string reply) { resumed += reply; };
    h.server.AddClient(c);
  }
  ~ExtraClient() { Disconnect(); }
  ExtraClient(const ExtraClient&) = delete;
  ExtraClient& operator=(const ExtraClient&) = delete;

  std::string Run(std::string_view line) {
    std::string out;
    h.dispatcher.Execute(c, SplitWords(line), out);
    return out;
  }
  // The reply that ended the wait, once; "" while none came.
  std::string Take() { return std::exchange(resumed, ""); }
  void Disconnect() {
    if (connected) h.server.RemoveClient(c);
    connected = false;
  }

  Harness& h;
  ClientState c;
  LambdaLink link;  // c.link; tests set link.kill or link.push to watch those
  std::string resumed;
  bool connected = true;
};

}  // namespace kvd::testing
