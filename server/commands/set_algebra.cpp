// SINTER, SINTERCARD, SINTERSTORE, SUNION, SUNIONSTORE, SDIFF, SDIFFSTORE (Redis's
// sinterGenericCommand and sunionDiffGenericCommand in t_set.c).
#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/numeric.h"
#include "core/set_value.h"
#include "server/commands/hash_set_common.h"
#include "server/commands/set_commands.h"

namespace kvd::set_commands {
namespace {

using Keys = std::span<const std::string_view>;

// Looks up every set named in `keys` (a missing key is an empty set: nullptr). Read lookups,
// the *STORE commands' too, as Redis 7's: each counts a keyspace hit or a miss, and a miss
// publishes a keymiss event. False after replying WRONGTYPE for a key of another type.
bool LookupSets(CommandContext& ctx, Keys keys, std::vector<const SetValue*>& sets) {
  sets.clear();
  sets.reserve(keys.size());
  for (std::string_view key : keys) {
    const Record* r = LookupRead(ctx, key);
    if (r && r->type() != ValueType::kSet) {
      ctx.Error(kWrongTypeErr);
      return false;
    }
    sets.push_back(r ? static_cast<const SetValue*>(r->object()) : nullptr);
  }
  return true;
}

// Stores a *STORE result at dst (replacing whatever was there, TTL dropped) and replies with
// its size; an empty result deletes dst instead, a change only when dst existed.
void StoreResult(CommandContext& ctx, std::string_view dst, std::unique_ptr<SetValue> result) {
  const size_t size = result->size();
  if (size > 0) {
    ctx.db().StoreCollection(dst, std::move(result), kNoExpiry, ctx.now_ms);
    ctx.AddDirty();
    NotifyKeyspaceEvent(ctx, kNotifySet, ctx.spec.name, dst);  // "sinterstore"...
  } else if (ctx.db().Delete(dst, ctx.now_ms)) {
    ctx.AddDirty();
    NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", dst);
  }
  ctx.reply.Integer(static_cast<int64_t>(size));
}

enum class InterOutput : uint8_t { kReply, kStore, kCardinality };

// Redis's sinterGenericCommand: walks the smallest set and keeps the members every other set
// has. `limit` (0: none) stops SINTERCARD's count early.
void InterGeneric(CommandContext& ctx, Keys keys, InterOutput output,
                  std::string_view dst = {}, int64_t limit = 0) {
  std::vector<const SetValue*> sets;
  if (!LookupSets(ctx, keys, sets)) return;
  const bool any_missing =
      std::any_of(sets.begin(), sets.end(), [](const SetValue* s) { return s == nullptr; });
  if (any_missing) {
    switch (output) {
      case InterOutput::kStore:
        if (ctx.db().Delete(dst, ctx.now_ms)) {
          ctx.AddDirty();
          NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", dst);
        }
        return ctx.reply.Integer(0);
      case InterOutput::kCardinality: return ctx.reply.Integer(0);
      case InterOutput::kReply: return ctx.reply.SetHeader(0);
    }
  }
  std::sort(sets.begin(), sets.end(),
            [](const SetValue* a, const SetValue* b) { return a->size() < b->size(); });
  int64_t cardinality = 0;
  std::vector<std::string> members;  // kReply: copied, compact sets format into temporaries
  std::unique_ptr<SetValue> result = output == InterOutput::kStore ? SetValue::Create() : nullptr;
  bool done = false;
  sets[0]->ForEach([&](std::string_view m) {
    if (done) return;
    for (size_t j = 1; j < sets.size(); ++j) {
      if (sets[j] != sets[0] && !sets[j]->Contains(m)) return;
    }
    switch (output) {
      case InterOutput::kCardinality:
        ++cardinality;
        done = limit > 0 && cardinality >= limit;
        break;
      case InterOutput::kStore: result->Add(m); break;
      case InterOutput::kReply: members.emplace_back(m); break;
    }
  });
  switch (output) {
    case InterOutput::kCardinality: return ctx.reply.Integer(cardinality);
    case InterOutput::kStore: return StoreResult(ctx, dst, std::move(result));
    case InterOutput::kReply:
      ctx.reply.SetHeader(members.size());
      for (const std::string& m : members) ctx.reply.Bulk(m);
      return;
  }
}

enum class SetOp : uint8_t { kUnion, kDiff };

// The difference sets[0] - sets[1..], choosing between Redis's two algorithms by their
// estimated cost: test each member of the first set against the others (O(N*M)), or copy the
// first set and remove the others' members (O(total size)).
void Difference(const std::vector<const SetValue*>& sets, SetValue& result) {
  if (sets[0] == nullptr) return;
  for (size_t j = 1; j < sets.size(); ++j) {
    if (sets[j] == sets[0]) return;  // A - A is empty
  }
  uint64_t one_work = 0, two_work = 0;
  for (const SetValue* s : sets) {
    if (s == nullptr) continue;
    one_work += sets[0]->size();
    two_work += s->size();
  }
  if (one_work / 2 <= two_work) {
    sets[0]->ForEach([&](std::string_view m) {
      for (size_t j = 1; j < sets.size(); ++j) {
        if (sets[j] && sets[j]->Contains(m)) return;
      }
      result.Add(m);
    });
    return;
  }
  sets[0]->ForEach([&](std::string_view m) { result.Add(m); });
  for (size_t j = 1; j < sets.size() && !result.empty(); ++j) {
    if (sets[j]) sets[j]->ForEach([&](std::string_view m) { result.Remove(m); });
  }
}

// Redis's sunionDiffGenericCommand. The result is built as a set of its own, so replies list
// members in that set's order (sorted while every member is an integer), as Redis does.
void UnionDiffGeneric(CommandContext& ctx, Keys keys, SetOp op,
                      std::optional<std::string_view> dst = std::nullopt) {
  std::vector<const SetValue*> sets;
  if (!LookupSets(ctx, keys, sets)) return;
  std::unique_ptr<SetValue> result = SetValue::Create();
  if (op == SetOp::kUnion) {
    for (const SetValue* s : sets) {
      if (s) s->ForEach([&](std::string_view m) { result->Add(m); });
    }
  } else {
    Difference(sets, *result);
  }
  if (dst) return StoreResult(ctx, *dst, std::move(result));
  ctx.reply.SetHeader(result->size());
  result->ForEach([&](std::string_view m) { ctx.reply.Bulk(m); });
}

}  // namespace

void SInter(CommandContext& ctx) { InterGeneric(ctx, ctx.args.subspan(1), InterOutput::kReply); }

void SInterStore(CommandContext& ctx) {
  InterGeneric(ctx, ctx.args.subspan(2), InterOutput::kStore, ctx.args[1]);
}

// SINTERCARD numkeys key [key ...] [LIMIT limit]
void SInterCard(CommandContext& ctx) {
  std::optional<int64_t> numkeys = ParseInt64(ctx.args[1]);
  if (!numkeys || *numkeys < 1) return ctx.Error("ERR numkeys should be greater than 0");
  if (static_cast<uint64_t>(*numkeys) > ctx.args.size() - 2) {
    return ctx.Error("ERR Number of keys can't be greater than number of args");
  }
  const auto n = static_cast<size_t>(*numkeys);
  int64_t limit = 0;
  for (size_t i = 2 + n; i < ctx.args.size(); ++i) {
    if (EqualsIgnoreCase(ctx.args[i], "LIMIT") && i + 1 < ctx.args.size()) {
      std::optional<int64_t> v = ParseInt64(ctx.args[++i]);
      if (!v || *v < 0) return ctx.Error("ERR LIMIT can't be negative");
      limit = *v;
    } else {
      return ctx.Error(kSyntaxErr);
    }
  }
  InterGeneric(ctx, ctx.args.subspan(2, n), InterOutput::kCardinality, {}, limit);
}

void SUnion(CommandContext& ctx) { UnionDiffGeneric(ctx, ctx.args.subspan(1), SetOp::kUnion); }
void SDiff(CommandContext& ctx) { UnionDiffGeneric(ctx, ctx.args.subspan(1), SetOp::kDiff); }

void SUnionStore(CommandContext& ctx) {
  UnionDiffGeneric(ctx, ctx.args.subspan(2), SetOp::kUnion, ctx.args[1]);
}
void SDiffStore(CommandContext& ctx) {
  UnionDiffGeneric(ctx, ctx.args.subspan(2), SetOp::kDiff, ctx.args[1]);
}

}  // namespace kvd::set_commands
