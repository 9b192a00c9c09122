#pragma once
// The slow log (SLOWLOG GET|LEN|RESET): the most recent commands that ran for at least
// `slowlog-log-slower-than` microseconds, newest first, at most `slowlog-max-len` of them.
// Touched on the store strand only.
#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kvd {

struct ClientState;

class SlowLog {
 public:
  struct Entry {
    uint64_t id = 0;
    int64_t time_sec = 0;     // Unix seconds when the command ran
    int64_t duration_us = 0;  // how long it ran (not how long it waited, if it blocked)
    // The command as Redis records it: at most 32 arguments, each cut to 128 bytes, and
    // passwords replaced with "(redacted)".
    std::vector<std::string> args;
    std::string addr;
    std::string name;
  };

  // Records the command when it was slow enough: threshold_us < 0 turns the log off, 0 logs
  // every command. Drops the oldest entries past max_len.
  void MaybeRecord(int64_t threshold_us, int64_t max_len, const ClientState& client,
                   std::span<const std::string_view> args, int64_t duration_us,
                   int64_t now_sec) {
    // Inline: every command asks, few are slow.
    if (threshold_us < 0 || duration_us < threshold_us) return;
    Record(max_len, client, args, duration_us, now_sec);
  }
  void Reset() { entries_.clear(); }

  const std::deque<Entry>& entries() const { return entries_; }  // newest first

 private:
  void Record(int64_t max_len, const ClientState& client, std::span<const std::string_view> args,
              int64_t duration_us, int64_t now_sec);

  std::deque<Entry> entries_;
  uint64_t next_id_ = 0;
};

}  // namespace kvd
