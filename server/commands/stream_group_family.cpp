// The stream consumer groups' table (XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM)
// and XINFO, with Redis 7.2's arity, flags, key positions, ACL categories and documentation.
// Handlers live in stream_{group_admin,readgroup,ack_pending,claim,info}.cpp.
#include "server/command.h"
#include "server/commands/key_spec.h"
#include "server/commands/stream_group_commands.h"

namespace kvd {
namespace {

constexpr KeyRange kSubcommandKey{2, 2, 1};  // XGROUP CREATE key ..., XINFO STREAM key
constexpr std::string_view kGroup = "stream";
constexpr std::string_view kWriteSlow = "@write @stream @slow";
constexpr std::string_view kWriteFast = "@write @stream @fast";
constexpr std::string_view kReadSlow = "@read @stream @slow";
constexpr std::string_view kHelpCats = "@stream @slow";
constexpr std::string_view kHelpSummary = "Returns helpful text about the different subcommands.";

CommandSpec XGroupSpec() {
  namespace sg = stream_group_commands;
  CommandSpec xgroup =
      MakeSpec("xgroup", -2, 0, kNoKeys, nullptr,
               {"@slow", kGroup, "5.0.0", "A container for consumer groups commands.",
                "Depends on subcommand."});
  xgroup.subcommands = {
      MakeSpec("xgroup|create", -5, kWrite | kDenyOom | kNoKeySignal, kSubcommandKey,
               sg::XGroupCreate,
               {kWriteSlow, kGroup, "5.0.0", "Creates a consumer group.", "O(1)"}),
      MakeSpec("xgroup|createconsumer", 5, kWrite | kDenyOom | kNoKeySignal, kSubcommandKey,
               sg::XGroupCreateConsumer,
               {kWriteSlow, kGroup, "6.2.0", "Creates a consumer in a consumer group.", "O(1)"}),
      MakeSpec("xgroup|delconsumer", 5, kWrite | kNoKeySignal, kSubcommandKey, sg::XGroupDelConsumer,
               {kWriteSlow, kGroup, "5.0.0", "Deletes a consumer from a consumer group.", "O(1)"}),
      MakeSpec("xgroup|destroy", 4, kWrite | kNoKeySignal, kSubcommandKey, sg::XGroupDestroy,
               {kWriteSlow, kGroup, "5.0.0", "Destroys a consumer group.",
                "O(N) where N is the number of entries in the group's pending entries list "
                "(PEL)."}),
      MakeSpec("xgroup|help", 2, kLoading | kStale, kNoKeys, sg::XGroupHelp,
               {kHelpCats, kGroup, "5.0.0", kHelpSummary, "O(1)"}),
      MakeSpec(
          "xgroup|setid", -5, kWrite | kNoKeySignal, kSubcommandKey, sg::XGroupSetId,
          {kWriteSlow, kGroup, "5.0.0", "Sets the last-delivered ID of a consumer group.", "O(1)"}),
  };
  return xgroup;
}

CommandSpec XInfoSpec() {
  namespace sg = stream_group_commands;
  CommandSpec xinfo =
      MakeSpec("xinfo", -2, 0, kNoKeys, nullptr,
               {"@slow", kGroup, "5.0.0", "A container for stream introspection commands.",
                "Depends on subcommand."});
  xinfo.subcommands = {
      MakeSpec("xinfo|consumers", 4, kReadOnly, kSubcommandKey, sg::XInfoConsumers,
               {kReadSlow, kGroup, "5.0.0", "Returns a list of the consumers in a consumer group.",
                "O(1)"}),
      MakeSpec("xinfo|groups", 3, kReadOnly, kSubcommandKey, sg::XInfoGroups,
               {kReadSlow, kGroup, "5.0.0", "Returns a list of the consumer groups of a stream.",
                "O(1)"}),
      MakeSpec("xinfo|help", 2, kLoading | kStale, kNoKeys, sg::XInfoHelp,
               {kHelpCats, kGroup, "5.0.0", kHelpSummary, "O(1)"}),
      MakeSpec("xinfo|stream", -3, kReadOnly, kSubcommandKey, sg::XInfoStream,
               {kReadSlow, kGroup, "5.0.0", "Returns information about a stream.", "O(1)"}),
  };
  return xinfo;
}

}  // namespace

void RegisterStreamGroupFamily(CommandTable& t) {
  namespace sg = stream_group_commands;
  t.Add(XGroupSpec());
  t.Add(XInfoSpec());
  // XREADGROUP's keys follow STREAMS: no fixed range, as Redis reports it.
  CommandSpec xreadgroup = MakeSpec(
      "xreadgroup", -7, kWrite | kBlocking | kMovableKeys | kNoKeySignal, kNoKeys, sg::XReadGroup,
      {"@write @stream @slow @blocking", kGroup, "5.0.0",
       "Returns new or historical messages from a stream for a consumer in a group. Blocks "
       "until a message is available otherwise.",
       "For each stream mentioned: O(M) with M being the number of elements returned. If M is "
       "constant (e.g. always asking for the first 10 elements with COUNT), you can consider it "
       "O(1). On the other side when XREADGROUP blocks, XADD will pay the O(N) time in order to "
       "serve the N clients blocked on the stream getting new data."});
  t.Add(std::move(xreadgroup));
  t.Add(MakeSpec("xack", -4, kWrite | kFast | kNoKeySignal, kOneKey, sg::XAck,
                 {kWriteFast, kGroup, "5.0.0",
                  "Returns the number of messages that were successfully acknowledged by the "
                  "consumer group member of a stream.",
                  "O(1) for each message ID processed."}));
  t.Add(MakeSpec("xpending", -3, kReadOnly, kOneKey, sg::XPending,
                 {kReadSlow, kGroup, "5.0.0",
                  "Returns the information and entries from a stream consumer group's pending "
                  "entries list.",
                  "O(N) with N being the number of elements returned, so asking for a small "
                  "fixed number of entries per call is O(1). O(M), where M is the total number "
                  "of entries scanned when used with the IDLE filter. When the command returns "
                  "just the summary and the list of consumers is small, it runs in O(1) time; "
                  "otherwise, an additional O(N) time for iterating every consumer."}));
  t.Add(MakeSpec("xclaim", -6, kWrite | kFast | kNoKeySignal, kOneKey, sg::XClaim,
                 {kWriteFast, kGroup, "5.0.0",
                  "Changes, or acquires, ownership of a message in a consumer group, as if the "
                  "message was delivered a consumer group member.",
                  "O(log N) with N being the number of messages in the PEL of the consumer "
                  "group."}));
  t.Add(MakeSpec("xautoclaim", -6, kWrite | kFast | kNoKeySignal, kOneKey, sg::XAutoClaim,
                 {kWriteFast, kGroup, "6.2.0",
                  "Changes, or acquires, ownership of messages in a consumer group, as if the "
                  "messages were delivered to as consumer group member.",
                  "O(1) if COUNT is small."}));
}

}  // namespace kvd
