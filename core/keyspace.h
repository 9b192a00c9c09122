#pragma once
// One logical database: the keys, their values and their expiry times.
//
// The keyspace owns every byte: keys and values are copied in on write and freed on
// delete. A key and its (string) value live in one allocation (a Record); the table is
// open addressing over Record pointers, so a small key costs one allocation plus a slot.
// Keys with a TTL are also kept in a second table so the active expiry cycle samples only
// them (Redis's `expires` dict).
//
// Expired keys never show: every read takes `now_ms` and treats a key whose expiry is
// < now_ms as absent (as in Redis, a key lives through the millisecond of its expiry),
// deleting it on the spot (lazy expiry). ExpireSome() reclaims the rest in the background
// (active expiry). With set_keep_expired(true) (a replica's data)
// reads only hide an expired key: it stays until deleted explicitly or overwritten.
//
// Every lookup of a key (Find, Get, Read, Write, and the writes, which look the key up
// first) counts as an access, as Redis's lookupKey: it updates the record's access field
// from the keyspace's AccessClock (core/access_clock.h) unless that clock says no-touch.
// FindNoTouch and Peek never do.
//
// Views (std::string_view, const Record*) returned by this class stay valid until the
// next call that writes to the keyspace (any non-const call may expire keys, so treat every
// non-const call as a write).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "core/access_clock.h"
#include "core/collection.h"
#include "core/record.h"
#include "core/record_table.h"
#include "core/value_type.h"

namespace kvd {

struct KeyspaceStats {
  size_t entries = 0;       // keys held (including expired keys not yet reclaimed)
  size_t data_bytes = 0;    // bytes of keys + values, exactly
  size_t capacity = 0;      // table slots
  double load_factor = 0;   // entries / capacity
};

// How a write treats the key's existing TTL.
enum class TtlMode : uint8_t {
  kClear,  // plain SET: the key becomes persistent unless an expiry is given
  kKeep,   // KEEPTTL, INCR, APPEND...: the key keeps whatever TTL it had
};

class Keyspace;

// A collection opened for writing by Keyspace::Write<T>. Mutate it through get() / ->; when
// the handle is committed (explicitly or by its destructor) the keyspace adds what the
// mutation changed to its byte counters in O(1) and deletes the key if the collection
// became empty. Until then, make no other call on the keyspace that could delete or replace
// this key. Handles on different keys may be open at once (SMOVE, LMOVE).
template <class T>
class CollectionWrite {
 public:
  CollectionWrite() = default;
  CollectionWrite(const CollectionWrite&) = delete;
  CollectionWrite& operator=(const CollectionWrite&) = delete;
  CollectionWrite(CollectionWrite&& o) noexcept { *this = std::move(o); }
  CollectionWrite& operator=(CollectionWrite&& o) noexcept {
    if (this != &o) {
      Commit();
      ks_ = std::exchange(o.ks_, nullptr);
      record_ = std::exchange(o.record_, nullptr);
      value_ = std::exchange(o.value_, nullptr);
      alloc_before_ = o.alloc_before_;
      data_before_ = o.data_before_;
      wrong_type_ = o.wrong_type_;
      created_ = o.created_;
    }
    return *this;
  }
  ~CollectionWrite() { Commit(); }

  // nullptr when the key is missing (and was not created) or holds another type.
  T* get() const { return value_; }
  T* operator->() const { return value_; }
  T& operator*() const { return *value_; }
  explicit operator bool() const { return value_ != nullptr; }
  bool wrong_type() const { return wrong_type_; }
  // True when Write created the key.
  bool created() const { return created_; }
  // Settles the counters and deletes the key when empty; the handle is empty afterwards.
  inline void Commit();

 private:
  friend class Keyspace;
  Keyspace* ks_ = nullptr;
  Record* record_ = nullptr;
  T* value_ = nullptr;
  size_t alloc_before_ = 0;
  size_t data_before_ = 0;
  bool wrong_type_ = false;
  bool created_ = false;
};

class Keyspace {
 public:
  Keyspace();
  ~Keyspace();
  Keyspace(const Keyspace&) = delete;
  Keyspace& operator=(const Keyspace&) = delete;
  Keyspace(Keyspace&&) noexcept;
  Keyspace& operator=(Keyspace&&) noexcept;

  // ---- The seed API (the in-memory store kvd grew from) ----

