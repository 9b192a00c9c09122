// CLIENT ID|SETNAME|GETNAME|SETINFO|INFO|LIST|KILL|UNBLOCK|PAUSE|UNPAUSE|REPLY|NO-EVICT|HELP,
// and MONITOR.
#include "server/commands/client_commands.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/numeric.h"
#include "core/text.h"
#include "server/acl/acl.h"
#include "server/blocking.h"
#include "server/client_state.h"
#include "server/command.h"
#include "server/commands/client_no_touch.h"
#include "server/commands/client_tracking.h"
#include "server/commands/key_spec.h"
#include "server/commands/subcommand_help.h"
#include "server/dispatcher.h"
#include "server/errors.h"
#include "server/pubsub.h"
#include "server/server_state.h"
#include "server/transaction.h"

namespace kvd {

bool IsValidClientAttr(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '!' && ch <= '~'; });
}

namespace {

// Redis's client types (getClientType): a replica of ours, our master's link, a client with
// a subscription, or a normal one.
enum class ClientType { kNormal, kReplica, kPubSub, kMaster };

ClientType TypeOf(const ClientState& c) {
  if (c.master) return ClientType::kMaster;
  if (c.replica) return ClientType::kReplica;
  return c.pubsub ? ClientType::kPubSub : ClientType::kNormal;
}

std::optional<ClientType> ParseClientType(std::string_view name) {
  if (EqualsIgnoreCase(name, "normal")) return ClientType::kNormal;
  if (EqualsIgnoreCase(name, "slave") || EqualsIgnoreCase(name, "replica")) {
    return ClientType::kReplica;
  }
  if (EqualsIgnoreCase(name, "pubsub")) return ClientType::kPubSub;
  if (EqualsIgnoreCase(name, "master")) return ClientType::kMaster;
  return std::nullopt;
}

std::string UnknownTypeError(std::string_view name) {
  return "ERR Unknown client type '" + std::string(name) + "'";
}

void AppendField(std::string& out, std::string_view key, std::string_view value) {
  if (!out.empty()) out += ' ';
  out.append(key).append("=").append(value);
}

void AppendField(std::string& out, std::string_view key, int64_t value) {
  AppendField(out, key, std::string_view(std::to_string(value)));
}

// One CLIENT LIST line (without the newline), with Redis 7.2's fields in Redis's order.
// Fields kvd has no counterpart for (reply buffer blocks) report what is true of it: no
// blocks.
std::string ClientInfoLine(const ClientState& c, const CommandContext& ctx) {
  const bool self = &c == &ctx.client;
  int64_t argv_mem = 0;
  if (self) {
    for (std::string_view a : ctx.args) argv_mem += static_cast<int64_t>(a.size());
  }
  const auto qbuf = static_cast<int64_t>(c.query_buffer_bytes.load(std::memory_order_relaxed));
  const auto omem = static_cast<int64_t>(c.output_buffer_bytes.load(std::memory_order_relaxed));
  const int64_t tot_mem = static_cast<int64_t>(c.StateBytes()) + qbuf + omem + argv_mem;
  const int64_t age = std::max<int64_t>(0, (ctx.now_ms - c.created_ms) / 1000);
  const int64_t idle = self ? 0 : std::max<int64_t>(0, (ctx.now_ms - c.last_interaction_ms) / 1000);
  // Inside EXEC the client's command is EXEC, as Redis shows it.
  const CommandSpec* shown = self && !(c.txn && c.txn->executing) ? &ctx.spec : c.last_command;
  const std::string cmd = shown ? shown->name : "NULL";

  std::string out;
  AppendField(out, "id", static_cast<int64_t>(c.id));
  AppendField(out, "addr", c.addr);
  AppendField(out, "laddr", c.laddr);
  AppendField(out, "fd", c.fd);
  AppendField(out, "name", c.name());
  AppendField(out, "age", age);
  AppendField(out, "idle", idle);
  // In Redis's order (catClientInfoString); 'N' when none.
  std::string flags;
  if (c.replica) flags += 'S';
  if (c.master) flags += 'M';
  if (c.monitor) flags += 'O';
  if (c.pubsub) flags += 'P';
  if (c.InMulti()) flags += 'x';
  if (c.blocked) flags += 'b';
  if (c.tracking) flags += 't';
  if (c.tracking_broken_redir) flags += 'R';
  if (c.tracking_bcast) flags += 'B';
  if (c.txn && c.txn->watch_touched) flags += 'd';
  if (c.close_after_reply) flags += 'c';
  if (c.no_evict) flags += 'e';
  if (c.no_touch) flags += 'T';
  AppendField(out, "flags", flags.empty() ? "N" : flags);
  AppendField(out, "db", static_cast<int64_t>(c.db));
  auto subscribed = [&c](PubSubKind kind) {
    return static_cast<int64_t>(ClientSubscriptions(c, kind).size());
  };
  AppendField(out, "sub", subscribed(PubSubKind::kChannel));
  AppendField(out, "psub", subscribed(PubSubKind::kPattern));
  AppendField(out, "ssub", subscribed(PubSubKind::kShard));
  AppendField(out, "multi", c.InMulti() ? static_cast<int64_t>(c.txn->queued.size()) : -1);
  AppendField(out, "qbuf", qbuf);
  AppendField(out, "qbuf-free", 0);
  AppendField(out, "argv-mem", argv_mem);
  AppendField(out, "multi-mem", static_cast<int64_t>(TransactionMemory(c)));
  AppendField(out, "rbs", 0);
  AppendField(out, "rbp", 0);
  AppendField(out, "obl", 0);
  AppendField(out, "oll", 0);
  AppendField(out, "omem", omem);
  AppendField(out, "tot-mem", tot_mem);
  AppendField(out, "events", "r");
  AppendField(out, "cmd", cmd);
  AppendField(out, "user", ClientUserName(c));
  AppendField(out, "redir", c.tracking ? static_cast<int64_t>(c.tracking_redirect) : -1);
  AppendField(out, "resp", c.resp);
  AppendField(out, "lib-name", c.lib_name());
  AppendField(out, "lib-ver", c.lib_ver());
  return out;
}

void CmdClientId(CommandContext& ctx) { ctx.reply.Integer(static_cast<int64_t>(ctx.client.id)); }

void CmdClientSetName(CommandContext& ctx) {
  std::string_view name = ctx.args[2];
  if (!IsValidClientAttr(name)) return ctx.Error(kClientNameErr);
  ctx.client.SetNames().name = name;  // an empty name clears it
  ctx.reply.Ok();
}

void CmdClientGetName(CommandContext& ctx) {
  if (ctx.client.name().empty()) return ctx.reply.Null();
  ctx.reply.Bulk(ctx.client.name());
}

void CmdClientSetInfo(CommandContext& ctx) {
  std::string_view attr = ctx.args[2];
  std::string_view value = ctx.args[3];
  const bool lib_name = EqualsIgnoreCase(attr, "lib-name");
  if (!lib_name && !EqualsIgnoreCase(attr, "lib-ver")) {
    return ctx.Error("ERR Unrecognized option '" + std::string(attr) + "'");
  }
  if (!IsValidClientAttr(value)) {
    return ctx.Error("ERR " + std::string(attr) +
                     " cannot contain spaces, newlines or special characters.");
  }
  ClientState::Names& names = ctx.client.SetNames();
  (lib_name ? names.lib_name : names.lib_ver).assign(value);
  ctx.reply.Ok();
}

void CmdClientInfo(CommandContext& ctx) {
  std::string line = ClientInfoLine(ctx.client, ctx);
  line += '\n';
  ctx.reply.Verbatim("txt", line);
}

void CmdClientList(CommandContext& ctx) {
  auto args = ctx.args;
  std::vector<const ClientState*> selected;
  if (args.size() == 4 && EqualsIgnoreCase(args[2], "type")) {
    std::optional<ClientType> type = ParseClientType(args[3]);
    if (!type) return ctx.Error(UnknownTypeError(args[3]));
    for (const auto& [id, c] : ctx.server.clients) {
      if (TypeOf(*c) == *type) selected.push_back(c);
    }
  } else if (args.size() > 3 && EqualsIgnoreCase(args[2], "id")) {
    for (size_t j = 3; j < args.size(); ++j) {
      std::optional<int64_t> id = ParseInt64(args[j]);
      if (!id) return ctx.Error("ERR Invalid client ID");
      auto it = ctx.server.clients.find(static_cast<uint64_t>(*id));
      if (*id > 0 && it != ctx.server.clients.end()) selected.push_back(it->second);
    }
  } else if (args.size() != 2) {
    return ctx.Error(kSyntaxErr);
  } else {
    for (const auto& [id, c] : ctx.server.clients) selected.push_back(c);
  }
  std::string text;
  for (const ClientState* c : selected) {
    text += ClientInfoLine(*c, ctx);
    text += '\n';
  }
  ctx.reply.Verbatim("txt", text);
}

struct KillFilter {
  std::optional<std::string_view> addr, laddr;
  std::optional<ClientType> type;
  uint64_t id = 0;
  std::optional<std::string_view> user;
  bool skip_me = true;
  int64_t max_age = 0;  // seconds; 0: any age

