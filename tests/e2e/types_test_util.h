#pragma once
// Shared by the types_*_test.cpp files: the WRONGTYPE error, order-free comparison of
// array replies, and quick pipelined loading of many commands.
#include <algorithm>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "e2e/harness.h"

namespace kvd::e2e {

inline const std::string kWrongType =
    Err("WRONGTYPE Operation against a key holding the wrong kind of value");

// The texts of an array reply's elements.
inline std::vector<std::string> Texts(const Reply& r) {
  std::vector<std::string> out;
  for (const Reply& e : r.elements) out.push_back(e.str);
  return out;
}

// The same, sorted (for replies whose order Redis does not define).
inline std::vector<std::string> Sorted(const Reply& r) {
  std::vector<std::string> out = Texts(r);
  std::sort(out.begin(), out.end());
  return out;
}

inline std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// Sends all commands in one pipeline; every reply must be a non-error.
inline void PipelineOk(RawClient& c, const std::vector<std::vector<std::string>>& commands) {
  std::string out;
  for (const auto& cmd : commands) out += Command(cmd);
  c.Send(out);
  for (size_t i = 0; i < commands.size(); ++i) REQUIRE_FALSE(c.ReadReply().IsError());
}

// "prefix0" .. "prefix<n-1>".
inline std::vector<std::string> Numbered(const std::string& prefix, int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

// args followed by more.
inline std::vector<std::string> With(std::vector<std::string> args,
                                     const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// Every element of `r` (an array reply) is one of `allowed`.
inline bool AllIn(const Reply& r, const std::vector<std::string>& allowed) {
  return std::all_of(r.elements.begin(), r.elements.end(), [&](const Reply& e) {
    return std::find(allowed.begin(), allowed.end(), e.str) != allowed.end();
  });
}

}  // namespace kvd::e2e
