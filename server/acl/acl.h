#pragma once
// The ACL registry: every user by name (the `default` user always among them), the command
// index the users' rules refer to, and the ACL LOG. Owned by ServerState; touched on the
// store strand only. Clients hold their user (ClientState::acl_user), so a change to a user
// applies to its connections at once.
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/acl/acl_command_index.h"
#include "server/acl/acl_log.h"
#include "server/acl/acl_user.h"

namespace kvd {

class ServerState;
struct ClientState;
struct CommandContext;
struct ConfigValues;
class ReplyWriter;

using AclUsers = std::map<std::string, std::shared_ptr<AclUser>, std::less<>>;

class Acl {
 public:
  explicit Acl(ServerState& server);

  // The command index, brought up to date with the command table.
  const AclCommandIndex& index();

  const std::shared_ptr<AclUser>& default_user() const { return default_; }
  std::shared_ptr<AclUser> Find(std::string_view name) const;
  const AclUsers& users() const { return users_; }

  // Whether a client that has not authenticated may run only no-auth commands: the default
  // user needs a password or is off (Redis's authRequired).
  bool AuthRequired() const { return !default_->nopass() || !default_->enabled(); }

  // AUTH / HELLO AUTH: the user when the pair is right and the user is on; else null, and the
  // failure goes to the ACL LOG (reason auth). `ctx` is the AUTH or HELLO command.
  std::shared_ptr<AclUser> Authenticate(const CommandContext& ctx, std::string_view user,
                                        std::string_view password);
  // Puts the client in `user`'s name (AUTH, HELLO, RESET, a new connection).
  static void Login(ClientState& c, std::shared_ptr<AclUser> user);

  // ACL SETUSER: all rules or none. Returns "" or the error reply text ("ERR ...").
  // `current`: the client running the command (never killed mid-command).
  std::string SetUser(std::string_view name, std::span<const std::string_view> rules,
                      ClientState* current);
  // ACL DELUSER of one user (not default): false if there is none. Its clients are
  // disconnected.
  bool DelUser(std::string_view name, ClientState* current);

  // requirepass: the default user's only password, or nopass when empty.
  void SetDefaultPassword(std::string_view password);

  // Startup: the config file's `user` lines, or the aclfile. Returns "" or why the server
  // must not start.
  std::string LoadAtStartup(const ConfigValues& cfg);
  // ACL LOAD: replaces every user from the file, all or nothing. Returns "" or the error
  // text (Redis's, without "ERR ").
  std::string LoadFile(const std::string& path, ClientState* current);
  // ACL SAVE. Returns "" or the reason (logged by the caller).
  std::string SaveFile(const std::string& path) const;

  // The dispatcher's check, after the hot path (`unrestricted`) failed: kNone or why, with
  // `pos` the refused argument.
  AclDenied Check(const AclUser& user, const CommandSpec& spec,
                  std::span<const std::string_view> args, size_t& pos);
  // Records a refusal in the ACL LOG. `info` is the command running for the client whose
  // CLIENT INFO the entry shows.
  void LogDenial(AclDenied reason, AclLogContext context, std::string object, std::string username,
                 const CommandContext& info);

  AclLog& log() { return log_; }

  // INFO stats' acl_access_denied_auth/_cmd/_key/_channel: refusals since startup.
  struct DeniedCounts {
    uint64_t auth = 0, cmd = 0, key = 0, channel = 0;
  };
  const DeniedCounts& denied() const { return denied_; }
  void ResetDenied() { denied_ = {}; }  // CONFIG RESETSTAT

 private:
  // Rules into a user; "" or "Error in ACL SETUSER modifier '...': ..." (without "ERR ").
  std::string ApplyRules(AclUser& user, std::span<const std::string_view> rules);
  // Disconnects the clients of `user`, except `current`, which closes after its reply.
  void KillClientsOf(const AclUser* user, ClientState* current);
  // Disconnects `user`'s subscribers whose channels it may no longer use.
  void KillRevokedSubscribers(const AclUser& user, ClientState* current);
  std::string ParseFile(const std::string& path, AclUsers& out);
  // acl-pubsub-default is allchannels: users made now start with every channel.
  bool NewUsersGetAllChannels() const;

  ServerState& server_;
  AclCommandIndex index_;
  AclUsers users_;
  std::shared_ptr<AclUser> default_;
  AclLog log_;
  DeniedCounts denied_;
};

// The dispatcher's check for a client whose user is not unrestricted: "" when it may run
// the command, else the refusal is logged (context toplevel, or multi inside MULTI and at
// EXEC) and its error text returned: "NOPERM ...". `at_exec`: a queued command that EXEC is
// about to run, refused with Redis's "rules changed" text.
std::string AclCheckClient(ServerState& server, ClientState& client, const CommandSpec& spec,
                           std::span<const std::string_view> args, ReplyWriter& reply,
                           int64_t now_ms, bool at_exec = false);
// The same for redis.call/pcall inside a script run by `caller`: "" or "ERR ACL failure in
// script: ...", logged with context lua.
std::string AclCheckScriptCall(const CommandContext& caller, const CommandSpec& spec,
                               std::span<const std::string_view> args);

// The NOPERM texts of Redis 7.2 (without "NOPERM "): "User alice has no permissions to run
// the 'set' command", "No permissions to access a key"; `verbose` (ACL DRYRUN) names the key
// or channel.
std::string AclErrorMessage(AclDenied reason, const AclUser& user, const CommandSpec& spec,
                            std::string_view arg, bool verbose);

// The name of the user the client is logged in as ("default" before it is registered).
std::string_view ClientUserName(const ClientState& c);

}  // namespace kvd
