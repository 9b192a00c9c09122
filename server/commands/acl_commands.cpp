// ACL SETUSER/GETUSER/DELUSER/LIST/USERS/WHOAMI/CAT/LOG/SAVE/LOAD/GENPASS/DRYRUN/HELP, with
// Redis 7.2's replies and error texts. The rules themselves live in server/acl/.
#include "server/commands/acl_commands.h"

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/numeric.h"
#include "core/text.h"
#include "server/acl/acl.h"
#include "server/client_state.h"
#include "server/command_lookup.h"
#include "server/commands/key_spec.h"
#include "server/commands/subcommand_help.h"
#include "server/errors.h"
#include "server/server_state.h"

namespace kvd {
namespace {

constexpr std::string_view kNoAclFileErr =
    "ERR This Redis instance is not configured to use an ACL file. You may want to specify "
    "users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a "
    "Redis configuration file set) in order to store users in the Redis configuration.";
constexpr int64_t kGenpassMaxBits = 4096;

// Redis's addReplySubcommandSyntaxError.
void SyntaxError(CommandContext& ctx) {
  ctx.Error("ERR unknown subcommand or wrong number of arguments for '" + std::string(ctx.args[1]) +
            "'. Try ACL HELP.");
}

Acl& AclOf(CommandContext& ctx) { return *ctx.server.acl; }

void CmdAclSetUser(CommandContext& ctx) {
  std::string err = AclOf(ctx).SetUser(ctx.args[2], ctx.args.subspan(3), &ctx.client);
  if (!err.empty()) return ctx.Error(err);
  ctx.reply.Ok();
}

void CmdAclDelUser(CommandContext& ctx) {
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    if (ctx.args[i] == "default") return ctx.Error("ERR The 'default' user cannot be removed");
  }
  int64_t deleted = 0;
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    if (AclOf(ctx).DelUser(ctx.args[i], &ctx.client)) ++deleted;
  }
  ctx.reply.Integer(deleted);
}

void ReplySelector(ReplyWriter& r, const AclSelector& s) {
  r.Bulk("commands");
  r.Bulk(s.DescribeCommands());
  r.Bulk("keys");
  r.Bulk(s.DescribeKeys());
  r.Bulk("channels");
  r.Bulk(s.DescribeChannels());
}

void CmdAclGetUser(CommandContext& ctx) {
  std::shared_ptr<AclUser> u = AclOf(ctx).Find(ctx.args[2]);
  if (!u) return ctx.reply.Null();
  ReplyWriter& r = ctx.reply;
  r.MapHeader(6);
  r.Bulk("flags");
  std::vector<std::string_view> flags = u->Flags();
  r.SetHeader(flags.size());
  for (std::string_view f : flags) r.Bulk(f);
  r.Bulk("passwords");
  r.ArrayHeader(u->password_hashes().size());
  for (const std::string& p : u->password_hashes()) r.Bulk(p);
  const std::vector<AclSelector>& selectors = u->selectors();
  ReplySelector(r, selectors[0]);  // the root selector, at the top level as Redis 6 had it
  r.Bulk("selectors");
  r.ArrayHeader(selectors.size() - 1);
  for (size_t i = 1; i < selectors.size(); ++i) {
    r.MapHeader(3);
    ReplySelector(r, selectors[i]);
  }
}

void CmdAclList(CommandContext& ctx) {
  const AclUsers& users = AclOf(ctx).users();
  ctx.reply.ArrayHeader(users.size());
  for (const auto& [name, u] : users) ctx.reply.Bulk("user " + name + " " + u->Describe());
}

void CmdAclUsers(CommandContext& ctx) {
  const AclUsers& users = AclOf(ctx).users();
  ctx.reply.ArrayHeader(users.size());
  for (const auto& [name, u] : users) ctx.reply.Bulk(name);
}

void CmdAclWhoami(CommandContext& ctx) { ctx.reply.Bulk(ClientUserName(ctx.client)); }

void CmdAclLoad(CommandContext& ctx) {
  const std::string& path = ctx.server.config.values().aclfile;
  if (path.empty()) return ctx.Error(kNoAclFileErr);
  if (std::string err = AclOf(ctx).LoadFile(path, &ctx.client); !err.empty()) {
    return ctx.Error("ERR " + err);
  }
  ctx.reply.Ok();
}

