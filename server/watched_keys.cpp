#include "server/watched_keys.h"

#include <algorithm>

#include "core/record.h"
#include "server/client_state.h"

namespace kvd {

WatchedKeys::WatchedKeys(Store& store, const Clock& clock, KeyChangeFanout& changes)
    : store_(store), clock_(clock), changes_(changes), dbs_(store.DatabaseCount()) {}

WatchedKeys::~WatchedKeys() {
  if (listening_) changes_.Remove(this);
}

void WatchedKeys::Listen() {
  const bool want = size_ > 0;
  if (want == listening_) return;
  listening_ = want;
  if (want) {
    changes_.Add(this);
  } else {
    changes_.Remove(this);
  }
}

void WatchedKeys::Watch(ClientState& client, size_t db, std::string_view key) {
  auto it = dbs_[db].find(key);
  if (it == dbs_[db].end()) it = dbs_[db].emplace(std::string(key), 0).first;
  std::vector<ClientState*>& clients = it->second;
  if (std::find(clients.begin(), clients.end(), &client) != clients.end()) return;
  clients.push_back(&client);
  client.Txn().watched.push_back({db, std::string(key)});
  ++size_;
  Listen();
}

void WatchedKeys::UnwatchAll(ClientState& client) {
  if (!client.txn || client.txn->watched.empty()) return;
  for (const auto& [db, key, stale] : client.txn->watched) {
    auto it = dbs_[db].find(key);
    if (it == dbs_[db].end()) continue;
    std::vector<ClientState*>& clients = it->second;
    clients.erase(std::remove(clients.begin(), clients.end(), &client), clients.end());
    if (clients.empty()) dbs_[db].erase(it);
    --size_;
  }
  client.txn->watched.clear();
  Listen();
}

bool WatchedKeys::AnyExpired(const ClientState& client, int64_t now_ms) const {
  if (!client.txn) return false;
  for (const auto& [db, key, stale] : client.txn->watched) {
    const Record* r = store_.Db(db).Peek(key);
    if (!stale && r != nullptr && r->IsExpiredAt(now_ms)) return true;
  }
  return false;
}

bool WatchedKeys::Live(size_t db, std::string_view key) const {
  const Record* r = store_.Db(db).Peek(key);
  return r != nullptr && !r->IsExpiredAt(clock_.NowMs());
}

void WatchedKeys::KeyChanged(size_t db, std::string_view key, bool tentative) {
  if (!dbs_[db].contains(key)) return;
  if (tentative) {
    pending_.emplace_back(db, std::string(key));
  } else {
    Touch(db, key);
  }
}

void WatchedKeys::SettlePending(bool changed) {
  std::vector<std::pair<size_t, std::string>> pending = std::move(pending_);
  pending_.clear();
  if (!changed) return;
  for (const auto& [db, key] : pending) Touch(db, key);
}

void WatchedKeys::Touch(size_t db, std::string_view key) {
  auto it = dbs_[db].find(key);
  if (it == dbs_[db].end()) return;
  std::vector<ClientState*> touched;
  // The deletion of a stale value SWAPDB brought in is no change (Redis's "expired" watch).
  const bool expired = !Live(db, key) && store_.Db(db).Peek(key) != nullptr;
  for (ClientState* c : it->second) {
    WatchedKey* w = Find(*c, db, key);
    if (w != nullptr && w->stale && expired) {
      w->stale = false;
      continue;
    }
    touched.push_back(c);
  }
  MarkTouched(std::move(touched));
}

WatchedKey* WatchedKeys::Find(ClientState& client, size_t db, std::string_view key) {
  if (!client.txn) return nullptr;
  for (WatchedKey& w : client.txn->watched) {
    if (w.db == db && w.key == key) return &w;
  }
  return nullptr;
}

void WatchedKeys::DatabaseEmptying(size_t db) {
  // Only keys present count: emptying a database does not change a key it lacks. A key
  // present but expired counts too; it was live when watched (WATCH reclaims expired keys).
  std::vector<ClientState*> touched;
  for (const auto& [key, clients] : dbs_[db]) {
    if (store_.Db(db).Peek(key) != nullptr) {
      touched.insert(touched.end(), clients.begin(), clients.end());
    }
  }
  MarkTouched(std::move(touched));
}

void WatchedKeys::DatabasesSwapping(size_t a, size_t b) {
  // A watched key changes when it is present on its side, or comes in live from the other
  // one; an expired key replacing nothing is no change (as Redis's touchAllWatchedKeysInDb).
  std::vector<ClientState*> touched;
  for (auto [mine, other] : {std::pair{a, b}, std::pair{b, a}}) {
    for (const auto& [key, clients] : dbs_[mine]) {
      if (store_.Db(mine).Peek(key) != nullptr || Live(other, key)) {
        touched.insert(touched.end(), clients.begin(), clients.end());
      } else if (store_.Db(other).Peek(key) != nullptr) {
        for (ClientState* c : clients) Find(*c, mine, key)->stale = true;
      }
    }
  }
  MarkTouched(std::move(touched));
}

void WatchedKeys::MarkTouched(std::vector<ClientState*> clients) {
  for (ClientState* c : clients) {
    c->Txn().watch_touched = true;
    UnwatchAll(*c);
  }
}

}  // namespace kvd
