#pragma once
// Shared by the append-only file tests: a temporary directory, file helpers, a stand-in for
// the store strand (ServerState::post) and a command harness with an Aof attached.
#include <doctest/doctest.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "server/aof/aof.h"
#include "server/aof/aof_format.h"
#include "unit/commands/harness.h"

namespace kvd::testing {

class AofTempDir {
 public:
  AofTempDir() {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "kvd-aof-test-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path_ = tmpl;
  }
  ~AofTempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string File(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

inline std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void WriteFileBytes(const std::string& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  REQUIRE(out.good());
}

// Names of the entries in a directory, sorted.
inline std::vector<std::string> ListDir(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    out.push_back(e.path().filename());
  }
  std::sort(out.begin(), out.end());
  return out;
}

inline std::string AofCommands(const std::vector<std::vector<std::string>>& commands) {
  std::string out;
  for (const auto& c : commands) {
    std::vector<std::string_view> views(c.begin(), c.end());
    AppendAofCommand(out, views);
  }
  return out;
}

// ServerState::post for tests: whatever any thread posts runs on the test's thread, inside
// RunUntil, in order, as on the store strand.
class PostQueue {
 public:
  void Attach(ServerState& server) {
    server.post = [this](std::function<void()> fn) {
      {
        std::lock_guard lk(mu_);
        queue_.push_back(std::move(fn));
      }
      cv_.notify_one();
    };
  }
  // Runs posted functions until `done()` holds; false if it did not within the deadline.
  // `done` is looked at again every few milliseconds too: other threads may make it true.
  bool RunUntil(const std::function<bool()>& done,
                std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::function<void()> fn;
      {
        std::unique_lock lk(mu_);
        if (!cv_.wait_for(lk, std::chrono::milliseconds(5), [&] { return !queue_.empty(); })) {
          continue;
        }
        fn = std::move(queue_.front());
        queue_.pop_front();
      }
      fn();
    }
    return true;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
};

// The command harness with the append-only file on, in `dir`.
class AofHarness {
 public:
  explicit AofHarness(const std::string& dir,
                      std::vector<std::pair<std::string, std::string>> settings = {}) {
    Set("dir", dir);
    Set("appendonly", "yes");
    for (const auto& [name, value] : settings) Set(name, value);
    queue.Attach(h.server);
    aof = std::make_unique<Aof>(h.server);
    h.server.aof = aof.get();
  }
  ~AofHarness() {
    h.server.aof = nullptr;
    aof.reset();
  }
  void Set(const std::string& name, const std::string& value) {
    const std::string_view values[] = {value};
    REQUIRE(h.config.ApplyStartup(name, values) == "");
  }
  std::string Run(std::initializer_list<std::string_view> args) { return h.Run(args); }
  // Waits until everything logged so far has reached the writer and the file.
  void Settle() {
    aof->FlushAndSync();
  }

  Harness h;
  PostQueue queue;
  std::unique_ptr<Aof> aof;
};

}  // namespace kvd::testing
