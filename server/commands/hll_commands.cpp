// PFADD, PFCOUNT, PFMERGE, PFDEBUG and PFSELFTEST (Redis's hyperloglog.c). The values are
// plain strings in Redis's exact layout (core/hyperloglog.h). A dense value (12 KB) is edited
// in place in the store; a sparse one (a few hundred bytes up to hll-sparse-max-bytes) is
// rebuilt and stored whole, as its edits shift bytes.
#include "server/commands/hll_commands.h"

#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "core/hyperloglog.h"
#include "core/text.h"
#include "server/commands/key_lookup.h"
#include "server/config.h"

namespace kvd::hll_commands {
namespace {

inline constexpr std::string_view kNotHllErr =
    "WRONGTYPE Key is not a valid HyperLogLog string value.";
inline constexpr std::string_view kCorruptHllErr = "INVALIDOBJ Corrupted HLL object detected";

// Redis's isHLLObjectOrReply: replies and returns false unless `r` holds an HLL string.
bool CheckHll(CommandContext& ctx, const Record* r) {
  if (WrongTypeUnlessString(ctx, r)) return false;
  if (!hll::IsHll(r->string_value())) {
    ctx.Error(kNotHllErr);
    return false;
  }
  return true;
}

size_t SparseMaxBytes(const CommandContext& ctx) {
  return static_cast<size_t>(ctx.server.config.values().hll_sparse_max_bytes);
}

void StoreValue(CommandContext& ctx, std::string_view key, std::string_view value) {
  // The key keeps its TTL, and shows as "raw", as Redis edits the value in place.
  ctx.db().SetEditedString(key, value, ctx.now_ms);
}

// PFADD into a dense value, in place. Registers only grow, so elements before the first one
// that raises a register raise none later: nothing is written unless one does.
// Rewrites the bytes of the HyperLogLog stored at key (a string checked by the caller) in
// place, its length unchanged: a dense value is never copied.
template <class Edit>
void EditInPlace(CommandContext& ctx, std::string_view key, Edit&& edit) {
  edit(ctx.db().EditString(key, 1, ctx.now_ms).bytes);
}

int AddDense(CommandContext& ctx, std::string_view key, std::string_view value) {
  const auto elements = ctx.args.subspan(2);
  const uint8_t* registers = hll::DenseRegisters(value);
  size_t first = 0;
  while (first < elements.size()) {
    const hll::Pattern p = hll::PatternOf(elements[first]);
    if (p.count > hll::DenseGet(registers, p.index)) break;
    ++first;
  }
  if (first == elements.size()) return 0;
  int updated = 0;
  EditInPlace(ctx, key, [&](std::span<char> bytes) {
    uint8_t* regs = hll::DenseRegisters(bytes);
    for (size_t i = first; i < elements.size(); ++i) {
      const hll::Pattern p = hll::PatternOf(elements[i]);
      updated += hll::DenseRaise(regs, p.index, p.count) ? 1 : 0;
    }
    hll::InvalidateCache(bytes);
  });
  return updated;
}

}  // namespace

// PFADD key [element ...]: 1 when a register changed (or the key was created), else 0.
void PfAdd(CommandContext& ctx) {
  const std::string_view key = ctx.args[1];
  const Record* r = LookupWrite(ctx, key);
  if (r != nullptr && !CheckHll(ctx, r)) return;
  int updated = 0;
  if (r != nullptr && hll::EncodingOf(r->string_value()) == hll::kDense) {
    updated = AddDense(ctx, key, r->string_value());
  } else {
    std::string value = r != nullptr ? std::string(r->string_value()) : hll::NewSparse();
    updated = r == nullptr ? 1 : 0;
    int changed = 0;  // registers raised: what a corrupt value keeps, as in Redis
    for (std::string_view element : ctx.args.subspan(2)) {
      const int result = hll::Add(value, element, SparseMaxBytes(ctx));
      if (result < 0) {
        if (changed > 0) StoreValue(ctx, key, value);
        return ctx.Error(kCorruptHllErr);
      }
      changed += result;
    }
    updated += changed;
    if (updated > 0) {
      hll::InvalidateCache(value);
      StoreValue(ctx, key, value);
    }
  }
  if (updated > 0) {
    ctx.AddDirty(static_cast<uint64_t>(updated));
    NotifyKeyspaceEvent(ctx, kNotifyString, "pfadd", key);
  }
  ctx.reply.Integer(updated > 0 ? 1 : 0);
}

// PFCOUNT key [key ...]. One key: the cached cardinality, or computed and cached in the value
// (a change Redis counts as a write and propagates). Several: the union's estimate, nothing
// stored.
void PfCount(CommandContext& ctx) {
  if (ctx.args.size() > 2) {
    hll::Registers max{};
    for (std::string_view key : ctx.args.subspan(1)) {
      const Record* r = LookupRead(ctx, key);
      if (r == nullptr) continue;
      if (!CheckHll(ctx, r)) return;
      if (!hll::MergeInto(max, r->string_value())) return ctx.Error(kCorruptHllErr);
    }
    return ctx.reply.Integer(static_cast<int64_t>(hll::Count(max)));
  }
  const std::string_view key = ctx.args[1];
  const Record* r = LookupRead(ctx, key);
  if (r == nullptr) return ctx.reply.Integer(0);
  if (!CheckHll(ctx, r)) return;
  if (std::optional<uint64_t> cached = hll::CachedCardinality(r->string_value())) {
    return ctx.reply.Integer(static_cast<int64_t>(*cached));
  }
  std::optional<uint64_t> count = hll::Count(r->string_value());
  if (!count) return ctx.Error(kCorruptHllErr);
  EditInPlace(ctx, key, [&](std::span<char> bytes) { hll::StoreCardinality(bytes, *count); });
  ctx.AddDirty();
  ctx.reply.Integer(static_cast<int64_t>(*count));
}

// PFMERGE destkey [sourcekey ...]: destkey becomes the union of itself and the sources; dense
// when any of them is, else sparse edited register by register as Redis does.
void PfMerge(CommandContext& ctx) {
  hll::Registers max{};
  bool use_dense = false;
  for (std::string_view key : ctx.args.subspan(1)) {
    const Record* r = LookupRead(ctx, key);
    if (r == nullptr) continue;
    if (!CheckHll(ctx, r)) return;
    if (hll::EncodingOf(r->string_value()) == hll::kDense) use_dense = true;
    if (!hll::MergeInto(max, r->string_value())) return ctx.Error(kCorruptHllErr);
  }
  const std::string_view dest = ctx.args[1];
  const Record* d = LookupWrite(ctx, dest);
  if (d != nullptr && hll::EncodingOf(d->string_value()) == hll::kDense) {
    EditInPlace(ctx, dest, [&](std::span<char> bytes) {
      uint8_t* regs = hll::DenseRegisters(bytes);
      for (size_t i = 0; i < hll::kRegisters; ++i) {
        if (max[i] != 0) hll::DenseRaise(regs, i, max[i]);
      }
      hll::InvalidateCache(bytes);
    });
  } else {
    std::string value = d != nullptr ? std::string(d->string_value()) : hll::NewSparse();
    if (use_dense) {
      std::optional<std::string> dense = hll::ToDense(value);
      if (!dense) return ctx.Error(kCorruptHllErr);
      value = std::move(*dense);
    }
    for (size_t i = 0; i < hll::kRegisters; ++i) {
      if (max[i] != 0) hll::Raise(value, static_cast<uint32_t>(i), max[i], SparseMaxBytes(ctx));
    }
    hll::InvalidateCache(value);
    StoreValue(ctx, dest, value);
  }
  ctx.AddDirty();
  // Redis fires "pfadd" here too: a merge adds elements.
  NotifyKeyspaceEvent(ctx, kNotifyString, "pfadd", dest);
  ctx.reply.Simple("OK");
}

// PFDEBUG GETREG|DECODE|ENCODING|TODENSE key. GETREG and TODENSE turn a sparse value dense
// for good (counted as a write, as Redis, so the log replays it).
void PfDebug(CommandContext& ctx) {
  const std::string_view sub = ctx.args[1];
  const std::string_view key = ctx.args[2];
  const Record* r = LookupWrite(ctx, key);
  if (r == nullptr) return ctx.Error("ERR The specified key does not exist");
  if (!CheckHll(ctx, r)) return;
  const std::string_view value = r->string_value();
  const bool sparse = hll::EncodingOf(value) == hll::kSparse;
  // Stores the dense form of a sparse value; the dense value, or nullopt when corrupt.
  auto to_dense = [&]() -> std::optional<std::string> {
    std::optional<std::string> dense = hll::ToDense(value);
    if (!dense) {
      ctx.Error(kCorruptHllErr);
      return std::nullopt;
    }
    StoreValue(ctx, key, *dense);
    ctx.AddDirty();
    return dense;
  };
  if (EqualsIgnoreCase(sub, "getreg")) {
    std::string dense;
    if (sparse) {
      std::optional<std::string> converted = to_dense();
      if (!converted) return;
      dense = std::move(*converted);
    }
    const uint8_t* regs = hll::DenseRegisters(sparse ? std::string_view(dense) : value);
    ctx.reply.ArrayHeader(hll::kRegisters);
    for (size_t i = 0; i < hll::kRegisters; ++i) ctx.reply.Integer(hll::DenseGet(regs, i));
  } else if (EqualsIgnoreCase(sub, "decode")) {
    if (!sparse) return ctx.Error("ERR HLL encoding is not sparse");
    ctx.reply.Bulk(hll::DecodeSparse(value));
  } else if (EqualsIgnoreCase(sub, "encoding")) {
    ctx.reply.Simple(sparse ? "sparse" : "dense");
  } else if (EqualsIgnoreCase(sub, "todense")) {
    if (sparse && !to_dense()) return;
    ctx.reply.Integer(sparse ? 1 : 0);
  } else {
    ctx.Error("ERR Unknown PFDEBUG subcommand '" + std::string(sub) + "'");
  }
}

void PfSelfTest(CommandContext& ctx) {
  const std::string err = hll::SelfTest(SparseMaxBytes(ctx), std::random_device{}());
  if (!err.empty()) return ctx.Error(err);
  ctx.reply.Simple("OK");
}

}  // namespace kvd::hll_commands
