#pragma once
// One ACL user as Redis 7.2 keeps it: on/off, password hashes (SHA-256 hex) or nopass, and
// selectors (the root one plus any `(...)`), each with a command bitmap, key patterns with
// read/write permissions and channel patterns. Rules are ACL SETUSER's words.
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/acl/acl_command_index.h"
#include "server/acl/acl_keys.h"

namespace kvd {

// Why a command was refused, with Redis's numbering (ACL_DENIED_*): when selectors disagree,
// the highest wins.
enum class AclDenied { kNone = 0, kCommand = 1, kKey = 2, kAuth = 3, kChannel = 4 };

// Keys and channels of the command being checked, found once for every selector.
struct AclArgsCache {
  bool keys_done = false, channels_done = false;
  std::vector<AclArgRef> keys, channels;
};

class AclSelector {
 public:
  // Applies one selector rule (+get, -@write, ~pat, %R~pat, &chan, allkeys...). Returns "" or
  // Redis's reason ("Syntax error", "Unknown command or category name in ACL"...).
  std::string Apply(std::string_view op, const AclCommandIndex& index);

  // kNone, or why the command is refused; `pos` gets the refused key's or channel's index.
  AclDenied Check(const AclCommandIndex& index, uint32_t id, std::span<const std::string_view> args,
                  AclArgsCache& cache, size_t& pos) const;
  bool ChannelAllowed(std::string_view channel, bool is_pattern) const;
  void AllowAllChannels() {  // "allchannels"
    all_channels_ = true;
    channels_.clear();
  }

  // ACL LIST's form: "~* &* +@all", "%R~a resetchannels &c -@all +get".
  std::string Describe() const;
  std::string DescribeCommands() const;  // "+@all -debug"
  std::string DescribeKeys() const;      // ACL GETUSER's "keys"
  std::string DescribeChannels() const;  // ACL GETUSER's "channels"

  bool all_keys() const { return all_keys_; }
  // allkeys, or a "~*" pattern granting `perms` (Redis's ACLSelectorHasUnrestrictedKeyAccess).
  bool AllKeysFor(uint8_t perms) const;
  bool all_channels() const { return all_channels_; }
  bool all_commands() const { return all_commands_; }
  const std::vector<std::string>& channels() const { return channels_; }

 private:
  struct KeyPattern {
    std::string pattern;
    uint8_t perms;  // AclPerm bits
  };
  bool Bit(uint32_t id) const { return id < bits_.size() ? bits_[id] != 0 : future_; }
  void SetBit(uint32_t id, bool allow);
  void ChangePerm(const AclCommandIndex& index, uint32_t id, bool allow);
  void UpdateRules(std::string_view rule, bool allow);
  std::string ApplyCommandRule(std::string_view op, const AclCommandIndex& index);

  bool all_keys_ = false;
  bool all_channels_ = false;
  bool all_commands_ = false;  // no command bit has been cleared since +@all
  bool future_ = false;        // +@all: commands the bitmap does not cover yet are allowed
  std::vector<uint8_t> bits_;  // by command id
  std::map<uint32_t, std::vector<std::string>> first_args_;  // +select|0
  std::vector<KeyPattern> keys_;
  std::vector<std::string> channels_;
  std::string command_rules_;  // the +/- rules since the last +@all/-@all, as Redis 7.2
};

class AclUser {
 public:
  // `all_channels`: acl-pubsub-default is allchannels, so this user's selectors (the root,
  // one added later, or the root after "reset") start with every channel, as Redis.
  explicit AclUser(std::string name, bool all_channels = false);

  const std::string& name() const { return name_; }
  // Applies one ACL SETUSER word. Returns "" or Redis's reason.
  std::string Apply(std::string_view op, const AclCommandIndex& index);
  // The rules of `other` (not its name, nor the channels its new selectors start with), as
  // Redis's ACLCopyUser.
  void CopyRulesFrom(const AclUser& other);

  bool enabled() const { return enabled_; }
  bool nopass() const { return nopass_; }
  bool PasswordMatches(std::string_view password) const;
  const std::vector<std::string>& password_hashes() const { return passwords_; }
  const std::vector<AclSelector>& selectors() const { return selectors_; }

  // Every command, key and channel: the dispatcher checks nothing more (the hot path).
  bool unrestricted() const { return unrestricted_; }

  // Whether a selector that allows this command also grants `perms` on every key (Redis's
  // ACLUserCheckCmdWithUnrestrictedKeyAccess): SORT's BY and GET read keys the command's key
  // specs do not name.
  bool UnrestrictedKeyAccess(const AclCommandIndex& index, const CommandSpec& spec,
                             std::span<const std::string_view> args, uint8_t perms) const;
  // kNone or why; `pos` is the refused key's or channel's argument index (0: the command).
  AclDenied Check(const AclCommandIndex& index, const CommandSpec& spec,
                  std::span<const std::string_view> args, size_t& pos) const;
  bool ChannelAllowed(std::string_view channel, bool is_pattern) const;

  // What follows "user <name> " in ACL LIST and the ACL file.
  std::string Describe() const;
  // ACL GETUSER's flags: "on", "nopass", "sanitize-payload"...
  std::vector<std::string_view> Flags() const;

 private:
  AclSelector NewSelector() const;  // empty, or with every channel (acl-pubsub-default)
  void Refresh() {
    unrestricted_ =
        selectors_[0].all_commands() && selectors_[0].all_keys() && selectors_[0].all_channels();
  }

  std::string name_;
  bool enabled_ = false;
  bool nopass_ = false;
  enum class Sanitize { kNone, kSanitize, kSkip } sanitize_ = Sanitize::kSanitize;
  std::vector<std::string> passwords_;  // SHA-256 hex, in the order added
  std::vector<AclSelector> selectors_;  // [0] is the root selector
  bool unrestricted_ = false;
  bool new_selectors_all_channels_ = false;  // acl-pubsub-default when the user was made
};

// SHA-256 of a password as 64 lower-case hex characters, as Redis stores it.
std::string AclHashPassword(std::string_view password);

// Redis's ACLMergeSelectorArguments: "(+get" "~k)" becomes "(+get ~k)". Returns false on an
// unmatched '(' and sets `bad` to its index.
bool AclMergeSelectorArgs(std::span<const std::string_view> in, std::vector<std::string>& out,
                          size_t& bad);

}  // namespace kvd
