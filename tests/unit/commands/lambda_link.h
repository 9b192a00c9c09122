#pragma once
// A ClientLink for tests: each call goes to a std::function, so a test sets only the ones it
// watches; the others do nothing, like a connection that is not listening.
#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include "server/client_state.h"

namespace kvd::testing {

struct LambdaLink final : ClientLink {
  std::function<void()> kill;
  std::function<void(std::string reply)> resume;
  std::function<void(std::string_view frame)> push;

  void Kill() override {
    if (kill) kill();
  }
  void Resume(std::string reply) override {
    if (resume) resume(std::move(reply));
  }
  void Push(std::string_view frame) override {
    if (push) push(frame);
  }
  size_t PendingOutputBytes() const override { return 0; }
};

}  // namespace kvd::testing
