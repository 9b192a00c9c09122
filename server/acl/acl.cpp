#include "server/acl/acl.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "server/atomic_file.h"
#include "server/client_state.h"
#include "server/command.h"
#include "server/commands/client_commands.h"
#include "server/config.h"
#include "server/pubsub.h"
#include "server/server_state.h"

namespace kvd {
namespace {

constexpr std::string_view kDuplicateUser =
    "Duplicate user found. A user can only be defined once in config files";

bool HasSpaces(std::string_view s) {
  for (char c : s) {
    if (c == '\0' || std::isspace(static_cast<unsigned char>(c))) return true;
  }
  return false;
}

std::shared_ptr<AclUser> MakeDefaultUser(const AclCommandIndex& index) {
  auto u = std::make_shared<AclUser>("default");
  for (std::string_view rule : {"+@all", "~*", "&*", "on", "nopass"}) u->Apply(rule, index);
  return u;
}

// A line of the ACL file split as Redis does: on single spaces, so that two spaces in a row
// give an empty (no-op) rule.
std::vector<std::string_view> SplitOnSpace(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t space = line.find(' ', start);
    out.push_back(line.substr(start, space - start));
    if (space == std::string_view::npos) break;
    start = space + 1;
  }
  return out;
}

std::string_view Trim(std::string_view s, std::string_view chars) {
  while (!s.empty() && chars.find(s.front()) != std::string_view::npos) s.remove_prefix(1);
  while (!s.empty() && chars.find(s.back()) != std::string_view::npos) s.remove_suffix(1);
  return s;
}

// Closes each victim: the running client after its reply, others through their connection.
// Collected first, so that a kill may drop a client from the registry meanwhile.
void Disconnect(const std::vector<ClientState*>& victims, ClientState* current) {
  for (ClientState* c : victims) {
    if (c == current) {
      c->close_after_reply = true;
    } else if (c->link) {
      c->link->Kill();
    }
  }
}

}  // namespace

Acl::Acl(ServerState& server) : server_(server), index_(server.commands) {
  default_ = MakeDefaultUser(index_);
  users_.emplace("default", default_);
  SetDefaultPassword(server.config.values().requirepass);
}

const AclCommandIndex& Acl::index() {
  index_.Refresh();
  return index_;
}

bool Acl::NewUsersGetAllChannels() const {
  return server_.config.values().acl_pubsub_default == "allchannels";
}

std::shared_ptr<AclUser> Acl::Find(std::string_view name) const {
  auto it = users_.find(name);
  return it == users_.end() ? nullptr : it->second;
}

void Acl::Login(ClientState& c, std::shared_ptr<AclUser> user) { c.acl_user = std::move(user); }

std::string_view ClientUserName(const ClientState& c) {
  return c.acl_user ? std::string_view(c.acl_user->name()) : "default";
}

std::shared_ptr<AclUser> Acl::Authenticate(const CommandContext& ctx, std::string_view name,
                                           std::string_view password) {
  std::shared_ptr<AclUser> u = Find(name);
  if (u && u->enabled() && u->PasswordMatches(password)) return u;
  LogDenial(AclDenied::kAuth,
            ctx.client.InMulti() ? AclLogContext::kMulti : AclLogContext::kTopLevel,
            std::string(ctx.args[0]), std::string(name), ctx);
  return nullptr;
}

void Acl::SetDefaultPassword(std::string_view password) {
  const AclCommandIndex& idx = index_;
  default_->Apply("resetpass", idx);
  if (password.empty()) {
    default_->Apply("nopass", idx);
  } else {
    default_->Apply(">" + std::string(password), idx);
  }
}

std::string Acl::ApplyRules(AclUser& user, std::span<const std::string_view> rules) {
  std::vector<std::string> merged;
  size_t bad = 0;
  if (!AclMergeSelectorArgs(rules, merged, bad)) {
    return "Unmatched parenthesis in acl selector starting at '" + std::string(rules[bad]) + "'.";
  }
  const AclCommandIndex& idx = index();
  for (const std::string& rule : merged) {
    if (std::string err = user.Apply(rule, idx); !err.empty()) {
      return "Error in ACL SETUSER modifier '" + rule + "': " + err;
    }
  }
  return "";
}

