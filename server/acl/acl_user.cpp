#include "server/acl/acl_user.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>

#include "core/text.h"

namespace kvd {
namespace {

constexpr std::string_view kSyntaxError = "Syntax error";
constexpr std::string_view kUnknownCommand = "Unknown command or category name in ACL";
constexpr std::string_view kKeysAfterAll =
    "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not "
    "have any effect. Try 'resetkeys' to start with an empty list of patterns";
constexpr std::string_view kChannelsAfterAll =
    "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does "
    "not have any effect. Try 'resetchannels' to start with an empty list of channels";
constexpr std::string_view kNoSuchPassword =
    "The password you are trying to remove from the user does not exist";
constexpr std::string_view kBadHash =
    "The password hash must be exactly 64 characters and contain only lowercase hexadecimal "
    "characters";
constexpr std::string_view kFirstArgOfSub = "Allowing first-arg of a subcommand is not supported";

// Usernames, key and channel patterns may not hold spaces or NULs (Redis's
// ACLStringHasSpaces), so that ACL LIST and the ACL file stay parseable.
bool HasSpaces(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    return c == '\0' || std::isspace(static_cast<unsigned char>(c));
  });
}

bool ValidHash(std::string_view h) {
  return h.size() == 64 && std::all_of(h.begin(), h.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// Compares without an early exit, so the time taken says nothing of where they differ.
bool HashEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

// Splits on spaces, as Redis's sdssplitargs does for the stored rules (no quotes there).
std::vector<std::string_view> Words(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t j = i;
    while (j < s.size() && s[j] != ' ') ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

}  // namespace

std::string AclHashPassword(std::string_view password) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(password.data(), password.size(), digest, &len, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xf];
  }
  return hex;
}

bool AclMergeSelectorArgs(std::span<const std::string_view> in, std::vector<std::string>& out,
                          size_t& bad) {
  std::string selector;
  bool open = false;
  size_t open_at = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    std::string_view op = in[i];
    if (!open && !op.empty() && op.front() == '(' && op.back() != ')') {
      selector = std::string(op);
      open = true;
      open_at = i;
      continue;
    }
    if (open) {
      selector += ' ';
      selector += op;
      if (!op.empty() && op.back() == ')') {
        open = false;
        out.push_back(std::move(selector));
      }
      continue;
    }
    out.emplace_back(op);
  }
  if (open) bad = open_at;
  return !open;
}

// ---- AclSelector ----

void AclSelector::SetBit(uint32_t id, bool allow) {
  if (id >= bits_.size()) bits_.resize(id + 1, future_ ? 1 : 0);
  bits_[id] = allow ? 1 : 0;
  if (!allow) all_commands_ = false;
}

void AclSelector::ChangePerm(const AclCommandIndex& index, uint32_t id, bool allow) {
  SetBit(id, allow);
  first_args_.erase(id);
  for (uint32_t sub : index.at(id).subs) SetBit(sub, allow);
}

// Redis's ACLUpdateCommandRules: the rule replaces an earlier one for the same command or
// category (and for the command's subcommands), keeping the order they were given in.
void AclSelector::UpdateRules(std::string_view rule, bool allow) {
  const std::string lower = ToLower(rule);
  std::string kept;
  for (std::string_view existing : Words(command_rules_)) {
    std::string_view body = existing.substr(1);
    const bool same =
        body == lower || (body.size() > lower.size() && body.substr(0, lower.size()) == lower &&
                          body[lower.size()] == '|');
    if (same) continue;
    if (!kept.empty()) kept += ' ';
    kept += existing;
  }
  if (!kept.empty()) kept += ' ';
  kept += allow ? '+' : '-';
  kept += lower;
  command_rules_ = std::move(kept);
}

