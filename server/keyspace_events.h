#pragma once
// Keyspace notifications (Redis's notify-keyspace-events): a command that changes a key
// publishes `__keyspace@<db>__:<key>` -> event and `__keyevent@<db>__:<event>` -> key, for
// the classes the configuration enables. With notifications off, a call costs one test.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace kvd {

class ServerState;
struct CommandContext;

// Redis's NOTIFY_* bits; the letters are notify-keyspace-events'.
enum NotifyClass : int {
  kNotifyKeyspace = 1 << 0,   // K
  kNotifyKeyevent = 1 << 1,   // E
  kNotifyGeneric = 1 << 2,    // g: DEL, EXPIRE, RENAME...
  kNotifyString = 1 << 3,     // $
  kNotifyList = 1 << 4,       // l
  kNotifySet = 1 << 5,        // s
  kNotifyHash = 1 << 6,       // h
  kNotifyZset = 1 << 7,       // z
  kNotifyExpired = 1 << 8,    // x
  kNotifyEvicted = 1 << 9,    // e
  kNotifyStream = 1 << 10,    // t
  kNotifyKeyMiss = 1 << 11,   // m (not part of A)
  kNotifyLoaded = 1 << 12,    // modules only
  kNotifyModule = 1 << 13,    // d
  kNotifyNew = 1 << 14,       // n (not part of A)
  // A: every class but m and n.
  kNotifyAll = kNotifyGeneric | kNotifyString | kNotifyList | kNotifySet | kNotifyHash |
               kNotifyZset | kNotifyExpired | kNotifyEvicted | kNotifyStream | kNotifyModule,
};

// notify-keyspace-events letters to NotifyClass bits; nullopt on an unknown letter.
std::optional<int> ParseNotifyFlags(std::string_view letters);
// The bits back to letters, in Redis's order (CONFIG GET): "AKE", "g$xKE"...
std::string FormatNotifyFlags(int flags);
inline constexpr std::string_view kNotifyFlagsErr =
    "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";

// Publishes the event for `key` in database `db` if its class is enabled.
void NotifyKeyspaceEvent(ServerState& server, int type, std::string_view event,
                         std::string_view key, size_t db);
// The same, in the database of the client running the command.
void NotifyKeyspaceEvent(CommandContext& ctx, int type, std::string_view event,
                         std::string_view key);

// A key removed by eviction (maxmemory policies): the "evicted" event.
void NotifyKeyEvicted(ServerState& server, std::string_view key, size_t db);

}  // namespace kvd
