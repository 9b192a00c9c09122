#pragma once
// Handlers of the set family, registered by RegisterSetFamily (set_family.cpp).
#include "server/command.h"

namespace kvd::set_commands {

// set_basic.cpp
void SAdd(CommandContext& ctx);
void SRem(CommandContext& ctx);
void SMembers(CommandContext& ctx);
void SIsMember(CommandContext& ctx);
void SMIsMember(CommandContext& ctx);
void SCard(CommandContext& ctx);
void SMove(CommandContext& ctx);

// set_random_scan.cpp
void SPop(CommandContext& ctx);
void SRandMember(CommandContext& ctx);
void SScan(CommandContext& ctx);

// set_algebra.cpp
void SInter(CommandContext& ctx);
void SInterCard(CommandContext& ctx);
void SInterStore(CommandContext& ctx);
void SUnion(CommandContext& ctx);
void SUnionStore(CommandContext& ctx);
void SDiff(CommandContext& ctx);
void SDiffStore(CommandContext& ctx);

}  // namespace kvd::set_commands
