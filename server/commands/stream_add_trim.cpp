// XADD, XTRIM, XDEL and XSETID (Redis's t_stream.c xaddCommand, xtrimCommand, xdelCommand,
// xsetidCommand): the stream writes. XADD and a trimming XTRIM are logged with what they
// did made explicit (stream_trim_args.h); XDEL and XSETID as sent.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/keyspace.h"
#include "core/numeric.h"
#include "core/stream_value.h"
#include "core/text.h"
#include "server/commands/stream_commands.h"
#include "server/commands/stream_trim_args.h"
#include "server/commands/stream_util.h"
#include "server/errors.h"
#include "server/keyspace_events.h"

namespace kvd::stream_commands {
namespace {

// Redis's STREAM_LISTPACK_MAX_SIZE: an entry's fields and values may not sum above it.
constexpr size_t kMaxEntryBytes = size_t{1} << 30;

constexpr std::string_view kIdTooSmallErr =
    "ERR The ID specified in XADD is equal or smaller than the target stream top item";

// Redis's streamAppendItem's choice of ID: nullopt when no ID above the stream's last one
// can be had.
std::optional<StreamId> NextId(const StreamValue& s, const stream::AddTrimArgs& a, int64_t now_ms) {
  const StreamId last = s.last_id();
  StreamId id;
  if (a.id_given && a.seq_given) {
    id = a.id;
  } else if (a.id_given) {  // "<ms>-*": the next sequence number in that millisecond
    if (last.ms == a.id.ms) {
      if (last.seq == UINT64_MAX) return std::nullopt;
      id = {last.ms, last.seq + 1};
    } else {
      id = {a.id.ms, 0};
    }
  } else {  // "*": now, or just after the last ID when the clock is behind it
    const auto ms = static_cast<uint64_t>(now_ms);
    if (ms > last.ms) {
      id = {ms, 0};
    } else {
      id = last;
      if (!id.Increment()) return std::nullopt;
    }
  }
  if (id <= last) return std::nullopt;
  return id;
}


}  // namespace

// XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value ...
void XAdd(CommandContext& ctx) {
  std::optional<stream::AddTrimArgs> a = stream::ParseAddTrimArgs(ctx, true);
  if (!a) return;
  const size_t fields = a->id_index + 1;
  const size_t n = ctx.args.size() > fields ? ctx.args.size() - fields : 0;
  if (n < 2 || n % 2 != 0) return ctx.Error(WrongArityError(ctx.spec.name));
  // 0-0 can never be added: refused before the key is created.
  if (a->id_given && a->seq_given && a->id.IsZero()) {
    return ctx.Error("ERR The ID specified in XADD must be greater than 0-0");
  }
  const std::string_view key = ctx.args[1];
  CollectionWrite<StreamValue> s = ctx.db().Write<StreamValue>(key, ctx.now_ms, false);
  if (s.wrong_type()) return ctx.Error(kWrongTypeErr);
  if (!s) {
    if (a->no_mkstream) return ctx.reply.Null();
    s = ctx.db().Write<StreamValue>(key, ctx.now_ms, true);
  }
  if (s->last_id() == StreamId::Max()) {
    return ctx.Error("ERR The stream has exhausted the last possible ID, unable to add more items");
  }
  std::optional<StreamId> id = NextId(*s, *a, ctx.now_ms);
  if (!id) return ctx.Error(kIdTooSmallErr);
  const std::span<const std::string_view> field_values = ctx.args.subspan(fields);
  size_t bytes = 0;
  for (std::string_view v : field_values) bytes += v.size();
  if (bytes > kMaxEntryBytes) return ctx.Error("ERR Elements are too large to be stored");

  s->Append(*id, field_values);
  stream::ReplyId(ctx.reply, *id);
  ctx.AddDirty();
  NotifyKeyspaceEvent(ctx, kNotifyStream, "xadd", key);
  if (stream::Trim(*s, *a) > 0) NotifyKeyspaceEvent(ctx, kNotifyStream, "xtrim", key);
  // Logged as sent when that is exact already: a full ID, no "~", no LIMIT.
  if (!a->id_given || !a->seq_given || a->approx || !a->limit_index.empty()) {
    ctx.Propagate(stream::LoggedAddTrim(ctx, *a, *s, *id));
  }
}

// XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count]
void XTrim(CommandContext& ctx) {
  std::optional<stream::AddTrimArgs> a = stream::ParseAddTrimArgs(ctx, false);
  if (!a) return;
  const std::string_view key = ctx.args[1];
  CollectionWrite<StreamValue> s = ctx.db().Write<StreamValue>(key, ctx.now_ms, false);
  if (s.wrong_type()) return ctx.Error(kWrongTypeErr);
  if (!s) return ctx.reply.Integer(0);
  const size_t removed = stream::Trim(*s, *a);
  if (removed > 0) {
    NotifyKeyspaceEvent(ctx, kNotifyStream, "xtrim", key);
    ctx.AddDirty(removed);
    if (a->approx || !a->limit_index.empty()) {
      ctx.Propagate(stream::LoggedAddTrim(ctx, *a, *s, StreamId{}));
    }
  }
  ctx.reply.Integer(static_cast<int64_t>(removed));
}

// XDEL key id [id ...]: every ID is checked before any is deleted.
void XDel(CommandContext& ctx) {
  const std::string_view key = ctx.args[1];
  CollectionWrite<StreamValue> s = ctx.db().Write<StreamValue>(key, ctx.now_ms, false);
  if (s.wrong_type()) return ctx.Error(kWrongTypeErr);
  if (!s) return ctx.reply.Integer(0);
  std::vector<StreamId> ids;
  ids.reserve(ctx.args.size() - 2);
  for (std::string_view arg : ctx.args.subspan(2)) {
    std::optional<StreamId> id = stream::ParseIdOrReply(ctx, arg, 0, true);
    if (!id) return;
    ids.push_back(*id);
  }
  size_t deleted = 0;
  for (StreamId id : ids) deleted += s->Delete(id) ? 1 : 0;
  if (deleted > 0) {
    NotifyKeyspaceEvent(ctx, kNotifyStream, "xdel", key);
    ctx.AddDirty(deleted);
  }
  ctx.reply.Integer(static_cast<int64_t>(deleted));
}

// XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]
void XSetId(CommandContext& ctx) {
  std::optional<StreamId> id = stream::ParseIdOrReply(ctx, ctx.args[2], 0, true);
  if (!id) return;
  int64_t entries_added = -1;
  StreamId max_deleted;
  for (size_t i = 3; i < ctx.args.size(); i += 2) {
    const bool more = i + 1 < ctx.args.size();
    if (EqualsIgnoreCase(ctx.args[i], "ENTRIESADDED") && more) {
      std::optional<int64_t> v = ParseInt64(ctx.args[i + 1]);
      if (!v) return ctx.Error(kNotIntegerErr);
      if (*v < 0) return ctx.Error("ERR entries_added must be positive");
      entries_added = *v;
    } else if (EqualsIgnoreCase(ctx.args[i], "MAXDELETEDID") && more) {
      std::optional<StreamId> v = stream::ParseIdOrReply(ctx, ctx.args[i + 1], 0, true);
      if (!v) return;
      if (*id < *v) {
        return ctx.Error(
            "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
      }
      max_deleted = *v;
    } else {
      return ctx.Error(kSyntaxErr);
    }
  }
  const std::string_view key = ctx.args[1];
  CollectionWrite<StreamValue> s = ctx.db().Write<StreamValue>(key, ctx.now_ms, false);
  if (s.wrong_type()) return ctx.Error(kWrongTypeErr);
  if (!s) return ctx.Error(kNoSuchKeyErr);
  if (*id < s->max_deleted_id()) {
    return ctx.Error("ERR The ID specified in XSETID is smaller than current max_deleted_entry_id");
  }
  if (!s->empty()) {
    if (*id < s->last_live_id()) {
      return ctx.Error("ERR The ID specified in XSETID is smaller than the target stream top item");
    }
    if (entries_added != -1 && s->size() > static_cast<uint64_t>(entries_added)) {
      return ctx.Error(
          "ERR The entries_added specified in XSETID is smaller than the target stream "
          "length");
    }
  }
  s->SetLastId(*id);
  if (entries_added != -1) s->SetEntriesAdded(static_cast<uint64_t>(entries_added));
  if (!max_deleted.IsZero()) s->SetMaxDeletedId(max_deleted);
  ctx.reply.Ok();
  ctx.AddDirty();
  NotifyKeyspaceEvent(ctx, kNotifyStream, "xsetid", key);
}

}  // namespace kvd::stream_commands
