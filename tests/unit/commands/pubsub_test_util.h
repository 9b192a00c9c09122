#pragma once
// More clients for the commands harness: each runs commands through the same dispatcher and
// collects what reaches it through ClientState::push, as a connection would send it.
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "unit/commands/harness.h"
#include "unit/commands/lambda_link.h"

namespace kvd::testing {

class PubSubPeer {
 public:
  explicit PubSubPeer(Harness& h, int resp = 2) : h_(h) {
    client.authenticated = true;
    client.resp = resp;
    client.link = &link;
    link.push = [this](std::string_view frame) { pushed.append(frame); };
    h_.server.AddClient(client);
  }
  ~PubSubPeer() { h_.server.RemoveClient(client); }
  PubSubPeer(const PubSubPeer&) = delete;
  PubSubPeer& operator=(const PubSubPeer&) = delete;

  std::string Run(std::vector<std::string_view> args) {
    std::string out;
    h_.dispatcher.Execute(client, args, out);
    return out;
  }
  // What was pushed since the last call.
  std::string Take() { return std::exchange(pushed, {}); }

  ClientState client;
  LambdaLink link;
  std::string pushed;

 private:
  Harness& h_;
};

// The frames of a stream of pushed messages ('*' or '>' arrays of bulk strings), each as
// its elements: {"message", "ch", "payload"}, {"pmessage", "p*", "ch", "payload"}.
inline std::vector<std::vector<std::string>> Frames(std::string_view in) {
  std::vector<std::vector<std::string>> frames;
  auto line = [&]() {
    size_t end = in.find("\r\n");
    std::string_view l = in.substr(0, end);
    in.remove_prefix(end + 2);
    return l;
  };
  while (!in.empty()) {
    std::string_view header = line();
    size_t n = std::strtoul(std::string(header.substr(1)).c_str(), nullptr, 10);
    std::vector<std::string> elements;
    for (size_t i = 0; i < n; ++i) {
      std::string_view bulk = line();
      size_t len = std::strtoul(std::string(bulk.substr(1)).c_str(), nullptr, 10);
      elements.emplace_back(in.substr(0, len));
      in.remove_prefix(len + 2);
    }
    frames.push_back(std::move(elements));
  }
  return frames;
}

using FrameList = std::vector<std::vector<std::string>>;

}  // namespace kvd::testing
