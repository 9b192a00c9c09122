// SETBIT, GETBIT, BITCOUNT, BITPOS and BITOP (Redis's bitops.c). The bit arithmetic lives in
// core/bitops.h; here: arguments, lookups, replies, events.
#include "server/commands/bitmap_commands.h"

#include <algorithm>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/bitops.h"
#include "core/numeric.h"
#include "core/text.h"
#include "server/commands/key_lookup.h"
#include "server/config.h"
#include "server/keyspace_events.h"

namespace kvd::bitmap_commands {
namespace {

inline constexpr std::string_view kBitValueErr = "ERR bit is not an integer or out of range";
inline constexpr std::string_view kBitArgErr = "ERR The bit argument must be 1 or 0.";
inline constexpr std::string_view kBitOpNotErr =
    "ERR BITOP NOT must be called with a single source key.";

// The value's bytes; empty for a missing key.
std::string_view Bytes(const Record* r) { return r ? r->string_value() : std::string_view(); }

// BIT or BYTE (any case) into *bit_mode; false (a syntax error) for anything else.
bool ParseUnit(std::string_view arg, bool* bit_mode) {
  if (EqualsIgnoreCase(arg, "bit")) {
    *bit_mode = true;
  } else if (EqualsIgnoreCase(arg, "byte")) {
    *bit_mode = false;
  } else {
    return false;
  }
  return true;
}

// Redis's index conversion for BITCOUNT and BITPOS: negative indexes count back from `total` (bytes
// or bits), then both are clamped into the value. The range is empty when start > end.
void ClampRange(int64_t total, int64_t& start, int64_t& end) {
  if (start < 0) start += total;
  if (end < 0) end += total;
  start = std::max<int64_t>(start, 0);
  end = std::max<int64_t>(end, 0);
  end = std::min(end, total - 1);
}

// The inclusive bit range [*first, *last] a clamped non-empty range covers.
void BitBounds(bool bit_mode, int64_t start, int64_t end, uint64_t* first, uint64_t* last) {
  *first = bit_mode ? static_cast<uint64_t>(start) : static_cast<uint64_t>(start) * 8;
  *last = bit_mode ? static_cast<uint64_t>(end) : static_cast<uint64_t>(end) * 8 + 7;
}

std::optional<bitops::BitOp> ParseBitOp(std::string_view name) {
  if (EqualsIgnoreCase(name, "and")) return bitops::BitOp::kAnd;
  if (EqualsIgnoreCase(name, "or")) return bitops::BitOp::kOr;
  if (EqualsIgnoreCase(name, "xor")) return bitops::BitOp::kXor;
  if (EqualsIgnoreCase(name, "not")) return bitops::BitOp::kNot;
  return std::nullopt;
}

}  // namespace

std::optional<uint64_t> ParseBitOffset(CommandContext& ctx, std::string_view arg,
                                       unsigned field_bits) {
  const bool field_index = field_bits > 0 && !arg.empty() && arg[0] == '#';
  std::optional<int64_t> offset = ParseInt64(field_index ? arg.substr(1) : arg);
  if (!offset) {
    ctx.Error(kBitOffsetErr);
    return std::nullopt;
  }
  // Redis multiplies in 64 bits and lets it wrap; so does this, without the undefined behaviour. A
  // product that wraps negative is refused below.
  if (field_index) {
    *offset = static_cast<int64_t>(static_cast<uint64_t>(*offset) * field_bits);
  }
  const int64_t max_bytes = ctx.server.config.values().proto_max_bulk_len;
  if (*offset < 0 || (!ctx.client.replaying_aof && (*offset >> 3) >= max_bytes)) {
    ctx.Error(kBitOffsetErr);
    return std::nullopt;
  }
  return static_cast<uint64_t>(*offset);
}

// SETBIT key offset 0|1: replies the bit's previous value. Setting a bit to the value it already
// has changes nothing (no event, no dirty), as in Redis.
void SetBit(CommandContext& ctx) {
  const std::string_view key = ctx.args[1];
  const std::optional<uint64_t> offset = ParseBitOffset(ctx, ctx.args[2]);
  if (!offset) return;
  const std::optional<int64_t> on = ParseInt64(ctx.args[3]);
  if (!on || (*on & ~int64_t{1}) != 0) return ctx.Error(kBitValueErr);
  const Record* r = LookupWrite(ctx, key);
  if (WrongTypeUnlessString(ctx, r)) return;
  const uint64_t byte = *offset >> 3;
  const auto mask = static_cast<uint8_t>(0x80u >> (*offset & 7));
  const std::string_view s = Bytes(r);
  const bool inside = byte < s.size();
  const bool was_set = inside && (static_cast<uint8_t>(s[byte]) & mask) != 0;
  if (inside && was_set == (*on == 1)) {
    ctx.db().MarkEdited(key, ctx.now_ms);  // Redis unshares the value all the same
    return ctx.reply.Integer(was_set ? 1 : 0);
  }
  // Grows the value (zero-padded) only as far as this byte; edits one byte in place.
  Keyspace::StringEdit edit = ctx.db().EditString(key, byte + 1, ctx.now_ms);
  auto b = static_cast<uint8_t>(edit.bytes[byte]);
  b = *on ? (b | mask) : (b & ~mask);
  edit.bytes[byte] = static_cast<char>(b);
  ctx.AddDirty();
  NotifyKeyspaceEvent(ctx, kNotifyString, "setbit", key);
  ctx.reply.Integer(was_set ? 1 : 0);
}

void GetBit(CommandContext& ctx) {
  const std::optional<uint64_t> offset = ParseBitOffset(ctx, ctx.args[2]);
  if (!offset) return;
  const Record* r = LookupRead(ctx, ctx.args[1]);
  if (WrongTypeUnlessString(ctx, r)) return;
  const std::string_view s = Bytes(r);
  const uint64_t byte = *offset >> 3;
  const bool set = byte < s.size() && ((static_cast<uint8_t>(s[byte]) << (*offset & 7)) & 0x80);
  ctx.reply.Integer(set ? 1 : 0);
}

// BITCOUNT key [start end [BYTE|BIT]]. As Redis 7.0 and 7.2: a missing key counts 0 before its
// arguments are looked at, and WRONGTYPE comes before a bad argument.
void BitCount(CommandContext& ctx) {
  const Record* r = LookupRead(ctx, ctx.args[1]);
  if (!r) return ctx.reply.Integer(0);
  if (WrongTypeUnlessString(ctx, r)) return;
  const std::string_view s = r->string_value();
  const auto len = static_cast<int64_t>(s.size());
  int64_t start = 0;
  int64_t end = len - 1;
  bool bit_mode = false;
  const size_t argc = ctx.args.size();
  if (argc == 4 || argc == 5) {
    const std::optional<int64_t> from = ParseInt64(ctx.args[2]);
    const std::optional<int64_t> to = ParseInt64(ctx.args[3]);
    if (!from || !to) return ctx.Error(kNotIntegerErr);
    start = *from;
    end = *to;
    // Both negative and reversed: empty before clamping could make them overlap. As Redis
    // 7.0 and 7.2, this comes before the unit is looked at.
    if (start < 0 && end < 0 && start > end) return ctx.reply.Integer(0);
    if (argc == 5 && !ParseUnit(ctx.args[4], &bit_mode)) return ctx.Error(kSyntaxErr);
    ClampRange(bit_mode ? len * 8 : len, start, end);
  } else if (argc != 2) {
    return ctx.Error(kSyntaxErr);
  }
  if (start > end) return ctx.reply.Integer(0);
  uint64_t first, last;
  BitBounds(bit_mode, start, end, &first, &last);
  ctx.reply.Integer(static_cast<int64_t>(bitops::CountBits(s, first, last)));
}

// BITPOS key bit [start [end [BYTE|BIT]]]. A missing key is an endless run of zeros. Without an end
// the value counts as zero-padded on the right, so a search for 0 in all ones finds the first bit
// past the end; with an end it finds nothing (-1).
void BitPos(CommandContext& ctx) {
  const std::optional<int64_t> bit = ParseInt64(ctx.args[2]);
  if (!bit) return ctx.Error(kNotIntegerErr);
  if (*bit != 0 && *bit != 1) return ctx.Error(kBitArgErr);
  const Record* r = LookupRead(ctx, ctx.args[1]);
  if (!r) return ctx.reply.Integer(*bit ? -1 : 0);
  if (WrongTypeUnlessString(ctx, r)) return;
  const std::string_view s = r->string_value();
  const auto len = static_cast<int64_t>(s.size());
  int64_t start = 0;
  int64_t end = len - 1;
  bool bit_mode = false;
  bool end_given = false;
  const size_t argc = ctx.args.size();
  if (argc >= 4 && argc <= 6) {
    const std::optional<int64_t> from = ParseInt64(ctx.args[3]);
    if (!from) return ctx.Error(kNotIntegerErr);
    if (argc == 6 && !ParseUnit(ctx.args[5], &bit_mode)) return ctx.Error(kSyntaxErr);
    if (argc >= 5) {
      const std::optional<int64_t> to = ParseInt64(ctx.args[4]);
      if (!to) return ctx.Error(kNotIntegerErr);
      end = *to;
      end_given = true;
    }
    start = *from;
    ClampRange(bit_mode ? len * 8 : len, start, end);
  } else if (argc != 3) {
    return ctx.Error(kSyntaxErr);
  }
  if (start > end) return ctx.reply.Integer(-1);
  uint64_t first, last;
  BitBounds(bit_mode, start, end, &first, &last);
  const int64_t pos = bitops::FindBit(s, first, last, *bit == 1);
  if (pos >= 0 || *bit == 1 || end_given) return ctx.reply.Integer(pos);
  ctx.reply.Integer(static_cast<int64_t>(last + 1));  // the zero padding's first bit
}

// BITOP AND|OR|XOR|NOT destkey key [key ...]: a missing source is an empty string, shorter ones are
// zero-padded. The result replaces destkey whatever it held (and drops its TTL); an empty result
// deletes it. Replies the result's length.
void BitOp(CommandContext& ctx) {
  const std::optional<bitops::BitOp> op = ParseBitOp(ctx.args[1]);
  if (!op) return ctx.Error(kSyntaxErr);
  if (*op == bitops::BitOp::kNot && ctx.args.size() != 4) return ctx.Error(kBitOpNotErr);
  const std::string_view dest = ctx.args[2];
  const std::span<const std::string_view> keys = ctx.args.subspan(3);
  // First every lookup (hit and miss counts, lazy expiry, the type check), then views of the values
  // through Peek, which changes nothing, so no lookup can move a value already viewed.
  for (std::string_view key : keys) {
    if (WrongTypeUnlessString(ctx, LookupRead(ctx, key))) return;
  }
  std::vector<std::string_view> inputs;
  inputs.reserve(keys.size());
  size_t len = 0;
  for (std::string_view key : keys) {
    inputs.push_back(Bytes(ctx.db().Peek(key)));
    len = std::max(len, inputs.back().size());
  }
  if (len == 0) {
    if (ctx.db().Delete(dest, ctx.now_ms)) {
      ctx.AddDirty();
      NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", dest);
    }
    return ctx.reply.Integer(0);
  }
  // Computed straight into the new value; the sources are still in place while it runs.
  ctx.db().SetStringFilled(
      dest, len, [&](std::span<char> out) { bitops::Combine(*op, inputs, out); }, ctx.now_ms);
  ctx.AddDirty();
  NotifyKeyspaceEvent(ctx, kNotifyString, "set", dest);
  ctx.reply.Integer(static_cast<int64_t>(len));
}

}  // namespace kvd::bitmap_commands
