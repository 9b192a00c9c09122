#include "server/keyspace_events.h"

#include <charconv>
#include <utility>

#include "server/command.h"
#include "server/pubsub.h"
#include "server/server_state.h"

namespace kvd {
namespace {

// "__keyspace@" + db + "__:" + suffix.
std::string Channel(std::string_view prefix, size_t db, std::string_view suffix) {
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, db).ptr;
  std::string channel;
  channel.reserve(prefix.size() + 24 + suffix.size());
  channel.append(prefix).append(digits, end).append("__:").append(suffix);
  return channel;
}

}  // namespace

std::optional<int> ParseNotifyFlags(std::string_view letters) {
  int flags = 0;
  for (char c : letters) {
    switch (c) {
      case 'A': flags |= kNotifyAll; break;
      case 'g': flags |= kNotifyGeneric; break;
      case '$': flags |= kNotifyString; break;
      case 'l': flags |= kNotifyList; break;
      case 's': flags |= kNotifySet; break;
      case 'h': flags |= kNotifyHash; break;
      case 'z': flags |= kNotifyZset; break;
      case 'x': flags |= kNotifyExpired; break;
      case 'e': flags |= kNotifyEvicted; break;
      case 'K': flags |= kNotifyKeyspace; break;
      case 'E': flags |= kNotifyKeyevent; break;
      case 't': flags |= kNotifyStream; break;
      case 'm': flags |= kNotifyKeyMiss; break;
      case 'd': flags |= kNotifyModule; break;
      case 'n': flags |= kNotifyNew; break;
      default: return std::nullopt;
    }
  }
  return flags;
}

std::string FormatNotifyFlags(int flags) {
  std::string out;
  if ((flags & kNotifyAll) == kNotifyAll) {
    out += 'A';
  } else {
    static constexpr std::pair<int, char> kClasses[] = {
        {kNotifyGeneric, 'g'}, {kNotifyString, '$'},  {kNotifyList, 'l'},
        {kNotifySet, 's'},     {kNotifyHash, 'h'},    {kNotifyZset, 'z'},
        {kNotifyExpired, 'x'}, {kNotifyEvicted, 'e'}, {kNotifyStream, 't'},
        {kNotifyModule, 'd'},  {kNotifyNew, 'n'}};
    for (auto [bit, letter] : kClasses) {
      if (flags & bit) out += letter;
    }
  }
  if (flags & kNotifyKeyspace) out += 'K';
  if (flags & kNotifyKeyevent) out += 'E';
  if (flags & kNotifyKeyMiss) out += 'm';
  return out;
}

void NotifyKeyspaceEvent(ServerState& server, int type, std::string_view event,
                         std::string_view key, size_t db) {
  const int flags = server.config.values().notify_keyspace_events;
  if (!(flags & type) || !(flags & (kNotifyKeyspace | kNotifyKeyevent))) return;
  if (server.pubsub.Empty()) return;  // nobody could receive it
  if (flags & kNotifyKeyspace) {
    server.pubsub.Publish(Channel("__keyspace@", db, key), event);
  }
  if (flags & kNotifyKeyevent) {
    server.pubsub.Publish(Channel("__keyevent@", db, event), key);
  }
}

void NotifyKeyspaceEvent(CommandContext& ctx, int type, std::string_view event,
                         std::string_view key) {
  NotifyKeyspaceEvent(ctx.server, type, event, key, ctx.client.db);
}

void NotifyKeyEvicted(ServerState& server, std::string_view key, size_t db) {
  NotifyKeyspaceEvent(server, kNotifyEvicted, "evicted", key, db);
}

}  // namespace kvd
