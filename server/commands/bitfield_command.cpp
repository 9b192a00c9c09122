// BITFIELD and BITFIELD_RO (Redis's bitfieldGeneric): GET, SET and INCRBY on integer fields of 1 to
// 64 bits at any bit offset, with OVERFLOW WRAP|SAT|FAIL applying to the operations after it.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "core/bitops.h"
#include "core/numeric.h"
#include "core/text.h"
#include "server/commands/bitmap_commands.h"
#include "server/commands/key_lookup.h"
#include "server/keyspace_events.h"

namespace kvd::bitmap_commands {
namespace {

inline constexpr std::string_view kFieldTypeErr =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is "
    "not supported but "
    "i64 is.";
inline constexpr std::string_view kOverflowTypeErr = "ERR Invalid OVERFLOW type specified";
inline constexpr std::string_view kReadOnlyErr = "ERR BITFIELD_RO only supports the GET subcommand";

struct FieldOp {
  enum Kind : uint8_t { kGet, kSet, kIncrBy } kind;
  bitops::FieldType type;
  bitops::Overflow overflow;
  uint64_t offset;
  int64_t arg;  // SET's value, INCRBY's increment
};

struct ParsedOps {
  std::vector<FieldOp> ops;
  bool writes = false;
  uint64_t last_written_bit = 0;  // the highest bit a SET or INCRBY touches
};

std::optional<bitops::Overflow> ParseOverflow(std::string_view s) {
  if (EqualsIgnoreCase(s, "wrap")) return bitops::Overflow::kWrap;
  if (EqualsIgnoreCase(s, "sat")) return bitops::Overflow::kSat;
  if (EqualsIgnoreCase(s, "fail")) return bitops::Overflow::kFail;
  return std::nullopt;
}

// Every subcommand is checked before anything runs; the first error is replied.
std::optional<ParsedOps> ParseOps(CommandContext& ctx) {
  ParsedOps parsed;
  bitops::Overflow overflow = bitops::Overflow::kWrap;
  const std::span<const std::string_view> args = ctx.args;
  for (size_t j = 2; j < args.size();) {
    const size_t remaining = args.size() - j - 1;
    const std::string_view sub = args[j];
    FieldOp op{};
    if (EqualsIgnoreCase(sub, "get") && remaining >= 2) {
      op.kind = FieldOp::kGet;
    } else if (EqualsIgnoreCase(sub, "set") && remaining >= 3) {
      op.kind = FieldOp::kSet;
    } else if (EqualsIgnoreCase(sub, "incrby") && remaining >= 3) {
      op.kind = FieldOp::kIncrBy;
    } else if (EqualsIgnoreCase(sub, "overflow") && remaining >= 1) {
      const std::optional<bitops::Overflow> o = ParseOverflow(args[j + 1]);
      if (!o) {
        ctx.Error(kOverflowTypeErr);
        return std::nullopt;
      }
      overflow = *o;
      j += 2;
      continue;
    } else {
      ctx.Error(kSyntaxErr);
      return std::nullopt;
    }
    const std::optional<bitops::FieldType> type = bitops::ParseFieldType(args[j + 1]);
    if (!type) {
      ctx.Error(kFieldTypeErr);
      return std::nullopt;
    }
    const std::optional<uint64_t> offset = ParseBitOffset(ctx, args[j + 2], type->bits);
    if (!offset) return std::nullopt;
    op.type = *type;
    op.offset = *offset;
    op.overflow = overflow;
    if (op.kind != FieldOp::kGet) {
      parsed.writes = true;
      parsed.last_written_bit = std::max(parsed.last_written_bit, *offset + type->bits - 1);
      const std::optional<int64_t> value = ParseInt64(args[j + 3]);
      if (!value) {
        ctx.Error(kNotIntegerErr);
        return std::nullopt;
      }
      op.arg = *value;
    }
    parsed.ops.push_back(op);
    j += op.kind == FieldOp::kGet ? 3 : 4;
  }
  return parsed;
}

// Only GETs: a read, and a missing key reads as zeros.
void RunReads(CommandContext& ctx, const std::vector<FieldOp>& ops) {
  const Record* r = LookupRead(ctx, ctx.args[1]);
  if (WrongTypeUnlessString(ctx, r)) return;
  const std::string_view s = r ? r->string_value() : std::string_view();
  ctx.reply.ArrayHeader(ops.size());
  for (const FieldOp& op : ops) ctx.reply.Integer(bitops::ReadField(s, op.offset, op.type));
}

// With writes, as Redis: the value is first created or zero-padded to cover every field written
// (even when every write then fails under OVERFLOW FAIL), then the operations run in order, each
// seeing the ones before it.
void RunWrites(CommandContext& ctx, const ParsedOps& parsed) {
  const std::string_view key = ctx.args[1];
  const Record* r = LookupWrite(ctx, key);
  if (WrongTypeUnlessString(ctx, r)) return;
  const size_t min_len = parsed.last_written_bit / 8 + 1;
  const bool grows = r == nullptr || r->string_value().size() < min_len;
  // The value is opened for editing only when something changes (so an operation that writes back
  // what was there is not a write for WATCH); growing it is a change.
  Keyspace::StringEdit edit;
  bool editing = false;
  auto open = [&] {
    edit = ctx.db().EditString(key, min_len, ctx.now_ms);
    editing = true;
  };
  if (grows) open();
  ctx.reply.ArrayHeader(parsed.ops.size());
  uint64_t changes = 0;
  for (const FieldOp& op : parsed.ops) {
    const std::string_view s =
        editing ? std::string_view(edit.bytes.data(), edit.bytes.size()) : r->string_value();
    const int64_t old = bitops::ReadField(s, op.offset, op.type);
    if (op.kind == FieldOp::kGet) {
      ctx.reply.Integer(old);
      continue;
    }
    const bitops::FieldSum sum = op.kind == FieldOp::kIncrBy
                                     ? bitops::AddToField(op.type, old, op.arg, op.overflow)
                                     : bitops::AddToField(op.type, op.arg, 0, op.overflow);
    if (sum.overflow && op.overflow == bitops::Overflow::kFail) {
      ctx.reply.Null();
      continue;
    }
    ctx.reply.Integer(op.kind == FieldOp::kIncrBy ? sum.value : old);
    if (sum.value == old && !grows) continue;
    if (!editing) open();
    bitops::WriteField(edit.bytes, op.offset, op.type, sum.value);
    ++changes;  // each changing operation (every one, once the value grew), as Redis
  }
  // Redis takes an existing value for editing even when nothing then changes.
  if (!editing && r != nullptr) ctx.db().MarkEdited(key, ctx.now_ms);
  if (changes > 0) {
    ctx.AddDirty(changes);
    NotifyKeyspaceEvent(ctx, kNotifyString, "setbit", key);
  } else if (grows) {
    // Redis creates or pads the value here without counting a change, so its log would miss it;
    // logging the command keeps a replay's value the same length.
    ctx.Propagate(std::vector<std::string>(ctx.args.begin(), ctx.args.end()));
  }
}

void BitFieldGeneric(CommandContext& ctx, bool read_only) {
  const std::optional<ParsedOps> parsed = ParseOps(ctx);
  if (!parsed) return;
  if (!parsed->writes) return RunReads(ctx, parsed->ops);
  if (read_only) return ctx.Error(kReadOnlyErr);
  RunWrites(ctx, *parsed);
}

}  // namespace

void BitField(CommandContext& ctx) { BitFieldGeneric(ctx, false); }
void BitFieldRo(CommandContext& ctx) { BitFieldGeneric(ctx, true); }

}  // namespace kvd::bitmap_commands
