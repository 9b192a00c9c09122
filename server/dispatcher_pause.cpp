// The dispatcher's part in CLIENT PAUSE and CLIENT REPLY: held commands run again once the
// pause ends, and replies are dropped while a client turned them off.
#include <string>
#include <string_view>
#include <vector>

#include "server/blocking.h"
#include "server/dispatcher.h"

namespace kvd {

void ApplyReplyMode(ClientState& client, std::string& out, size_t from) {
  using Mode = ClientState::ReplyMode;
  if (client.reply_mode == Mode::kOff || client.reply_mode == Mode::kSkip) out.resize(from);
  if (client.reply_mode == Mode::kSkip) {
    client.reply_mode = Mode::kOn;
  } else if (client.reply_mode == Mode::kSkipNext) {
    client.reply_mode = Mode::kSkip;
  }
}

void Dispatcher::Cron(int64_t now_ms) {
  pause_.Expire(now_ms);
  if (pause_.Releasable(now_ms)) ReleaseHeld();
}

void Dispatcher::ReleaseHeld() {
  pause_.Expire(server_.clock.NowMs());
  // A released command may pause again (CLIENT PAUSE itself was held): what follows it is
  // then held again, in the same order.
  for (ClientPause::Held& held : pause_.TakeHeld()) {
    auto it = server_.clients.find(held.client_id);
    if (it == server_.clients.end()) continue;  // disconnected meanwhile: nothing to run
    ClientState& client = *it->second;
    client.paused = false;
    client.blocked = false;
    const std::vector<std::string_view> args(held.args.begin(), held.args.end());
    std::string out;
    Dispatch(client, args, out, server_.commands.Find(args[0]));
    // Held again, or a blocking command that now waits: its reply comes later.
    if (client.blocked) continue;
    ResumeClient(server_, client, std::move(out));
  }
}

}  // namespace kvd
