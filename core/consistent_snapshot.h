#pragma once
// A point-in-time RDB encoding of the store that is produced a slice at a time while the
// store keeps taking writes (a forkless BGSAVE, as Dragonfly does it).
//
// At construction every key present belongs to the snapshot. Step() walks the databases
// and encodes keys still pending; a write that is about to change or remove a pending key
// has it encoded first (Keyspace::SnapshotObserver), as it was, so the file holds exactly
// the store of the starting moment, each key once. Keys written after the start are left
// out. Memory grows only by the encoded bytes not taken yet, never by a copy of the data.
//
// The snapshot must end (finish or be destroyed) before the store it reads is destroyed.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/keyspace.h"
#include "core/rdb_writer.h"
#include "core/store.h"

namespace kvd {

class ConsistentSnapshot {
 public:
  // Writes the RDB header; now_ms is the snapshot's moment (keys expired then are left out).
  ConsistentSnapshot(Store& store, int64_t now_ms, const RdbOptions& options);
  ~ConsistentSnapshot();
  ConsistentSnapshot(const ConsistentSnapshot&) = delete;
  ConsistentSnapshot& operator=(const ConsistentSnapshot&) = delete;

  // Encodes pending keys until about `budget` keys were looked at (empty buckets count
  // too). Returns true once the whole file, EOF and checksum included, is encoded; the
  // store is then no longer watched.
  bool Step(size_t budget);
  bool finished() const { return finished_; }

  // Encoded bytes not taken yet (Step and writes to pending keys both add to them).
  size_t pending() const { return writer_.pending(); }
  // Appends the encoded bytes to `out` and forgets them.
  void TakePending(std::string& out) { writer_.TakePending(out); }
  // Keys encoded so far.
  uint64_t keys_written() const { return keys_written_; }

 private:
  // Watches one database as it was at the start, wherever SWAPDB moves it.
  class DbWatch final : public Keyspace::SnapshotObserver {
   public:
    DbWatch(ConsistentSnapshot* owner, size_t db) : owner_(owner), db_(db) {}
    void BeforeChange(const Record& r) override { owner_->Write(db_, r); }

   private:
    ConsistentSnapshot* owner_;
    size_t db_;
  };

  // The keyspace now holding what database `db` held at the start.
  Keyspace* Find(size_t db);
  void Write(size_t db, const Record& r);
  void Stop(bool walk_finished);

  Store& store_;
  int64_t now_ms_;
  RdbWriter writer_;
  std::vector<DbWatch> watches_;  // one per database, never resized (observers point here)
  std::vector<bool> had_keys_;    // databases with keys at the start
  size_t db_ = 0;                 // the database being walked
  uint64_t cursor_ = 0;
  bool section_open_ = false;     // SELECTDB+RESIZEDB of db_ written
  size_t selected_ = SIZE_MAX;    // the database the file's last SELECTDB named
  bool finished_ = false;
  bool watching_ = false;
  uint64_t keys_written_ = 0;
};

}  // namespace kvd