  // Stores a copy of key and value. Overwriting keeps the stored key bytes and replaces the
  // value in place when it fits. The key becomes persistent.
  void Put(std::string_view key, std::string_view value);
  // As Put, expiring ttl_ms after now_ms.
  void PutWithTtl(std::string_view key, std::string_view value, int64_t ttl_ms, int64_t now_ms);
  // The string value, or nullopt when the key is missing, expired or not a string.
  std::optional<std::string_view> Get(std::string_view key, int64_t now_ms);
  // Removes the key; true when it existed (an expired key does not count as existing).
  bool Delete(std::string_view key, int64_t now_ms);
  bool Contains(std::string_view key, int64_t now_ms);
  // Live keys. Exact: keys that have expired but are not reclaimed yet are reclaimed first
  // (cheap when nothing can have expired: the keyspace keeps a lower bound of its expiry
  // times).
  size_t Count(int64_t now_ms);
  // Looks up keys.size() keys into results (caller-provided, at least as long); returns
  // how many were looked up (min of the two sizes).
  size_t MultiGet(std::span<const std::string_view> keys,
                  std::span<std::optional<std::string_view>> results, int64_t now_ms);
  // Best effort: stores pairs until one fails (allocation failure); returns how many went in.
  size_t MultiPut(std::span<const std::string_view> keys, std::span<const std::string_view> values);
  // Bytes of keys + values held, kept up to date in O(1) on every write.
  size_t DataBytes() const { return data_bytes_; }
  // Exact heap bytes this keyspace holds (allocation sizes of records, tables, objects).
  size_t AllocatedBytes() const {
    return record_bytes_ + TableBytes();
  }
  KeyspaceStats Stats() const;
  // The part of AllocatedBytes() that is table arrays rather than records: the table of all
  // keys plus the table of keys with a TTL (MEMORY STATS reports them apart).
  size_t TableBytes() const { return MainTableBytes() + ExpiresTableBytes(); }
  size_t MainTableBytes() const { return main_.AllocatedBytes(); }
  size_t ExpiresTableBytes() const { return volatile_.AllocatedBytes(); }
  // Fills out with views of up to out.size() live keys; returns how many. No allocation.
  size_t ListKeys(std::span<std::string_view> out, int64_t now_ms);

  // ---- What the commands need ----

  // The live record for key, or nullptr (missing or expired; an expired key is deleted).
  const Record* Find(std::string_view key, int64_t now_ms);
  // As Find, but not an access: the access field stays as it was (OBJECT, Redis's
  // LOOKUP_NOTOUCH).
  const Record* FindNoTouch(std::string_view key, int64_t now_ms);
  // Sets a live key's access field (AccessClock::Restored); false when there is no such key.
  bool SetAccess(std::string_view key, uint32_t field, int64_t now_ms);
  // The record without expiring it (snapshotting, MEMORY USAGE of a known-live key...).
  const Record* Peek(std::string_view key) const;

  // Batched lookups. A lookup costs dependent cache misses (the table slot, then the
  // record), which a lone command waits out one after another. A caller holding a batch of
  // commands calls PrefetchKey for each command's key, then PrefetchRecord with each
  // returned hash, then runs the commands: the misses of the whole batch overlap. Both only
  // issue prefetches: nothing changes, no record is read, any key is fine (missing,
  // expired), and skipping them changes no result.
  //
  // Phase 1: HashKey(key), and the start of loading its slot in the table of all keys.
  uint64_t PrefetchKey(std::string_view key) const;
  // Phase 2: starts loading the record the slot points to (when its tag matches `hash`).
  void PrefetchRecord(uint64_t hash) const { main_.PrefetchRecord(hash); }
  // Phase 3, for a command that reads the value (GET): reads the record's head, which phase
  // 2 asked for, and starts loading the rest of a string value (up to 4 KB), which a copy
  // into the reply would otherwise fetch line by line.
  void PrefetchValue(uint64_t hash) const { main_.PrefetchValue(hash); }

