#pragma once
// XADD's and XTRIM's options (Redis's streamParseAddOrTrimArgsOrReply), the trimming they ask
// for (streamTrim), and the command to log in place of one that trimmed: Redis rewrites an
// approximate "~ threshold" to "= <what the trimming left>", so a replay trims exactly the
// same entries whatever the chunk layout or the LIMIT.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/stream_value.h"
#include "server/command.h"

namespace kvd::stream {

enum class TrimStrategy : uint8_t { kNone, kMaxLen, kMinId };

struct AddTrimArgs {
  TrimStrategy strategy = TrimStrategy::kNone;
  bool approx = false;  // "~": whole chunks only
  int64_t maxlen = 0;
  StreamId min_id;
  int64_t limit = 0;                // the most entries trimming removes; 0: no bound
  size_t threshold_index = 0;       // argument index of the MAXLEN/MINID threshold
  std::vector<size_t> limit_index;  // argument index of each LIMIT keyword
  // XADD only.
  bool xadd = false;
  bool no_mkstream = false;
  bool id_given = false;  // false: "*"
  bool seq_given = true;  // false: "<ms>-*"
  StreamId id;
  size_t id_index = 0;  // the ID's argument index (the fields follow it)
};

// Parses the options from args[2]: XADD's up to its ID (`xadd`), or XTRIM's. Replies the
// error and returns nullopt when they are wrong.
std::optional<AddTrimArgs> ParseAddTrimArgs(CommandContext& ctx, bool xadd);

// Trims `s` as the options ask; returns how many entries it removed.
size_t Trim(StreamValue& s, const AddTrimArgs& a);

// The command to log for an XADD or XTRIM that ran on `s`: the arguments as sent, without
// LIMIT, with an approximate threshold made exact ("~ 10" -> "= <length left>" or
// "= <first ID left>") and, for XADD, the ID it added in place of "*" or "<ms>-*".
std::vector<std::string> LoggedAddTrim(const CommandContext& ctx, const AddTrimArgs& a,
                                       const StreamValue& s, StreamId added);

}  // namespace kvd::stream
