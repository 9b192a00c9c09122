#pragma once
// CLIENT PAUSE: while a pause lasts, the commands it covers wait instead of running (every
// command in ALL mode; in WRITE mode those that may change data or be replicated: writes,
// PUBLISH, EVAL...), and once it ends, by CLIENT UNPAUSE or its timeout, they run in the
// order they came. A command that waits is held, never refused; its client's later commands
// wait behind it. Expiry stops during a pause too (the server's cron skips active expiry,
// and the dispatcher has reads hide an expired key without deleting it), so that the
// dataset holds still, as Redis does for a failover.
//
// Bookkeeping only: the dispatcher decides what is held and runs it again. Touched on the
// store strand only.
#include <array>
#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kvd {

struct ClientState;
struct CommandSpec;

class ClientPause {
 public:
  enum class Mode { kOff, kWrite, kAll };
  // Who paused, as Redis's pause purposes: CLIENT PAUSE, a shutdown waiting for its
  // replicas, a failover. Each ends on its own (CLIENT UNPAUSE does not end a failover's
  // pause); while several last, the strongest mode holds.
  enum class Purpose { kClientCommand, kShutdown, kFailover };

  // A pause while one of the same purpose lasts keeps the stronger mode and the later end,
  // as Redis's pauseClients. end_ms is Unix ms.
  void Pause(Purpose purpose, Mode mode, int64_t end_ms);
  // The purpose's pause ends now (CLIENT UNPAUSE, a shutdown or failover that is over).
  void Unpause(Purpose purpose);
  // Forgets pauses whose end has passed.
  void Expire(int64_t now_ms);
  // Some pause is on until its end; one whose end has passed is over even before anything
  // noticed.
  bool Active(int64_t now_ms) const { return mode(now_ms) != Mode::kOff; }
  // The strongest mode among the pauses on at now_ms.
  Mode mode(int64_t now_ms) const;

  // Whether `spec` (with `flags`, the flags the dispatcher checks) from `client` must wait
  // now. Monitors are never paused, as Redis never pauses replicas, nor is a log replay.
  bool Holds(const ClientState& client, const CommandSpec& spec, uint32_t flags,
             int64_t now_ms) const;

  // A held command: the client (by id: it may disconnect meanwhile) and its arguments.
  struct Held {
    uint64_t client_id;
    std::vector<std::string> args;
  };
  // Holds the command and marks the client as waiting (ClientState::paused and blocked).
  void Hold(ClientState& client, std::span<const std::string_view> args, int64_t now_ms);
  // Held commands that may run: some are held and the pause is weaker than when they were
  // (over, or down from ALL to WRITE: a held write is then held again).
  bool Releasable(int64_t now_ms) const { return !held_.empty() && mode(now_ms) < held_under_; }
  // The held commands in the order they came; forgets them.
  std::vector<Held> TakeHeld();
  size_t held() const { return held_.size(); }

 private:
  struct Entry {
    Mode mode = Mode::kOff;
    int64_t end_ms = 0;
  };
  void UpdateLastEnd();

  std::array<Entry, 3> pauses_;  // by Purpose
  int64_t last_end_ms_ = 0;      // the latest end among them: no pause is on from then
  std::deque<Held> held_;
  Mode held_under_ = Mode::kOff;  // the strongest mode a held command was held under
};

// Redis's "may_replicate" commands kvd has: they change nothing in the dataset, but Redis
// would send them to replicas, so a WRITE pause holds them too.
bool MayReplicate(const CommandSpec& spec);

}  // namespace kvd