std::string AclSelector::ApplyCommandRule(std::string_view op, const AclCommandIndex& index) {
  const bool allow = op[0] == '+';
  std::string_view name = op.substr(1);
  if (!name.empty() && name[0] == '@') {
    const uint32_t bit = AclCategoryBit(name.substr(1));
    if (bit == 0) return std::string(kUnknownCommand);
    UpdateRules(name, allow);
    for (uint32_t id = 0; id < index.size(); ++id) {
      if (index.at(id).categories & bit) ChangePerm(index, id, allow);
    }
    return "";
  }
  const size_t bar = name.rfind('|');
  if (!allow || bar == std::string_view::npos) {
    const int id = index.Lookup(name);
    if (id < 0) return std::string(kUnknownCommand);
    ChangePerm(index, static_cast<uint32_t>(id), allow);
    UpdateRules(index.at(static_cast<uint32_t>(id)).spec->name, allow);
    return "";
  }
  // +container|sub, or +command|first-arg for a command without subcommands.
  const int id = index.Lookup(name.substr(0, bar));
  if (id < 0) return std::string(kUnknownCommand);
  const AclCommandIndex::Entry& e = index.at(static_cast<uint32_t>(id));
  if (e.parent >= 0) return std::string(kFirstArgOfSub);
  std::string_view sub = name.substr(bar + 1);
  if (sub.empty()) return std::string(kSyntaxError);
  if (!e.subs.empty()) {
    const int sub_id = index.Lookup(name);
    if (sub_id < 0) return std::string(kUnknownCommand);
    ChangePerm(index, static_cast<uint32_t>(sub_id), true);
  } else {
    std::vector<std::string>& allowed = first_args_[static_cast<uint32_t>(id)];
    const bool known = std::any_of(allowed.begin(), allowed.end(),
                                   [&](const std::string& a) { return EqualsIgnoreCase(a, sub); });
    if (!known) allowed.emplace_back(sub);
  }
  UpdateRules(name, true);
  return "";
}

std::string AclSelector::Apply(std::string_view op, const AclCommandIndex& index) {
  if (EqualsIgnoreCase(op, "allkeys") || op == "~*") {
    all_keys_ = true;
    keys_.clear();
  } else if (EqualsIgnoreCase(op, "resetkeys")) {
    all_keys_ = false;
    keys_.clear();
  } else if (EqualsIgnoreCase(op, "allchannels") || op == "&*") {
    AllowAllChannels();
  } else if (EqualsIgnoreCase(op, "resetchannels")) {
    all_channels_ = false;
    channels_.clear();
  } else if (EqualsIgnoreCase(op, "allcommands") || EqualsIgnoreCase(op, "+@all")) {
    bits_.clear();
    future_ = true;
    all_commands_ = true;
    command_rules_.clear();
    first_args_.clear();
  } else if (EqualsIgnoreCase(op, "nocommands") || EqualsIgnoreCase(op, "-@all")) {
    bits_.clear();
    future_ = false;
    all_commands_ = false;
    command_rules_.clear();
    first_args_.clear();
  } else if (op[0] == '~' || op[0] == '%') {
    if (all_keys_) return std::string(kKeysAfterAll);
    uint8_t perms = 0;
    size_t offset = 1;
    if (op[0] == '%') {
      for (; offset < op.size(); ++offset) {
        const char c = static_cast<char>(std::toupper(static_cast<unsigned char>(op[offset])));
        if (c == 'R' && !(perms & kAclRead)) {
          perms |= kAclRead;
        } else if (c == 'W' && !(perms & kAclWrite)) {
          perms |= kAclWrite;
        } else if (op[offset] == '~' && perms != 0) {
          ++offset;
          break;
        } else {
          return std::string(kSyntaxError);
        }
      }
      if (perms == 0) return std::string(kSyntaxError);
    } else {
      perms = kAclReadWrite;
    }
    std::string_view pattern = op.substr(offset);
    if (HasSpaces(pattern)) return std::string(kSyntaxError);
    auto it = std::find_if(keys_.begin(), keys_.end(),
                           [&](const KeyPattern& k) { return k.pattern == pattern; });
    if (it == keys_.end()) {
      keys_.push_back({std::string(pattern), perms});
    } else {
      it->perms |= perms;
    }
  } else if (op[0] == '&') {
    if (all_channels_) return std::string(kChannelsAfterAll);
    std::string_view pattern = op.substr(1);
    if (HasSpaces(pattern)) return std::string(kSyntaxError);
    if (std::find(channels_.begin(), channels_.end(), pattern) == channels_.end()) {
      channels_.emplace_back(pattern);
    }
  } else if (op[0] == '+' || op[0] == '-') {
    return ApplyCommandRule(op, index);
  } else {
    return std::string(kSyntaxError);
  }
  return "";
}

