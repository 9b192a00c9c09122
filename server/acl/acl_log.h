#pragma once
// ACL LOG: recent refusals (failed AUTH, commands, keys, channels), newest first. A refusal
// like one of the last ten within a minute (same reason, context, object and user) adds to
// that entry's count instead of a new entry, as Redis groups them.
#include <cstdint>
#include <deque>
#include <string>

#include "server/acl/acl_user.h"

namespace kvd {

class ReplyWriter;

enum class AclLogContext { kTopLevel, kMulti, kLua };

struct AclLogEntry {
  uint64_t count = 1;
  AclDenied reason = AclDenied::kCommand;
  AclLogContext context = AclLogContext::kTopLevel;
  std::string object;  // the command, key or channel; "AUTH" for a failed AUTH
  std::string username;
  int64_t updated_ms = 0;   // Unix ms of the latest occurrence
  std::string client_info;  // CLIENT INFO of the latest occurrence's client
  uint64_t entry_id = 0;
  int64_t created_ms = 0;
};

class AclLog {
 public:
  void Add(AclLogEntry entry, size_t max_len);
  void Reset() { entries_.clear(); }
  size_t size() const { return entries_.size(); }
  const std::deque<AclLogEntry>& entries() const { return entries_; }
  // ACL LOG [count]: the newest `count` entries as maps.
  void Reply(ReplyWriter& reply, size_t count, int64_t now_ms) const;

 private:
  std::deque<AclLogEntry> entries_;
  uint64_t next_id_ = 0;  // not reset by ACL LOG RESET, as in Redis
};

}  // namespace kvd
