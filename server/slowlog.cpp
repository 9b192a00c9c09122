#include "server/slowlog.h"

#include <algorithm>

#include "core/text.h"
#include "server/client_state.h"
#include "server/redaction.h"

namespace kvd {
namespace {

// Redis's SLOWLOG_ENTRY_MAX_ARGC and SLOWLOG_ENTRY_MAX_STRING.
constexpr size_t kMaxArgs = 32;
constexpr size_t kMaxArgBytes = 128;

}  // namespace

void SlowLog::Record(int64_t max_len, const ClientState& client,
                     std::span<const std::string_view> args, int64_t duration_us,
                     int64_t now_sec) {
  Entry e;
  e.id = next_id_++;
  e.time_sec = now_sec;
  e.duration_us = duration_us;
  const size_t kept = args.size() > kMaxArgs ? kMaxArgs - 1 : args.size();
  e.args.reserve(kept + 1);
  for (size_t i = 0; i < kept; ++i) {
    if (IsSecretArgument(args, i)) {
      e.args.emplace_back(kRedactedArgument);
    } else if (args[i].size() > kMaxArgBytes) {
      e.args.emplace_back(args[i].substr(0, kMaxArgBytes));
      e.args.back() += "... (" + std::to_string(args[i].size() - kMaxArgBytes) + " more bytes)";
    } else {
      e.args.emplace_back(args[i]);
    }
  }
  if (kept < args.size()) {
    e.args.push_back("... (" + std::to_string(args.size() - kept) + " more arguments)");
  }
  e.addr = client.addr;
  e.name = client.name();
  entries_.push_front(std::move(e));
  while (static_cast<int64_t>(entries_.size()) > std::max<int64_t>(max_len, 0)) {
    entries_.pop_back();
  }
}

}  // namespace kvd