  bool Matches(const ClientState& c, int64_t now_ms) const {
    if (addr && c.addr != *addr) return false;
    if (laddr && c.laddr != *laddr) return false;
    if (type && *type != TypeOf(c)) return false;
    if (id != 0 && c.id != id) return false;
    if (user && ClientUserName(c) != *user) return false;
    // MAXAGE (Redis 7.4): connections at least that many seconds old.
    if (max_age != 0 && now_ms / 1000 - c.created_ms / 1000 < max_age) return false;
    return true;
  }
};

// Parses CLIENT KILL's filters (new form); returns an error text or nullopt.
std::optional<std::string> ParseKillFilter(std::span<const std::string_view> args, KillFilter& f,
                                           const Acl* acl) {
  for (size_t i = 2; i < args.size(); i += 2) {
    if (i + 1 >= args.size()) return std::string(kSyntaxErr);
    std::string_view opt = args[i];
    std::string_view val = args[i + 1];
    if (EqualsIgnoreCase(opt, "id")) {
      std::optional<int64_t> id = ParseInt64(val);
      if (!id || *id < 1) return "ERR client-id should be greater than 0";
      f.id = static_cast<uint64_t>(*id);
    } else if (EqualsIgnoreCase(opt, "type")) {
      f.type = ParseClientType(val);
      if (!f.type) return UnknownTypeError(val);
    } else if (EqualsIgnoreCase(opt, "addr")) {
      f.addr = val;
    } else if (EqualsIgnoreCase(opt, "laddr")) {
      f.laddr = val;
    } else if (EqualsIgnoreCase(opt, "user")) {
      if (acl == nullptr || acl->Find(val) == nullptr) {
        return "ERR No such user '" + std::string(val) + "'";
      }
      f.user = val;
    } else if (EqualsIgnoreCase(opt, "maxage")) {
      std::optional<int64_t> age = ParseInt64(val);
      if (!age) return std::string("ERR maxage is not an integer or out of range");
      f.max_age = *age;
    } else if (EqualsIgnoreCase(opt, "skipme")) {
      if (EqualsIgnoreCase(val, "yes")) {
        f.skip_me = true;
      } else if (EqualsIgnoreCase(val, "no")) {
        f.skip_me = false;
      } else {
        return std::string(kSyntaxErr);
      }
    } else {
      return std::string(kSyntaxErr);
    }
  }
  return std::nullopt;
}

// CLIENT KILL addr (old form: +OK or "No such client", may kill the caller) and
// CLIENT KILL <filter> <value> ... (new form: the number killed; skips the caller unless
// SKIPME no). The caller is closed after its reply; others through their kill hook.
void CmdClientKill(CommandContext& ctx) {
  auto args = ctx.args;
  const bool old_form = args.size() == 3;
  KillFilter filter;
  if (old_form) {
    filter.addr = args[2];
    filter.skip_me = false;
  } else if (auto err = ParseKillFilter(args, filter, ctx.server.acl.get())) {
    return ctx.Error(*err);
  }
  // Collect first: a kill hook may unregister its client while we iterate.
  std::vector<ClientState*> victims;
  for (const auto& [id, c] : ctx.server.clients) {
    if (!filter.Matches(*c, ctx.now_ms)) continue;
    if (c == &ctx.client && filter.skip_me) continue;
    victims.push_back(c);
  }
  int64_t killed = 0;
  for (ClientState* c : victims) {
    if (c == &ctx.client) {
      ctx.client.close_after_reply = true;
    } else if (c->link) {
      c->link->Kill();
    } else {
      continue;  // a connection without a hook cannot be closed from here
    }
    ++killed;
  }
  if (!old_form) return ctx.reply.Integer(killed);
  if (killed == 0) return ctx.Error("ERR No such client");
  ctx.reply.Ok();
}

// CLIENT UNBLOCK id [TIMEOUT|ERROR]: ends another client's blocking command as a timeout
// would (the default) or with an -UNBLOCKED error. 1 when the client was blocked, else 0.
void CmdClientUnblock(CommandContext& ctx) {
  if (ctx.args.size() > 4) {
    return ctx.Error("ERR unknown subcommand or wrong number of arguments for '" +
                     std::string(ctx.args[1]) + "'. Try CLIENT HELP.");
  }
  UnblockReply how = UnblockReply::kTimeout;
  if (ctx.args.size() == 4) {
    if (EqualsIgnoreCase(ctx.args[3], "error")) {
      how = UnblockReply::kError;
    } else if (!EqualsIgnoreCase(ctx.args[3], "timeout")) {
      return ctx.Error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
    }
  }
  std::optional<int64_t> id = ParseInt64(ctx.args[2]);
  if (!id) return ctx.Error(kNotIntegerErr);
  auto it = ctx.server.clients.find(static_cast<uint64_t>(*id));
  const bool unblocked =
      it != ctx.server.clients.end() && UnblockClient(ctx.server, *it->second, how);
  ctx.reply.Integer(unblocked ? 1 : 0);
}

// CLIENT PAUSE timeout [WRITE|ALL]: holds every command (ALL, the default) or those that
// may change data (WRITE) for `timeout` milliseconds.
void CmdClientPause(CommandContext& ctx) {
  auto args = ctx.args;
  if (args.size() > 4) {
    return ctx.Error("ERR unknown subcommand or wrong number of arguments for '" +
                     std::string(args[1]) + "'. Try CLIENT HELP.");
  }
  std::optional<int64_t> ms = ParseInt64(args[2]);
  if (!ms) return ctx.Error("ERR timeout is not an integer or out of range");
  if (*ms < 0) return ctx.Error("ERR timeout is negative");
  if (*ms > INT64_MAX - ctx.now_ms) return ctx.Error("ERR timeout is out of range");
  ClientPause::Mode mode = ClientPause::Mode::kAll;
  if (args.size() == 4) {
    if (EqualsIgnoreCase(args[3], "write")) {
      mode = ClientPause::Mode::kWrite;
    } else if (!EqualsIgnoreCase(args[3], "all")) {
      return ctx.Error("ERR CLIENT PAUSE mode must be WRITE or ALL");
    }
  }
  ctx.dispatcher->pause().Pause(ClientPause::Purpose::kClientCommand, mode, ctx.now_ms + *ms);
  ctx.reply.Ok();
}

// CLIENT UNPAUSE: the held commands run once this one is done.
void CmdClientUnpause(CommandContext& ctx) {
  ctx.dispatcher->pause().Unpause(ClientPause::Purpose::kClientCommand);
  ctx.reply.Ok();
}

// CLIENT REPLY ON|OFF|SKIP. OFF and SKIP reply nothing (their own reply is dropped too);
// SKIP while replies are off changes nothing. The dispatcher applies the mode.
void CmdClientReply(CommandContext& ctx) {
  using Mode = ClientState::ReplyMode;
  std::string_view arg = ctx.args[2];
  if (EqualsIgnoreCase(arg, "on")) {
    ctx.client.reply_mode = Mode::kOn;
    ctx.reply.Ok();
  } else if (EqualsIgnoreCase(arg, "off")) {
    ctx.client.reply_mode = Mode::kOff;
  } else if (EqualsIgnoreCase(arg, "skip")) {
    if (ctx.client.reply_mode != Mode::kOff) ctx.client.reply_mode = Mode::kSkipNext;
  } else {
    ctx.Error(kSyntaxErr);
  }
}

// CLIENT NO-EVICT ON|OFF: the client's flag 'e'. kvd evicts no clients (there is no
// maxmemory-clients), so the flag is only kept and reported.
void CmdClientNoEvict(CommandContext& ctx) {
  std::string_view arg = ctx.args[2];
  if (EqualsIgnoreCase(arg, "on")) {
    ctx.client.no_evict = true;
  } else if (EqualsIgnoreCase(arg, "off")) {
    ctx.client.no_evict = false;
  } else {
    return ctx.Error(kSyntaxErr);
  }
  ctx.reply.Ok();
}

// MONITOR: +OK, then a line for every command any client runs. Again: nothing, as Redis
// ignores it. Not inside MULTI/EXEC, where a client cannot wait.
void CmdMonitor(CommandContext& ctx) {
  if (ctx.client.deny_blocking) {
    return ctx.Error("ERR MONITOR isn't allowed for DENY BLOCKING client");
  }
  if (ctx.client.monitor) return;
  ctx.dispatcher->monitors().Add(ctx.client);
  ctx.reply.Ok();
}

void CmdClientHelp(CommandContext& ctx) {
  ReplySubcommandHelp(ctx.reply, "CLIENT",
                      {"CACHING (YES|NO)",
                       "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT "
                       "modes.",
                       "GETREDIR",
                       "    Return the client ID we are redirecting to when tracking is enabled.",
                       "GETNAME",
                       "    Return the name of the current connection.",
                       "ID",
                       "    Return the ID of the current connection.",
                       "INFO",
                       "    Return information about the current client connection.",
                       "KILL <ip:port>",
                       "    Kill connection made from <ip:port>.",
                       "KILL <option> <value> [<option> <value> [...]]",
                       "    Kill connections. Options are:",
                       "    * ADDR (<ip:port>|<unixsocket>:0)",
                       "      Kill connections made from the specified address",
                       "    * LADDR (<ip:port>|<unixsocket>:0)",
                       "      Kill connections made to specified local address",
                       "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                       "      Kill connections by type.",
                       "    * USER <username>",
                       "      Kill connections authenticated by <username>.",
                       "    * SKIPME (YES|NO)",
                       "      Skip killing current connection (default: yes).",
                       "    * ID <client-id>",
                       "      Kill connections by client id.",
                       "    * MAXAGE <maxage>",
                       "      Kill connections older than the specified age.",
                       "LIST [options ...]",
                       "    Return information about client connections. Options:",
                       "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                       "      Return clients of specified type.",
                       "UNPAUSE",
                       "    Stop the current client pause, resuming traffic.",
                       "PAUSE <timeout> [WRITE|ALL]",
                       "    Suspend all, or just write, clients for <timeout> milliseconds.",
                       "REPLY (ON|OFF|SKIP)",
                       "    Control the replies sent to the current connection.",
                       "SETNAME <name>",
                       "    Assign the name <name> to the current connection.",
                       "SETINFO <option> <value>",
                       "    Set client meta attr. Options are:",
                       "    * LIB-NAME: the client lib name.",
                       "    * LIB-VER: the client lib version.",
                       "UNBLOCK <clientid> [TIMEOUT|ERROR]",
                       "    Unblock the specified blocked client.",
                       "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
                       "         [OPTIN] [OPTOUT] [NOLOOP]",
                       "    Control server assisted client side caching.",
                       "TRACKINGINFO",
                       "    Report tracking status for the current connection.",
                       "NO-EVICT (ON|OFF)",
                       "    Protect current client connection from eviction.",
                       "NO-TOUCH (ON|OFF)",
                       "    Will not touch LRU/LFU stats when this mode is on."});
}

constexpr uint32_t kClientFlags = kNoScript | kLoading | kStale;
constexpr std::string_view kConnCats = "@slow @connection";
constexpr std::string_view kAdminCats = "@admin @slow @dangerous @connection";

}  // namespace

