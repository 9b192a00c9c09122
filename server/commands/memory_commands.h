#pragma once
// MEMORY and its subcommands (memory_commands.cpp; STATS and DOCTOR in memory_stats.cpp),
// registered by RegisterServerFamily (server_family.cpp).
#include <string>

#include "server/command.h"

namespace kvd {

struct MemoryBreakdown;
struct ProcessMemory;

void RegisterMemoryCommands(CommandTable& t);

void CmdMemoryStats(CommandContext& ctx);
void CmdMemoryDoctor(CommandContext& ctx);

// Redis's getMemoryDoctorReport applied to these figures.
std::string MemoryDoctorReport(const MemoryBreakdown& m, const ProcessMemory& p);

}  // namespace kvd
