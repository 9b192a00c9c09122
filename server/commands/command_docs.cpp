// COMMAND [COUNT|INFO|DOCS|LIST|GETKEYS|HELP]: the command table as Redis 7 describes it.
// redis-cli 7 reads COMMAND DOCS at start to build its hints.
#include "server/commands/command_docs.h"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/numeric.h"
#include "core/text.h"
#include "server/command.h"
#include "server/commands/key_spec.h"
#include "server/commands/subcommand_help.h"
#include "server/errors.h"
#include "server/server_state.h"

namespace kvd {
namespace {

// COMMAND INFO's flag names, in the order Redis lists them.
constexpr std::pair<uint32_t, std::string_view> kFlagNames[] = {
    {kWrite, "write"},
    {kReadOnly, "readonly"},
    {kDenyOom, "denyoom"},
    {kAdmin, "admin"},
    {kPubSub, "pubsub"},
    {kNoScript, "noscript"},
    {kBlocking, "blocking"},
    {kLoading, "loading"},
    {kStale, "stale"},
    {kSkipMonitor, "skip_monitor"},
    {kSkipSlowlog, "skip_slowlog"},
    {kFast, "fast"},
    {kNoAuth, "no_auth"},
    {kNoMulti, "no_multi"},
    {kMovableKeys, "movablekeys"},
    {kAllowBusy, "allow_busy"},
};

std::vector<std::string_view> SplitWords(std::string_view s) {
  std::vector<std::string_view> words;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t end = s.find(' ', pos);
    if (end == std::string_view::npos) end = s.size();
    if (end > pos) words.push_back(s.substr(pos, end - pos));
    pos = end + 1;
  }
  return words;
}

// "client" finds the container, "client|list" its subcommand (Redis's lookupCommandBySds).
const CommandSpec* LookupFullName(const CommandTable& table, std::string_view name) {
  size_t bar = name.find('|');
  if (bar == std::string_view::npos) return table.Find(name);
  const CommandSpec* parent = table.Find(name.substr(0, bar));
  if (parent == nullptr) return nullptr;
  return FindSubcommand(*parent, name.substr(bar + 1));
}

// The command an argument vector runs (Redis's lookupCommand): the container's
// subcommand when there is one.
const CommandSpec* LookupByArgs(const CommandTable& table, std::span<const std::string_view> argv) {
  const CommandSpec* spec = table.Find(argv[0]);
  if (spec == nullptr || spec->subcommands.empty() || argv.size() < 2) return spec;
  return FindSubcommand(*spec, argv[1]);
}

// One key spec: where the search for keys begins, and how the keys are found from there.
void ReplyKeySpecHead(ReplyWriter& r, std::string_view flag, int begin_index) {
  r.MapHeader(3);
  r.Bulk("flags");
  r.SetHeader(1);
  r.Simple(flag);
  r.Bulk("begin_search");
  r.MapHeader(2);
  r.Bulk("type");
  r.Bulk("index");
  r.Bulk("spec");
  r.MapHeader(1);
  r.Bulk("index");
  r.Integer(begin_index);
  r.Bulk("find_keys");
}

// Key specs: one "range" spec from the legacy (first, last, step) triple and one "keynum"
// spec for keys counted by an argument, flagged RO or RW from the command's flags (the
// counted keys of a command that also names a destination are its read-only sources).
void ReplyKeySpecs(ReplyWriter& r, const CommandSpec& s) {
  const bool range = s.first_key > 0;
  const bool keynum = s.numkeys_index > 0;
  r.SetHeader((range ? 1 : 0) + (keynum ? 1 : 0));
  const std::string_view flag = (s.flags & kWrite) ? "RW" : "RO";
  if (range) {
    ReplyKeySpecHead(r, flag, s.first_key);
    r.MapHeader(2);
    r.Bulk("type");
    r.Bulk("range");
    r.Bulk("spec");
    r.MapHeader(3);
    r.Bulk("lastkey");
    r.Integer(s.last_key < 0 ? s.last_key : s.last_key - s.first_key);
    r.Bulk("keystep");
    r.Integer(s.key_step);
    r.Bulk("limit");
    r.Integer(0);
  }
  if (keynum) {
    ReplyKeySpecHead(r, range ? "RO" : flag, s.numkeys_index);
    r.MapHeader(2);
    r.Bulk("type");
    r.Bulk("keynum");
    r.Bulk("spec");
    r.MapHeader(3);
    r.Bulk("keynumidx");
    r.Integer(0);
    r.Bulk("firstkey");
    r.Integer(1);
    r.Bulk("keystep");
    r.Integer(1);
  }
}

void ReplyCommandInfo(ReplyWriter& r, const CommandSpec& s) {
  r.ArrayHeader(10);
  r.Bulk(s.name);
  r.Integer(s.arity);
  size_t nflags = 0;
  for (const auto& [bit, name] : kFlagNames) nflags += (s.flags & bit) ? 1 : 0;
  r.SetHeader(nflags);
  for (const auto& [bit, name] : kFlagNames) {
    if (s.flags & bit) r.Simple(name);
  }
  r.Integer(s.first_key);
  r.Integer(s.last_key);
  r.Integer(s.key_step);
  std::vector<std::string_view> cats = SplitWords(s.acl_categories);
  r.SetHeader(cats.size());
  for (std::string_view c : cats) r.Simple(c);
  r.SetHeader(0);  // tips
  ReplyKeySpecs(r, s);
  r.SetHeader(s.subcommands.size());
  for (const CommandSpec& sub : s.subcommands) ReplyCommandInfo(r, sub);
}

// The four fields are always present, even if empty: redis-cli reads "summary" and "group"
// of every entry without checking they were sent.
void ReplyCommandDocs(ReplyWriter& r, const CommandSpec& s) {
  r.MapHeader(s.subcommands.empty() ? 4 : 5);
  r.Bulk("summary");
  r.Bulk(s.summary);
  r.Bulk("since");
  r.Bulk(s.since);
  r.Bulk("group");
  r.Bulk(s.group);
  r.Bulk("complexity");
  r.Bulk(s.complexity);
  if (s.subcommands.empty()) return;
  r.Bulk("subcommands");
  r.MapHeader(s.subcommands.size());
  for (const CommandSpec& sub : s.subcommands) {
    r.Bulk(sub.name);
    ReplyCommandDocs(r, sub);
  }
}

void CmdCommand(CommandContext& ctx) {
  const auto& all = ctx.server.commands.All();
  ctx.reply.ArrayHeader(all.size());
  for (const CommandSpec& s : all) ReplyCommandInfo(ctx.reply, s);
}

void CmdCommandCount(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.server.commands.All().size()));
}

