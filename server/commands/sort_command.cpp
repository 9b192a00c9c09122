// SORT and SORT_RO (Redis's sort.c): the elements of a list, set or sorted set, sorted by
// their own value or by keys named after them (BY weight_*, BY hash_*->field), with LIMIT,
// GET patterns and STORE into a list.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/hash_value.h"
#include "core/list_value.h"
#include "core/set_value.h"
#include "core/zset_value.h"
#include "server/acl/acl.h"
#include "server/acl/acl_keys.h"
#include "server/arg_cursor.h"
#include "server/commands/key_commands.h"
#include "server/commands/key_lookup.h"

namespace kvd::key_commands {
namespace {

constexpr std::string_view kBadScoreErr = "ERR One or more scores can't be converted into double";

struct SortOptions {
  bool desc = false;
  bool alpha = false;
  int64_t limit_start = 0;
  int64_t limit_count = -1;
  std::optional<std::string_view> by;  // a pattern with '*'; one without means "don't sort"
  bool dont_sort = false;
  std::vector<std::string_view> gets;
  std::optional<std::string_view> store;
};

struct Item {
  std::string value;
  double score = 0;
  std::optional<std::string> by;  // ALPHA with BY: the looked-up value, when found
};

// Redis's lookupKeyByPattern: "#" is the element itself; otherwise the first '*' becomes the
// element, and "->field" after it reads that hash field. Only strings (or the hash field)
// count; anything else is no value. Patterns end at a NUL byte, as Redis's C strings do.
std::optional<std::string> LookupByPattern(CommandContext& ctx, std::string_view pattern,
                                           std::string_view element) {
  pattern = pattern.substr(0, pattern.find('\0'));
  if (pattern == "#") return std::string(element);
  const size_t star = pattern.find('*');
  if (star == std::string_view::npos) return std::nullopt;
  std::string_view field;
  std::string_view postfix = pattern.substr(star + 1);
  if (const size_t arrow = postfix.find("->");
      arrow != std::string_view::npos && arrow + 2 < postfix.size()) {
    field = postfix.substr(arrow + 2);
    postfix = postfix.substr(0, arrow);
  }
  std::string key;
  key.reserve(pattern.size() + element.size());
  key.append(pattern.substr(0, star)).append(element).append(postfix);
  const Record* r = LookupRead(ctx, key);
  if (r == nullptr) return std::nullopt;
  if (field.empty()) {
    if (r->type() != ValueType::kString) return std::nullopt;
    return std::string(r->string_value());
  }
  if (r->type() != ValueType::kHash) return std::nullopt;
  std::optional<Elem> v = static_cast<const HashValue*>(r->object())->Get(field);
  if (!v) return std::nullopt;
  return std::string(v->view());
}

// The options after the key. `read_only`: SORT_RO, where STORE is a syntax error.
std::optional<std::string_view> ParseSortOptions(CommandContext& ctx, bool read_only,
                                                 SortOptions& o) {
  ArgCursor in(ctx.args.subspan(2));
  // BY and GET read keys the key specs do not name: Redis allows them only to a user who
  // may read every key.
  const auto may_read_all_keys = [&] {
    const ClientState& c = ctx.client;
    return !c.acl_user || c.acl_user->unrestricted() ||
           c.acl_user->UnrestrictedKeyAccess(ctx.server.acl->index(), ctx.spec, ctx.args,
                                             kAclRead);
  };
  while (!in.Done()) {
    if (in.Eat("ASC")) {
      o.desc = false;
    } else if (in.Eat("DESC")) {
      o.desc = true;
    } else if (in.Eat("ALPHA")) {
      o.alpha = true;
    } else if (in.Remaining() >= 3 && in.Eat("LIMIT")) {
      o.limit_start = in.TakeInt();
      o.limit_count = in.TakeInt();
    } else if (!read_only && in.Remaining() >= 2 && in.Eat("STORE")) {
      o.store = in.Take();
    } else if (in.Remaining() >= 2 && in.Eat("BY")) {
      o.by = in.Take();
      o.dont_sort = o.by->substr(0, o.by->find('\0')).find('*') == std::string_view::npos;
      if (!o.dont_sort && !may_read_all_keys()) {
        in.Fail("ERR BY option of SORT denied due to insufficient ACL permissions.");
      }
    } else if (in.Remaining() >= 2 && in.Eat("GET")) {
      o.gets.push_back(in.Take());
      if (!may_read_all_keys()) {
        in.Fail("ERR GET option of SORT denied due to insufficient ACL permissions.");
      }
    } else {
      in.Fail(kSyntaxErr);
    }
  }
  return in.error();
}

// Redis's sortCompare: numbers, then the elements' bytes to break ties; ALPHA compares the
// elements, or the BY values (a missing one sorts first).
bool SortsBefore(const Item& a, const Item& b, const SortOptions& o) {
  int cmp = 0;
  if (!o.alpha) {
    cmp = a.score > b.score ? 1 : a.score < b.score ? -1 : a.value.compare(b.value);
  } else if (o.by) {
    if (!a.by || !b.by) {
      cmp = a.by.has_value() == b.by.has_value() ? 0 : a.by ? 1 : -1;
    } else {
      cmp = a.by->compare(*b.by);
    }
  } else {
    cmp = a.value.compare(b.value);
  }
  return o.desc ? cmp > 0 : cmp < 0;
}

// strtod as Redis applies it: all of the text (up to a NUL byte) must be the number.
bool ParseSortScore(const std::string& text, double& out) {
  errno = 0;
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return *end == '\0' && errno != ERANGE && !std::isnan(out);
}

void SortGeneric(CommandContext& ctx, bool read_only) {
  SortOptions o;
  if (auto err = ParseSortOptions(ctx, read_only, o)) return ctx.Error(*err);
  const Record* r = LookupRead(ctx, ctx.args[1]);
  if (r && r->type() != ValueType::kList && r->type() != ValueType::kSet &&
      r->type() != ValueType::kZSet) {
    return ctx.Error(kWrongTypeErr);
  }
  const ValueType type = r ? r->type() : ValueType::kList;
  // As Redis, a sorted set is converted to the skiplist encoding for good before it is
  // sorted. Its contents stay as they were: WATCH and client-side caching hear nothing.
  if (type == ValueType::kZSet && static_cast<const ZSetValue*>(r->object())->is_packed()) {
    if (auto w = ctx.db().Reencode<ZSetValue>(ctx.args[1], ctx.now_ms)) w->ConvertToSkiplist();
  }
  // A set has no order of its own: stored results, and those a script sees, are sorted
  // anyway, so that the log and replicas get the same list (Redis's CLIENT_SCRIPT rule).
  if (o.dont_sort && type == ValueType::kSet && (o.store || ctx.client.script)) {
    o.dont_sort = false;
    o.alpha = true;
    o.by.reset();
  }

  size_t size = 0;
  if (r) {
    switch (type) {
      case ValueType::kList: size = static_cast<const ListValue*>(r->object())->size(); break;
      case ValueType::kSet: size = static_cast<const SetValue*>(r->object())->size(); break;
      default: size = static_cast<const ZSetValue*>(r->object())->size(); break;
    }
  }
  const auto n = static_cast<int64_t>(size);
  // Redis's LIMIT arithmetic: [start, end] within the elements, empty when out of range.
  int64_t start = std::min(std::max<int64_t>(o.limit_start, 0), n);
  const int64_t count = std::min(std::max<int64_t>(o.limit_count, -1), n);
  int64_t end = count < 0 ? n - 1 : start + count - 1;
  if (start >= n) {
    start = n - 1;
    end = n - 2;
  }
  if (end >= n) end = n - 1;

  std::vector<Item> items;
  const auto take = [&items](std::string_view e) { items.emplace_back().value = e; };
  if (r && o.dont_sort && type != ValueType::kSet) {
    // The collection's own order (reversed by DESC), just the LIMIT range.
    if (end >= start) {
      items.reserve(static_cast<size_t>(end - start + 1));
      if (type == ValueType::kList) {
        const auto* list = static_cast<const ListValue*>(r->object());
        int64_t i = 0;
        const int64_t from = o.desc ? n - 1 - end : start, to = o.desc ? n - 1 - start : end;
        list->ForEach([&](std::string_view e) {
          if (i >= from && i <= to) take(e);
          ++i;
        });
        if (o.desc) std::reverse(items.begin(), items.end());
      } else {
        const auto* zset = static_cast<const ZSetValue*>(r->object());
        const size_t first = static_cast<size_t>(o.desc ? n - 1 - end : start);
        zset->VisitRanks(RankSpan{first, first + static_cast<size_t>(end - start + 1)}, o.desc,
                         [&](std::string_view m, double) { take(m); });
      }
    }
    end -= start;
    start = 0;
  } else if (r) {
    items.reserve(size);
    switch (type) {
      case ValueType::kList:
        static_cast<const ListValue*>(r->object())->ForEach(take);
        break;
      case ValueType::kSet:
        static_cast<const SetValue*>(r->object())->ForEach(take);
        break;
      default:
        static_cast<const ZSetValue*>(r->object())->ForEach(
            [&](std::string_view m, double) { take(m); });
        break;
    }
  }

  bool bad_score = false;
  if (!o.dont_sort) {
    for (Item& item : items) {
      std::optional<std::string> by;
      if (o.by) {
        by = LookupByPattern(ctx, *o.by, item.value);
        if (!by) continue;
      }
      if (o.alpha) {
        if (o.by) item.by = std::move(by);
      } else if (!ParseSortScore(o.by ? *by : item.value, item.score)) {
        bad_score = true;
      }
    }
    std::stable_sort(items.begin(), items.end(),
                     [&](const Item& a, const Item& b) { return SortsBefore(a, b, o); });
  }

  const size_t picked = end >= start ? static_cast<size_t>(end - start + 1) : 0;
  const size_t output = o.gets.empty() ? picked : o.gets.size() * picked;
  if (bad_score) return ctx.Error(kBadScoreErr);
  // start is -1 when nothing is picked.
  const auto picked_items =
      picked > 0 ? std::span<const Item>(items).subspan(static_cast<size_t>(start), picked)
                 : std::span<const Item>();
  if (!o.store) {
    ctx.reply.ArrayHeader(output);
    for (const Item& item : picked_items) {
      if (o.gets.empty()) ctx.reply.Bulk(item.value);
      for (std::string_view pattern : o.gets) {
        std::optional<std::string> v = LookupByPattern(ctx, pattern, item.value);
        v ? ctx.reply.Bulk(*v) : ctx.reply.Null();
      }
    }
    return;
  }

  // STORE: the result replaces the destination as a list (no TTL); none deletes it.
  auto list = ListValue::Create();
  for (const Item& item : picked_items) {
    if (o.gets.empty()) list->PushBack(item.value);
    for (std::string_view pattern : o.gets) {
      list->PushBack(LookupByPattern(ctx, pattern, item.value).value_or(""));
    }
  }
  if (output > 0) {
    ctx.db().StoreCollection(*o.store, std::move(list), kNoExpiry, ctx.now_ms);
    ctx.AddDirty(output);
    NotifyKeyspaceEvent(ctx, kNotifyList, "sortstore", *o.store);
  } else if (ctx.db().Delete(*o.store, ctx.now_ms)) {
    ctx.AddDirty();
    NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", *o.store);
  }
  ctx.reply.Integer(static_cast<int64_t>(output));
}

}  // namespace

void Sort(CommandContext& ctx) { SortGeneric(ctx, false); }
void SortRo(CommandContext& ctx) { SortGeneric(ctx, true); }

}  // namespace kvd::key_commands