std::string ClientInfoString(const ClientState& c, const CommandContext& ctx) {
  return ClientInfoLine(c, ctx);
}

CommandSpec ClientCommandSpec() {
  CommandSpec client =
      MakeSpec("client", -2, 0, {}, nullptr,
               {"@slow", "connection", "2.4.0", "A container for client connection commands.",
                "Depends on subcommand."});
  client.subcommands = {
      MakeSpec("client|id", 2, kClientFlags, {}, CmdClientId,
               {kConnCats, "connection", "5.0.0", "Returns the unique client ID of the connection.",
                "O(1)"}),
      MakeSpec("client|setname", 3, kClientFlags, {}, CmdClientSetName,
               {kConnCats, "connection", "2.6.9", "Sets the connection name.", "O(1)"}),
      MakeSpec("client|getname", 2, kClientFlags, {}, CmdClientGetName,
               {kConnCats, "connection", "2.6.9", "Returns the name of the connection.", "O(1)"}),
      MakeSpec("client|setinfo", 4, kClientFlags, {}, CmdClientSetInfo,
               {kConnCats, "connection", "7.2.0",
                "Sets information specific to the client or connection.", "O(1)"}),
      MakeSpec(
          "client|info", 2, kClientFlags, {}, CmdClientInfo,
          {kConnCats, "connection", "6.2.0", "Returns information about the connection.", "O(1)"}),
      MakeSpec("client|list", -2, kAdmin | kClientFlags, {}, CmdClientList,
               {kAdminCats, "connection", "2.4.0", "Lists open connections.",
                "O(N) where N is the number of client connections"}),
      MakeSpec("client|kill", -3, kAdmin | kClientFlags, {}, CmdClientKill,
               {kAdminCats, "connection", "2.4.0", "Terminates open connections.",
                "O(N) where N is the number of client connections"}),
      MakeSpec("client|unblock", -3, kAdmin | kClientFlags, {}, CmdClientUnblock,
               {kAdminCats, "connection", "5.0.0",
                "Unblocks a client blocked by a blocking command from a different connection.",
                "O(log N) where N is the number of client connections"}),
      MakeSpec("client|pause", -3, kAdmin | kClientFlags, {}, CmdClientPause,
               {kAdminCats, "connection", "3.0.0",
                "Suspends commands processing.", "O(1)"}),
      MakeSpec("client|unpause", 2, kAdmin | kClientFlags, {}, CmdClientUnpause,
               {kAdminCats, "connection", "6.2.0",
                "Resumes processing commands from paused clients.",
                "O(N) Where N is the number of paused clients"}),
      MakeSpec("client|reply", 3, kClientFlags, {}, CmdClientReply,
               {kConnCats, "connection", "3.2.0",
                "Instructs the server whether to reply to commands.", "O(1)"}),
      MakeSpec("client|no-evict", 3, kAdmin | kClientFlags, {}, CmdClientNoEvict,
               {kAdminCats, "connection", "7.0.0",
                "Sets the client eviction mode of the connection.", "O(1)"}),
      MakeSpec("client|help", 2, kLoading | kStale, {}, CmdClientHelp,
               {kConnCats, "connection", "5.0.0",
                "Returns helpful text about the different subcommands.", "O(1)"}),
  };
  for (CommandSpec& sub : ClientTrackingSubcommands()) {
    client.subcommands.push_back(std::move(sub));
  }
  client.subcommands.push_back(ClientNoTouchSpec());
  return client;
}

CommandSpec MonitorCommandSpec() {
  return MakeSpec("monitor", 1, kAdmin | kNoScript | kLoading | kStale, {}, CmdMonitor,
                  {"@admin @slow @dangerous", "server", "1.0.0",
                   "Listens for all requests received by the server in real-time.", ""});
}

void ResetClientManagement(CommandContext& ctx) {
  if (ctx.client.monitor && ctx.dispatcher != nullptr) {
    ctx.dispatcher->monitors().Remove(ctx.client);
  }
  ctx.client.reply_mode = ClientState::ReplyMode::kOn;
  ctx.client.no_evict = false;
}

}  // namespace kvd
