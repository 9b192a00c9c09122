#pragma once
// Shared by the append-only file tests: file helpers and a command harness with an Aof
// attached.
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
#include "unit/commands/post_queue.h"
#include "unit/commands/temp_dir.h"

namespace kvd::testing {

inline std::string AofCommands(const std::vector<std::vector<std::string>>& commands) {
  std::string out;
  for (const auto& c : commands) {
    std::vector<std::string_view> views(c.begin(), c.end());
    AppendAofCommand(out, views);
  }
  return out;
}


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

// One field of INFO persistence as the harness's client sees it; "<missing>" when absent.
inline std::string PersistenceInfo(AofHarness& a, std::string_view field) {
  const std::string info = a.Run({"INFO", "persistence"});
  const std::string key = "\r\n" + std::string(field) + ":";
  const size_t at = info.find(key);
  if (at == std::string::npos) return "<missing>";
  const size_t start = at + key.size();
  return info.substr(start, info.find("\r\n", start) - start);
}

}  // namespace kvd::testing
