// Pub/sub commands: (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PUBLISH, SPUBLISH and the PUBSUB
// container. Subscribe confirmations are push frames in RESP3 (arrays in RESP2), one per
// channel named, each with the client's subscription count after it.
#include <string>
#include <string_view>
#include <vector>

#include "server/client_state.h"
#include "server/command.h"
#include "server/commands/key_spec.h"
#include "server/commands/subcommand_help.h"
#include "server/pubsub.h"
#include "server/replication/replication.h"
#include "server/server_state.h"

namespace kvd {
namespace {

struct KindNames {
  std::string_view subscribe, unsubscribe;
};

KindNames NamesOf(PubSubKind kind) {
  switch (kind) {
    case PubSubKind::kChannel: return {"subscribe", "unsubscribe"};
    case PubSubKind::kPattern: return {"psubscribe", "punsubscribe"};
    case PubSubKind::kShard: break;
  }
  return {"ssubscribe", "sunsubscribe"};
}

void Confirm(CommandContext& ctx, std::string_view what, const std::string_view* name,
             PubSubKind kind) {
  ReplyWriter& r = ctx.reply;
  r.PushHeader(3);
  r.Bulk(what);
  if (name) {
    r.Bulk(*name);
  } else {
    r.Null();
  }
  r.Integer(static_cast<int64_t>(SubscriptionCount(ctx.client, kind)));
}

void Subscribe(CommandContext& ctx, PubSubKind kind) {
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    ctx.server.pubsub.Subscribe(ctx.client, kind, ctx.args[i]);
    Confirm(ctx, NamesOf(kind).subscribe, &ctx.args[i], kind);
  }
  ctx.client.pubsub = true;
}

void Unsubscribe(CommandContext& ctx, PubSubKind kind) {
  const std::string_view what = NamesOf(kind).unsubscribe;
  if (ctx.args.size() == 1) {
    // Everything of this kind; with nothing to drop, one confirmation without a name.
    auto& mine = ClientSubscriptions(ctx.client, kind);
    if (mine.empty()) Confirm(ctx, what, nullptr, kind);
    while (!mine.empty()) {
      std::string name = *mine.begin();
      ctx.server.pubsub.Unsubscribe(ctx.client, kind, name);
      const std::string_view view = name;
      Confirm(ctx, what, &view, kind);
    }
  } else {
    for (size_t i = 1; i < ctx.args.size(); ++i) {
      ctx.server.pubsub.Unsubscribe(ctx.client, kind, ctx.args[i]);
      Confirm(ctx, what, &ctx.args[i], kind);
    }
  }
  ClientState& c = ctx.client;
  if (SubscriptionCount(c, PubSubKind::kChannel) == 0 &&
      SubscriptionCount(c, PubSubKind::kShard) == 0) {
    c.pubsub = false;
    c.subscriptions.reset();
  }
}

void CmdSubscribe(CommandContext& ctx) { Subscribe(ctx, PubSubKind::kChannel); }
void CmdPSubscribe(CommandContext& ctx) { Subscribe(ctx, PubSubKind::kPattern); }
void CmdSSubscribe(CommandContext& ctx) { Subscribe(ctx, PubSubKind::kShard); }
void CmdUnsubscribe(CommandContext& ctx) { Unsubscribe(ctx, PubSubKind::kChannel); }
void CmdPUnsubscribe(CommandContext& ctx) { Unsubscribe(ctx, PubSubKind::kPattern); }
void CmdSUnsubscribe(CommandContext& ctx) { Unsubscribe(ctx, PubSubKind::kShard); }

// Replicas get every message too, for their own subscribers (Redis propagates PUBLISH to
// replicas, not to the append-only file).
void FeedReplicas(CommandContext& ctx) {
  Replication* replication = ctx.server.replication;
  if (replication != nullptr && replication->wants_feed()) {
    replication->Feed(ctx.client.db, ctx.args);
  }
}

void CmdPublish(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.server.pubsub.Publish(ctx.args[1], ctx.args[2])));
  FeedReplicas(ctx);
}

