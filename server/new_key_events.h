#pragma once
// The `n` class of keyspace notifications: Redis publishes "new" whenever a key is added to a
// database (dbAdd: SET of a missing key, the first LPUSH, RENAME's destination...), before
// the command's own event. kvd's store tells its listeners of every write just before it
// happens; a write to a key the database does not hold yet is the key's creation. This
// listens only while notify-keyspace-events enables `n`, so writes cost nothing otherwise.
// Touched on the store strand only.
#include <cstddef>
#include <string_view>

#include "core/store.h"

namespace kvd {

class KeyChangeFanout;
class ServerState;

class NewKeyEvents final : public Store::KeyListener {
 public:
  NewKeyEvents(ServerState& server, KeyChangeFanout& changes);
  ~NewKeyEvents();
  NewKeyEvents(const NewKeyEvents&) = delete;
  NewKeyEvents& operator=(const NewKeyEvents&) = delete;

  void KeyChanged(size_t db, std::string_view key, bool tentative) override;
  void DatabaseEmptying(size_t) override {}
  void DatabasesSwapping(size_t, size_t) override {}

 private:
  // Listens or stops listening as the configuration says.
  void Configure();

  ServerState& server_;
  KeyChangeFanout& changes_;
};

}  // namespace kvd
