// COMMAND [COUNT|INFO|DOCS|LIST|GETKEYS|HELP]: the command table as Redis 7 describes it.
// redis-cli 7 reads COMMAND DOCS at start to build its hints.
#include "server/commands/command_docs.h"

#include <algorithm>
#include <bit>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/numeric.h"
#include "core/text.h"
#include "server/command.h"
#include "server/command_lookup.h"
#include "server/commands/command_docs_data.h"
#include "server/commands/command_getkeys.h"
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
    {kAsking, "asking"},
    {kFast, "fast"},
    {kNoAuth, "no_auth"},
    {kNoMandatoryKeys, "no_mandatory_keys"},
    {kNoAsyncLoading, "no_async_loading"},
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

// Key specs of a command Redis does not document: one "range" spec from the legacy (first,
// last, step) triple and one "keynum" spec for keys counted by an argument, flagged RO or RW
// from the command's flags (the counted keys of a command that also names a destination are
// its read-only sources).
void ReplyDerivedKeySpecs(ReplyWriter& r, const CommandSpec& s) {
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

// A set of words as simple strings (flags) or bulk strings (tips), as Redis sends each.
void ReplyWordSet(ReplyWriter& r, std::string_view words, bool simple) {
  std::vector<std::string_view> list = SplitWords(words);
  r.SetHeader(list.size());
  for (std::string_view w : list) simple ? r.Simple(w) : r.Bulk(w);
}

void ReplyIntField(ReplyWriter& r, std::string_view name, int64_t v) {
  r.Bulk(name);
  r.Integer(v);
}

// A key spec as Redis documents it (keySpecsToReply in Redis's server.c).
void ReplyDocKeySpec(ReplyWriter& r, const KeySpecDoc& k) {
  r.MapHeader(k.notes.empty() ? 3 : 4);
  if (!k.notes.empty()) {
    r.Bulk("notes");
    r.Bulk(k.notes);
  }
  r.Bulk("flags");
  ReplyWordSet(r, k.flags, /*simple=*/true);
  r.Bulk("begin_search");
  r.MapHeader(2);
  r.Bulk("type");
  r.Bulk(k.begin_type);
  r.Bulk("spec");
  if (k.begin_type == "index") {
    r.MapHeader(1);
    ReplyIntField(r, "index", k.begin);
  } else if (k.begin_type == "keyword") {
    r.MapHeader(2);
    r.Bulk("keyword");
    r.Bulk(k.keyword);
    ReplyIntField(r, "startfrom", k.begin);
  } else {
    r.MapHeader(0);
  }
  r.Bulk("find_keys");
  r.MapHeader(2);
  r.Bulk("type");
  r.Bulk(k.find_type);
  r.Bulk("spec");
  if (k.find_type == "range") {
    r.MapHeader(3);
    ReplyIntField(r, "lastkey", k.a);
    ReplyIntField(r, "keystep", k.b);
    ReplyIntField(r, "limit", k.c);
  } else if (k.find_type == "keynum") {
    r.MapHeader(3);
    ReplyIntField(r, "keynumidx", k.a);
    ReplyIntField(r, "firstkey", k.b);
    ReplyIntField(r, "keystep", k.c);
  } else {
    r.MapHeader(0);
  }
}

void ReplyCommandInfo(ReplyWriter& r, const CommandSpec& s) {
  const CommandDoc* doc = FindCommandDoc(s.name);
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
  ReplyWordSet(r, s.acl_categories, /*simple=*/true);
  ReplyWordSet(r, doc != nullptr ? doc->tips : std::string_view(), /*simple=*/false);
  if (doc != nullptr) {
    std::span<const KeySpecDoc> specs = KeySpecs(*doc);
    r.SetHeader(specs.size());
    for (const KeySpecDoc& k : specs) ReplyDocKeySpec(r, k);
  } else {
    ReplyDerivedKeySpecs(r, s);
  }
  r.SetHeader(s.subcommands.size());
  for (const CommandSpec& sub : s.subcommands) ReplyCommandInfo(r, sub);
}

void ReplyOptionalBulk(ReplyWriter& r, std::string_view name, std::string_view value) {
  if (value.empty()) return;
  r.Bulk(name);
  r.Bulk(value);
}

// Arguments as Redis's addReplyCommandArgList gives them; absent fields are left out.
void ReplyArguments(ReplyWriter& r, std::span<const ArgDoc> args) {
  r.ArrayHeader(args.size());
  for (const ArgDoc& a : args) {
    const size_t nflags = std::popcount(a.flags);
    // A pure token is its token, even an empty one (MIGRATE's "" in place of a key).
    const bool token = !a.token.empty() || a.type == "pure-token";
    r.MapHeader(2 + !a.display_text.empty() + (a.key_spec_index >= 0) + token +
                !a.summary.empty() + !a.since.empty() + !a.deprecated_since.empty() + (nflags > 0) +
                (a.num_children > 0));
    r.Bulk("name");
    r.Bulk(a.name);
    r.Bulk("type");
    r.Bulk(a.type);
    ReplyOptionalBulk(r, "display_text", a.display_text);
    if (a.key_spec_index >= 0) ReplyIntField(r, "key_spec_index", a.key_spec_index);
    if (token) {
      r.Bulk("token");
      r.Bulk(a.token);
    }
    ReplyOptionalBulk(r, "summary", a.summary);
    ReplyOptionalBulk(r, "since", a.since);
    ReplyOptionalBulk(r, "deprecated_since", a.deprecated_since);
    if (nflags > 0) {
      r.Bulk("flags");
      r.SetHeader(nflags);
      if (a.flags & kArgOptional) r.Simple("optional");
      if (a.flags & kArgMultiple) r.Simple("multiple");
      if (a.flags & kArgMultipleToken) r.Simple("multiple_token");
    }
    if (a.num_children > 0) {
      r.Bulk("arguments");
      ReplyArguments(r, Children(a));
    }
  }
}

void ReplyCommandDocs(ReplyWriter& r, const CommandSpec& s);

void ReplySubcommandDocs(ReplyWriter& r, const CommandSpec& s) {
  if (s.subcommands.empty()) return;
  r.Bulk("subcommands");
  r.MapHeader(s.subcommands.size());
  for (const CommandSpec& sub : s.subcommands) {
    r.Bulk(sub.name);
    ReplyCommandDocs(r, sub);
  }
}

std::string_view Prefer(std::string_view own, std::string_view generated) {
  return own.empty() ? generated : own;
}

// A command Redis documents: its fields in Redis's order (addReplyCommandDocs), absent ones
// left out. The command table's summary, since and complexity (Redis 7.2's wording) win over
// the generated tables' (taken from an older Redis); the group is always Redis's own name.
void ReplyDocumented(ReplyWriter& r, const CommandSpec& s, const CommandDoc& d) {
  std::span<const HistoryDoc> history = History(d);
  std::span<const ArgDoc> args = Arguments(d);
  const std::string_view since = Prefer(s.since, d.since);
  const std::string_view complexity = Prefer(s.complexity, d.complexity);
  r.MapHeader(2 + !since.empty() + !complexity.empty() + !d.doc_flags.empty() +
              !d.deprecated_since.empty() + !d.replaced_by.empty() + !history.empty() +
              !args.empty() + !s.subcommands.empty());
  r.Bulk("summary");
  r.Bulk(Prefer(s.summary, d.summary));
  ReplyOptionalBulk(r, "since", since);
  r.Bulk("group");
  r.Bulk(Prefer(d.group, s.group));
  ReplyOptionalBulk(r, "complexity", complexity);
  if (!d.doc_flags.empty()) {
    r.Bulk("doc_flags");
    ReplyWordSet(r, d.doc_flags, /*simple=*/true);
  }
  ReplyOptionalBulk(r, "deprecated_since", d.deprecated_since);
  ReplyOptionalBulk(r, "replaced_by", d.replaced_by);
  if (!history.empty()) {
    r.Bulk("history");
    r.SetHeader(history.size());
    for (const HistoryDoc& h : history) {
      r.ArrayHeader(2);
      r.Bulk(h.version);
      r.Bulk(h.change);
    }
  }
  if (!args.empty()) {
    r.Bulk("arguments");
    ReplyArguments(r, args);
  }
  ReplySubcommandDocs(r, s);
}

// A command only kvd has: the command table's own four fields, always present, even if
// empty: redis-cli reads "summary" and "group" of every entry without checking they were sent.
void ReplyCommandDocs(ReplyWriter& r, const CommandSpec& s) {
  if (const CommandDoc* d = FindCommandDoc(s.name)) return ReplyDocumented(r, s, *d);
  r.MapHeader(s.subcommands.empty() ? 4 : 5);
  r.Bulk("summary");
  r.Bulk(s.summary);
  r.Bulk("since");
  r.Bulk(s.since);
  r.Bulk("group");
  r.Bulk(s.group);
  r.Bulk("complexity");
  r.Bulk(s.complexity);
  ReplySubcommandDocs(r, s);
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
       "    Return the keys from a full Redis command.", "GETKEYSANDFLAGS <full-command>",
       "    Return the keys and the access flags from a full Redis command."});
}

constexpr uint32_t kIntrospect = kLoading | kStale;
constexpr std::string_view kCats = "@slow @connection";

}  // namespace

const CommandDoc* FindCommandDoc(std::string_view full_name) {
  std::span<const CommandDoc> all = CommandDocData().commands;
  auto it = std::lower_bound(all.begin(), all.end(), full_name,
                             [](const CommandDoc& d, std::string_view n) { return d.name < n; });
  return it != all.end() && it->name == full_name ? &*it : nullptr;
}

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
      MakeSpec("command|getkeysandflags", -3, kIntrospect, {}, CmdCommandGetKeysAndFlags,
               {kCats, "server", "7.0.0",
                "Extracts the key names and access flags for an arbitrary command.",
                "O(N) where N is the number of arguments to the command"}),
      MakeSpec("command|help", 2, kIntrospect, {}, CmdCommandHelp,
               {kCats, "server", "5.0.0", "Returns helpful text about the different subcommands.",
                "O(1)"}),
  };
  return command;
}

}  // namespace kvd