void CmdSPublish(CommandContext& ctx) {
  ctx.reply.Integer(
      static_cast<int64_t>(ctx.server.pubsub.Publish(ctx.args[1], ctx.args[2], true)));
  FeedReplicas(ctx);
}

// Redis's addReplySubcommandSyntaxError, with the subcommand as sent.
void SubcommandSyntaxError(CommandContext& ctx) {
  ctx.Error("ERR unknown subcommand or wrong number of arguments for '" +
            std::string(ctx.args[1]) + "'. Try PUBSUB HELP.");
}

void ReplyNames(CommandContext& ctx, PubSubKind kind) {
  if (ctx.args.size() > 3) return SubcommandSyntaxError(ctx);
  const std::string_view* pattern = ctx.args.size() == 3 ? &ctx.args[2] : nullptr;
  std::vector<std::string_view> names = ctx.server.pubsub.Names(kind, pattern);
  ctx.reply.ArrayHeader(names.size());
  for (std::string_view n : names) ctx.reply.Bulk(n);
}

void ReplyNumSub(CommandContext& ctx, PubSubKind kind) {
  ctx.reply.ArrayHeader((ctx.args.size() - 2) * 2);
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    ctx.reply.Bulk(ctx.args[i]);
    ctx.reply.Integer(static_cast<int64_t>(ctx.server.pubsub.Subscribers(kind, ctx.args[i])));
  }
}

void CmdPubSubChannels(CommandContext& ctx) { ReplyNames(ctx, PubSubKind::kChannel); }
void CmdPubSubShardChannels(CommandContext& ctx) { ReplyNames(ctx, PubSubKind::kShard); }
void CmdPubSubNumSub(CommandContext& ctx) { ReplyNumSub(ctx, PubSubKind::kChannel); }
void CmdPubSubShardNumSub(CommandContext& ctx) { ReplyNumSub(ctx, PubSubKind::kShard); }

void CmdPubSubNumPat(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.server.pubsub.Count(PubSubKind::kPattern)));
}

void CmdPubSubHelp(CommandContext& ctx) {
  ReplySubcommandHelp(
      ctx.reply, "PUBSUB",
      {"CHANNELS [<pattern>]",
       "    Return the currently active channels matching a <pattern> (default: '*').",
       "NUMPAT", "    Return number of subscriptions to patterns.", "NUMSUB [<channel> ...]",
       "    Return the number of subscribers for the specified channels, excluding",
       "    pattern subscriptions(default: no channels).", "SHARDCHANNELS [<pattern>]",
       "    Return the currently active shard level channels matching a <pattern> (default: "
       "'*').",
       "SHARDNUMSUB [<shardchannel> ...]",
       "    Return the number of subscribers for the specified shard level channel(s)"});
}

constexpr uint32_t kSubscribeFlags = kPubSub | kNoScript | kLoading | kStale;
constexpr uint32_t kPublishFlags = kPubSub | kLoading | kStale | kFast | kMayReplicate;
constexpr uint32_t kIntrospectFlags = kPubSub | kLoading | kStale;
constexpr std::string_view kSlowCats = "@pubsub @slow";

