#include "server/dispatcher.h"

#include <chrono>
#include <vector>

#include "server/errors.h"

namespace kvd {
namespace {

inline constexpr std::string_view kOomErr =
    "OOM command not allowed when used memory > 'maxmemory'.";

bool ArityOk(const CommandSpec& spec, size_t argc) {
  int n = static_cast<int>(argc);
  return spec.arity >= 0 ? n == spec.arity : n >= -spec.arity;
}

}  // namespace

void Dispatcher::Propagate(const CommandContext& ctx) {
  if (ctx.propagated.empty()) return server_.propagate(ctx.client.db, ctx.args);
  std::vector<std::string_view> views;
  for (const std::vector<std::string>& command : ctx.propagated) {
    views.assign(command.begin(), command.end());
    server_.propagate(ctx.client.db, views);
  }
}

void Dispatcher::Execute(ClientState& client, std::span<const std::string_view> args,
                         std::string& out) {
  if (args.empty()) return;  // Redis skips empty requests without a reply
  const int64_t now_ms = server_.clock.NowMs();
  client.last_interaction_ms = now_ms;
  ReplyWriter reply(out, client.resp);

  // A rejection is an error reply the handler never saw: it counts in errorstats and, once
  // the command is known, in its rejected_calls.
  auto reject = [&](const CommandSpec* spec, std::string_view message) {
    reply.Error(message);
    server_.CountError(message);
    if (spec) spec->rejected_calls++;
  };

  const CommandSpec* spec = server_.commands.Find(args[0]);
  if (!spec) return reject(nullptr, UnknownCommandError(args));
  if (!spec->subcommands.empty() && args.size() >= 2) {
    const CommandSpec* sub = FindSubcommand(*spec, args[1]);
    if (!sub) return reject(nullptr, UnknownSubcommandError(spec->name, args[1]));
    spec = sub;
  }
  client.last_command = spec->name;
  // A container without its subcommand fails arity as Redis does ("'client' command").
  if (!ArityOk(*spec, args.size()) || !spec->handler) {
    return reject(spec, WrongArityError(spec->name));
  }
  const ConfigValues& cfg = server_.config.values();
  if (!cfg.requirepass.empty() && !client.authenticated && !(spec->flags & kNoAuth)) {
    return reject(spec, kNoAuthErr);
  }
  // maxmemory with the only policy kvd has, noeviction: refuse commands that may grow memory.
  if (cfg.maxmemory > 0 && (spec->flags & kDenyOom) &&
      server_.store.AllocatedBytes() > static_cast<size_t>(cfg.maxmemory)) {
    return reject(spec, kOomErr);
  }

  CommandContext ctx{args, reply, server_.store, client, server_, *spec, now_ms};
  auto start = std::chrono::steady_clock::now();
  spec->handler(ctx);
  auto elapsed = std::chrono::steady_clock::now() - start;

  spec->calls++;
  spec->usec += std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
  if (ctx.failed) spec->failed_calls++;
  if (server_.propagate && ctx.dirty > 0) Propagate(ctx);
  client.commands++;
  server_.stats.total_commands_processed++;
}

}  // namespace kvd
