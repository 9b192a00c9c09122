#include "server/commands/command_getkeys.h"

#include <string>

#include "core/numeric.h"
#include "core/text.h"
#include "server/command_lookup.h"
#include "server/config_params.h"
#include "server/commands/command_docs_data.h"
#include "server/commands/migrate_args.h"
#include "server/server_state.h"

namespace kvd {
namespace {

bool HasWord(std::string_view words, std::string_view word) {
  for (std::string_view w : SplitWords(words)) {
    if (w == word) return true;
  }
  return false;
}

// Redis's getKeysUsingKeySpecs for one spec: appends its keys, or returns false when the
// arguments cannot hold them. A keyword spec whose keyword is absent finds nothing.
bool AddSpecKeys(const KeySpecDoc& k, std::span<const std::string_view> argv,
                 std::vector<FoundKey>& out) {
  const int argc = static_cast<int>(argv.size());
  int first = 0;
  if (k.begin_type == "index") {
    first = k.begin;
  } else if (k.begin_type == "keyword") {
    // Searched forwards from a positive start, backwards from a negative one.
    const int start = k.begin > 0 ? k.begin : argc + k.begin;
    const int end = k.begin > 0 ? argc - 1 : 1;
    for (int i = start; i != end; i = start <= end ? i + 1 : i - 1) {
      if (i >= argc || i < 1) break;
      if (EqualsIgnoreCase(argv[i], k.keyword)) {
        first = i + 1;
        break;
      }
    }
    if (first == 0) return true;
  } else {
    return false;
  }
  int last = 0, step = 1;
  if (k.find_type == "range") {
    const int lastkey = k.a, limit = k.c;
    step = k.b;
    if (lastkey >= 0) {
      last = first + lastkey;
    } else if (limit == 0) {
      last = argc + lastkey;
    } else {
      last = first + ((argc - first) / limit + lastkey);
    }
  } else if (k.find_type == "keynum") {
    const int keynumidx = k.a, firstkey = k.b;
    step = k.c;
    if (keynumidx >= argc - first) return true;
    const std::optional<int64_t> n = ParseInt64(argv[first + keynumidx]);
    if (!n || *n < 0 || *n > argc) return false;
    first += firstkey;
    last = first + static_cast<int>(*n) - 1;
  } else {
    return false;
  }
  if (last >= argc || last < first || first >= argc) return false;
  for (int i = first; i <= last; i += step > 0 ? step : 1) {
    out.push_back({static_cast<size_t>(i), k.flags});
  }
  return true;
}

// The flags of SET's key (setGetKeys): GET makes it read the old value.
std::string_view SetKeyFlags(std::span<const std::string_view> argv) {
  for (size_t i = 3; i < argv.size(); ++i) {
    if (EqualsIgnoreCase(argv[i], "GET")) return "RW access update";
  }
  return "OW update";
}

// The flags of BITFIELD's key (bitfieldGetKeys): read-only unless it sets or increments (or
// cannot be parsed).
std::string_view BitfieldKeyFlags(std::span<const std::string_view> argv) {
  const size_t argc = argv.size();
  for (size_t i = 2; i < argc; ++i) {
    const size_t more = argc - i - 1;
    if (EqualsIgnoreCase(argv[i], "GET") && more >= 2) {
      i += 2;
    } else if (EqualsIgnoreCase(argv[i], "OVERFLOW") && more >= 1) {
      i += 1;
    } else {
      return "RW access update";
    }
  }
  return "RO access";
}

// Redis's sortGetKeys: the sorted key, and the destination of the last STORE, skipping the
// arguments of LIMIT, GET and BY.
std::vector<FoundKey> SortKeys(std::span<const std::string_view> argv) {
  std::vector<FoundKey> keys{{1, "RO access"}};
  std::optional<size_t> store;
  for (size_t i = 2; i < argv.size(); ++i) {
    if (EqualsIgnoreCase(argv[i], "LIMIT")) {
      i += 2;
    } else if (EqualsIgnoreCase(argv[i], "GET") || EqualsIgnoreCase(argv[i], "BY")) {
      i += 1;
    } else if (EqualsIgnoreCase(argv[i], "STORE") && i + 1 < argv.size()) {
      store = i + 1;
    }
  }
  if (store) keys.push_back({*store, "OW update"});
  return keys;
}

std::string_view WithoutVariableFlags(std::string_view flags) {
  const size_t at = flags.find(" variable_flags");
  return at == std::string_view::npos ? flags : flags.substr(0, at);
}

std::optional<std::vector<FoundKey>> LegacyKeys(const CommandSpec& s,
                                                std::span<const std::string_view> argv) {
  const std::string_view flags = (s.flags & kWrite) ? "RW" : "RO";
  const auto argc = static_cast<int64_t>(argv.size());
  std::vector<FoundKey> keys;
  if (s.first_key > 0) {
    const int64_t last = s.last_key < 0 ? argc + s.last_key : s.last_key;
    if (last >= argc || last < s.first_key) return std::nullopt;
    const int64_t step = s.key_step > 0 ? s.key_step : 1;
    for (int64_t i = s.first_key; i <= last; i += step) {
      keys.push_back({static_cast<size_t>(i), flags});
    }
  }
  if (s.numkeys_index > 0) {
    const std::optional<int64_t> n = ParseInt64(argv[s.numkeys_index]);
    if (!n || *n < 0 || *n > argc - s.numkeys_index - 1) return std::nullopt;
    for (int64_t i = 0; i < *n; ++i) {
      keys.push_back({static_cast<size_t>(s.numkeys_index + 1 + i), "RO"});
    }
  }
  return keys;
}

// Redis's getKeysSubcommandImpl.
void GetKeys(CommandContext& ctx, bool with_flags) {
  std::span<const std::string_view> argv = ctx.args.subspan(2);
  const CommandSpec* s = LookupCommand(ctx.server.commands, argv);
  if (s == nullptr) return ctx.Error("ERR Invalid command specified");
  if (s->first_key <= 0 && s->numkeys_index <= 0 && !(s->flags & kMovableKeys)) {
    return ctx.Error("ERR The command has no key arguments");
  }
  const auto argc = static_cast<int64_t>(argv.size());
  if ((s->arity > 0 && s->arity != argc) || argc < -s->arity) {
    return ctx.Error("ERR Invalid number of arguments specified for command");
  }
  std::optional<std::vector<FoundKey>> keys =
      FindCommandKeys(*s, FindCommandDoc(s->name), argv);
  if (!keys || keys->empty()) {
    if (s->flags & kNoMandatoryKeys) return ctx.reply.ArrayHeader(0);
    return ctx.Error("ERR Invalid arguments specified for command");
  }
  ctx.reply.ArrayHeader(keys->size());
  for (const FoundKey& k : *keys) {
    if (!with_flags) {
      ctx.reply.Bulk(argv[k.index]);
      continue;
    }
    ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk(argv[k.index]);
    const std::vector<std::string_view> flags = SplitWords(k.flags);
    ctx.reply.SetHeader(flags.size());
    for (std::string_view f : flags) ctx.reply.Simple(f);
  }
}

}  // namespace

std::optional<std::vector<FoundKey>> FindCommandKeys(const CommandSpec& s, const CommandDoc* doc,
                                                     std::span<const std::string_view> argv) {
  // SORT's STORE can be anywhere: its key specs say "unknown", and Redis asks the command.
  if (s.name == "sort" || s.name == "sort_ro") return SortKeys(argv);
  // MIGRATE's KEYS spec is "incomplete": Redis asks the command (migrateGetKeys).
  if (s.name == "migrate") {
    std::vector<FoundKey> keys;
    for (size_t i : MigrateKeyPositions(argv)) keys.push_back({i, "RW access delete"});
    return keys;
  }
  if (doc == nullptr || KeySpecs(*doc).empty()) return LegacyKeys(s, argv);
  std::vector<FoundKey> keys;
  for (const KeySpecDoc& k : KeySpecs(*doc)) {
    if (HasWord(k.flags, "not_key")) continue;
    const size_t before = keys.size();
    if (!AddSpecKeys(k, argv, keys)) return std::nullopt;
    if (!HasWord(k.flags, "variable_flags")) continue;
    // The command's own rule decides the flags (Redis's getkeys_proc for these).
    std::string_view flags = WithoutVariableFlags(k.flags);
    if (s.name == "set") flags = SetKeyFlags(argv);
    if (s.name == "bitfield") flags = BitfieldKeyFlags(argv);
    for (size_t i = before; i < keys.size(); ++i) keys[i].flags = flags;
  }
  return keys;
}

void CmdCommandGetKeys(CommandContext& ctx) { GetKeys(ctx, false); }
void CmdCommandGetKeysAndFlags(CommandContext& ctx) { GetKeys(ctx, true); }

}  // namespace kvd
