#pragma once
// The Redis release whose behaviour kvd follows, as HELLO and INFO report it.
#include <string_view>

namespace kvd {

inline constexpr std::string_view kRedisCompatVersion = "7.2.4";

}  // namespace kvd