  // Writes a string value. expire_at_ms is an absolute time or kNoExpiry; with
  // TtlMode::kKeep an existing TTL survives and expire_at_ms is ignored. Replaces a value
  // of any type. Returns true when the key was created. An expire_at_ms < now_ms stores a
  // key that is already expired (invisible, reclaimed as an expiry), as Redis 7's SET with a
  // past EXAT/PXAT does.
  bool SetString(std::string_view key, std::string_view value, int64_t expire_at_ms,
                 TtlMode mode, int64_t now_ms);
  // SetString keeping the TTL, with the result marked Record::edited(): a HyperLogLog
  // rewritten whole is still one Redis edits in place.
  void SetEditedString(std::string_view key, std::string_view value, int64_t now_ms);
  // SetString keeping the TTL, with the result marked Record::text() (INCRBYFLOAT).
  void SetTextString(std::string_view key, std::string_view value, int64_t now_ms);
  // Marks the string at key Record::edited() without changing a byte or telling anyone:
  // Redis's bit commands take the value for editing (unsharing it) even when they then write
  // nothing. Nothing when the key is missing.
  void MarkEdited(std::string_view key, int64_t now_ms);
  // APPEND: creates the key when missing; returns the new length. Caller checked the type.
  size_t Append(std::string_view key, std::string_view data, int64_t now_ms);
  // SETRANGE: zero-pads as needed; returns the new length. Caller checked type and limits.
  // Empty data creates nothing and changes nothing (returns the current length or 0).
  size_t SetRange(std::string_view key, size_t offset, std::string_view data, int64_t now_ms);
  // Opens the string at key for editing its bytes in place (SETBIT, BITFIELD): zero-pads
  // it to at least min_len bytes (min_len > 0), creating a persistent key when missing, and
  // returns a writable view of the whole value plus its length before. The view lasts until
  // the next call on the keyspace. The key counts as written (WATCH, a running snapshot keeps
  // the value as it was) even if the caller then changes nothing. Caller checked the type
  // and limits.
  struct StringEdit {
    std::span<char> bytes;
    size_t old_len = 0;  // 0 when created
    bool created = false;
  };
  StringEdit EditString(std::string_view key, size_t min_len, int64_t now_ms);
  // Stores a new string of `len` bytes (len > 0) at key, replacing a value of any type and
  // its TTL (BITOP). fill(std::span<char>) writes the bytes straight into the new value before
  // the keyspace changes, so it may read views of stored values, key's own included. Returns
  // true when the key was created.
  template <class Fill>
  bool SetStringFilled(std::string_view key, size_t len, Fill&& fill, int64_t now_ms) {
    using F = std::remove_reference_t<Fill>;
    return SetStringFilled(
        key, len, [](void* f, std::span<char> bytes) { (*static_cast<F*>(f))(bytes); },
        static_cast<void*>(&fill), now_ms);
  }
  using FillFn = void (*)(void* context, std::span<char> bytes);
  bool SetStringFilled(std::string_view key, size_t len, FillFn fill, void* context,
                       int64_t now_ms);


  // Expiry of a live key: kNoExpiry when persistent, nullopt when the key is missing.
  std::optional<int64_t> GetExpire(std::string_view key, int64_t now_ms);
  // Sets an absolute expiry on a live key; false when missing. An expiry <= now_ms deletes
  // the key (a deletion, not counted in ExpiredCount(), as Redis does for EXPIRE with a
  // past time).
  bool SetExpire(std::string_view key, int64_t expire_at_ms, int64_t now_ms);
  // Removes the TTL; true when the key existed and had one.
  bool Persist(std::string_view key, int64_t now_ms);

  // RENAME: moves value and TTL to `to`, replacing whatever `to` held. False when `from`
  // is missing. Renaming a key to itself succeeds and changes nothing.
  bool Rename(std::string_view from, std::string_view to, int64_t now_ms);
  // COPY (also across databases): false when `from` is missing, `to` exists and !replace,
  // or the copy would be onto itself. The copy keeps the TTL.
  bool CopyTo(std::string_view from, Keyspace& dst, std::string_view to, bool replace,
              int64_t now_ms);
  // MOVE: moves the key (the record itself, no copy) to dst when dst lacks it. False when
  // missing here, present there, or dst is this keyspace.
  bool MoveTo(std::string_view key, Keyspace& dst, int64_t now_ms);

  // ---- Collections (T is HashValue, ListValue, SetValue or ZSetValue) ----

