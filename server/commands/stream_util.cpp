#include "server/commands/stream_util.h"

#include <cerrno>
#include <cstdlib>
#include <string>

#include "core/numeric.h"
#include "server/commands/key_lookup.h"
#include "server/errors.h"

namespace kvd::stream {
namespace {

// Redis's string2ull: a decimal integer, or what strtoull takes whole (leading spaces, '+').
std::optional<uint64_t> ParseU64(std::string_view s) {
  if (std::optional<int64_t> v = ParseInt64(s)) {
    if (*v < 0) return std::nullopt;
    return static_cast<uint64_t>(*v);
  }
  if (s.empty() || s.front() == '-') return std::nullopt;
  const std::string text(s);
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0' || text.find('-') != std::string::npos) return std::nullopt;
  return v;
}

}  // namespace

std::optional<StreamId> ParseId(std::string_view s, uint64_t missing_seq, bool strict,
                                bool* seq_given) {
  if (s.size() > 127) return std::nullopt;
  if (strict && (s == "-" || s == "+")) return std::nullopt;
  if (seq_given != nullptr) *seq_given = true;
  if (s == "-") return StreamId{};
  if (s == "+") return StreamId::Max();
  const size_t dash = s.find('-');
  std::optional<uint64_t> ms = ParseU64(s.substr(0, dash));
  if (!ms) return std::nullopt;
  if (dash == std::string_view::npos) return StreamId{*ms, missing_seq};
  const std::string_view seq_text = s.substr(dash + 1);
  if (seq_given != nullptr && seq_text == "*") {
    *seq_given = false;
    return StreamId{*ms, 0};
  }
  std::optional<uint64_t> seq = ParseU64(seq_text);
  if (!seq) return std::nullopt;
  return StreamId{*ms, *seq};
}

std::optional<StreamId> ParseIdOrReply(CommandContext& ctx, std::string_view s,
                                       uint64_t missing_seq, bool strict) {
  std::optional<StreamId> id = ParseId(s, missing_seq, strict);
  if (!id) ctx.Error(kInvalidIdErr);
  return id;
}

std::optional<StreamId> ParseRangeStart(CommandContext& ctx, std::string_view s) {
  const bool exclusive = s.size() > 1 && s[0] == '(';
  std::optional<StreamId> id = ParseIdOrReply(ctx, exclusive ? s.substr(1) : s, 0, exclusive);
  if (id && exclusive && !id->Increment()) {
    ctx.Error("ERR invalid start ID for the interval");
    return std::nullopt;
  }
  return id;
}

std::optional<StreamId> ParseRangeEnd(CommandContext& ctx, std::string_view s) {
  const bool exclusive = s.size() > 1 && s[0] == '(';
  std::optional<StreamId> id =
      ParseIdOrReply(ctx, exclusive ? s.substr(1) : s, UINT64_MAX, exclusive);
  if (id && exclusive && !id->Decrement()) {
    ctx.Error("ERR invalid end ID for the interval");
    return std::nullopt;
  }
  return id;
}

const StreamValue* ReadStream(CommandContext& ctx, std::string_view key, bool* failed) {
  *failed = false;
  const Record* r = LookupRead(ctx, key);
  if (r == nullptr) return nullptr;
  if (r->type() != ValueType::kStream) {
    ctx.Error(kWrongTypeErr);
    *failed = true;
    return nullptr;
  }
  return static_cast<const StreamValue*>(r->object());
}

void ReplyId(ReplyWriter& reply, StreamId id) {
  std::string text;
  id.AppendTo(text);
  reply.Bulk(text);
}

void ReplyEntry(ReplyWriter& reply, const StreamValue::Entry& e) {
  reply.ArrayHeader(2);
  ReplyId(reply, e.id());
  reply.ArrayHeader(2 * e.pair_count());
  e.ForEachPair([&](const Elem& field, const Elem& value) {
    reply.Bulk(field);
    reply.Bulk(value);
  });
}

size_t ReplyRange(ReplyWriter& reply, const StreamValue& s, StreamId start, StreamId end,
                  bool reverse, size_t limit) {
  // The count is known once the entries are written: they go to their own buffer first.
  std::string entries;
  ReplyWriter entries_out(entries, reply.protocol());
  const size_t n = s.Range(start, end, reverse, limit, [&](const StreamValue::Entry& e) {
    ReplyEntry(entries_out, e);
    return true;
  });
  reply.ArrayHeader(n);
  reply.buffer() += entries;
  return n;
}

}  // namespace kvd::stream
