#pragma once
// Blocking commands (BLPOP, BLMOVE, BZPOPMIN...) as their handlers and the rest of the
// server see them. A handler that finds nothing to pop calls BlockClient and replies
// nothing: the client waits in ServerState::blocked, its later commands wait with it, and
// the dispatcher runs the command again once a write gives data to a key it waits on. The
// wait ends otherwise by its timeout (ExpireBlockedClients, driven by a timer of the network
// layer), by CLIENT UNBLOCK, or by a disconnect (ServerState::RemoveClient).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/value_type.h"
#include "server/command.h"

namespace kvd {

inline constexpr std::string_view kUnblockedErr = "UNBLOCKED client unblocked via CLIENT UNBLOCK";
// A blocked XREADGROUP whose stream was deleted or replaced (Redis 7.2).
inline constexpr std::string_view kStreamKeyGoneErr = "UNBLOCKED the stream key no longer exists";

// Redis's getTimeoutFromObjectOrReply for a timeout in seconds (a float): the absolute
// deadline in Unix ms, or 0 for "wait forever"; nullopt after replying the error.
std::optional<int64_t> ParseBlockTimeout(CommandContext& ctx, std::string_view seconds);

// Makes the client wait on `keys` of its database until one holds a `type` value, or until
// `deadline_ms` (0: forever). Returns false, doing nothing, when the client may not block
// (ClientState::deny_blocking): the handler then replies as on a timeout.
bool BlockClient(CommandContext& ctx, std::span<const std::string_view> keys, ValueType type,
                 int64_t deadline_ms);
// As above, but the command run again is `rerun_args` rather than the command as sent: XREAD
// rewrites "$" to the stream's last ID, as Redis 7.2 does, so that a run again waits for
// entries after that ID instead of reading "$" anew.
bool BlockClient(CommandContext& ctx, std::span<const std::string_view> keys, ValueType type,
                 int64_t deadline_ms, std::span<const std::string_view> rerun_args);

// Redis's getTimeoutFromObjectOrReply for a timeout in milliseconds (an integer: XREAD's
// BLOCK): the absolute deadline in Unix ms, or 0 for "wait forever"; nullopt after replying
// the error.
std::optional<int64_t> ParseBlockTimeoutMs(CommandContext& ctx, std::string_view ms);

// How a wait ends without data: the timeout's null reply, or CLIENT UNBLOCK ... ERROR's error.
enum class UnblockReply { kTimeout, kError };
// Ends a client's wait with that reply and lets its later commands run; false when it was not
// blocked.
bool UnblockClient(ServerState& server, ClientState& client, UnblockReply how);
// Ends a client's wait with the error `message` (without '-'), counted as the command's
// failure; false when it was not blocked.
bool UnblockClientWithError(ServerState& server, ClientState& client, std::string_view message);
// Ends a WAIT with the number of replicas that acknowledged its writes.
bool UnblockClientWithInteger(ServerState& server, ClientState& client, int64_t value);
// Times out every blocked client whose deadline has come (by server.clock).
void ExpireBlockedClients(ServerState& server);

// Hands a client whose wait ended its reply (through ClientState::resume).
void ResumeClient(ServerState& server, ClientState& client, std::string reply);

}  // namespace kvd
