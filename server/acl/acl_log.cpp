#include "server/acl/acl_log.h"

#include <cstdlib>

#include "protocol/reply_writer.h"

namespace kvd {
namespace {

constexpr int64_t kGroupingMaxDeltaMs = 60000;  // Redis's ACL_LOG_GROUPING_MAX_TIME_DELTA
constexpr size_t kGroupingScan = 10;

bool SameEvent(const AclLogEntry& a, const AclLogEntry& b) {
  return a.reason == b.reason && a.context == b.context &&
         std::llabs(a.updated_ms - b.updated_ms) <= kGroupingMaxDeltaMs && a.object == b.object &&
         a.username == b.username;
}

std::string_view ReasonName(AclDenied r) {
  switch (r) {
    case AclDenied::kCommand:
      return "command";
    case AclDenied::kKey:
      return "key";
    case AclDenied::kChannel:
      return "channel";
    case AclDenied::kAuth:
      return "auth";
    case AclDenied::kNone:
      break;
  }
  return "unknown";
}

std::string_view ContextName(AclLogContext c) {
  switch (c) {
    case AclLogContext::kTopLevel:
      return "toplevel";
    case AclLogContext::kMulti:
      return "multi";
    case AclLogContext::kLua:
      return "lua";
  }
  return "unknown";
}

}  // namespace

void AclLog::Add(AclLogEntry entry, size_t max_len) {
  const size_t scan = std::min(kGroupingScan, entries_.size());
  for (size_t i = 0; i < scan; ++i) {
    if (!SameEvent(entries_[i], entry)) continue;
    AclLogEntry match = std::move(entries_[i]);
    entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));
    match.client_info = std::move(entry.client_info);
    match.updated_ms = entry.updated_ms;
    match.count++;
    entries_.push_front(std::move(match));
    return;
  }
  entry.entry_id = next_id_++;
  entry.created_ms = entry.updated_ms;
  entry.count = 1;
  entries_.push_front(std::move(entry));
  while (entries_.size() > max_len) entries_.pop_back();
}

void AclLog::Reply(ReplyWriter& r, size_t count, int64_t now_ms) const {
  count = std::min(count, entries_.size());
  r.ArrayHeader(count);
  for (size_t i = 0; i < count; ++i) {
    const AclLogEntry& e = entries_[i];
    r.MapHeader(10);
    r.Bulk("count");
    r.Integer(static_cast<int64_t>(e.count));
    r.Bulk("reason");
    r.Bulk(ReasonName(e.reason));
    r.Bulk("context");
    r.Bulk(ContextName(e.context));
    r.Bulk("object");
    r.Bulk(e.object);
    r.Bulk("username");
    r.Bulk(e.username);
    r.Bulk("age-seconds");
    r.Double(static_cast<double>(now_ms - e.updated_ms) / 1000);
    r.Bulk("client-info");
    r.Bulk(e.client_info);
    r.Bulk("entry-id");
    r.Integer(static_cast<int64_t>(e.entry_id));
    r.Bulk("timestamp-created");
    r.Integer(e.created_ms);
    r.Bulk("timestamp-last-updated");
    r.Integer(e.updated_ms);
  }
}

}  // namespace kvd
