#pragma once
// What a command is (CommandSpec, kept in one table) and what its handler gets
// (CommandContext). Handlers never re-check arity: the dispatcher did.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/keyspace.h"
#include "core/store.h"
#include "protocol/reply_writer.h"

namespace kvd {

struct ClientState;
class ServerState;
struct CommandContext;
class Dispatcher;
class LatencyHistogram;

// Redis's command flags, as COMMAND INFO names them.
enum CommandFlag : uint32_t {
  kWrite = 1u << 0,             // "write"
  kReadOnly = 1u << 1,          // "readonly"
  kDenyOom = 1u << 2,           // "denyoom"
  kAdmin = 1u << 3,             // "admin"
  kPubSub = 1u << 4,            // "pubsub"
  kNoScript = 1u << 5,          // "noscript"
  kBlocking = 1u << 6,          // "blocking"
  kLoading = 1u << 7,           // "loading": allowed while loading
  kStale = 1u << 8,             // "stale"
  kSkipMonitor = 1u << 9,       // "skip_monitor"
  kSkipSlowlog = 1u << 10,      // "skip_slowlog"
  kFast = 1u << 11,             // "fast"
  kNoAuth = 1u << 12,           // "no_auth": allowed before AUTH
  kAllowBusy = 1u << 13,        // "allow_busy"
  kNoMulti = 1u << 14,          // "no_multi"
  kMovableKeys = 1u << 15,      // "movablekeys": set for commands with numkeys_index
  kNoMandatoryKeys = 1u << 16,  // "no_mandatory_keys": may be called with no key (EVAL ... 0)
  // Redis's CMD_MAY_REPLICATE (not shown by COMMAND INFO): not a write, but it may emit one
  // (PUBLISH, PFCOUNT caching its count), so read-only scripts may not call it.
  kMayReplicate = 1u << 17,
  // Redis's CMD_PROTECTED (not shown by COMMAND INFO): refused unless its enabling option
  // allows it (DEBUG: enable-debug-command, MODULE LOAD/UNLOAD: enable-module-command).
  kProtected = 1u << 18,
  kAsking = 1u << 19,  // "asking": RESTORE-ASKING (a cluster's importing slots)
  // Not shown by COMMAND INFO: a write Redis signals neither as a modified key (WATCH,
  // client-side caching) nor as a ready key (blocked clients). XSETID and the consumer group
  // commands change a stream's bookkeeping, not what XRANGE reads. A key they create
  // (XGROUP CREATE ... MKSTREAM) still counts; XGROUP DESTROY wakes its blocked readers itself.
  kNoKeySignal = 1u << 20,
  // "no_async_loading": refused while a replica loads its master's data in the background
  // (Redis's repl-diskless-load swapdb). kvd never loads in the background, so it only shows.
  kNoAsyncLoading = 1u << 21,
};

using CommandHandler = void (*)(CommandContext&);

struct CommandSpec {
  std::string name;    // lower case; subcommands as "client|list"
  int arity = 0;       // N: exactly N args incl. the name; -N: at least N
  uint32_t flags = 0;  // CommandFlag bits
  int first_key = 0;   // 0: no keys
  int last_key = 0;    // -1: the last argument
  int key_step = 0;
  // Keys counted by an argument (Redis's "keynum" key spec, ZUNION 2 a b): argv[i] gives how
  // many keys follow it. 0: none.
  int numkeys_index = 0;
  CommandHandler handler = nullptr;  // null for a container of subcommands
  // COMMAND INFO / COMMAND DOCS metadata.
  std::string_view acl_categories;  // space separated, e.g. "@write @string @slow"
  std::string_view group;           // "string", "generic", "connection", "server"...
  std::string_view summary;
  std::string_view since;                // "1.0.0"
  std::string_view complexity;           // "O(1)"
  std::vector<CommandSpec> subcommands;  // CLIENT LIST, CONFIG GET...

  // Statistics for INFO commandstats (touched on the store strand only).
  mutable uint64_t calls = 0;
  mutable uint64_t usec = 0;
  mutable uint64_t rejected_calls = 0;
  mutable uint64_t failed_calls = 0;
  // Its latency distribution (LATENCY HISTOGRAM): made on its first call, when
  // latency-tracking is on.
  mutable std::shared_ptr<LatencyHistogram> latency_histogram;
};

struct CommandContext {
  std::span<const std::string_view> args;  // args[0] is the command name as sent
  ReplyWriter& reply;
  Store& store;
  ClientState& client;
  ServerState& server;
  const CommandSpec& spec;
  int64_t now_ms;  // read once per command

  Keyspace& db();  // the client's selected database

  // Error replies go through here so INFO errorstats and failed_calls see them.
  // `message` is the full text without '-', e.g. "ERR syntax error".
  void Error(std::string_view message);
  // An error counted where it arose, passed on (a script returning a called command's error
  // reply): the command fails, but INFO errorstats count it once, as Redis.
  void PassOnError(std::string_view message);
  bool failed = false;
  // Set by write commands that changed data (rdb_changes_since_last_save).
  void AddDirty(uint64_t n = 1);
  uint64_t dirty = 0;  // what this command added through AddDirty
  // Whether the keys this command opened for writing changed, for WATCH, client-side caching
  // (the store told of them as tentative writes) and the clients blocked on them.
  bool ChangedKeys() const {
    return (dirty > 0 || signal_unchanged) && !(spec.flags & kNoKeySignal);
  }

