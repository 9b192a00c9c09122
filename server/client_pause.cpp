#include "server/client_pause.h"

#include <algorithm>
#include <array>

#include "server/client_state.h"
#include "server/command.h"
#include "server/transaction.h"

namespace kvd {

void ClientPause::Pause(Purpose purpose, Mode mode, int64_t end_ms) {
  Entry& p = pauses_[static_cast<size_t>(purpose)];
  p.mode = std::max(p.mode, mode);
  p.end_ms = std::max(p.end_ms, end_ms);
  last_end_ms_ = std::max(last_end_ms_, p.end_ms);
}

void ClientPause::Unpause(Purpose purpose) {
  pauses_[static_cast<size_t>(purpose)] = Entry{};
  UpdateLastEnd();
}

void ClientPause::Expire(int64_t now_ms) {
  for (Entry& p : pauses_) {
    if (p.mode != Mode::kOff && now_ms >= p.end_ms) p = Entry{};
  }
  UpdateLastEnd();
}

void ClientPause::UpdateLastEnd() {
  last_end_ms_ = 0;
  for (const Entry& p : pauses_) last_end_ms_ = std::max(last_end_ms_, p.end_ms);
}

ClientPause::Mode ClientPause::mode(int64_t now_ms) const {
  // Every command asks: with no pause on, one comparison answers.
  if (now_ms >= last_end_ms_) return Mode::kOff;
  Mode strongest = Mode::kOff;
  for (const Entry& p : pauses_) {
    if (now_ms < p.end_ms) strongest = std::max(strongest, p.mode);
  }
  return strongest;
}

bool MayReplicate(const CommandSpec& spec) {
  static constexpr std::array<std::string_view, 8> kNames = {
      "publish", "spublish", "pfcount", "eval", "evalsha", "fcall", "script|load",
      "script|flush"};
  return std::find(kNames.begin(), kNames.end(), spec.name) != kNames.end();
}

bool ClientPause::Holds(const ClientState& client, const CommandSpec& spec, uint32_t flags,
                        int64_t now_ms) const {
  const Mode now = mode(now_ms);
  if (now == Mode::kOff || client.monitor || client.replaying_aof) return false;
  if (now == Mode::kAll) return true;
  if ((flags & kWrite) || MayReplicate(spec)) return true;
  // EXEC stands for what it runs (its flags already carry their writes).
  if (IsExec(spec) && client.InMulti()) {
    for (const QueuedCommand& q : client.txn->queued) {
      if (MayReplicate(*q.spec)) return true;
    }
  }
  return false;
}

void ClientPause::Hold(ClientState& client, std::span<const std::string_view> args,
                       int64_t now_ms) {
  held_under_ = std::max(held_under_, mode(now_ms));
  held_.push_back({client.id, std::vector<std::string>(args.begin(), args.end())});
  client.paused = true;
  client.blocked = true;
}

std::vector<ClientPause::Held> ClientPause::TakeHeld() {
  std::vector<Held> out(std::make_move_iterator(held_.begin()),
                        std::make_move_iterator(held_.end()));
  held_.clear();
  held_under_ = Mode::kOff;
  return out;
}

}  // namespace kvd
