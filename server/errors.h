#pragma once
// Redis's error texts, shared by every command family (without the leading '-').
#include <span>
#include <string>
#include <string_view>

namespace kvd {

inline constexpr std::string_view kSyntaxErr = "ERR syntax error";
inline constexpr std::string_view kWrongTypeErr =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::string_view kNotIntegerErr = "ERR value is not an integer or out of range";
inline constexpr std::string_view kNotFloatErr = "ERR value is not a valid float";
inline constexpr std::string_view kOverflowErr = "ERR increment or decrement would overflow";
inline constexpr std::string_view kNoSuchKeyErr = "ERR no such key";
inline constexpr std::string_view kDbIndexErr = "ERR DB index is out of range";
inline constexpr std::string_view kNoAuthErr = "NOAUTH Authentication required.";
inline constexpr std::string_view kShutdownErr = "ERR Errors trying to SHUTDOWN. Check logs.";
inline constexpr std::string_view kWrongPassErr =
    "WRONGPASS invalid username-password pair or user is disabled.";
// Writes refused after a failed background save (stop-writes-on-bgsave-error).
inline constexpr std::string_view kBgsaveMisconfErr =
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist "
    "to disk. Commands that may modify the data set are disabled, because this instance is "
    "configured to report errors during writes if RDB snapshotting fails "
    "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about the "
    "RDB error.";
// Writes refused for want of replicas (min-replicas-to-write).
inline constexpr std::string_view kNoReplicasErr = "NOREPLICAS Not enough good replicas to write.";

// "ERR wrong number of arguments for 'get' command"
std::string WrongArityError(std::string_view command_name);
// "ERR unknown command 'foo', with args beginning with: 'a' 'b' "
std::string UnknownCommandError(std::span<const std::string_view> args);
// "ERR invalid expire time in 'set' command"
std::string InvalidExpireError(std::string_view command_name);
// "ERR unknown subcommand 'foo'. Try CLIENT HELP."
std::string UnknownSubcommandError(std::string_view command, std::string_view sub);

}  // namespace kvd
