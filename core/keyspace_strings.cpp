// Keyspace's string writes: SET and its variants, APPEND, SETRANGE, and the in-place edits of
// SETBIT, BITFIELD and BITOP.
#include <algorithm>
#include <cstring>
#include <string>

#include "core/collection.h"
#include "core/hash.h"
#include "core/keyspace.h"
#include "core/keyspace_internal.h"

namespace kvd {
namespace {

// True when s points into the allocation of r (a write to r could clobber it).
bool PointsInto(std::string_view s, const Record* r) {
  const auto* begin = reinterpret_cast<const char*>(r);
  return !s.empty() && s.data() >= begin && s.data() < begin + r->AllocSize();
}

}  // namespace

bool Keyspace::SetString(std::string_view key, std::string_view value, int64_t expire_at_ms,
                         TtlMode mode, int64_t now_ms) {
  bool created;
  StoreString(key, value, expire_at_ms, mode, now_ms, &created);
  return created;
}

void Keyspace::SetEditedString(std::string_view key, std::string_view value, int64_t now_ms) {
  bool created;
  StoreString(key, value, kNoExpiry, TtlMode::kKeep, now_ms, &created)->set_edited();
}

void Keyspace::SetTextString(std::string_view key, std::string_view value, int64_t now_ms) {
  bool created;
  StoreString(key, value, kNoExpiry, TtlMode::kKeep, now_ms, &created)->set_text();
}

void Keyspace::MarkEdited(std::string_view key, int64_t now_ms) {
  if (Record* r = FindLive(key, HashKey(key), now_ms, nullptr, /*touch=*/false)) r->set_edited();
}

Record* Keyspace::StoreString(std::string_view key, std::string_view value, int64_t expire_at_ms,
                              TtlMode mode, int64_t now_ms, bool* created) {
  const uint64_t hash = HashKey(key);
  size_t i;
  Record* r = FindLive(key, hash, now_ms, &i);
  *created = r == nullptr;
  if (r == nullptr) {
    return InsertString(key, hash, value, mode == TtlMode::kKeep ? kNoExpiry : expire_at_ms);
  }
  const int64_t at = mode == TtlMode::kKeep ? r->expire_at_ms() : expire_at_ms;
  const ValueType old_type = r->type();
  void* old_object = r->object();
  Record* n = Modify(i, hash, at != kNoExpiry,
                     [&](Record* old) { return Record::SetString(old, value, at); });
  DestroyObject(old_type, old_object);  // a collection overwritten by SET
  return n;
}

size_t Keyspace::Append(std::string_view key, std::string_view data, int64_t now_ms) {
  const uint64_t hash = HashKey(key);
  size_t i;
  Record* r = FindLive(key, hash, now_ms, &i);
  if (r == nullptr) {
    InsertString(key, hash, data, kNoExpiry);
    return data.size();
  }
  const size_t old_len = r->string_value().size();
  std::string copy;
  if (PointsInto(data, r)) data = copy.assign(data);
  Modify(i, hash, r->has_expiry(), [&](Record* old) {
    Record* n = Record::ResizeString(old, old_len + data.size(), /*greedy=*/true);
    // Appending nothing still edits the value and tells WATCH, as Redis's APPEND does.
    if (!data.empty()) std::memcpy(n->MutableStringData() + old_len, data.data(), data.size());
    n->set_edited();
    return n;
  });
  return old_len + data.size();
}

size_t Keyspace::SetRange(std::string_view key, size_t offset, std::string_view data,
                          int64_t now_ms) {
  const uint64_t hash = HashKey(key);
  size_t i;
  Record* r = FindLive(key, hash, now_ms, &i);
  // Redis: an empty write creates nothing and changes nothing.
  if (data.empty()) return r == nullptr ? 0 : r->string_value().size();
  const size_t end = offset + data.size();
  if (r == nullptr) {
    std::memcpy(InsertZeroedString(key, hash, end)->MutableStringData() + offset, data.data(),
                data.size());
    return end;
  }
  std::string copy;
  if (PointsInto(data, r)) data = copy.assign(data);
  const size_t old_len = r->string_value().size();
  const size_t new_len = std::max(old_len, end);
  Modify(i, hash, r->has_expiry(), [&](Record* old) {
    Record* n = new_len > old_len ? Record::ResizeString(old, new_len, /*greedy=*/true) : old;
    char* p = n->MutableStringData();
    if (offset > old_len) std::memset(p + old_len, 0, offset - old_len);
    std::memcpy(p + offset, data.data(), data.size());
    n->set_edited();
    return n;
  });
  return new_len;
}

Keyspace::StringEdit Keyspace::EditString(std::string_view key, size_t min_len, int64_t now_ms) {
  const uint64_t hash = HashKey(key);
  size_t i;
  Record* r = FindLive(key, hash, now_ms, &i);
  if (r == nullptr) {
    Record* n = InsertZeroedString(key, hash, min_len);
    return {{n->MutableStringData(), min_len}, 0, true};
  }
  const size_t old_len = r->string_value().size();
  // No growth: the identity reshape still tells WATCH and the snapshot before the edit.
  Record* n = Modify(i, hash, r->has_expiry(), [&](Record* old) {
    Record* edited = old;
    if (min_len > old_len) {
      edited = Record::ResizeString(old, min_len, /*greedy=*/true);
      std::memset(edited->MutableStringData() + old_len, 0, min_len - old_len);
    }
    edited->set_edited();
    return edited;
  });
  return {{n->MutableStringData(), n->string_value().size()}, old_len, false};
}

bool Keyspace::SetStringFilled(std::string_view key, size_t len, FillFn fill, void* context,
                               int64_t now_ms) {
  Record* n = Record::NewStringUninit(key, len, kNoExpiry);
  fill(context, {n->MutableStringData(), len});  // nothing has changed yet
  n->set_edited();  // built in place, as Redis's BITOP builds its "raw" result
  const uint64_t hash = HashKey(key);
  size_t i;
  Record* r = FindLive(key, hash, now_ms, &i);
  if (r == nullptr) {
    try {
      main_.ReserveOne();
    } catch (...) {
      Record::Free(n);
      throw;
    }
    Stamp(n);
    Link(n, hash);
    return true;
  }
  const ValueType old_type = r->type();
  void* old_object = r->object();
  Modify(i, hash, /*ttl_after=*/false, [&](Record* old) {
    // The new record takes the old one's place: its access time and snapshot state.
    n->set_access(old->access());
    n->set_snapshot_mark(old->snapshot_mark());
    Record::Free(old);
    return n;
  });
  DestroyObject(old_type, old_object);  // a collection overwritten
  return false;
}

Record* Keyspace::InsertString(std::string_view key, uint64_t hash, std::string_view value,
                               int64_t expire_at_ms) {
  main_.ReserveOne();
  if (expire_at_ms != kNoExpiry) volatile_.ReserveOne();
  Record* r = Record::NewString(key, value, expire_at_ms);
  Stamp(r);
  Link(r, hash);
  return r;
}

Record* Keyspace::InsertZeroedString(std::string_view key, uint64_t hash, size_t len) {
  main_.ReserveOne();
  Record* r = Record::NewStringUninit(key, len, kNoExpiry);
  std::memset(r->MutableStringData(), 0, len);
  r->set_edited();  // written in place, as Redis's SETRANGE and SETBIT leave a "raw" string
  Stamp(r);
  Link(r, hash);
  return r;
}

}  // namespace kvd
