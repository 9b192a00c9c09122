#pragma once
// Pub/sub: who is subscribed to what, and message delivery. Channels, patterns and shard
// channels are three separate namespaces, as in Redis (on a single node a shard channel is
// just a channel of its own kind). Messages reach a client through ClientState::push, which
// the connection sets. Touched on the store strand only.
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "server/client_state.h"
#include "server/config.h"

namespace kvd {

struct CommandSpec;

enum class PubSubKind { kChannel = 0, kPattern = 1, kShard = 2 };

class PubSub {
 public:
  // Adds the subscription; false when the client already had it.
  bool Subscribe(ClientState& c, PubSubKind kind, std::string_view name);
  // Removes it; false when the client did not have it.
  bool Unsubscribe(ClientState& c, PubSubKind kind, std::string_view name);
  // Drops every subscription of the client without telling it (RESET, disconnect).
  void RemoveClient(ClientState& c);

  // Sends `message` to the subscribers of `channel` (message) and of every pattern that
  // matches it (pmessage), or to the shard channel's (smessage). Returns how many messages
  // went out, as PUBLISH replies.
  size_t Publish(std::string_view channel, std::string_view message, bool shard = false);

  // Subscriptions of this kind with at least one subscriber (INFO pubsub_channels...).
  size_t Count(PubSubKind kind) const { return Table(kind).size(); }
  bool Empty() const { return channels_.empty() && patterns_.empty(); }
  size_t Subscribers(PubSubKind kind, std::string_view name) const;
  // PUBSUB CHANNELS / SHARDCHANNELS: the active names matching `pattern` (null: all).
  std::vector<std::string_view> Names(PubSubKind kind, const std::string_view* pattern) const;

 private:
  using Subscriber = std::map<uint64_t, ClientState*>;  // by client id: oldest client first
  using Subscriptions = std::map<std::string, Subscriber, std::less<>>;
  Subscriptions& Table(PubSubKind kind);
  const Subscriptions& Table(PubSubKind kind) const;

  Subscriptions channels_;
  Subscriptions patterns_;
  Subscriptions shard_channels_;
};

// A client's subscriptions of one kind (empty for a client that never subscribed).
const ClientSubscriptionSets::Set& ClientSubscriptions(const ClientState& c, PubSubKind kind);
// What (UN)SUBSCRIBE and P(UN)SUBSCRIBE report: channels plus patterns; SSUBSCRIBE and
// SUNSUBSCRIBE report shard channels only.
size_t SubscriptionCount(const ClientState& c, PubSubKind kind);

// RESP2 subscriber mode: a client with a subscription may only run the commands below; every
// other command gets SubscriberModeError. In RESP3 anything goes.
bool AllowedInSubscriberMode(const ClientState& c, const CommandSpec& spec);
std::string SubscriberModeError(const CommandSpec& spec);

// client-output-buffer-limit: the class whose limit applies to the client.
ClientClass OutputLimitClass(const ClientState& c);
// Redis's checkClientOutputBufferLimits: true when `pending` bytes reach the hard limit, or
// have stayed at the soft limit or above for more than its seconds. `soft_since_sec` is the
// client's memory of when the soft limit was first reached (0: not reached).
bool OutputLimitReached(const OutputBufferLimit& limit, size_t pending, int64_t now_sec,
                        int64_t& soft_since_sec);
// The client as the output buffer limit's log line shows it.
std::string DescribeClient(const ClientState& c);

}  // namespace kvd
