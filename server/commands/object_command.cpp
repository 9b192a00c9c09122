// OBJECT ENCODING|FREQ|IDLETIME|REFCOUNT|HELP (Redis's object.c). Looking a key up here is
// not an access (Redis's LOOKUP_NOTOUCH): OBJECT IDLETIME does not reset what it measures.
#include <string_view>

#include "core/access_clock.h"
#include "server/command.h"
#include "server/commands/key_spec.h"
#include "server/commands/object_introspection.h"
#include "server/commands/subcommand_help.h"
#include "server/server_state.h"

namespace kvd {
namespace {

constexpr std::string_view kLfuSelectedErr =
    "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when "
    "switching between policies at runtime LRU and LFU data will take some time to adjust.";
constexpr std::string_view kLfuNotSelectedErr =
    "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note "
    "that when switching between policies at runtime LRU and LFU data will take some time to "
    "adjust.";

// Redis's objectCommandLookup: counts a keyspace hit or miss, sends no keymiss event and
// is not an access. Replies null and returns nullptr when the key is missing.
const Record* LookupOrNull(CommandContext& ctx) {
  const Record* r = ctx.db().FindNoTouch(ctx.args[2], ctx.now_ms);
  if (r) {
    ctx.server.stats.keyspace_hits++;
  } else {
    ctx.server.stats.keyspace_misses++;
    ctx.reply.Null();
  }
  return r;
}

void ObjectEncoding(CommandContext& ctx) {
  const Record* r = LookupOrNull(ctx);
  if (!r) return;
  ctx.reply.Bulk(ObjectEncodingOf(*r));
}

void ObjectIdletime(CommandContext& ctx) {
  const Record* r = LookupOrNull(ctx);
  if (!r) return;
  const AccessClock& clock = ctx.store.access_clock();
  if (clock.lfu()) return ctx.Error(kLfuSelectedErr);
  ctx.reply.Integer(static_cast<int64_t>(clock.IdleMs(r->access()) / 1000));
}

void ObjectFreq(CommandContext& ctx) {
  const Record* r = LookupOrNull(ctx);
  if (!r) return;
  const AccessClock& clock = ctx.store.access_clock();
  if (!clock.lfu()) return ctx.Error(kLfuNotSelectedErr);
  ctx.reply.Integer(clock.Frequency(r->access()));
}

// kvd shares no values, but answers as Redis would for the same data
// (server/commands/object_introspection.h).
void ObjectRefcount(CommandContext& ctx) {
  const Record* r = LookupOrNull(ctx);
  if (!r) return;
  ctx.reply.Integer(ObjectRefcountOf(*r, ctx.server.config.values()));
}

void ObjectHelp(CommandContext& ctx) {
  ReplySubcommandHelp(
      ctx.reply, "OBJECT",
      {"ENCODING <key>",
       "    Return the kind of internal representation used in order to store the value",
       "    associated with a <key>.",
       "FREQ <key>",
       "    Return the access frequency index of the <key>. The returned integer is",
       "    proportional to the logarithm of the recent access frequency of the key.",
       "IDLETIME <key>",
       "    Return the idle time of the <key>, that is the approximated number of",
       "    seconds elapsed since the last access to the key.",
       "REFCOUNT <key>",
       "    Return the number of references of the value associated with the specified",
       "    <key>."});
}

constexpr KeyRange kObjectKey{2, 2, 1};
constexpr std::string_view kReadCats = "@keyspace @read @slow";

}  // namespace

void RegisterObjectFamily(CommandTable& t) {
  CommandSpec object =
      MakeSpec("object", -2, 0, {}, nullptr,
               {"@slow", "generic", "2.2.3", "A container for object introspection commands.",
                "Depends on subcommand."});
  object.subcommands = {
      MakeSpec("object|encoding", 3, kReadOnly, kObjectKey, ObjectEncoding,
               {kReadCats, "generic", "2.2.3", "Returns the internal encoding of a Redis object.",
                "O(1)"}),
      MakeSpec("object|freq", 3, kReadOnly, kObjectKey, ObjectFreq,
               {kReadCats, "generic", "4.0.0",
                "Returns the logarithmic access frequency counter of a Redis object.", "O(1)"}),
      MakeSpec("object|help", 2, kLoading | kStale, {}, ObjectHelp,
               {"@keyspace @slow", "generic", "6.2.0",
                "Returns helpful text about the different subcommands.", "O(1)"}),
      MakeSpec("object|idletime", 3, kReadOnly, kObjectKey, ObjectIdletime,
               {kReadCats, "generic", "2.2.3",
                "Returns the time since the last access to a Redis object.", "O(1)"}),
      MakeSpec("object|refcount", 3, kReadOnly, kObjectKey, ObjectRefcount,
               {kReadCats, "generic", "2.2.3", "Returns the reference count of a value of a key.",
                "O(1)"}),
  };
  t.Add(std::move(object));
}

}  // namespace kvd
