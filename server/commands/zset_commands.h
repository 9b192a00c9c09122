#pragma once
// Handlers of the sorted-set family, registered by RegisterZSetFamily (zset_family.cpp).
#include "server/command.h"

namespace kvd::zset_commands {

// zset_write.cpp
void ZAdd(CommandContext& ctx);
void ZIncrBy(CommandContext& ctx);
void ZRem(CommandContext& ctx);
void ZRemRangeByRank(CommandContext& ctx);
void ZRemRangeByScore(CommandContext& ctx);
void ZRemRangeByLex(CommandContext& ctx);
void ZPopMin(CommandContext& ctx);
void ZPopMax(CommandContext& ctx);
void ZMPop(CommandContext& ctx);

// zset_blocking.cpp
void BZPopMin(CommandContext& ctx);
void BZPopMax(CommandContext& ctx);
void BZMPop(CommandContext& ctx);

// zset_read.cpp
void ZCard(CommandContext& ctx);
void ZScore(CommandContext& ctx);
void ZMScore(CommandContext& ctx);
void ZRank(CommandContext& ctx);
void ZRevRank(CommandContext& ctx);
void ZCount(CommandContext& ctx);
void ZLexCount(CommandContext& ctx);
void ZRandMember(CommandContext& ctx);
void ZScan(CommandContext& ctx);

// zset_range.cpp
void ZRange(CommandContext& ctx);
void ZRangeStore(CommandContext& ctx);
void ZRevRange(CommandContext& ctx);
void ZRangeByScore(CommandContext& ctx);
void ZRevRangeByScore(CommandContext& ctx);
void ZRangeByLex(CommandContext& ctx);
void ZRevRangeByLex(CommandContext& ctx);

// zset_setops.cpp
void ZUnion(CommandContext& ctx);
void ZInter(CommandContext& ctx);
void ZDiff(CommandContext& ctx);
void ZUnionStore(CommandContext& ctx);
void ZInterStore(CommandContext& ctx);
void ZDiffStore(CommandContext& ctx);
void ZInterCard(CommandContext& ctx);

}  // namespace kvd::zset_commands
