#include "server/key_change_fanout.h"

#include <algorithm>

namespace kvd {

KeyChangeFanout::~KeyChangeFanout() {
  if (listening_) store_.SetKeyListener(nullptr);
}

void KeyChangeFanout::Add(Store::KeyListener* listener) {
  if (std::find(listeners_.begin(), listeners_.end(), listener) != listeners_.end()) return;
  listeners_.push_back(listener);
  Listen();
}

void KeyChangeFanout::Remove(Store::KeyListener* listener) {
  auto it = std::find(listeners_.begin(), listeners_.end(), listener);
  if (it == listeners_.end()) return;
  if (calling_ > 0) {
    *it = nullptr;  // Each is walking the vector: sweep once it is done
    return;
  }
  listeners_.erase(it);
  Listen();
}

void KeyChangeFanout::Listen() {
  const bool want = std::any_of(listeners_.begin(), listeners_.end(),
                                [](const Store::KeyListener* l) { return l != nullptr; });
  if (want == listening_) return;
  listening_ = want;
  store_.SetKeyListener(want ? this : nullptr);
}

template <class Fn>
void KeyChangeFanout::Each(Fn fn) {
  ++calling_;
  // By index: a listener added meanwhile is appended, and hears this change too.
  for (size_t i = 0; i < listeners_.size(); ++i) {
    if (listeners_[i] != nullptr) fn(*listeners_[i]);
  }
  if (--calling_ == 0) {
    listeners_.erase(std::remove(listeners_.begin(), listeners_.end(), nullptr),
                     listeners_.end());
    Listen();
  }
}

void KeyChangeFanout::KeyChanged(size_t db, std::string_view key, bool tentative) {
  Each([&](Store::KeyListener& l) { l.KeyChanged(db, key, tentative); });
}

void KeyChangeFanout::DatabaseEmptying(size_t db) {
  Each([&](Store::KeyListener& l) { l.DatabaseEmptying(db); });
}

void KeyChangeFanout::DatabasesSwapping(size_t a, size_t b) {
  Each([&](Store::KeyListener& l) { l.DatabasesSwapping(a, b); });
}

}  // namespace kvd