std::string Acl::SetUser(std::string_view name, std::span<const std::string_view> rules,
                         ClientState* current) {
  if (HasSpaces(name)) return "ERR Usernames can't contain spaces or null characters";
  std::shared_ptr<AclUser> existing = Find(name);
  // Staged on a copy: nothing changes unless every rule applies.
  AclUser staged{std::string(name), NewUsersGetAllChannels()};
  if (existing) staged.CopyRulesFrom(*existing);
  if (std::string err = ApplyRules(staged, rules); !err.empty()) return "ERR " + err;
  if (!existing) {
    existing = std::make_shared<AclUser>(std::string(name), NewUsersGetAllChannels());
    users_.emplace(std::string(name), existing);
  }
  existing->CopyRulesFrom(staged);
  KillRevokedSubscribers(*existing, current);
  return "";
}

bool Acl::DelUser(std::string_view name, ClientState* current) {
  auto it = users_.find(name);
  if (it == users_.end() || it->second == default_) return false;
  std::shared_ptr<AclUser> gone = it->second;
  users_.erase(it);
  KillClientsOf(gone.get(), current);
  return true;
}

void Acl::KillClientsOf(const AclUser* user, ClientState* current) {
  std::vector<ClientState*> victims;
  for (auto& [id, c] : server_.clients) {
    if (c->acl_user.get() != user) continue;
    // Not authenticated as anyone any more, even before the connection is gone.
    Login(*c, default_);
    c->authenticated = false;
    victims.push_back(c);
  }
  Disconnect(victims, current);
}

void Acl::KillRevokedSubscribers(const AclUser& user, ClientState* current) {
  std::vector<ClientState*> victims;
  for (auto& [id, c] : server_.clients) {
    if (c->acl_user.get() != &user || !c->pubsub) continue;
    bool revoked = false;
    for (const std::string& p : ClientSubscriptions(*c, PubSubKind::kPattern)) {
      revoked |= !user.ChannelAllowed(p, true);
    }
    for (PubSubKind kind : {PubSubKind::kChannel, PubSubKind::kShard}) {
      for (const std::string& ch : ClientSubscriptions(*c, kind)) {
        revoked |= !user.ChannelAllowed(ch, false);
      }
    }
    if (revoked) victims.push_back(c);
  }
  Disconnect(victims, current);
}

std::string Acl::LoadAtStartup(const ConfigValues& cfg) {
  if (!cfg.aclfile.empty() && !cfg.users.empty()) {
    return "Configuring Redis with users defined in redis.conf and at the same setting an ACL "
           "file path is invalid. This setup is very likely to lead to configuration errors "
           "and security holes, please define either an ACL file or declare users directly in "
           "your redis.conf, but not both.";
  }
  std::vector<std::string_view> seen;
  for (const std::vector<std::string>& line : cfg.users) {
    if (line.empty()) return "Error in user declaration: a user name is needed";
    const std::string& name = line[0];
    if (HasSpaces(name)) return "Spaces not allowed in ACL usernames";
    for (std::string_view s : seen) {
      if (s == name)
        return "Error in user declaration '" + name + "': " + std::string(kDuplicateUser);
    }
    seen.push_back(name);
    std::shared_ptr<AclUser> u = Find(name);
    if (u) {
      u->Apply("reset", index());  // only default exists already
    } else {
      u = std::make_shared<AclUser>(name, NewUsersGetAllChannels());
      users_.emplace(name, u);
    }
    std::vector<std::string_view> rules(line.begin() + 1, line.end());
    std::vector<std::string> merged;
    size_t bad = 0;
    if (!AclMergeSelectorArgs(rules, merged, bad)) {
      return "Error in user declaration '" + std::string(rules[bad]) +
             "': Unmatched parenthesis in acl selector";
    }
    for (const std::string& rule : merged) {
      if (std::string err = u->Apply(rule, index()); !err.empty()) {
        return "Error in user declaration '" + rule + "': " + err;
      }
    }
    if (!u->enabled()) {
      spdlog::info(
          "The user '{}' is disabled (there is no 'on' modifier in the user "
          "description). Make sure this is not a configuration error.",
          name);
    }
  }
  if (!cfg.aclfile.empty()) {
    AclUsers loaded;
    if (std::string err = ParseFile(cfg.aclfile, loaded); !err.empty()) {
      return "Aborting Redis startup because of ACL errors: " + err;
    }
    for (auto& [name, u] : loaded) {
      if (name == "default") {
        default_->CopyRulesFrom(*u);
      } else {
        users_[name] = u;
      }
    }
  }
  return "";
}