CommandSpec PubSubContainer() {
  CommandSpec pubsub = MakeSpec("pubsub", -2, 0, kNoKeys, nullptr,
                                {"@slow", "pubsub", "2.8.0", "A container for Pub/Sub commands.",
                                 "Depends on subcommand."});
  pubsub.subcommands = {
      MakeSpec("pubsub|channels", -2, kIntrospectFlags, kNoKeys, CmdPubSubChannels,
               {kSlowCats, "pubsub", "2.8.0", "Returns the active channels.",
                "O(N) where N is the number of active channels, and assuming constant time "
                "pattern matching (relatively short channels and patterns)"}),
      MakeSpec("pubsub|numpat", 2, kIntrospectFlags, kNoKeys, CmdPubSubNumPat,
               {kSlowCats, "pubsub", "2.8.0", "Returns a count of unique pattern subscriptions.",
                "O(1)"}),
      MakeSpec("pubsub|numsub", -2, kIntrospectFlags, kNoKeys, CmdPubSubNumSub,
               {kSlowCats, "pubsub", "2.8.0", "Returns a count of subscribers to channels.",
                "O(N) for the NUMSUB subcommand, where N is the number of requested channels"}),
      MakeSpec("pubsub|shardchannels", -2, kIntrospectFlags, kNoKeys, CmdPubSubShardChannels,
               {kSlowCats, "pubsub", "7.0.0", "Returns the active shard channels.",
                "O(N) where N is the number of active shard channels, and assuming constant "
                "time pattern matching (relatively short shard channels)."}),
      MakeSpec("pubsub|shardnumsub", -2, kIntrospectFlags, kNoKeys, CmdPubSubShardNumSub,
               {kSlowCats, "pubsub", "7.0.0",
                "Returns the count of subscribers of shard channels.",
                "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard "
                "channels"}),
      MakeSpec("pubsub|help", 2, kLoading | kStale, kNoKeys, CmdPubSubHelp,
               {kSlowCats, "pubsub", "6.2.0",
                "Returns helpful text about the different subcommands.", "O(1)"}),
  };
  return pubsub;
}

}  // namespace

void RegisterPubSubFamily(CommandTable& t) {
  t.Add(MakeSpec("subscribe", -2, kSubscribeFlags, kNoKeys, CmdSubscribe,
                 {kSlowCats, "pubsub", "2.0.0", "Listens for messages published to channels.",
                  "O(N) where N is the number of channels to subscribe to."}));
  t.Add(MakeSpec("unsubscribe", -1, kSubscribeFlags, kNoKeys, CmdUnsubscribe,
                 {kSlowCats, "pubsub", "2.0.0",
                  "Stops listening to messages posted to channels.",
                  "O(N) where N is the number of channels to unsubscribe."}));
  t.Add(MakeSpec("psubscribe", -2, kSubscribeFlags, kNoKeys, CmdPSubscribe,
                 {kSlowCats, "pubsub", "2.0.0",
                  "Listens for messages published to channels that match one or more patterns.",
                  "O(N) where N is the number of patterns to subscribe to."}));
  t.Add(MakeSpec("punsubscribe", -1, kSubscribeFlags, kNoKeys, CmdPUnsubscribe,
                 {kSlowCats, "pubsub", "2.0.0",
                  "Stops listening to messages published to channels that match one or more "
                  "patterns.",
                  "O(N) where N is the number of patterns to unsubscribe."}));
  t.Add(MakeSpec("publish", 3, kPublishFlags, kNoKeys, CmdPublish,
                 {"@pubsub @fast", "pubsub", "2.0.0", "Posts a message to a channel.",
                  "O(N+M) where N is the number of clients subscribed to the receiving channel "
                  "and M is the total number of subscribed patterns (by any client)."}));
  t.Add(MakeSpec("ssubscribe", -2, kSubscribeFlags, kAllKeys, CmdSSubscribe,
                 {kSlowCats, "pubsub", "7.0.0",
                  "Listens for messages published to shard channels.",
                  "O(N) where N is the number of shard channels to subscribe to."}));
  t.Add(MakeSpec("sunsubscribe", -1, kSubscribeFlags, kAllKeys, CmdSUnsubscribe,
                 {kSlowCats, "pubsub", "7.0.0",
                  "Stops listening to messages posted to shard channels.",
                  "O(N) where N is the number of shard channels to unsubscribe."}));
  t.Add(MakeSpec("spublish", 3, kPublishFlags, kOneKey, CmdSPublish,
                 {"@pubsub @fast", "pubsub", "7.0.0", "Post a message to a shard channel",
                  "O(N) where N is the number of clients subscribed to the receiving shard "
                  "channel."}));
  t.Add(PubSubContainer());
}

}  // namespace kvd
