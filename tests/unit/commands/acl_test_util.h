#pragma once
// Helpers for the ACL tests: RESP replies decoded, a second connection as some user.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "unit/commands/extra_client.h"
#include "unit/commands/harness.h"
#include "unit/commands/resp_reader.h"

namespace kvd::testing {

inline RespValue Parse(const std::string& reply) {
  std::optional<RespValue> v = RespReader::ParseOne(reply);
  REQUIRE(v.has_value());
  return *v;
}

// The bulk strings of an array reply.
inline std::vector<std::string> Strings(const std::string& reply) {
  std::vector<std::string> out;
  for (const RespValue& e : Parse(reply).elems) out.push_back(e.str);
  return out;
}

inline std::string Bulk(std::string_view s) {
  return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}

// A connection authenticated as `user` with password "pw" (AUTH must succeed).
struct UserClient : ExtraClient {
  UserClient(Harness& h, std::string_view user) : ExtraClient(h) {
    link.kill = [this] { killed = true; };
    REQUIRE(Run("AUTH " + std::string(user) + " pw") == "+OK\r\n");
  }
  bool killed = false;
};

}  // namespace kvd::testing