  // The append-only log. A command that called AddDirty is logged as it was sent, unless it
  // names what to log instead, because replaying it as sent could give another result:
  // EXPIRE logs PEXPIREAT (an absolute time), SPOP logs SREM of the members it popped,
  // INCRBYFLOAT logs SET of the result. Each call adds one command, logged in call order in
  // place of the original. A command that names what to log is logged even without
  // AddDirty (FLUSHDB of an empty database, which Redis always propagates).
  void Propagate(std::vector<std::string> command);
  std::vector<std::vector<std::string>> propagated;

  // The dispatcher running the command: EXEC runs the queued commands through it.
  Dispatcher* dispatcher = nullptr;

  // Set by a write that Redis signals as a modified key even when it changed nothing
  // (LTRIM's unconditional signalModifiedKey): see ChangedKeys.
  bool signal_unchanged = false;
};

// The table: every command, by lower-case name.
class CommandTable {
 public:
  void Add(CommandSpec spec);
  const CommandSpec* Find(std::string_view name) const;  // case-insensitive
  const std::vector<CommandSpec>& All() const { return specs_; }
  void Freeze();  // builds the lookup index once every family has registered

 private:
  // Open addressing over specs_ by an ASCII case-folding hash of the name: a lookup hashes
  // the name as sent once and compares one or two entries, with no lower-case copy. A name
  // of up to 8 bytes (GET, SET, HSET, LPUSH...) is folded into one word, which is both its
  // hash's input and what is compared.
  struct Slot {
    uint64_t key = 0;  // the folded name when it has at most 8 bytes
    uint32_t hash = 0;
    uint32_t length = 0;
    uint32_t spec = kEmptySlot;  // index into specs_
  };
  static constexpr uint32_t kEmptySlot = UINT32_MAX;
  std::vector<CommandSpec> specs_;
  std::vector<Slot> index_;  // power-of-two size, at most half full; empty until Freeze()
  size_t indexed_ = 0;       // specs_ entries in index_
};

// The subcommand of a container command by its name as sent ("list" for CLIENT LIST),
// case-insensitive; null when there is none.
const CommandSpec* FindSubcommand(const CommandSpec& container, std::string_view sub);

// One registration function per family file (server/commands/<family>.cpp), called
// explicitly from RegisterAllCommands (no static registration objects).
void RegisterConnectionFamily(CommandTable& t);
void RegisterServerFamily(CommandTable& t);
void RegisterKeyFamily(CommandTable& t);
void RegisterStringFamily(CommandTable& t);
void RegisterBitmapFamily(CommandTable& t);  // SETBIT, BITCOUNT, BITFIELD... (bitmap_family.cpp)
void RegisterListFamily(CommandTable& t);
void RegisterHashFamily(CommandTable& t);
void RegisterSetFamily(CommandTable& t);
void RegisterZSetFamily(CommandTable& t);
void RegisterHllFamily(CommandTable& t);  // PFADD, PFCOUNT... (hll_family.cpp)
void RegisterGeoFamily(CommandTable& t);  // geo_family.cpp
// XADD, XRANGE, XTRIM, XREAD... (stream_family.cpp)
void RegisterStreamFamily(CommandTable& t);
// XGROUP, XREADGROUP, XACK, XCLAIM, XPENDING, XINFO... (stream_group_family.cpp)
void RegisterStreamGroupFamily(CommandTable& t);
void RegisterObjectFamily(CommandTable& t);         // OBJECT ENCODING, OBJECT HELP
void RegisterAofCommands(CommandTable& t);          // BGREWRITEAOF (aof_commands.cpp)
void RegisterPubSubFamily(CommandTable& t);         // pubsub_commands.cpp
void RegisterTransactionCommands(CommandTable& t);  // MULTI, EXEC... (transaction_commands.cpp)
void RegisterSlowlogCommands(CommandTable& t);      // SLOWLOG (slowlog_commands.cpp)
void RegisterLatencyCommands(CommandTable& t);      // LATENCY (latency_commands.cpp)
void RegisterScriptCommands(CommandTable& t);       // EVAL..., SCRIPT (script_commands.cpp)
void RegisterFunctionCommands(CommandTable& t);     // FCALL..., FUNCTION (function_commands.cpp)
void RegisterReplicaofCommands(CommandTable& t);    // REPLICAOF, SLAVEOF, FAILOVER
void RegisterDebugCommand(CommandTable& t);         // DEBUG (debug_command.cpp)
// CLUSTER, READONLY, READWRITE, ASKING: cluster support disabled (cluster_commands.cpp)
void RegisterClusterCommands(CommandTable& t);
void RegisterModuleCommand(CommandTable& t);  // MODULE: none loaded (module_command.cpp)
void RegisterLolwutCommand(CommandTable& t);  // LOLWUT (lolwut_command.cpp)
void RegisterAllCommands(CommandTable& t);

}  // namespace kvd
