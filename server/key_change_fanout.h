#pragma once
// The store tells one Store::KeyListener of key changes; WATCH and client-side caching both
// need to hear them. This listener passes every call on to the listeners added to it, and is
// set on the store only while it has some, so that writes cost nothing when nobody listens.
// Touched on the store strand only.
#include <cstddef>
#include <string_view>
#include <vector>

#include "core/store.h"

namespace kvd {

class KeyChangeFanout final : public Store::KeyListener {
 public:
  explicit KeyChangeFanout(Store& store) : store_(store) {}
  ~KeyChangeFanout();
  KeyChangeFanout(const KeyChangeFanout&) = delete;
  KeyChangeFanout& operator=(const KeyChangeFanout&) = delete;

  // Adding a listener twice, or removing one never added, does nothing. A listener may
  // remove itself (or another) while it is being told of a change.
  void Add(Store::KeyListener* listener);
  void Remove(Store::KeyListener* listener);

  void KeyChanged(size_t db, std::string_view key, bool tentative) override;
  void DatabaseEmptying(size_t db) override;
  void DatabasesSwapping(size_t a, size_t b) override;

 private:
  // Calls fn on each listener; removals meanwhile leave holes, swept afterwards.
  template <class Fn>
  void Each(Fn fn);
  void Listen();

  Store& store_;
  std::vector<Store::KeyListener*> listeners_;
  int calling_ = 0;  // depth of Each
  bool listening_ = false;
};

}  // namespace kvd
