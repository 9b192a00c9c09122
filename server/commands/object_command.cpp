// OBJECT ENCODING and OBJECT HELP (Redis's object.c). FREQ, IDLETIME and REFCOUNT are not
// offered: kvd keeps no access times, frequencies or shared objects.
#include <string_view>

#include "core/collection.h"
#include "core/numeric.h"
#include "server/command.h"
#include "server/commands/key_lookup.h"
#include "server/commands/key_spec.h"
#include "server/commands/subcommand_help.h"

namespace kvd {
namespace {

// Redis keeps strings of up to 44 bytes in one allocation with their header.
constexpr size_t kEmbstrMaxLen = 44;

// The encoding Redis's tryObjectEncoding gives a string written by SET: "int" for the
// canonical text of a 64-bit integer, "embstr" when short, "raw" otherwise. (Redis reports
// "raw" for any string APPEND or SETRANGE touched; kvd does not track that history.)
std::string_view StringEncoding(std::string_view value) {
  if (value.size() <= 20 && ParseInt64(value)) return "int";
  return value.size() <= kEmbstrMaxLen ? "embstr" : "raw";
}

void ObjectEncoding(CommandContext& ctx) {
  const Record* r = LookupRead(ctx, ctx.args[2]);
  if (!r) return ctx.reply.Null();
  if (r->type() == ValueType::kString) return ctx.reply.Bulk(StringEncoding(r->string_value()));
  ctx.reply.Bulk(ObjectEncodingName(*r));
}

void ObjectHelp(CommandContext& ctx) {
  ReplySubcommandHelp(ctx.reply, "OBJECT",
                      {"ENCODING <key>",
                       "    Return the kind of internal representation used in order to store the "
                       "value",
                       "    associated with a <key>."});
}

}  // namespace

void RegisterObjectFamily(CommandTable& t) {
  CommandSpec object =
      MakeSpec("object", -2, 0, {}, nullptr,
               {"@slow", "generic", "2.2.3", "A container for object introspection commands.",
                "Depends on subcommand."});
  object.subcommands = {
      MakeSpec("object|encoding", 3, kReadOnly, {2, 2, 1}, ObjectEncoding,
               {"@keyspace @read @slow", "generic", "2.2.3",
                "Returns the internal encoding of a Redis object.", "O(1)"}),
      MakeSpec("object|help", 2, kLoading | kStale, {}, ObjectHelp,
               {"@keyspace @slow", "generic", "6.2.0",
                "Returns helpful text about the different subcommands.", "O(1)"}),
  };
  t.Add(std::move(object));
}

}  // namespace kvd