// Redis's ACLLoadFromFile, without touching the live users: they go to `out`.
std::string Acl::ParseFile(const std::string& path, AclUsers& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return "Error loading ACLs, opening file '" + path + "': " + std::strerror(errno);
  }
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  const AclCommandIndex& idx = index();
  std::string errors;
  size_t start = 0;
  int line_no = 0;
  while (start <= text.size()) {
    const size_t nl = text.find('\n', start);
    std::string_view line = std::string_view(text).substr(
        start, nl == std::string::npos ? std::string::npos : nl - start);
    start = nl == std::string::npos ? text.size() + 1 : nl + 1;
    ++line_no;
    line = Trim(line, " \t\r\n");
    if (line.empty()) continue;
    std::vector<std::string_view> argv = SplitOnSpace(line);
    const std::string where = path + ":" + std::to_string(line_no);
    if (argv[0] != "user" || argv.size() < 2) {
      errors += where + " should start with user keyword followed by the username. ";
      continue;
    }
    const std::string name(argv[1]);
    if (HasSpaces(name) || name.empty()) {
      errors += "'" + where + ": username '" + name + "' contains invalid characters. ";
      continue;
    }
    if (out.count(name)) {
      errors +=
          "WARNING: Duplicate user '" + name + "' found on line " + std::to_string(line_no) + ". ";
      continue;
    }
    auto u = std::make_shared<AclUser>(name, NewUsersGetAllChannels());
    out.emplace(name, u);
    std::vector<std::string_view> rules(argv.begin() + 2, argv.end());
    std::vector<std::string> merged;
    size_t bad = 0;
    if (!AclMergeSelectorArgs(rules, merged, bad)) {
      errors += where + ": Unmatched parenthesis in selector definition.";
      continue;
    }
    bool syntax_error = false;
    for (const std::string& raw : merged) {
      const std::string rule(Trim(raw, "\t\r\n"));
      std::string err = u->Apply(rule, idx);
      if (err.empty()) continue;
      if (err == "Unknown command or category name in ACL") {
        errors += where + ": Error in applying operation '" + rule + "': " + err + ". ";
      } else if (!syntax_error) {
        errors += where + ": " + err + ". ";
        syntax_error = true;
      }
    }
  }
  if (!errors.empty()) {
    return errors +
           "WARNING: ACL errors detected, no change to the previously active ACL rules was "
           "performed";
  }
  return "";
}

std::string Acl::LoadFile(const std::string& path, ClientState* current) {
  AclUsers loaded;
  if (std::string err = ParseFile(path, loaded); !err.empty()) return err;
  // The default user object stays (every client holds it); it takes the file's rules.
  auto it = loaded.find("default");
  std::shared_ptr<AclUser> rules = it != loaded.end() ? it->second : MakeDefaultUser(index());
  default_->CopyRulesFrom(*rules);
  KillRevokedSubscribers(*default_, current);
  loaded["default"] = default_;
  AclUsers old = std::exchange(users_, std::move(loaded));
  // As Redis: every other user is replaced, and its clients are disconnected.
  for (auto& [name, u] : old) {
    if (u != default_) KillClientsOf(u.get(), current);
  }
  return "";
}