AclDenied AclSelector::Check(const AclCommandIndex& index, uint32_t id,
                             std::span<const std::string_view> args, AclArgsCache& cache,
                             size_t& pos) const {
  const AclCommandIndex::Entry& e = index.at(id);
  if (!all_commands_ && !(e.spec->flags & kNoAuth) && !Bit(id)) {
    // A first argument allowed on its own (+select|0).
    auto it = first_args_.find(id);
    const size_t arg = e.parent >= 0 ? 2 : 1;
    if (it == first_args_.end() || args.size() <= arg) return AclDenied::kCommand;
    const bool match = std::any_of(it->second.begin(), it->second.end(), [&](const std::string& a) {
      return EqualsIgnoreCase(a, args[arg]);
    });
    if (!match) return AclDenied::kCommand;
  }
  if (!all_keys_ && AclCommandHasKeys(e)) {
    if (!cache.keys_done) {
      AclCommandKeys(e, args, cache.keys);
      cache.keys_done = true;
    }
    for (const AclArgRef& key : cache.keys) {
      const bool ok = std::any_of(keys_.begin(), keys_.end(), [&](const KeyPattern& p) {
        return (p.perms & key.perms) == key.perms && GlobMatch(p.pattern, args[key.pos]);
      });
      if (!ok) {
        pos = key.pos;
        return AclDenied::kKey;
      }
    }
  }
  if (!all_channels_ && AclCommandHasChannels(*e.spec)) {
    if (!cache.channels_done) {
      AclCommandChannels(*e.spec, args, cache.channels);
      cache.channels_done = true;
    }
    for (const AclArgRef& ch : cache.channels) {
      if (!ChannelAllowed(args[ch.pos], ch.perms != 0)) {
        pos = ch.pos;
        return AclDenied::kChannel;
      }
    }
  }
  return AclDenied::kNone;
}

// A channel name matches the patterns as globs; a PSUBSCRIBE pattern only literally.
bool AclSelector::ChannelAllowed(std::string_view channel, bool is_pattern) const {
  if (all_channels_) return true;
  return std::any_of(channels_.begin(), channels_.end(), [&](const std::string& p) {
    return is_pattern ? p == channel : GlobMatch(p, channel);
  });
}

std::string AclSelector::DescribeCommands() const {
  std::string out = future_ ? "+@all" : "-@all";
  if (!command_rules_.empty()) out += " " + command_rules_;
  return out;
}

std::string AclSelector::DescribeKeys() const {
  if (all_keys_) return "~*";
  std::string out;
  for (const KeyPattern& k : keys_) {
    if (!out.empty()) out += ' ';
    out += k.perms == kAclReadWrite ? "~" : k.perms == kAclRead ? "%R~" : "%W~";
    out += k.pattern;
  }
  return out;
}

std::string AclSelector::DescribeChannels() const {
  if (all_channels_) return "&*";
  std::string out;
  for (const std::string& c : channels_) {
    if (!out.empty()) out += ' ';
    out += "&" + c;
  }
  return out;
}

std::string AclSelector::Describe() const {
  std::string out;
  if (std::string keys = DescribeKeys(); !keys.empty()) out += keys + " ";
  if (all_channels_) {
    out += "&* ";
  } else {
    out += "resetchannels ";
    if (!channels_.empty()) out += DescribeChannels() + " ";
  }
  return out + DescribeCommands();
}

// ---- AclUser ----

AclUser::AclUser(std::string name, bool all_channels)
    : name_(std::move(name)), new_selectors_all_channels_(all_channels) {
  selectors_.push_back(NewSelector());
  Refresh();
}

AclSelector AclUser::NewSelector() const {
  AclSelector selector;
  if (new_selectors_all_channels_) selector.AllowAllChannels();
  return selector;
}

void AclUser::CopyRulesFrom(const AclUser& other) {
  enabled_ = other.enabled_;
  nopass_ = other.nopass_;
  sanitize_ = other.sanitize_;
  passwords_ = other.passwords_;
  selectors_ = other.selectors_;
  Refresh();
}