  // The collection of type T at key, or nullptr when the key is missing or holds another
  // type (then *wrong_type, when given, is set).
  template <class T>
  const T* Read(std::string_view key, int64_t now_ms, bool* wrong_type = nullptr) {
    const Record* r = Find(key, now_ms);
    if (wrong_type != nullptr) *wrong_type = r != nullptr && r->type() != T::kType;
    if (r == nullptr || r->type() != T::kType) return nullptr;
    return static_cast<const T*>(r->object());
  }
  // Opens the collection of type T at key for writing. When the key is missing and `create`
  // is set, an empty collection is created (a persistent key); a key of another type gives
  // a handle with wrong_type() and no value.
  template <class T>
  CollectionWrite<T> Write(std::string_view key, int64_t now_ms, bool create) {
    return Open<T>(key, now_ms, create, /*contents=*/true);
  }
  // Opens an existing collection for a change of its encoding alone (SORT's conversion of a
  // sorted set to a skiplist): as Write, but the contents stay as they were, so no key
  // listener hears of it (WATCH, client-side caching). A running snapshot still encodes the
  // key first.
  template <class T>
  CollectionWrite<T> Reencode(std::string_view key, int64_t now_ms) {
    return Open<T>(key, now_ms, /*create=*/false, /*contents=*/false);
  }
  // Stores `value` at key replacing whatever was there (SINTERSTORE, ZRANGESTORE, a snapshot
  // load), with the given absolute expiry or kNoExpiry. An empty value deletes the key
  // instead. Returns true when the key did not exist before.
  template <class T>
  bool StoreCollection(std::string_view key, std::unique_ptr<T> value, int64_t expire_at_ms,
                       int64_t now_ms) {
    const bool empty = DeletedWhenEmpty(T::kType) && value->empty();
    return StoreObject(key, T::kType, empty ? nullptr : value.release(), expire_at_ms, now_ms);
  }
  // Deletes key like Delete, but hands a collection's object to *out to be freed elsewhere
  // (UNLINK's lazy free; see DetachedValue::FreeEffort). A string is freed at once.
  bool DeleteDetached(std::string_view key, int64_t now_ms, DetachedValue* out);

  // A random live key, or nullopt when there is none.
  std::optional<std::string_view> RandomKey(int64_t now_ms);

  // SCAN with Redis's guarantee: a key present for the whole iteration is visited at least
  // once, even while the table grows or shrinks. Visits one home bucket per call (every
  // live record whose hash maps there), returns the next cursor; 0 ends the iteration.
  // visit must not write to the keyspace.
  uint64_t ScanStep(uint64_t cursor, int64_t now_ms,
                    const std::function<void(const Record&)>& visit);

  // Calls visit on every live record (snapshot encoding, KEYS). Must not write.
  void ForEach(int64_t now_ms, const std::function<void(const Record&)>& visit) const;

  // Active expiry: samples up to `sample` keys with a TTL (walking the TTL table with an
  // internal cursor) and deletes the expired ones. Returns {sampled, expired}.
  struct ExpireSample { size_t sampled = 0; size_t expired = 0; };
  ExpireSample ExpireSome(int64_t now_ms, size_t sample);

  // Eviction (core/eviction.h): up to out.size() records taken from a random place of the
  // table of all keys, or of the keys with a TTL (`with_ttl_only`), expired ones included;
  // returns how many. As Redis's dictGetSomeKeys: table neighbours, cheap rather than
  // uniform. The views last until the next write.
  size_t SampleRecords(bool with_ttl_only, std::span<const Record*> out);
  size_t KeyCount() const { return main_.size(); }  // including expired, unreclaimed keys

  // Removes everything.
  void Clear();
  // FLUSHALL ASYNC: moves every key into the returned keyspace (to be freed elsewhere, e.g.
  // on another thread) and leaves this one empty, in O(1). ExpiredCount() stays here.
  Keyspace DetachAll();

  // ---- Point-in-time snapshots (core/consistent_snapshot.h) ----

  // Hears of a record that belongs to the running snapshot just before a write changes or
  // removes it, so the snapshot can encode it as it was.
  class SnapshotObserver {
   public:
    virtual void BeforeChange(const Record& r) = 0;

   protected:
    ~SnapshotObserver() = default;
  };
  // Starts a snapshot of this keyspace as it is now: every record present is pending until
  // SnapshotStep visits it or a write hands it to `observer` first; records written from
  // now on are not part of it. One snapshot at a time.
  void BeginSnapshot(SnapshotObserver* observer);
  // Visits the pending records of one home bucket (expired ones included: the snapshot
  // decides) and marks them done. Start at cursor 0; returns the next cursor, 0 when every
  // pending record has been visited or handed to the observer. Tolerates the table growing
  // and shrinking between calls, as ScanStep. visit must not write to the keyspace.
  uint64_t SnapshotStep(uint64_t cursor, const std::function<void(const Record&)>& visit);
  // Ends the snapshot. `walk_finished`: SnapshotStep returned 0; otherwise every record is
  // marked done here (a pass over the table) so the next snapshot starts clean.
  void EndSnapshot(bool walk_finished);
  SnapshotObserver* snapshot_observer() const { return observer_; }

