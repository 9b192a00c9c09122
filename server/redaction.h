#pragma once
// Arguments that carry secrets: MONITOR and SLOWLOG show them as "(redacted)", as Redis's
// redactClientCommandArgument does. AUTH's arguments, HELLO's AUTH username and password,
// ACL SETUSER's rules (they may hold passwords), the value of CONFIG SET requirepass and
// MIGRATE's AUTH and AUTH2 arguments.
#include <span>
#include <string_view>

namespace kvd {

inline constexpr std::string_view kRedactedArgument = "(redacted)";

// Whether args[i] of the command `args` (args[0] is its name) must not be shown.
bool IsSecretArgument(std::span<const std::string_view> args, size_t i);

}  // namespace kvd
