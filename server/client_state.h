#pragma once
// What the commands know of one client connection. Owned by the connection; read and
// written by commands on the store strand only, except the atomics, which the connection
// updates from its own strand for CLIENT LIST.
#include <atomic>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "server/transaction_state.h"

namespace kvd {

class AclUser;
struct CommandSpec;

// A client's pub/sub subscriptions by kind (server/pubsub.h).
struct ClientSubscriptionSets {
  using Set = std::set<std::string, std::less<>>;
  Set channels;
  Set patterns;
  Set shard_channels;
};

// What the store strand asks of the connection that owns a client; the connection
// (server/net/connection.h) implements it. A client without one (unit tests, the AOF
// loader) is never killed, resumed or pushed to. One pointer where three std::functions
// took 96 bytes of every client.
class ClientLink {
 public:
  // Closes the connection (CLIENT KILL, idle timeout): posts the close and returns.
  virtual void Kill() = 0;
  // Sends the reply of the blocking command once it is served, times out or is unblocked,
  // and lets the client's later commands run.
  virtual void Resume(std::string reply) = 0;
  // Delivers one encoded push frame (a message, a keyspace notification, a monitor line).
  // During the client's own command the frame follows that command's reply, as in Redis 7.2.
  virtual void Push(std::string_view frame) = 0;
  // Bytes pushed or replied that the socket has not taken yet (a replica's snapshot is sent
  // a slice at a time while this stays small).
  virtual size_t PendingOutputBytes() const = 0;

 protected:
  ~ClientLink() = default;
};

struct ClientState {
  uint64_t id = 0;
  std::string addr;   // "127.0.0.1:51234"
  std::string laddr;  // "127.0.0.1:6379"
  // CLIENT SETNAME (HELLO SETNAME) and CLIENT SETINFO LIB-NAME / LIB-VER: made by the first
  // of them, as many clients set none (Redis too keeps them behind pointers); read through
  // name(), lib_name(), lib_ver().
  struct Names {
    std::string name;
    std::string lib_name;
    std::string lib_ver;
  };
  std::unique_ptr<Names> names;
  std::string_view name() const { return names ? std::string_view(names->name) : ""; }
  std::string_view lib_name() const { return names ? std::string_view(names->lib_name) : ""; }
  std::string_view lib_ver() const { return names ? std::string_view(names->lib_ver) : ""; }
  Names& SetNames() {
    if (!names) names = std::make_unique<Names>();
    return *names;
  }
  size_t db = 0;
  int resp = 2;  // 2 or 3 (HELLO 3)
  int fd = -1;
  bool authenticated = false;
  bool tls = false;  // came in on the tls-port
  // Set by a command; the connection acts on it after sending the batch's replies.
  bool close_after_reply = false;  // QUIT, or a protocol error
  // SCRIPT DEBUG YES / SYNC (server/scripting/debug_session.cpp): the client's next EVAL
  // runs under the Lua debugger, in a forked child or holding the server.
  enum class LuaDebug : uint8_t { kOff, kForked, kSync };
  LuaDebug lua_debug = LuaDebug::kOff;
  // A forked debugging session took the socket over: the connection drops its output and
  // closes its descriptor without shutting the connection down, which the child still uses.
  bool socket_handed_off = false;
  // The ACL user the client is authenticated as (server/acl/acl.h; its name through
  // ClientUserName).
  std::shared_ptr<AclUser> acl_user;
  int64_t created_ms = 0;
  int64_t last_interaction_ms = 0;
  // The last command run, for CLIENT LIST cmd= (its name: "client|list"); the command
  // table outlives every client. Null before the first.
  const CommandSpec* last_command = nullptr;
  uint64_t commands = 0;  // commands run, for CLIENT LIST (tot-cmds)

  // Buffer sizes, updated by the connection for CLIENT LIST (qbuf, omem...).
  std::atomic<size_t> query_buffer_bytes{0};
  std::atomic<size_t> output_buffer_bytes{0};

  // The connection, for what the store strand asks of it; null when there is none.
  ClientLink* link = nullptr;

