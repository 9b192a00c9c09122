#pragma once
// Which arguments of a command are keys (with the access each needs) and which are pub/sub
// channels, as Redis's ACL finds them: keys from the command's key specs (COMMAND INFO),
// channels from PUBLISH, SPUBLISH and the SUBSCRIBE family.
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "server/acl/acl_command_index.h"

namespace kvd {

enum AclPerm : uint8_t { kAclRead = 1, kAclWrite = 2, kAclReadWrite = 3 };

struct AclArgRef {
  size_t pos = 0;     // index into the command's arguments
  uint8_t perms = 0;  // keys: AclPerm bits the access needs; channels: 1 for a pattern
};

// Whether the command names keys at all (Redis's doesCommandHaveKeys).
bool AclCommandHasKeys(const AclCommandIndex::Entry& e);
// The command's keys, in key spec order. A key spec that cannot be followed (a bad numkeys)
// falls back to the table's key positions with read and write access.
void AclCommandKeys(const AclCommandIndex::Entry& e, std::span<const std::string_view> args,
                    std::vector<AclArgRef>& out);

// Whether the command publishes or subscribes (the unsubscribe commands are never refused).
bool AclCommandHasChannels(const CommandSpec& spec);
void AclCommandChannels(const CommandSpec& spec, std::span<const std::string_view> args,
                        std::vector<AclArgRef>& out);

}  // namespace kvd