void CmdCommandInfo(CommandContext& ctx) {
  if (ctx.args.size() == 2) return CmdCommand(ctx);
  ctx.reply.ArrayHeader(ctx.args.size() - 2);
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    const CommandSpec* s = LookupFullName(ctx.server.commands, ctx.args[i]);
    if (s == nullptr) {
      ctx.reply.Null();
    } else {
      ReplyCommandInfo(ctx.reply, *s);
    }
  }
}

void CmdCommandDocs(CommandContext& ctx) {
  std::vector<const CommandSpec*> found;
  if (ctx.args.size() == 2) {
    for (const CommandSpec& s : ctx.server.commands.All()) found.push_back(&s);
  } else {
    for (size_t i = 2; i < ctx.args.size(); ++i) {
      if (const CommandSpec* s = LookupFullName(ctx.server.commands, ctx.args[i])) {
        found.push_back(s);
      }
    }
  }
  ctx.reply.MapHeader(found.size());
  for (const CommandSpec* s : found) {
    ctx.reply.Bulk(s->name);
    ReplyCommandDocs(ctx.reply, *s);
  }
}

bool HasCategory(const CommandSpec& s, std::string_view category) {
  for (std::string_view c : SplitWords(s.acl_categories)) {
    if (c.size() > 1 && c[0] == '@' && EqualsIgnoreCase(c.substr(1), category)) return true;
  }
  return false;
}

// COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN glob]: every command
// and subcommand name. kvd has no modules, so the MODULE filter matches nothing.
void CmdCommandList(CommandContext& ctx) {
  auto args = ctx.args;
  enum class Filter { kNone, kModule, kAclCat, kPattern } filter = Filter::kNone;
  std::string_view arg;
  if (args.size() == 5 && EqualsIgnoreCase(args[2], "filterby")) {
    arg = args[4];
    if (EqualsIgnoreCase(args[3], "module")) {
      filter = Filter::kModule;
    } else if (EqualsIgnoreCase(args[3], "aclcat")) {
      filter = Filter::kAclCat;
    } else if (EqualsIgnoreCase(args[3], "pattern")) {
      filter = Filter::kPattern;
    } else {
      return ctx.Error(kSyntaxErr);
    }
  } else if (args.size() != 2) {
    return ctx.Error(kSyntaxErr);
  }
  auto keep = [&](const CommandSpec& s) {
    switch (filter) {
      case Filter::kNone:
        return true;
      case Filter::kModule:
        return false;
      case Filter::kAclCat:
        return HasCategory(s, arg);
      case Filter::kPattern:
        return GlobMatch(arg, s.name, /*nocase=*/true);
    }
    return false;
  };
  std::vector<std::string_view> names;
  for (const CommandSpec& s : ctx.server.commands.All()) {
    if (keep(s)) names.push_back(s.name);
    for (const CommandSpec& sub : s.subcommands) {
      if (keep(sub)) names.push_back(sub.name);
    }
  }
  ctx.reply.ArrayHeader(names.size());
  for (std::string_view n : names) ctx.reply.Bulk(n);
}

