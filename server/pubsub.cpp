#include "server/pubsub.h"

#include <array>

#include "core/text.h"
#include "protocol/reply_writer.h"
#include "server/acl/acl.h"
#include "server/command.h"

namespace kvd {
namespace {

// A message frame, encoded once per protocol version and only when a subscriber needs it.
class Frame {
 public:
  // `pattern` null: a message or smessage; else a pmessage.
  Frame(std::string_view kind, const std::string* pattern, std::string_view channel,
        std::string_view message)
      : kind_(kind), pattern_(pattern), channel_(channel), message_(message) {}

  std::string_view For(int resp) {
    std::string& f = encoded_[resp == 3 ? 1 : 0];
    if (f.empty()) {
      ReplyWriter w(f, resp);
      w.PushHeader(pattern_ ? 4 : 3);
      w.Bulk(kind_);
      if (pattern_) w.Bulk(*pattern_);
      w.Bulk(channel_);
      w.Bulk(message_);
    }
    return f;
  }

 private:
  std::string_view kind_;
  const std::string* pattern_;
  std::string_view channel_, message_;
  std::array<std::string, 2> encoded_;
};

void Deliver(ClientState& c, Frame& frame) {
  if (c.link) c.link->Push(frame.For(c.resp));
}

// ClientSubscriptionSets::Set&, const or not as `sets` is.
template <typename Sets>
auto& SetOf(Sets& sets, PubSubKind kind) {
  switch (kind) {
    case PubSubKind::kChannel: return sets.channels;
    case PubSubKind::kPattern: return sets.patterns;
    case PubSubKind::kShard: break;
  }
  return sets.shard_channels;
}

}  // namespace

const ClientSubscriptionSets::Set& ClientSubscriptions(const ClientState& c, PubSubKind kind) {
  static const ClientSubscriptionSets kNone;
  return SetOf(c.subscriptions ? *c.subscriptions : kNone, kind);
}

size_t SubscriptionCount(const ClientState& c, PubSubKind kind) {
  if (kind == PubSubKind::kShard) return ClientSubscriptions(c, kind).size();
  return ClientSubscriptions(c, PubSubKind::kChannel).size() +
         ClientSubscriptions(c, PubSubKind::kPattern).size();
}

PubSub::Subscriptions& PubSub::Table(PubSubKind kind) {
  switch (kind) {
    case PubSubKind::kChannel: return channels_;
    case PubSubKind::kPattern: return patterns_;
    case PubSubKind::kShard: break;
  }
  return shard_channels_;
}

const PubSub::Subscriptions& PubSub::Table(PubSubKind kind) const {
  return const_cast<PubSub*>(this)->Table(kind);
}

bool PubSub::Subscribe(ClientState& c, PubSubKind kind, std::string_view name) {
  if (!c.subscriptions) c.subscriptions = std::make_unique<ClientSubscriptionSets>();
  auto [it, added] = SetOf(*c.subscriptions, kind).emplace(name);
  if (!added) return false;
  Subscriptions& table = Table(kind);
  auto entry = table.find(name);
  if (entry == table.end()) entry = table.emplace(std::string(name), Subscriber{}).first;
  entry->second.emplace(c.id, &c);
  return true;
}

bool PubSub::Unsubscribe(ClientState& c, PubSubKind kind, std::string_view name) {
  if (!c.subscriptions) return false;
  auto& mine = SetOf(*c.subscriptions, kind);
  auto it = mine.find(name);
  if (it == mine.end()) return false;
  Subscriptions& table = Table(kind);
  auto entry = table.find(name);
  if (entry != table.end()) {
    entry->second.erase(c.id);
    if (entry->second.empty()) table.erase(entry);  // no longer an active channel
  }
  mine.erase(it);
  return true;
}

void PubSub::RemoveClient(ClientState& c) {
  for (PubSubKind kind : {PubSubKind::kChannel, PubSubKind::kPattern, PubSubKind::kShard}) {
    const auto& mine = ClientSubscriptions(c, kind);
    while (!mine.empty()) Unsubscribe(c, kind, *mine.begin());
  }
  c.subscriptions.reset();
  c.pubsub = false;
}

size_t PubSub::Publish(std::string_view channel, std::string_view message, bool shard) {
  size_t receivers = 0;
  const Subscriptions& table = shard ? shard_channels_ : channels_;
  if (auto it = table.find(channel); it != table.end()) {
    Frame frame(shard ? "smessage" : "message", nullptr, channel, message);
    for (auto& [id, client] : it->second) Deliver(*client, frame);
    receivers += it->second.size();
  }
  if (shard) return receivers;
  for (const auto& [pattern, subscribers] : patterns_) {
    if (!GlobMatch(pattern, channel)) continue;
    Frame frame("pmessage", &pattern, channel, message);
    for (auto& [id, client] : subscribers) Deliver(*client, frame);
    receivers += subscribers.size();
  }
  return receivers;
}

size_t PubSub::Subscribers(PubSubKind kind, std::string_view name) const {
  const Subscriptions& table = Table(kind);
  auto it = table.find(name);
  return it == table.end() ? 0 : it->second.size();
}

std::vector<std::string_view> PubSub::Names(PubSubKind kind,
                                            const std::string_view* pattern) const {
  std::vector<std::string_view> names;
  for (const auto& [name, subscribers] : Table(kind)) {
    if (!pattern || GlobMatch(*pattern, name)) names.push_back(name);
  }
  return names;
}

bool AllowedInSubscriberMode(const ClientState& c, const CommandSpec& spec) {
  if (!c.pubsub || c.resp != 2) return true;
  static constexpr std::string_view kAllowed[] = {
      "ping", "subscribe", "ssubscribe", "unsubscribe", "sunsubscribe",
      "psubscribe", "punsubscribe", "quit", "reset"};
  for (std::string_view name : kAllowed) {
    if (spec.name == name) return true;
  }
  return false;
}

std::string SubscriberModeError(const CommandSpec& spec) {
  return "ERR Can't execute '" + spec.name +
         "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this "
         "context";
}

ClientClass OutputLimitClass(const ClientState& c) {
  if (c.replica) return kClientReplica;
  return c.pubsub ? kClientPubSub : kClientNormal;
}

bool OutputLimitReached(const OutputBufferLimit& limit, size_t pending, int64_t now_sec,
                        int64_t& soft_since_sec) {
  const auto used = static_cast<int64_t>(pending);
  const bool hard = limit.hard > 0 && used >= limit.hard;
  bool soft = limit.soft > 0 && used >= limit.soft;
  if (soft) {
    if (soft_since_sec == 0) {
      soft_since_sec = now_sec;
      soft = false;  // first time over the soft limit
    } else if (now_sec - soft_since_sec <= limit.soft_seconds) {
      soft = false;  // not over it for long enough yet
    }
  } else {
    soft_since_sec = 0;
  }
  return hard || soft;
}

std::string DescribeClient(const ClientState& c) {
  std::string flags;
  if (c.pubsub) flags += 'P';
  if (c.blocked) flags += 'b';
  if (flags.empty()) flags = "N";
  return "id=" + std::to_string(c.id) + " addr=" + c.addr + " laddr=" + c.laddr +
         " fd=" + std::to_string(c.fd) + " name=" + std::string(c.name()) + " flags=" + flags +
         " db=" + std::to_string(c.db) +
         " sub=" + std::to_string(ClientSubscriptions(c, PubSubKind::kChannel).size()) +
         " psub=" + std::to_string(ClientSubscriptions(c, PubSubKind::kPattern).size()) +
         " ssub=" + std::to_string(ClientSubscriptions(c, PubSubKind::kShard).size()) +
         " omem=" + std::to_string(c.output_buffer_bytes.load(std::memory_order_relaxed)) +
         " cmd=" + (c.last_command ? c.last_command->name : std::string("NULL")) +
         " user=" + std::string(ClientUserName(c)) + " resp=" + std::to_string(c.resp);
}

}  // namespace kvd
