// CLIENT NO-TOUCH: while on, the client's commands leave keys' access time and LFU counter
// as they were (the dispatcher tells the store's access clock before each command); TOUCH
// still counts as an access, as in Redis.
#include "server/commands/client_no_touch.h"

#include "core/text.h"
#include "server/client_state.h"
#include "server/commands/key_spec.h"
#include "server/errors.h"

namespace kvd {
namespace {

void CmdClientNoTouch(CommandContext& ctx) {
  if (EqualsIgnoreCase(ctx.args[2], "on")) {
    ctx.client.no_touch = true;
  } else if (EqualsIgnoreCase(ctx.args[2], "off")) {
    ctx.client.no_touch = false;
  } else {
    return ctx.Error(kSyntaxErr);
  }
  ctx.reply.Ok();
}

}  // namespace

CommandSpec ClientNoTouchSpec() {
  return MakeSpec("client|no-touch", 3, kNoScript | kLoading | kStale, kNoKeys,
                  CmdClientNoTouch,
                  {"@slow @connection", "connection", "7.2.0",
                   "Controls whether commands sent by the client affect the LRU/LFU of "
                   "accessed keys.",
                   "O(1)"});
}

}  // namespace kvd
