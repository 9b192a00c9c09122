// DEBUG (Redis's debug.c): the subcommands that inspect or exercise the server without
// crashing it. Only where enable-debug-command allows (the dispatcher checks kProtected).
// The subcommands that work on the keyspace are in debug_keyspace.cpp.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <thread>

#include "core/text.h"
#include "server/command.h"
#include "server/commands/debug_subcommands.h"
#include "server/commands/key_spec.h"
#include "server/commands/subcommand_help.h"
#include "server/replication/replication.h"
#include "server/server_state.h"

namespace kvd {
namespace {

struct DebugSubcommand {
  std::string_view name;
  size_t min_args, max_args;  // counting DEBUG and the subcommand
  CommandHandler handler;
};

void DebugHelp(CommandContext& ctx);

// Redis's addReplySubcommandSyntaxError: DEBUG's subcommands are not in the command table,
// so a wrong argument count reads as an unknown subcommand.
void UnknownDebugSubcommand(CommandContext& ctx) {
  ctx.Error("ERR unknown subcommand or wrong number of arguments for '" +
            std::string(ctx.args[1].substr(0, 128)) + "'. Try DEBUG HELP.");
}

// C's strtod on the whole argument: a prefix that is no number reads as 0.
double LeadingDouble(std::string_view arg) {
  const std::string s(arg);
  return std::strtod(s.c_str(), nullptr);
}

// C's atoi: optional blanks and sign, then digits; anything else ends it.
int64_t LeadingInteger(std::string_view arg) {
  size_t i = 0;
  while (i < arg.size() && (arg[i] == ' ' || (arg[i] >= '\t' && arg[i] <= '\r'))) ++i;
  bool negative = false;
  if (i < arg.size() && (arg[i] == '+' || arg[i] == '-')) negative = arg[i++] == '-';
  int64_t v = 0;
  for (; i < arg.size() && arg[i] >= '0' && arg[i] <= '9' && v < INT32_MAX; ++i) {
    v = v * 10 + (arg[i] - '0');
  }
  return negative ? -v : v;
}

// Blocks the whole server, as Redis does: nothing else runs meanwhile.
void DebugSleep(CommandContext& ctx) {
  const double seconds = LeadingDouble(ctx.args[2]);
  // A year bounds the conversion; nobody waits that long for a reply.
  constexpr double kMaxSeconds = 365.0 * 24 * 3600;
  if (seconds > 0) {
    const double us = std::min(seconds, kMaxSeconds) * 1e6;
    std::this_thread::sleep_for(std::chrono::microseconds(static_cast<int64_t>(us)));
  }
  ctx.reply.Ok();
}

void DebugSetActiveExpire(CommandContext& ctx) {
  ctx.server.active_expire_enabled = LeadingInteger(ctx.args[2]) != 0;
  ctx.reply.Ok();
}

void DebugChangeReplId(CommandContext& ctx) {
  spdlog::warn("Changing replication IDs after receiving DEBUG change-repl-id");
  if (ctx.server.replication != nullptr) ctx.server.replication->ChangeReplicationId();
  ctx.reply.Ok();
}

void DebugLog(CommandContext& ctx) {
  spdlog::warn("DEBUG LOG: {}", ctx.args[2]);
  ctx.reply.Ok();
}

// Redis's stringmatchlen_fuzz_test: random patterns against random strings, to show that
// matching never crashes or hangs; the result of each match does not matter.
void DebugStringmatchTest(CommandContext& ctx) {
  constexpr int kCycles = 100'000;
  constexpr size_t kMaxLen = 32;
  std::mt19937 rng(std::random_device{}());
  std::string str, pat;
  size_t matches = 0;
  for (int i = 0; i < kCycles; ++i) {
    str.resize(rng() % kMaxLen);
    pat.resize(rng() % kMaxLen);
    for (char& c : str) c = static_cast<char>(rng() % 128);
    for (char& c : pat) c = static_cast<char>(rng() % 128);
    matches += GlobMatch(pat, str);
  }
  spdlog::debug("DEBUG STRINGMATCH-TEST: {} matches", matches);
  ctx.reply.Simple("Apparently Redis did not crash: test passed");
}

// A sample reply of each RESP type, as Redis's DEBUG PROTOCOL sends them, for clients'
// tests.
void DebugProtocol(CommandContext& ctx) {
  const std::string_view name = ctx.args[2];
  ReplyWriter& reply = ctx.reply;
  const bool resp3 = reply.protocol() >= 3;
  if (EqualsIgnoreCase(name, "string")) {
    reply.Bulk("Hello World");
  } else if (EqualsIgnoreCase(name, "integer")) {
    reply.Integer(12345);
  } else if (EqualsIgnoreCase(name, "double")) {
    reply.Double(3.141);
  } else if (EqualsIgnoreCase(name, "bignum")) {
    reply.BigNumber("1234567999999999999999999999999999999");
  } else if (EqualsIgnoreCase(name, "null")) {
    reply.Null();
  } else if (EqualsIgnoreCase(name, "array")) {
    reply.ArrayHeader(3);
    for (int j = 0; j < 3; ++j) reply.Integer(j);
  } else if (EqualsIgnoreCase(name, "set")) {
    reply.SetHeader(3);
    for (int j = 0; j < 3; ++j) reply.Integer(j);
  } else if (EqualsIgnoreCase(name, "map")) {
    reply.MapHeader(3);
    for (int j = 0; j < 3; ++j) {
      reply.Integer(j);
      reply.Bool(j == 1);
    }
  } else if (EqualsIgnoreCase(name, "attrib")) {
    if (resp3) {
      reply.AttributeHeader(1);
      reply.Bulk("key-popularity");
      reply.ArrayHeader(2);
      reply.Bulk("key:123");
      reply.Integer(90);
    }
    // An attribute is no reply by itself: a real one follows.
    reply.Bulk("Some real reply following the attribute");
  } else if (EqualsIgnoreCase(name, "push")) {
    if (!resp3) return ctx.Error("ERR RESP2 is not supported by this command");
    reply.PushHeader(2);
    reply.Bulk("server-cpu-usage");
    reply.Integer(42);
    // A push is no reply to the command: a real one follows.
    reply.Bulk("Some real reply following the push reply");
  } else if (EqualsIgnoreCase(name, "true")) {
    reply.Bool(true);
  } else if (EqualsIgnoreCase(name, "false")) {
    reply.Bool(false);
  } else if (EqualsIgnoreCase(name, "verbatim")) {
    reply.Verbatim("txt", "This is a verbatim\nstring");
  } else {
    ctx.Error(
        "ERR Wrong protocol type name. Please use one of the following: "
        "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false");
  }
}

constexpr size_t kAny = SIZE_MAX;

constexpr DebugSubcommand kSubcommands[] = {
    {"help", 2, 2, DebugHelp},         {"change-repl-id", 2, 2, DebugChangeReplId},
    {"digest", 2, 2, DebugDigest},     {"digest-value", 2, kAny, DebugDigestValue},
    {"log", 3, 3, DebugLog},           {"object", 3, 3, DebugObject},
    {"populate", 3, 5, DebugPopulate}, {"protocol", 3, 3, DebugProtocol},
    {"reload", 2, kAny, DebugReload},  {"set-active-expire", 3, 3, DebugSetActiveExpire},
    {"sleep", 3, 3, DebugSleep},       {"stringmatch-test", 2, 2, DebugStringmatchTest},
};

void DebugHelp(CommandContext& ctx) {
  ReplySubcommandHelp(
      ctx.reply, "DEBUG",
      {"CHANGE-REPL-ID",
       "    Change the replication IDs of the instance.",
       "    Dangerous: should be used only for testing the replication subsystem.",
       "DIGEST",
       "    Output a hex signature representing the current DB content.",
       "DIGEST-VALUE <key> [<key> ...]",
       "    Output a hex signature of the values of all the specified keys.",
       "LOG <message>",
       "    Write <message> to the server log.",
       "OBJECT <key>",
       "    Show low level info about `key` and associated value.",
       "POPULATE <count> [<prefix>] [<size>]",
       "    Create <count> string keys named key:<num>. If <prefix> is specified then",
       "    it is used instead of the 'key' prefix. These are not propagated to",
       "    replicas. Cluster slots are not respected so keys not belonging to the",
       "    current node can be created in cluster mode.",
       "PROTOCOL <type>",
       "    Reply with a test value of the specified type. <type> can be: string,",
       "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
       "    true, false.",
       "RELOAD [option ...]",
       "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
       "    * MERGE: conflicting keys will be loaded from RDB.",
       "    * NOFLUSH: the existing database will not be removed before load, but",
       "      conflicting keys will make the reload fail.",
       "    * NOSAVE: the database will be loaded from an existing RDB file.",
       "    Examples:",
       "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
       "      the database.",
       "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
       "      existing RDB file.",
       "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
       "      file to the database.",
       "SET-ACTIVE-EXPIRE <0|1>",
       "    Setting it to 0 disables expiring keys in background when they are not",
       "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
       "    default.",
       "SLEEP <seconds>",
       "    Stop the server for <seconds>. Decimals allowed.",
       "STRINGMATCH-TEST",
       "    Run a fuzz tester against the stringmatchlen() function."});
}

void CmdDebug(CommandContext& ctx) {
  const size_t argc = ctx.args.size();
  for (const DebugSubcommand& sub : kSubcommands) {
    if (EqualsIgnoreCase(ctx.args[1], sub.name) && argc >= sub.min_args && argc <= sub.max_args) {
      return sub.handler(ctx);
    }
  }
  UnknownDebugSubcommand(ctx);
}

}  // namespace

void RegisterDebugCommand(CommandTable& t) {
  t.Add(MakeSpec("debug", -2, kAdmin | kNoScript | kLoading | kStale | kProtected, kNoKeys,
                 CmdDebug,
                 {"@admin @slow @dangerous", "server", "1.0.0",
                  "A container for debugging commands", "Depends on subcommand."}));
}

}  // namespace kvd
