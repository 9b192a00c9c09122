#pragma once
// Helpers for the sorted-set command tests: commands written as one space-separated line,
// and sorted sets filled in one ZADD.
#include <cstdio>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "core/set_value.h"
#include "unit/commands/harness.h"

namespace kvd::testing {

// Runs "ZADD z 1 a" (arguments split on single spaces; none of the tests needs a space
// inside an argument).
inline std::string Run(Harness& h, std::string_view line) {
  std::vector<std::string> parts;
  size_t pos = 0;
  while (true) {
    size_t sp = line.find(' ', pos);
    parts.emplace_back(line.substr(pos, sp == std::string_view::npos ? sp : sp - pos));
    if (sp == std::string_view::npos) break;
    pos = sp + 1;
  }
  std::vector<std::string_view> args(parts.begin(), parts.end());
  return h.Run(args);
}

// ZADD key 0 <prefix>000 1 <prefix>001 ... (n members, score i for the i-th); `long_members`
// appends 70 bytes to each member (past the compact encoding's 64-byte limit).
inline void Fill(Harness& h, std::string_view key, int n, std::string_view prefix,
                 bool long_members = false) {
  std::vector<std::string> parts = {"ZADD", std::string(key)};
  for (int i = 0; i < n; ++i) {
    char num[16];
    std::snprintf(num, sizeof num, "%03d", i);
    parts.push_back(std::to_string(i));
    parts.push_back(std::string(prefix) + num + (long_members ? std::string(70, 'x') : ""));
  }
  std::vector<std::string_view> args(parts.begin(), parts.end());
  h.Run(args);
}

// A plain set written straight into database 0, so the sorted-set tests do not depend on
// the set commands.
inline void AddSet(Harness& h, std::string_view key,
                   std::initializer_list<std::string_view> members) {
  CollectionWrite<SetValue> w = h.store.Db(0).Write<SetValue>(key, h.clock.NowMs(), true);
  for (std::string_view m : members) w->Add(m);
}

}  // namespace kvd::testing
