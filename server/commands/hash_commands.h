#pragma once
// Handlers of the hash family, registered by RegisterHashFamily (hash_family.cpp).
#include "server/command.h"

namespace kvd::hash_commands {

// hash_basic.cpp
void HSet(CommandContext& ctx);  // also HMSET
void HSetNx(CommandContext& ctx);
void HGet(CommandContext& ctx);
void HMGet(CommandContext& ctx);
void HDel(CommandContext& ctx);
void HExists(CommandContext& ctx);
void HLen(CommandContext& ctx);
void HStrLen(CommandContext& ctx);
void HKeys(CommandContext& ctx);
void HVals(CommandContext& ctx);
void HGetAll(CommandContext& ctx);

// hash_incr.cpp
void HIncrBy(CommandContext& ctx);
void HIncrByFloat(CommandContext& ctx);

// hash_random_scan.cpp
void HRandField(CommandContext& ctx);
void HScan(CommandContext& ctx);

}  // namespace kvd::hash_commands
