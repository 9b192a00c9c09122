#pragma once
// Expected RESP bytes for the string and key command tests, and helpers that decode
// KEYS/SCAN replies.
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "unit/commands/harness.h"
#include "unit/commands/resp_reader.h"

namespace kvd::testing {

inline const std::string kOk = "+OK\r\n";
inline const std::string kNil = "$-1\r\n";
inline const std::string kEmpty = "$0\r\n\r\n";
inline const std::string kSyntax = "-ERR syntax error\r\n";
inline const std::string kNotInt = "-ERR value is not an integer or out of range\r\n";

inline std::string Bulk(std::string_view s) {
  return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}
inline std::string Int(int64_t v) { return ":" + std::to_string(v) + "\r\n"; }
inline std::string Err(std::string_view message) { return "-" + std::string(message) + "\r\n"; }

// The bulk strings of an array reply, sorted (KEYS order is unspecified).
inline std::vector<std::string> SortedStrings(const std::string& reply) {
  std::optional<RespValue> v = RespReader::ParseOne(reply);
  REQUIRE(v);
  REQUIRE(v->type == '*');
  std::multiset<std::string> sorted;
  for (const RespValue& e : v->elems) sorted.insert(e.str);
  return {sorted.begin(), sorted.end()};
}

struct ScanPage {
  std::string cursor;
  std::vector<std::string> keys;
};

inline ScanPage ParseScan(const std::string& reply) {
  std::optional<RespValue> v = RespReader::ParseOne(reply);
  REQUIRE(v);
  REQUIRE(v->type == '*');
  REQUIRE(v->elems.size() == 2);
  ScanPage page{v->elems[0].str, {}};
  for (const RespValue& e : v->elems[1].elems) page.keys.push_back(e.str);
  return page;
}

// Runs a SCAN iteration to the end; `extra` are the options after the cursor. `between`
// runs after every call (to change the keyspace mid-iteration). Returns every key returned,
// repeats included.
template <class Between>
std::vector<std::string> ScanAll(Harness& h, std::vector<std::string> extra, Between between) {
  std::vector<std::string> all;
  std::string cursor = "0";
  size_t calls = 0;
  do {
    std::vector<std::string_view> args = {"SCAN", cursor};
    for (const std::string& e : extra) args.push_back(e);
    ScanPage page = ParseScan(h.Run(args));
    all.insert(all.end(), page.keys.begin(), page.keys.end());
    cursor = page.cursor;
    between();
    REQUIRE(++calls < 1'000'000);  // an iteration that never ends is a failure, not a hang
  } while (cursor != "0");
  return all;
}

inline std::vector<std::string> ScanAll(Harness& h, std::vector<std::string> extra = {}) {
  return ScanAll(h, std::move(extra), [] {});
}

inline std::string KeyName(std::string_view prefix, int i) {
  return std::string(prefix) + std::to_string(i);
}

}  // namespace kvd::testing
