// SLOWLOG GET|LEN|RESET|HELP: the slow log (server/slowlog.h).
#include <optional>

#include "core/numeric.h"
#include "server/command.h"
#include "server/commands/key_spec.h"
#include "server/commands/subcommand_help.h"
#include "server/server_state.h"

namespace kvd {
namespace {

constexpr std::string_view kGroup = "server";

void SlowlogGet(CommandContext& ctx) {
  int64_t count = 10;
  if (ctx.args.size() == 3) {
    const std::optional<int64_t> n = ParseInt64(ctx.args[2]);
    if (!n || *n < -1) return ctx.Error("ERR count should be greater than or equal to -1");
    count = *n;
  }
  const auto& entries = ctx.server.slowlog.entries();
  const size_t n = count == -1 ? entries.size()
                               : std::min(entries.size(), static_cast<size_t>(count));
  ctx.reply.ArrayHeader(n);
  for (size_t i = 0; i < n; ++i) {
    const SlowLog::Entry& e = entries[i];
    ctx.reply.ArrayHeader(6);
    ctx.reply.Integer(static_cast<int64_t>(e.id));
    ctx.reply.Integer(e.time_sec);
    ctx.reply.Integer(e.duration_us);
    ctx.reply.ArrayHeader(e.args.size());
    for (const std::string& a : e.args) ctx.reply.Bulk(a);
    ctx.reply.Bulk(e.addr);
    ctx.reply.Bulk(e.name);
  }
}

void SlowlogLen(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.server.slowlog.entries().size()));
}

void SlowlogReset(CommandContext& ctx) {
  ctx.server.slowlog.Reset();
  ctx.reply.Ok();
}

void SlowlogHelp(CommandContext& ctx) {
  ReplySubcommandHelp(
      ctx.reply, "SLOWLOG",
      {"GET [<count>]",
       "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
       "    Entries are made of:",
       "    id, timestamp, time in microseconds, arguments array, client IP and port,",
       "    client name", "LEN", "    Return the length of the slowlog.", "RESET",
       "    Reset the slowlog."});
}

}  // namespace

void RegisterSlowlogCommands(CommandTable& t) {
  CommandSpec slowlog =
      MakeSpec("slowlog", -2, 0, kNoKeys, nullptr,
               {"@slow", kGroup, "2.2.12", "A container for slow log commands.",
                "Depends on subcommand."});
  slowlog.subcommands = {
      MakeSpec("slowlog|get", -2, kAdmin | kLoading | kStale, kNoKeys, SlowlogGet,
               {"@admin @slow @dangerous", kGroup, "2.2.12", "Returns the slow log's entries.",
                "O(N) where N is the number of entries returned"}),
      MakeSpec("slowlog|len", 2, kAdmin | kLoading | kStale, kNoKeys, SlowlogLen,
               {"@admin @slow @dangerous", kGroup, "2.2.12",
                "Returns the number of entries in the slow log.", "O(1)"}),
      MakeSpec("slowlog|reset", 2, kAdmin | kLoading | kStale, kNoKeys, SlowlogReset,
               {"@admin @slow @dangerous", kGroup, "2.2.12",
                "Clears all entries from the slow log.",
                "O(N) where N is the number of entries in the slowlog"}),
      MakeSpec("slowlog|help", 2, kLoading | kStale, kNoKeys, SlowlogHelp,
               {"@slow", kGroup, "6.2.0", "Show helpful text about the different subcommands",
                "O(1)"}),
  };
  t.Add(std::move(slowlog));
}

}  // namespace kvd
