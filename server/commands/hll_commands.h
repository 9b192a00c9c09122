#pragma once
// Handlers of the HyperLogLog family (hll_commands.cpp), registered by RegisterHllFamily
// (hll_family.cpp).
#include "server/command.h"

namespace kvd::hll_commands {

void PfAdd(CommandContext& ctx);
void PfCount(CommandContext& ctx);
void PfMerge(CommandContext& ctx);
void PfDebug(CommandContext& ctx);
void PfSelfTest(CommandContext& ctx);

}  // namespace kvd::hll_commands