void CmdCommandGetKeys(CommandContext& ctx) {
  std::span<const std::string_view> argv = ctx.args.subspan(2);
  const CommandSpec* s = LookupByArgs(ctx.server.commands, argv);
  if (s == nullptr) return ctx.Error("ERR Invalid command specified");
  if (s->first_key <= 0 && s->numkeys_index <= 0) {
    return ctx.Error("ERR The command has no key arguments");
  }
  const auto argc = static_cast<int64_t>(argv.size());
  if ((s->arity > 0 && s->arity != argc) || argc < -s->arity) {
    return ctx.Error("ERR Invalid number of arguments specified for command");
  }
  constexpr std::string_view kInvalidArgs = "ERR Invalid arguments specified for command";
  std::vector<std::string_view> keys;
  if (s->first_key > 0) {
    const int64_t last = s->last_key < 0 ? argc + s->last_key : s->last_key;
    if (last >= argc || last < s->first_key) return ctx.Error(kInvalidArgs);
    const int64_t step = s->key_step > 0 ? s->key_step : 1;
    for (int64_t i = s->first_key; i <= last; i += step) keys.push_back(argv[i]);
  }
  if (s->numkeys_index > 0) {
    const std::optional<int64_t> n = ParseInt64(argv[s->numkeys_index]);
    if (!n || *n < 0 || *n > argc - s->numkeys_index - 1) return ctx.Error(kInvalidArgs);
    for (int64_t i = 0; i < *n; ++i) keys.push_back(argv[s->numkeys_index + 1 + i]);
  }
  if (keys.empty()) return ctx.Error(kInvalidArgs);  // as Redis: no keys found is an error
  ctx.reply.ArrayHeader(keys.size());
  for (std::string_view k : keys) ctx.reply.Bulk(k);
}

void CmdCommandHelp(CommandContext& ctx) {
  ReplySubcommandHelp(
      ctx.reply, "COMMAND",
      {"(no subcommand)", "    Return details about all Redis commands.", "COUNT",
       "    Return the total number of commands in this Redis server.", "LIST",
       "    Return a list of all commands in this Redis server.", "INFO [<command-name> ...]",
       "    Return details about multiple Redis commands.",
       "    If no command names are given, documentation details for all",
       "    commands are returned.", "DOCS [<command-name> ...]",
       "    Return documentation details about multiple Redis commands.",
       "    If no command names are given, documentation details for all",
       "    commands are returned.", "GETKEYS <full-command>",
       "    Return the keys from a full Redis command."});
}

constexpr uint32_t kIntrospect = kLoading | kStale;
constexpr std::string_view kCats = "@slow @connection";

}  // namespace

CommandSpec CommandCommandSpec() {
  CommandSpec command =
      MakeSpec("command", -1, kIntrospect, {}, CmdCommand,
               {kCats, "server", "2.8.13", "Returns detailed information about all commands.",
                "O(N) where N is the total number of Redis commands"});
  command.subcommands = {
      MakeSpec("command|count", 2, kIntrospect, {}, CmdCommandCount,
               {kCats, "server", "2.8.13", "Returns a count of commands.", "O(1)"}),
      MakeSpec(
          "command|info", -2, kIntrospect, {}, CmdCommandInfo,
          {kCats, "server", "2.8.13", "Returns information about one, multiple or all commands.",
           "O(N) where N is the number of commands to look up"}),
      MakeSpec("command|docs", -2, kIntrospect, {}, CmdCommandDocs,
               {kCats, "server", "7.0.0",
                "Returns documentary information about one, multiple or all commands.",
                "O(N) where N is the number of commands to look up"}),
      MakeSpec("command|list", -2, kIntrospect, {}, CmdCommandList,
               {kCats, "server", "7.0.0", "Returns a list of command names.",
                "O(N) where N is the total number of Redis commands"}),
      MakeSpec("command|getkeys", -3, kIntrospect, {}, CmdCommandGetKeys,
               {kCats, "server", "2.8.13", "Extracts the key names from an arbitrary command.",
                "O(N) where N is the number of arguments to the command"}),
      MakeSpec("command|help", 2, kIntrospect, {}, CmdCommandHelp,
               {kCats, "server", "5.0.0", "Returns helpful text about the different subcommands.",
                "O(1)"}),
  };
  return command;
}

}  // namespace kvd