void CmdAclSave(CommandContext& ctx) {
  const std::string& path = ctx.server.config.values().aclfile;
  if (path.empty()) return ctx.Error(kNoAclFileErr);
  if (std::string err = AclOf(ctx).SaveFile(path); !err.empty()) {
    spdlog::warn("ACL SAVE: {}", err);
    return ctx.Error(
        "ERR There was an error trying to save the ACLs. Please check the server logs for "
        "more information");
  }
  ctx.reply.Ok();
}

void CmdAclCat(CommandContext& ctx) {
  if (ctx.args.size() > 3) return SyntaxError(ctx);
  if (ctx.args.size() == 2) {
    ctx.reply.ArrayHeader(kAclCategories.size());
    for (std::string_view c : kAclCategories) ctx.reply.Bulk(c);
    return;
  }
  const uint32_t bit = AclCategoryBit(ctx.args[2]);
  if (bit == 0) {
    return ctx.Error("ERR Unknown category '" + std::string(ctx.args[2].substr(0, 128)) + "'");
  }
  std::vector<std::string_view> names;
  for (const AclCommandIndex::Entry& e : AclOf(ctx).index().entries()) {
    if (e.categories & bit) names.push_back(e.spec->name);
  }
  ctx.reply.ArrayHeader(names.size());
  for (std::string_view n : names) ctx.reply.Bulk(n);
}

void CmdAclGenPass(CommandContext& ctx) {
  if (ctx.args.size() > 3) return SyntaxError(ctx);
  int64_t bits = 256;
  if (ctx.args.size() == 3) {
    std::optional<int64_t> n = ParseInt64(ctx.args[2]);
    if (!n) return ctx.Error(kNotIntegerErr);
    bits = *n;
  }
  if (bits <= 0 || bits > kGenpassMaxBits) {
    return ctx.Error(
        "ERR ACL GENPASS argument must be the number of bits for the output password, a "
        "positive number up to 4096");
  }
  const auto chars = static_cast<size_t>((bits + 3) / 4);
  std::vector<unsigned char> random((chars + 1) / 2);
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
    return ctx.Error("ERR failed to generate random bytes");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string pass;
  for (unsigned char b : random) {
    pass += kHex[b >> 4];
    pass += kHex[b & 0xf];
  }
  pass.resize(chars);
  ctx.reply.Bulk(pass);
}

void CmdAclLog(CommandContext& ctx) {
  if (ctx.args.size() > 3) return SyntaxError(ctx);
  int64_t count = 10;
  if (ctx.args.size() == 3) {
    if (EqualsIgnoreCase(ctx.args[2], "reset")) {
      AclOf(ctx).log().Reset();
      return ctx.reply.Ok();
    }
    std::optional<int64_t> n = ParseInt64(ctx.args[2]);
    if (!n) return ctx.Error(kNotIntegerErr);
    count = std::max<int64_t>(0, *n);
  }
  AclOf(ctx).log().Reply(ctx.reply, static_cast<size_t>(count), ctx.now_ms);
}

void CmdAclDryRun(CommandContext& ctx) {
  std::shared_ptr<AclUser> u = AclOf(ctx).Find(ctx.args[2]);
  if (!u) return ctx.Error("ERR User '" + std::string(ctx.args[2]) + "' not found");
  std::span<const std::string_view> cmd = ctx.args.subspan(3);
  const CommandSpec* spec = LookupCommand(ctx.server.commands, cmd);
  if (spec == nullptr) {
    return ctx.Error("ERR Command '" + std::string(cmd[0]) + "' not found");
  }
  if (!ArityOk(*spec, cmd.size())) {
    return ctx.Error("ERR wrong number of arguments for '" + spec->name + "' command");
  }
  size_t pos = 0;
  const AclDenied denied = AclOf(ctx).Check(*u, *spec, cmd, pos);
  if (denied != AclDenied::kNone) {
    return ctx.reply.Bulk(AclErrorMessage(denied, *u, *spec, cmd[pos], /*verbose=*/true));
  }
  ctx.reply.Ok();
}