std::string AclUser::Apply(std::string_view op, const AclCommandIndex& index) {
  std::string err;
  if (op.empty()) return "";  // a no-op, as in Redis
  if (EqualsIgnoreCase(op, "on")) {
    enabled_ = true;
  } else if (EqualsIgnoreCase(op, "off")) {
    enabled_ = false;
  } else if (EqualsIgnoreCase(op, "skip-sanitize-payload")) {
    sanitize_ = Sanitize::kSkip;
  } else if (EqualsIgnoreCase(op, "sanitize-payload")) {
    sanitize_ = Sanitize::kSanitize;
  } else if (EqualsIgnoreCase(op, "nopass")) {
    nopass_ = true;
    passwords_.clear();
  } else if (EqualsIgnoreCase(op, "resetpass")) {
    nopass_ = false;
    passwords_.clear();
  } else if (op[0] == '>' || op[0] == '#') {
    std::string hash;
    if (op[0] == '>') {
      hash = AclHashPassword(op.substr(1));
    } else {
      if (!ValidHash(op.substr(1))) return std::string(kBadHash);
      hash = std::string(op.substr(1));
    }
    if (std::find(passwords_.begin(), passwords_.end(), hash) == passwords_.end()) {
      passwords_.push_back(std::move(hash));
    }
    nopass_ = false;
  } else if (op[0] == '<' || op[0] == '!') {
    std::string hash;
    if (op[0] == '<') {
      hash = AclHashPassword(op.substr(1));
    } else {
      if (!ValidHash(op.substr(1))) return std::string(kBadHash);
      hash = std::string(op.substr(1));
    }
    auto it = std::find(passwords_.begin(), passwords_.end(), hash);
    if (it == passwords_.end()) return std::string(kNoSuchPassword);
    passwords_.erase(it);
  } else if (op.front() == '(' && op.back() == ')' && op.size() >= 2) {
    AclSelector selector = NewSelector();
    for (std::string_view word : Words(op.substr(1, op.size() - 2))) {
      if (std::string e = selector.Apply(word, index); !e.empty()) return e;
    }
    selectors_.push_back(std::move(selector));
  } else if (EqualsIgnoreCase(op, "clearselectors")) {
    selectors_.resize(1);
  } else if (EqualsIgnoreCase(op, "reset")) {
    nopass_ = false;
    passwords_.clear();
    enabled_ = false;
    sanitize_ = Sanitize::kSanitize;
    selectors_.resize(1);
    selectors_[0].Apply("resetkeys", index);
    selectors_[0].Apply(new_selectors_all_channels_ ? "allchannels" : "resetchannels", index);
    selectors_[0].Apply("-@all", index);
  } else {
    err = selectors_[0].Apply(op, index);
  }
  Refresh();
  return err;
}

bool AclUser::PasswordMatches(std::string_view password) const {
  if (nopass_) return true;
  const std::string hash = AclHashPassword(password);
  bool match = false;
  for (const std::string& p : passwords_) match |= HashEquals(hash, p);
  return match;
}

AclDenied AclUser::Check(const AclCommandIndex& index, const CommandSpec& spec,
                         std::span<const std::string_view> args, size_t& pos) const {
  if (unrestricted_) return AclDenied::kNone;
  const int id = index.Id(&spec);
  if (id < 0) return AclDenied::kCommand;
  // Redis's ACLCheckAllUserCommandPerm: any selector may allow it; otherwise the refusal
  // reported is the "highest" reason, then the latest argument.
  AclArgsCache cache;
  AclDenied relevant = AclDenied::kCommand;
  size_t last = 0;
  for (const AclSelector& s : selectors_) {
    size_t p = 0;
    const AclDenied d = s.Check(index, static_cast<uint32_t>(id), args, cache, p);
    if (d == AclDenied::kNone) return d;
    if (d > relevant || (d == relevant && p > last)) {
      relevant = d;
      last = p;
    }
  }
  pos = last;
  return relevant;
}

bool AclUser::UnrestrictedKeyAccess(const AclCommandIndex& index, const CommandSpec& spec,
                                    std::span<const std::string_view> args, uint8_t perms) const {
  if (unrestricted_) return true;
  const int id = index.Id(&spec);
  if (id < 0) return false;
  AclArgsCache cache;
  return std::any_of(selectors_.begin(), selectors_.end(), [&](const AclSelector& s) {
    size_t pos = 0;
    return s.Check(index, static_cast<uint32_t>(id), args, cache, pos) == AclDenied::kNone &&
           s.AllKeysFor(perms);
  });
}

bool AclSelector::AllKeysFor(uint8_t perms) const {
  return all_keys_ || std::any_of(keys_.begin(), keys_.end(), [&](const KeyPattern& k) {
           return (k.perms & perms) == perms && k.pattern == "*";
         });
}

bool AclUser::ChannelAllowed(std::string_view channel, bool is_pattern) const {
  return std::any_of(selectors_.begin(), selectors_.end(),
                     [&](const AclSelector& s) { return s.ChannelAllowed(channel, is_pattern); });
}

std::vector<std::string_view> AclUser::Flags() const {
  std::vector<std::string_view> out;
  out.push_back(enabled_ ? "on" : "off");
  if (nopass_) out.push_back("nopass");
  if (sanitize_ == Sanitize::kSkip) out.push_back("skip-sanitize-payload");
  if (sanitize_ == Sanitize::kSanitize) out.push_back("sanitize-payload");
  return out;
}

std::string AclUser::Describe() const {
  std::string out;
  for (std::string_view f : Flags()) {
    out.append(f);
    out += ' ';
  }
  for (const std::string& p : passwords_) out += "#" + p + " ";
  out += selectors_[0].Describe();
  for (size_t i = 1; i < selectors_.size(); ++i) out += " (" + selectors_[i].Describe() + ")";
  return out;
}

}  // namespace kvd
