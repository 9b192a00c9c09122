// Keyspace's side of a point-in-time snapshot (core/consistent_snapshot.h): the walk that
// hands each record to the snapshot once, and the hand-over of records about to change.
#include <utility>

#include "core/keyspace.h"
#include "core/keyspace_internal.h"

namespace kvd {

void Keyspace::BeginSnapshot(SnapshotObserver* observer) {
  observer_ = observer;
  mark_ = !mark_;  // every record present now is on the other side: pending
}

uint64_t Keyspace::SnapshotStep(uint64_t cursor, const std::function<void(const Record&)>& visit) {
  if (main_.size() == 0) return 0;
  const uint64_t mask = main_.capacity() - 1;
  const size_t home = cursor & mask;
  for (size_t i = home; main_.Occupied(i); i = (i + 1) & mask) {
    Record* r = main_.At(i);
    // A table that shrank and grew again may show a record twice: the mark skips it.
    if (main_.HomeSlot(*r) == home && r->snapshot_mark() != mark_) {
      visit(*r);
      r->set_snapshot_mark(mark_);
    }
  }
  return NextScanCursor(cursor, mask);
}

void Keyspace::EndSnapshot(bool walk_finished) {
  observer_ = nullptr;
  if (walk_finished) return;
  main_.ForEach([this](Record* r) { r->set_snapshot_mark(mark_); });
}

Keyspace Keyspace::DetachAll() {
  // A running snapshot still needs the keys it has not encoded: it gets them now, and keeps
  // watching this database (whose keys from now on are all new to it).
  NotifyEmptying();
  SnapshotObserver* observer = observer_;
  if (observer != nullptr) main_.ForEach([this](Record* r) { BeforeChange(r); });
  Keyspace out(std::move(*this));
  out.observer_ = nullptr;
  observer_ = observer;
  // The moved-from tables are empty; the statistics belong to this database.
  expired_count_ = std::exchange(out.expired_count_, 0);
  return out;
}

}  // namespace kvd
