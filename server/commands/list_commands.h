#pragma once
// Handlers of the list family, registered by RegisterListFamily (list_family.cpp).
#include "server/command.h"

namespace kvd::list_commands {

// list_push_pop.cpp
void LPush(CommandContext& ctx);
void RPush(CommandContext& ctx);
void LPushX(CommandContext& ctx);
void RPushX(CommandContext& ctx);
void LPop(CommandContext& ctx);
void RPop(CommandContext& ctx);
void LMPop(CommandContext& ctx);

// list_move.cpp
void LMove(CommandContext& ctx);
void RPopLPush(CommandContext& ctx);

// list_blocking.cpp
void BLPop(CommandContext& ctx);
void BRPop(CommandContext& ctx);
void BLMPop(CommandContext& ctx);
void BLMove(CommandContext& ctx);
void BRPopLPush(CommandContext& ctx);

// list_access.cpp
void LLen(CommandContext& ctx);
void LRange(CommandContext& ctx);
void LIndex(CommandContext& ctx);
void LPos(CommandContext& ctx);

// list_edit.cpp
void LSet(CommandContext& ctx);
void LInsert(CommandContext& ctx);
void LRem(CommandContext& ctx);
void LTrim(CommandContext& ctx);

}  // namespace kvd::list_commands