std::string Acl::SaveFile(const std::string& path) const {
  std::string text;
  for (const auto& [name, u] : users_) text += "user " + name + " " + u->Describe() + "\n";
  const size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "" : path.substr(0, slash);
  if (slash == 0) dir = "/";
  const std::string file = slash == std::string::npos ? path : path.substr(slash + 1);
  AtomicFile out(dir, file, "ACL");
  if (std::string err = out.Open(); !err.empty()) return err;
  if (std::string err = out.Write(text); !err.empty()) return err;
  return out.Commit();
}

AclDenied Acl::Check(const AclUser& user, const CommandSpec& spec,
                     std::span<const std::string_view> args, size_t& pos) {
  return user.Check(index(), spec, args, pos);
}

void Acl::LogDenial(AclDenied reason, AclLogContext context, std::string object,
                    std::string username, const CommandContext& info) {
  switch (reason) {
    case AclDenied::kAuth:
      denied_.auth++;
      break;
    case AclDenied::kCommand:
      denied_.cmd++;
      break;
    case AclDenied::kKey:
      denied_.key++;
      break;
    case AclDenied::kChannel:
      denied_.channel++;
      break;
    case AclDenied::kNone:
      break;
  }
  AclLogEntry e;
  e.reason = reason;
  e.context = context;
  e.object = std::move(object);
  e.username = std::move(username);
  e.updated_ms = info.now_ms;
  e.client_info = ClientInfoString(info.client, info);
  const int max_len = server_.config.values().acllog_max_len;
  log_.Add(std::move(e), static_cast<size_t>(std::max(0, max_len)));
}

std::string AclCheckClient(ServerState& server, ClientState& client, const CommandSpec& spec,
                           std::span<const std::string_view> args, ReplyWriter& reply,
                           int64_t now_ms, bool at_exec) {
  const AclUser& user = *client.acl_user;
  size_t pos = 0;
  const AclDenied denied = server.acl->Check(user, spec, args, pos);
  if (denied == AclDenied::kNone) return "";
  CommandContext info{args,  reply, server.store, client, server, spec, now_ms,
                      false, 0,     {},           nullptr};
  const bool multi = at_exec || client.InMulti();
  server.acl->LogDenial(denied, multi ? AclLogContext::kMulti : AclLogContext::kTopLevel,
                        denied == AclDenied::kCommand ? spec.name : std::string(args[pos]),
                        user.name(), info);
  if (!at_exec) return "NOPERM " + AclErrorMessage(denied, user, spec, args[pos], false);
  std::string_view reason =
      denied == AclDenied::kCommand ? "no permission to execute the command or subcommand"
      : denied == AclDenied::kKey   ? "no permission to touch the specified keys"
                                  : "no permission to access one of the channels used as arguments";
  return "NOPERM ACLs rules changed between the moment the transaction was accumulated and the "
         "EXEC call. This command is no longer allowed for the following reason: " +
         std::string(reason);
}

std::string AclCheckScriptCall(const CommandContext& caller, const CommandSpec& spec,
                               std::span<const std::string_view> args) {
  const AclUser& user = *caller.client.acl_user;
  size_t pos = 0;
  const AclDenied denied = caller.server.acl->Check(user, spec, args, pos);
  if (denied == AclDenied::kNone) return "";
  caller.server.acl->LogDenial(denied, AclLogContext::kLua,
                               denied == AclDenied::kCommand ? spec.name : std::string(args[pos]),
                               user.name(), caller);
  return "ERR ACL failure in script: " + AclErrorMessage(denied, user, spec, args[pos], false);
}

std::string AclErrorMessage(AclDenied reason, const AclUser& user, const CommandSpec& spec,
                            std::string_view arg, bool verbose) {
  switch (reason) {
    case AclDenied::kKey:
      if (verbose) {
        return "User " + user.name() + " has no permissions to access the '" + std::string(arg) +
               "' key";
      }
      return "No permissions to access a key";
    case AclDenied::kChannel:
      if (verbose) {
        return "User " + user.name() + " has no permissions to access the '" + std::string(arg) +
               "' channel";
      }
      return "No permissions to access a channel";
    default:
      return "User " + user.name() + " has no permissions to run the '" + spec.name + "' command";
  }
}

}  // namespace kvd
