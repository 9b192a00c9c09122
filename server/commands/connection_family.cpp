// Connection commands: PING, ECHO, QUIT, HELLO, SELECT, RESET, AUTH, and the CLIENT, ACL and
// COMMAND containers (client_commands.cpp, acl_commands.cpp, command_docs.cpp).
#include <climits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/numeric.h"
#include "core/text.h"
#include "server/acl/acl.h"
#include "server/client_state.h"
#include "server/command.h"
#include "server/commands/acl_commands.h"
#include "server/commands/client_commands.h"
#include "server/commands/command_docs.h"
#include "server/commands/key_spec.h"
#include "server/commands/redis_compat.h"
#include "server/errors.h"
#include "server/server_state.h"
#include "server/transaction.h"

namespace kvd {
namespace {

constexpr std::string_view kAuthWithoutPasswordErr =
    "ERR AUTH <password> called without any password configured for the default user. "
    "Are you sure your configuration is correct?";
constexpr std::string_view kHelloNoAuthErr =
    "NOAUTH HELLO must be called with the client already authenticated, otherwise the "
    "HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and "
    "select the RESP protocol version at the same time";

// AUTH and HELLO AUTH: the client becomes `user` when the password is one of the user's (any
// password for a nopass user) and the user is on. A failure goes to the ACL LOG.
bool Authenticate(CommandContext& ctx, std::string_view user, std::string_view pass) {
  std::shared_ptr<AclUser> u = ctx.server.acl->Authenticate(ctx, user, pass);
  if (!u) return false;
  ctx.client.authenticated = true;
  Acl::Login(ctx.client, std::move(u));
  return true;
}

bool IsAuthenticated(const CommandContext& ctx) {
  return ctx.client.authenticated || !ctx.server.acl->AuthRequired();
}

void CmdPing(CommandContext& ctx) {
  // Arity -1 lets "PING a b" through the dispatcher; Redis rejects it here.
  if (ctx.args.size() > 2) return ctx.Error(WrongArityError(ctx.spec.name));
  if (ctx.client.pubsub && ctx.client.resp == 2) {
    // RESP2 subscriber mode: a pong in the shape of a message, as Redis replies.
    ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk("pong");
    ctx.reply.Bulk(ctx.args.size() == 2 ? ctx.args[1] : std::string_view());
    return;
  }
  if (ctx.args.size() == 1) {
    ctx.reply.Simple("PONG");
  } else {
    ctx.reply.Bulk(ctx.args[1]);
  }
}

void CmdEcho(CommandContext& ctx) { ctx.reply.Bulk(ctx.args[1]); }

void CmdQuit(CommandContext& ctx) {
  ctx.reply.Ok();
  ctx.client.close_after_reply = true;
}

void CmdHello(CommandContext& ctx) {
  auto args = ctx.args;
  int64_t version = 0;
  size_t next = 1;
  if (args.size() >= 2) {
    std::optional<int64_t> v = ParseInt64(args[1]);
    if (!v) return ctx.Error("ERR Protocol version is not an integer or out of range");
    if (*v < 2 || *v > 3) return ctx.Error("NOPROTO unsupported protocol version");
    version = *v;
    next = 2;
  }
  std::optional<std::string_view> user, pass, name;
  for (size_t j = next; j < args.size(); ++j) {
    size_t more = args.size() - 1 - j;
    if (EqualsIgnoreCase(args[j], "AUTH") && more >= 2) {
      user = args[j + 1];
      pass = args[j + 2];
      j += 2;
    } else if (EqualsIgnoreCase(args[j], "SETNAME") && more >= 1) {
      name = args[++j];
    } else {
      return ctx.Error("ERR Syntax error in HELLO option '" + std::string(args[j]) + "'");
    }
  }
  if (user && !Authenticate(ctx, *user, *pass)) return ctx.Error(kWrongPassErr);
  if (!IsAuthenticated(ctx)) return ctx.Error(kHelloNoAuthErr);
  if (name) {
    if (!IsValidClientAttr(*name)) return ctx.Error(kClientNameErr);
    ctx.client.SetNames().name = *name;
  }
  if (version != 0) {
    // The reply to HELLO 3 is already RESP3.
    ctx.client.resp = static_cast<int>(version);
    ctx.reply.set_protocol(static_cast<int>(version));
  }
  ReplyWriter& r = ctx.reply;
  r.MapHeader(7);
  r.Bulk("server");
  r.Bulk("redis");
  r.Bulk("version");
  r.Bulk(kRedisCompatVersion);
  r.Bulk("proto");
  r.Integer(ctx.client.resp);
  r.Bulk("id");
  r.Integer(static_cast<int64_t>(ctx.client.id));
  r.Bulk("mode");
  r.Bulk("standalone");
  r.Bulk("role");
  r.Bulk("master");
  r.Bulk("modules");
  r.ArrayHeader(0);
}

void CmdSelect(CommandContext& ctx) {
  std::optional<int64_t> index = ParseInt64(ctx.args[1]);
  // Redis reads the index as a C int.
  if (!index || *index < INT_MIN || *index > INT_MAX) return ctx.Error(kNotIntegerErr);
  if (*index < 0 || *index >= static_cast<int64_t>(ctx.store.DatabaseCount())) {
    return ctx.Error(kDbIndexErr);
  }
  ctx.client.db = static_cast<size_t>(*index);
  ctx.reply.Ok();
}

// Back to a fresh connection's state. The library name and version stay, as in Redis.
void CmdReset(CommandContext& ctx) {
  ClientState& c = ctx.client;
  c.db = 0;
  c.resp = 2;
  ctx.reply.set_protocol(2);
  if (c.names) c.names->name.clear();
  // Back to the default user, authenticated only if it needs no password (as Redis's
  // clientSetDefaultAuth).
  Acl::Login(c, ctx.server.acl->default_user());
  c.authenticated = !ctx.server.acl->AuthRequired();
  ctx.server.pubsub.RemoveClient(c);  // every subscription goes, without confirmations
  DiscardTransaction(ctx.server, c);  // MULTI and WATCH too
  ResetClientManagement(ctx);         // MONITOR, CLIENT REPLY, CLIENT NO-EVICT
  ctx.server.tracking.Disable(c);     // CLIENT TRACKING off
  ctx.reply.Simple("RESET");
}

void CmdAuth(CommandContext& ctx) {
  auto args = ctx.args;
  if (args.size() > 3) return ctx.Error(kSyntaxErr);
  std::string_view user = "default";
  std::string_view pass;
  if (args.size() == 2) {
    if (ctx.server.acl->default_user()->nopass()) return ctx.Error(kAuthWithoutPasswordErr);
    pass = args[1];
  } else {
    user = args[1];
    pass = args[2];
  }
  if (!Authenticate(ctx, user, pass)) return ctx.Error(kWrongPassErr);
  ctx.reply.Ok();
}

constexpr uint32_t kConnectAnytime = kNoScript | kLoading | kStale | kFast | kNoAuth | kAllowBusy;

}  // namespace

void RegisterConnectionFamily(CommandTable& t) {
  t.Add(MakeSpec("ping", -1, kFast, {}, CmdPing,
                 {"@fast @connection", "connection", "1.0.0",
                  "Returns the server's liveliness response.", "O(1)"}));
  t.Add(
      MakeSpec("echo", 2, kLoading | kStale | kFast, {}, CmdEcho,
               {"@fast @connection", "connection", "1.0.0", "Returns the given string.", "O(1)"}));
  t.Add(MakeSpec("quit", -1, kConnectAnytime, {}, CmdQuit,
                 {"@fast @connection", "connection", "1.0.0", "Closes the connection.", "O(1)"}));
  t.Add(MakeSpec(
      "hello", -1, kConnectAnytime, {}, CmdHello,
      {"@fast @connection", "connection", "6.0.0", "Handshakes with the Redis server.", "O(1)"}));
  t.Add(MakeSpec(
      "select", 2, kLoading | kStale | kFast, {}, CmdSelect,
      {"@fast @connection", "connection", "1.0.0", "Changes the selected database.", "O(1)"}));
  t.Add(MakeSpec("reset", 1, kConnectAnytime, {}, CmdReset,
                 {"@fast @connection", "connection", "6.2.0", "Resets the connection.", "O(1)"}));
  t.Add(MakeSpec("auth", -2, kConnectAnytime, {}, CmdAuth,
                 {"@fast @connection", "connection", "1.0.0", "Authenticates the connection.",
                  "O(N) where N is the number of passwords defined for the user"}));
  t.Add(ClientCommandSpec());
  t.Add(AclCommandSpec());
  t.Add(MonitorCommandSpec());
  t.Add(CommandCommandSpec());
}

}  // namespace kvd
