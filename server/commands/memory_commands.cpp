// MEMORY USAGE|PURGE|MALLOC-STATS|HELP and the MEMORY command's table entry; STATS and DOCTOR
// are in memory_stats.cpp.
#include "server/commands/memory_commands.h"

#include <malloc.h>

#include <cstdint>

#include "core/keyspace.h"
#include "server/arg_cursor.h"
#include "server/command.h"
#include "server/commands/key_spec.h"
#include "server/commands/subcommand_help.h"
#include "server/errors.h"

namespace kvd {
namespace {

// MEMORY USAGE key [SAMPLES count]. kvd counts every value's memory exactly, so SAMPLES is
// validated and has nothing to sample.
void CmdMemoryUsage(CommandContext& ctx) {
  ArgCursor in(ctx.args.subspan(3));
  while (!in.Done()) {
    if (in.Eat("SAMPLES")) {
      int64_t samples = in.TakeInt();
      if (samples < 0) in.Fail(kSyntaxErr);
    } else {
      in.Fail(kSyntaxErr);
    }
  }
  if (auto err = in.error()) return ctx.Error(*err);
  Keyspace& db = ctx.db();
  const Record* record = db.FindNoTouch(ctx.args[2], ctx.now_ms);
  if (record == nullptr) return ctx.reply.Null();
  ctx.reply.Integer(static_cast<int64_t>(db.MemoryUsage(*record)));
}

// MEMORY PURGE: hands the allocator's free memory back to the system (glibc's malloc_trim;
// Redis asks jemalloc to purge its dirty pages, and replies OK under libc malloc too).
void CmdMemoryPurge(CommandContext& ctx) {
  malloc_trim(0);
  ctx.reply.Ok();
}

// MEMORY MALLOC-STATS: Redis's reply under an allocator other than jemalloc, which kvd's
// glibc malloc is (INFO's mem_allocator:libc).
void CmdMemoryMallocStats(CommandContext& ctx) {
  ctx.reply.Bulk("Stats not supported for the current allocator");
}

void CmdMemoryHelp(CommandContext& ctx) {
  ReplySubcommandHelp(ctx.reply, "MEMORY",
                      {"DOCTOR", "    Return memory problems reports.", "MALLOC-STATS",
                       "    Return internal statistics report from the memory allocator.", "PURGE",
                       "    Attempt to purge dirty pages for reclamation by the allocator.",
                       "STATS", "    Return information about the memory usage of the server.",
                       "USAGE <key> [SAMPLES <count>]",
                       "    Return memory in bytes used by <key> and its value. Nested values are",
                       "    sampled up to <count> times (default: 5, 0 means sample all)."});
}

}  // namespace

void RegisterMemoryCommands(CommandTable& t) {
  CommandSpec memory =
      MakeSpec("memory", -2, 0, {}, nullptr,
               {"@slow", "server", "4.0.0", "A container for memory diagnostics commands.",
                "Depends on subcommand."});
  // In the order Redis 7 lists them (COMMAND INFO, COMMAND DOCS).
  memory.subcommands = {
      MakeSpec("memory|usage", -3, kReadOnly, {2, 2, 1}, CmdMemoryUsage,
               {"@read @slow", "server", "4.0.0", "Estimates the memory usage of a key.",
                "O(N) where N is the number of samples."}),
      MakeSpec("memory|help", 2, kLoading | kStale, {}, CmdMemoryHelp,
               {"@slow", "server", "4.0.0", "Returns helpful text about the different subcommands.",
                "O(1)"}),
      MakeSpec("memory|stats", 2, 0, {}, CmdMemoryStats,
               {"@slow", "server", "4.0.0", "Returns details about memory usage.", "O(1)"}),
      MakeSpec("memory|doctor", 2, 0, {}, CmdMemoryDoctor,
               {"@slow", "server", "4.0.0", "Outputs a memory problems report.", "O(1)"}),
      MakeSpec("memory|purge", 2, 0, {}, CmdMemoryPurge,
               {"@slow", "server", "4.0.0", "Asks the allocator to release memory.",
                "Depends on how much memory is allocated, could be slow"}),
      MakeSpec("memory|malloc-stats", 2, 0, {}, CmdMemoryMallocStats,
               {"@slow", "server", "4.0.0", "Returns the allocator statistics.",
                "Depends on how much memory is allocated, could be slow"}),
  };
  t.Add(std::move(memory));
}

}  // namespace kvd
