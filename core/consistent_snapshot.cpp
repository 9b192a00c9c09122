#include "core/consistent_snapshot.h"

namespace kvd {

ConsistentSnapshot::ConsistentSnapshot(Store& store, int64_t now_ms, const RdbOptions& options)
    : store_(store), now_ms_(now_ms), writer_(options, store.access_clock()) {
  const size_t n = store.DatabaseCount();
  writer_.WriteHeader(now_ms, options.used_memory.value_or(store.AllocatedBytes()));
  watches_.reserve(n);
  had_keys_.resize(n);
  for (size_t db = 0; db < n; ++db) {
    Keyspace& ks = store.Db(db);
    had_keys_[db] = ks.Count(now_ms) > 0;  // reclaims expired keys before anyone watches
    watches_.emplace_back(this, db);
  }
  for (size_t db = 0; db < n; ++db) store.Db(db).BeginSnapshot(&watches_[db]);
  watching_ = true;
}

ConsistentSnapshot::~ConsistentSnapshot() {
  if (watching_) Stop(/*walk_finished=*/false);
}

Keyspace* ConsistentSnapshot::Find(size_t db) {
  for (size_t i = 0; i < store_.DatabaseCount(); ++i) {
    if (store_.Db(i).snapshot_observer() == &watches_[db]) return &store_.Db(i);
  }
  return nullptr;  // not watched any more: its keys were all handed over already
}

bool ConsistentSnapshot::Step(size_t budget) {
  while (!finished_ && budget > 0) {
    if (db_ == watches_.size()) {
      writer_.WriteEof();
      Stop(/*walk_finished=*/true);
      finished_ = true;
      break;
    }
    Keyspace* ks = had_keys_[db_] ? Find(db_) : nullptr;
    if (ks == nullptr) {
      ++db_;
      continue;
    }
    if (!section_open_) {
      // The sizes are hints for the loader; Redis writes its table's at the same point.
      writer_.WriteSelectDb(db_, ks->Stats().entries, ks->KeysWithExpiry());
      selected_ = db_;
      section_open_ = true;
    }
    --budget;
    cursor_ = ks->SnapshotStep(cursor_, [&](const Record& r) {
      Write(db_, r);
      if (budget > 0) --budget;
    });
    if (cursor_ == 0) {
      ++db_;
      section_open_ = false;
    }
  }
  return finished_;
}

void ConsistentSnapshot::Write(size_t db, const Record& r) {
  if (r.IsExpiredAt(now_ms_)) return;  // expired at the snapshot's moment: not in it
  if (selected_ != db) {
    writer_.WriteSelectDb(db);
    selected_ = db;
  }
  // Every type kvd stores has an encoder, so this cannot fail.
  writer_.WriteRecord(r);
  ++keys_written_;
}

void ConsistentSnapshot::Stop(bool walk_finished) {
  for (size_t db = 0; db < watches_.size(); ++db) {
    Keyspace* ks = Find(db);
    // A database walked to the end, or empty at the start, has no pending record left.
    if (ks != nullptr) ks->EndSnapshot(walk_finished || db < db_ || !had_keys_[db]);
  }
  watching_ = false;
}

}  // namespace kvd
