#include "server/client_pause.h"

#include <algorithm>
#include <array>

#include "server/client_state.h"
#include "server/command.h"
#include "server/transaction.h"

namespace kvd {

void ClientPause::Pause(Mode mode, int64_t end_ms) {
  mode_ = std::max(mode_, mode);
  end_ms_ = std::max(end_ms_, end_ms);
}

void ClientPause::Unpause() {
  mode_ = Mode::kOff;
  end_ms_ = 0;
}

bool MayReplicate(const CommandSpec& spec) {
  static constexpr std::array<std::string_view, 8> kNames = {
      "publish", "spublish", "pfcount", "eval", "evalsha", "fcall", "script|load",
      "script|flush"};
  return std::find(kNames.begin(), kNames.end(), spec.name) != kNames.end();
}

bool ClientPause::Holds(const ClientState& client, const CommandSpec& spec, uint32_t flags,
                        int64_t now_ms) const {
  if (!Active(now_ms) || client.monitor || client.replaying_aof) return false;
  if (mode_ == Mode::kAll) return true;
  if ((flags & kWrite) || MayReplicate(spec)) return true;
  // EXEC stands for what it runs (its flags already carry their writes).
  if (IsExec(spec) && client.InMulti()) {
    for (const QueuedCommand& q : client.txn->queued) {
      if (MayReplicate(*q.spec)) return true;
    }
  }
  return false;
}

void ClientPause::Hold(ClientState& client, std::span<const std::string_view> args) {
  held_.push_back({client.id, std::vector<std::string>(args.begin(), args.end())});
  client.paused = true;
  client.blocked = true;
}

std::vector<ClientPause::Held> ClientPause::TakeHeld() {
  std::vector<Held> out(std::make_move_iterator(held_.begin()),
                        std::make_move_iterator(held_.end()));
  held_.clear();
  return out;
}

}  // namespace kvd