  // Told of every key that expires (found expired by a read or a write, or by the active
  // cycle) just before it is deleted, so the append-only log can record a DEL, as Redis
  // does. Belongs to the database slot: moving a keyspace's contents does not move it.
  using ExpireListener = std::function<void(const Keyspace&, std::string_view key)>;
  void set_expire_listener(const ExpireListener* listener) { expire_listener_ = listener; }

  // Told of every write to a key just before it happens: the key is created, changed or
  // deleted (expiry included), or, `tentative`, a collection is opened for writing and may
  // yet be left as it was (SREM of a missing member). WATCH hangs on this. Belongs to the
  // database slot, as the expire listener; unset, it costs one test per write.
  class KeyListener {
   public:
    virtual void KeyChanged(const Keyspace& ks, std::string_view key, bool tentative) = 0;
    // Every key is about to go at once (Clear, DetachAll); only told when there are keys.
    virtual void Emptying(const Keyspace& ks) = 0;

   protected:
    ~KeyListener() = default;
  };
  void set_key_listener(KeyListener* listener) { key_listener_ = listener; }

  // Stamps new keys and updates them on access (core/access_clock.h); never null. Belongs
  // to the database slot, as the listeners. AccessClock::Process() unless set.
  void set_access_clock(AccessClock* clock) { access_ = clock; }
  AccessClock& access_clock() const { return *access_; }

  // A replica's keyspace, as Redis's: keys do not expire by themselves, as its master sends a
  // DEL for each key that expires there (and may still change the key before it does). A read
  // at a time past a key's expiry sees it missing without deleting it; a read at time 0 sees
  // every key (how a replica applies its master's commands); a write to an expired key
  // replaces it, as on Redis's writable replicas. Count() includes expired keys (Redis's
  // DBSIZE on a replica) and ExpireSome() does nothing. Belongs to the database slot, as
  // the listeners.
  void set_keep_expired(bool keep) { keep_expired_ = keep; }
  bool keep_expired() const { return keep_expired_; }

  // INFO keyspace `expires`: keys with a TTL, including expired ones not reclaimed yet
  // (exact right after Count(now_ms), which reclaims them).
  size_t KeysWithExpiry() const;
  // INFO keyspace `avg_ttl`: mean remaining TTL of the keys with one (0 when none). Exact,
  // from a running sum of expiry times, where Redis estimates from samples.
  int64_t AvgTtlMs(int64_t now_ms) const;
  uint64_t ExpiredCount() const { return expired_count_; }  // lazy + active expiries
  void ResetExpiredCount() { expired_count_ = 0; }

  // Bytes MEMORY USAGE reports for one record: its allocation plus its table slots
  // (one 8-byte slot in the main table, and one in the TTL table when it has a TTL).
  size_t MemoryUsage(const Record& r) const;

 private:
  template <class T>
  friend class CollectionWrite;

  // Write and Reencode: `contents` tells the key listener of the (possible) change.
  template <class T>
  CollectionWrite<T> Open(std::string_view key, int64_t now_ms, bool create, bool contents) {
    CollectionWrite<T> w;
    Record* r = OpenCollection(key, now_ms, T::kType,
                               create ? +[]() -> void* { return T::Create().release(); }
                                      : nullptr,
                               &w.wrong_type_, &w.created_, contents);
    if (r == nullptr) return w;
    w.ks_ = this;
    w.record_ = r;
    w.value_ = static_cast<T*>(r->object());
    w.alloc_before_ = w.value_->AllocatedBytes();
    w.data_before_ = w.value_->DataBytes();
    return w;
  }

  // The live collection record for key, creating it with make() when missing and make is
  // given. Null when missing (and not created) or of another type. `notify`: the key
  // listener hears of the write, tentatively.
  Record* OpenCollection(std::string_view key, int64_t now_ms, ValueType type,
                         void* (*make)(), bool* wrong_type, bool* created, bool notify);
  // Settles a CollectionWrite on record r.
  void CommitWrite(Record* r, size_t alloc_before, size_t data_before);
  bool StoreObject(std::string_view key, ValueType type, void* object, int64_t expire_at_ms,
                   int64_t now_ms);
  // Frees a record and, for a collection, its object.
  static void Destroy(Record* r);

