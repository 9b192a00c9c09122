#include "server/blocked_clients.h"

#include <algorithm>

#include "server/client_state.h"

namespace kvd {

void BlockedClients::Block(ClientState& client, size_t db, std::span<const std::string_view> keys,
                           ValueType type, int64_t deadline_ms,
                           std::span<const std::string_view> args) {
  Entry& e = waiters_[&client];
  e.waiter.client = &client;
  e.waiter.db = db;
  e.waiter.type = type;
  e.waiter.deadline_ms = deadline_ms;
  e.waiter.args.assign(args.begin(), args.end());
  KeyQueues& queues = dbs_[db];
  for (std::string_view key : keys) {
    const auto& waited = e.waiter.keys;
    if (std::find(waited.begin(), waited.end(), key) != waited.end()) continue;
    auto it = queues.find(key);
    if (it == queues.end()) {
      it = queues.emplace(std::string(key), Queue{}).first;
      key_count_++;
    }
    e.waiter.keys.emplace_back(key);
    e.positions.push_back(it->second.clients.insert(it->second.clients.end(), &client));
  }
  if (deadline_ms != 0) e.timeout = timeouts_.emplace(deadline_ms, &client);
  client.blocked = true;
}

std::optional<BlockedClients::Waiter> BlockedClients::Unblock(ClientState& client) {
  auto it = waiters_.find(&client);
  if (it == waiters_.end()) return std::nullopt;
  Entry& e = it->second;
  KeyQueues& queues = dbs_[e.waiter.db];
  for (size_t i = 0; i < e.waiter.keys.size(); ++i) {
    auto q = queues.find(e.waiter.keys[i]);
    q->second.clients.erase(e.positions[i]);
    if (q->second.clients.empty()) {
      queues.erase(q);
      key_count_--;
    }
  }
  if (queues.empty()) dbs_.erase(e.waiter.db);
  if (e.timeout) timeouts_.erase(*e.timeout);
  Waiter w = std::move(e.waiter);
  waiters_.erase(it);
  client.blocked = false;
  return w;
}

const BlockedClients::Waiter* BlockedClients::Find(const ClientState& client) const {
  auto it = waiters_.find(&client);
  return it == waiters_.end() ? nullptr : &it->second.waiter;
}

void BlockedClients::SetUnblockOnNoKey(const ClientState& client) {
  auto it = waiters_.find(&client);
  if (it != waiters_.end()) it->second.waiter.unblock_on_nokey = true;
}

void BlockedClients::SetDeadline(ClientState& client, int64_t deadline_ms) {
  auto it = waiters_.find(&client);
  if (it == waiters_.end()) return;
  Entry& e = it->second;
  if (e.timeout) timeouts_.erase(*e.timeout);
  e.timeout.reset();
  e.waiter.deadline_ms = deadline_ms;
  if (deadline_ms != 0) e.timeout = timeouts_.emplace(deadline_ms, &client);
}

void BlockedClients::MarkReady(size_t db, const std::string& key, Queue& q) {
  if (q.ready) return;
  q.ready = true;
  ready_.push_back({db, key});
}

void BlockedClients::SignalKeys(std::span<const std::string_view> names) {
  for (auto& [db, queues] : dbs_) {
    for (std::string_view name : names) {
      auto it = queues.find(name);
      if (it != queues.end()) MarkReady(db, it->first, it->second);
    }
  }
}

void BlockedClients::SignalDatabase(size_t db) {
  auto it = dbs_.find(db);
  if (it == dbs_.end()) return;
  for (auto& [key, q] : it->second) MarkReady(db, key, q);
}

std::vector<BlockedClients::ReadyKey> BlockedClients::TakeReady() {
  std::vector<ReadyKey> taken;
  taken.swap(ready_);
  for (const ReadyKey& r : taken) {
    auto db = dbs_.find(r.db);
    if (db == dbs_.end()) continue;
    auto q = db->second.find(r.key);
    if (q != db->second.end()) q->second.ready = false;
  }
  return taken;
}

std::vector<ClientState*> BlockedClients::WaitersOf(size_t db, std::string_view key) const {
  auto d = dbs_.find(db);
  if (d == dbs_.end()) return {};
  auto q = d->second.find(key);
  if (q == d->second.end()) return {};
  return {q->second.clients.begin(), q->second.clients.end()};
}

std::vector<ClientState*> BlockedClients::Due(int64_t now_ms) const {
  std::vector<ClientState*> due;
  for (auto it = timeouts_.begin(); it != timeouts_.end() && it->first <= now_ms; ++it) {
    due.push_back(it->second);
  }
  return due;
}

}  // namespace kvd