  // The append-only file's loader (server/aof/aof_loader.h): its commands are a replay, not
  // new writes, so they are never refused (maxmemory, disk errors) nor logged again.
  bool replaying_aof = false;
  // The client a script's redis.call runs as (Redis's CLIENT_SCRIPT).
  bool script = false;

  // Replication (server/replication/replication.h). `replica`: this connection is a replica
  // of ours (SYNC/PSYNC made it one: it gets the replication stream, CLIENT LIST flag S);
  // `master`: this client applies our master's stream (flag M: never refused, never
  // answered). `woff`: the replication offset right after the client's last command, which
  // WAIT waits for replicas to reach.
  bool replica = false;
  bool master = false;
  int64_t woff = 0;

  // Blocking commands (BLPOP...). `blocked`: the client waits in ServerState::blocked, and
  // its later commands wait with it. `deny_blocking`: inside MULTI/EXEC or a script, where a
  // blocking command answers at once, as if it had timed out.
  bool blocked = false;
  bool deny_blocking = false;

  // Pub/sub (server/pubsub.h): the client's subscriptions, made by its first subscription
  // (most clients never subscribe; the three sets take 144 bytes) and read through
  // ClientSubscriptions; and `pubsub`, Redis's CLIENT_PUBSUB flag (set by a subscription,
  // cleared when the last one goes).
  bool pubsub = false;
  std::unique_ptr<ClientSubscriptionSets> subscriptions;

  // MULTI/EXEC and WATCH (server/transaction.h): made by the first MULTI or WATCH and
  // dropped when EXEC or DISCARD ends the transaction, as most clients never use them.
  std::unique_ptr<TransactionState> txn;
  bool InMulti() const { return txn != nullptr && txn->active; }
  TransactionState& Txn() {
    if (!txn) txn = std::make_unique<TransactionState>();
    return *txn;
  }

  // CLIENT REPLY (Redis's CLIENT_REPLY_OFF, _SKIP_NEXT, _SKIP): kOff drops every reply until
  // CLIENT REPLY ON; SKIP sets kSkipNext, which becomes kSkip once its own command is done,
  // so that only the next command's reply is dropped. Pushes are never dropped.
  enum class ReplyMode { kOn, kOff, kSkipNext, kSkip };
  ReplyMode reply_mode = ReplyMode::kOn;
  bool no_evict = false;  // CLIENT NO-EVICT (flag 'e'); kvd evicts no clients yet
  bool monitor = false;   // MONITOR: sees every command run (server/monitor.h)
  // A command waits for CLIENT PAUSE to end (server/client_pause.h); `blocked` is set too,
  // so that the connection holds the client's later commands as for a blocking command.
  bool paused = false;

  // CLIENT NO-TOUCH: this client's commands, TOUCH excepted, leave keys' access time and
  // LFU counter alone.
  bool no_touch = false;

  // Client-side caching, CLIENT TRACKING (server/tracking.h). `tracking_redirect`: the id of
  // the client invalidations go to (0: this one); `tracking_caching`: CLIENT CACHING was
  // given for the next command; `tracking_broken_redir`: the redirect client went away.
  bool tracking = false;
  bool tracking_bcast = false;
  bool tracking_optin = false;
  bool tracking_optout = false;
  bool tracking_noloop = false;
  bool tracking_caching = false;
  bool tracking_broken_redir = false;
  uint64_t tracking_redirect = 0;

  // What the client's own state takes, for CLIENT LIST tot-mem and client memory in INFO.
  size_t StateBytes() const {
    if (!names) return sizeof(ClientState);
    return sizeof(ClientState) + sizeof(Names) + names->name.capacity() +
           names->lib_name.capacity() + names->lib_ver.capacity();
  }
  // The state plus unparsed input and unsent output: what used_memory counts for the client.
  size_t MemoryBytes() const {
    return StateBytes() + query_buffer_bytes.load(std::memory_order_relaxed) +
           output_buffer_bytes.load(std::memory_order_relaxed);
  }
};

}  // namespace kvd