  // What a record contributes to the counters, captured before a write reshapes it.
  struct Footprint {
    size_t data = 0;
    size_t alloc = 0;
    int64_t expire_at_ms = kNoExpiry;
  };
  static Footprint FootprintOf(const Record& r);
  void Account(const Footprint& removed, const Footprint& added);

  // The live record for key (index in main_ into *index); deletes it when expired. A
  // lookup: updates the access field unless `touch` is false or the clock says no-touch.
  Record* FindLive(std::string_view key, uint64_t hash, int64_t now_ms, size_t* index,
                   bool touch = true);
  // A lookup that only reads: as FindLive, except that with keep_expired_ an expired key is
  // hidden rather than deleted.
  Record* FindVisible(std::string_view key, uint64_t hash, int64_t now_ms, bool touch = true);
  // An access to r (Redis's updateLFU, or the LRU clock).
  void Touch(Record* r);
  // Gives a record created now its initial access field.
  void Stamp(Record* r) const { r->set_access(access_->Initial()); }
  // Hands r to the snapshot observer when r still belongs to the running snapshot; call
  // before any write changes or removes r.
  void BeforeChange(Record* r) {
    if (observer_ != nullptr && r->snapshot_mark() != mark_) {
      observer_->BeforeChange(*r);
      r->set_snapshot_mark(mark_);
    }
  }
  void NotifyKey(const Record& r, bool tentative = false) {
    if (key_listener_ != nullptr) key_listener_->KeyChanged(*this, r.key(), tentative);
  }
  void NotifyEmptying() {
    if (key_listener_ != nullptr && main_.size() > 0) key_listener_->Emptying(*this);
  }
  void NotifyExpired(const Record& r) const {
    if (expire_listener_ != nullptr) (*expire_listener_)(*this, r.key());
  }
  // Adds a new record to both tables (reserve room first: this must not throw).
  void Link(Record* r, uint64_t hash);
  // Removes the record at main_ slot `index` from both tables without freeing it.
  // `volatile_index` is its slot in volatile_ when the caller knows it. Never shrinks.
  Record* Unlink(size_t index, uint64_t hash, size_t volatile_index = RecordTable::kNotFound);
  void ShrinkTables() noexcept;
  // Rewrites the record at main_ slot `index` through `reshape` (Record* -> Record*),
  // keeping both tables and all counters right whatever the reshape did to address or TTL.
  // ttl_after: whether the reshaped record has a TTL (room in volatile_ is reserved first).
  template <class Reshape>
  Record* Modify(size_t index, uint64_t hash, bool ttl_after, Reshape&& reshape);
  // SetString's work; returns the stored record and sets *created.
  Record* StoreString(std::string_view key, std::string_view value, int64_t expire_at_ms,
                      TtlMode mode, int64_t now_ms, bool* created);
  // Creates a string record for a key known to be absent.
  Record* InsertString(std::string_view key, uint64_t hash, std::string_view value,
                       int64_t expire_at_ms);
  // Creates a string of len zero bytes, marked edited, for a key known to be absent.
  Record* InsertZeroedString(std::string_view key, uint64_t hash, size_t len);
  // Deletes every expired key when any may have expired; refreshes min_expire_bound_.
  void ReclaimExpired(int64_t now_ms);
  uint64_t NextRandom();

  RecordTable main_;      // every key
  RecordTable volatile_;  // keys with a TTL
  size_t data_bytes_ = 0;
  size_t record_bytes_ = 0;         // allocation sizes of all records
  uint64_t expired_count_ = 0;
  int64_t min_expire_bound_ = INT64_MAX;  // no key expires until after this
  __int128 expire_sum_ = 0;               // sum of expire_at_ms over volatile_, for avg_ttl
  size_t expire_cursor_ = 0;              // ExpireSome resumes here
  uint64_t rng_state_;
  SnapshotObserver* observer_ = nullptr;  // set while a snapshot runs
  bool mark_ = false;  // records marked otherwise still belong to the running snapshot
  const ExpireListener* expire_listener_ = nullptr;  // not moved with the contents
  KeyListener* key_listener_ = nullptr;              // nor this
  AccessClock* access_ = &AccessClock::Process();     // nor this
  bool keep_expired_ = false;                         // nor this
};

template <class T>
void CollectionWrite<T>::Commit() {
  if (ks_ == nullptr) return;
  std::exchange(ks_, nullptr)->CommitWrite(record_, alloc_before_, data_before_);
  record_ = nullptr;
  value_ = nullptr;
}

}  // namespace kvd
