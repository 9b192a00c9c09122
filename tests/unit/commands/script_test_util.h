#pragma once
// Shared by the scripting tests: EVAL and FCALL through the real dispatcher, and a harness
// that records what is logged for the append-only file.
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "unit/commands/harness.h"
#include "unit/commands/transaction_test_util.h"

namespace kvd::testing {

// EVAL body numkeys key... arg...
inline std::string Eval(Harness& h, std::string_view body, std::vector<std::string_view> keys = {},
                        std::vector<std::string_view> args = {}) {
  const std::string numkeys = std::to_string(keys.size());
  std::vector<std::string_view> cmd = {"EVAL", body, numkeys};
  cmd.insert(cmd.end(), keys.begin(), keys.end());
  cmd.insert(cmd.end(), args.begin(), args.end());
  return h.Run(cmd);
}

// Redis's error for a failing script: "<message> script: <sha>, on @user_script:<line>."
inline std::string ScriptError(std::string_view message, std::string_view sha, int line = 1) {
  return "-" + std::string(message) + " script: " + std::string(sha) + ", on @user_script:" +
         std::to_string(line) + ".\r\n";
}

// A harness recording every command logged for the append-only file (TakeLog()).
using LoggingHarness = TxHarness;

}  // namespace kvd::testing
