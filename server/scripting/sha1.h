#pragma once
// SHA-1, as scripts are named: EVALSHA's digest of a body, redis.sha1hex().
#include <string>
#include <string_view>

namespace kvd {

// The 40 lower-case hex digits of SHA-1(data).
std::string Sha1Hex(std::string_view data);

}  // namespace kvd