void CmdAclHelp(CommandContext& ctx) {
  ReplySubcommandHelp(
      ctx.reply, "ACL",
      {"CAT [<category>]",
       "    List all commands that belong to <category>, or all command categories",
       "    when no category is specified.",
       "DELUSER <username> [<username> ...]",
       "    Delete a list of users.",
       "DRYRUN <username> <command> [<arg> ...]",
       "    Returns whether the user can execute the given command without executing the command.",
       "GETUSER <username>",
       "    Get the user's details.",
       "GENPASS [<bits>]",
       "    Generate a secure 256-bit user password. The optional `bits` argument can",
       "    be used to specify a different size.",
       "LIST",
       "    Show users details in config file format.",
       "LOAD",
       "    Reload users from the ACL file.",
       "LOG [<count> | RESET]",
       "    Show the ACL log entries.",
       "SAVE",
       "    Save the current config to the ACL file.",
       "SETUSER <username> <attribute> [<attribute> ...]",
       "    Create or modify a user with the specified attributes.",
       "USERS",
       "    List all the registered usernames.",
       "WHOAMI",
       "    Return the current connection username."});
}

constexpr uint32_t kAclFlags = kNoScript | kLoading | kStale;
constexpr std::string_view kAdminCats = "@admin @slow @dangerous";

}  // namespace

CommandSpec AclCommandSpec() {
  CommandSpec acl =
      MakeSpec("acl", -2, 0, {}, nullptr,
               {"@slow", "server", "6.0.0", "A container for Access List Control commands.",
                "Depends on subcommand."});
  acl.subcommands = {
      MakeSpec("acl|cat", -2, kAclFlags, {}, CmdAclCat,
               {"@slow", "server", "6.0.0",
                "Lists the ACL categories, or the commands inside a category.",
                "O(1) since the categories and commands are a fixed set."}),
      MakeSpec(
          "acl|deluser", -3, kAdmin | kAclFlags, {}, CmdAclDelUser,
          {kAdminCats, "server", "6.0.0", "Deletes ACL users, and terminates their connections.",
           "O(1) amortized time considering the typical user."}),
      MakeSpec("acl|dryrun", -4, kAdmin | kAclFlags, {}, CmdAclDryRun,
               {kAdminCats, "server", "7.0.0",
                "Simulates the execution of a command by a user, without executing the "
                "command.",
                "O(1)."}),
      MakeSpec("acl|genpass", -2, kAclFlags, {}, CmdAclGenPass,
               {"@slow", "server", "6.0.0",
                "Generates a pseudorandom, secure password that can be used to identify ACL "
                "users.",
                "O(1)"}),
      MakeSpec("acl|getuser", 3, kAdmin | kAclFlags, {}, CmdAclGetUser,
               {kAdminCats, "server", "6.0.0", "Lists the ACL rules of a user.",
                "O(N). Where N is the number of password, command and pattern rules that the "
                "user has."}),
      MakeSpec("acl|help", 2, kLoading | kStale, {}, CmdAclHelp,
               {"@slow", "server", "6.0.0", "Returns helpful text about the different subcommands.",
                "O(1)"}),
      MakeSpec("acl|list", 2, kAdmin | kAclFlags, {}, CmdAclList,
               {kAdminCats, "server", "6.0.0", "Dumps the effective rules in ACL file format.",
                "O(N). Where N is the number of configured users."}),
      MakeSpec("acl|load", 2, kAdmin | kAclFlags, {}, CmdAclLoad,
               {kAdminCats, "server", "6.0.0", "Reloads the rules from the configured ACL file.",
                "O(N). Where N is the number of configured users."}),
      MakeSpec("acl|log", -2, kAdmin | kAclFlags, {}, CmdAclLog,
               {kAdminCats, "server", "6.0.0",
                "Lists recent security events generated due to ACL rules.",
                "O(N) with N being the number of entries shown."}),
      MakeSpec("acl|save", 2, kAdmin | kAclFlags, {}, CmdAclSave,
               {kAdminCats, "server", "6.0.0",
                "Saves the effective ACL rules in the configured ACL file.",
                "O(N). Where N is the number of configured users."}),
      MakeSpec("acl|setuser", -3, kAdmin | kAclFlags, {}, CmdAclSetUser,
               {kAdminCats, "server", "6.0.0", "Creates and modifies an ACL user and its rules.",
                "O(N). Where N is the number of rules provided."}),
      MakeSpec("acl|users", 2, kAdmin | kAclFlags, {}, CmdAclUsers,
               {kAdminCats, "server", "6.0.0", "Lists all ACL users.",
                "O(N). Where N is the number of configured users."}),
      MakeSpec("acl|whoami", 2, kAclFlags, {}, CmdAclWhoami,
               {"@slow", "server", "6.0.0",
                "Returns the authenticated username of the current connection.", "O(1)"}),
  };
  return acl;
}

}  // namespace kvd
