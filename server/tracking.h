#pragma once
// Server-assisted client-side caching (CLIENT TRACKING), as Redis's tracking.c.
//
// Default mode: the keys a tracking client reads are remembered (key -> client ids, across
// databases, as Redis keeps one table); when such a key changes, by anyone and however
// (writes, expiry, FLUSHALL), each client that remembered it gets one invalidation message
// and the key is forgotten for it. BCAST mode: a client registers prefixes instead, and is
// told of every changed key under them, collected and sent in one message per prefix once
// the event loop turns (ServerState::post) or, without one, after the command.
//
// Messages are RESP3 pushes (`invalidate` with an array of keys, or null after a flush),
// or, to a RESP2 redirect client with subscriptions, messages on `__redis__:invalidate`.
// Unlike Redis, which forgets its table entries lazily, a client that turns tracking off or
// disconnects leaves nothing behind. Touched on the store strand only.
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/store.h"
#include "server/key_change_fanout.h"

namespace kvd {

struct ClientState;
struct CommandContext;
struct CommandSpec;
class ServerState;

inline constexpr std::string_view kTrackingChannel = "__redis__:invalidate";

struct TrackingOptions {
  bool bcast = false;
  bool optin = false;
  bool optout = false;
  bool noloop = false;
  uint64_t redirect = 0;  // 0: none
  std::vector<std::string> prefixes;
};

class Tracking final : public Store::KeyListener {
 public:
  Tracking(ServerState& server, KeyChangeFanout& changes);
  ~Tracking();
  Tracking(const Tracking&) = delete;
  Tracking& operator=(const Tracking&) = delete;

  // CLIENT TRACKING ON, options already checked (Redis's enableTracking): turning it on again
  // replaces the flags and redirect and adds the prefixes.
  void Enable(ClientState& c, const TrackingOptions& options);
  // CLIENT TRACKING OFF, RESET, a disconnect: forgets everything about the client.
  void Disable(ClientState& c);
  // The client's BCAST prefix that overlaps `prefix` (one starts the other), for Redis's
  // collision error; null when none does.
  const std::string* Overlapping(const ClientState& c, std::string_view prefix) const;

  // The dispatcher brackets every command it runs with these (nested for EXEC's commands).
  // After: flushes invalidate everything, a read-only command's keys are remembered for its
  // client, and CLIENT CACHING's one-command effect ends.
  void BeforeCommand(ClientState& c) { running_.push_back(&c); }
  void AfterCommand(const CommandContext& ctx);
  // The tentative writes of the command that just ran (a script's included) invalidate only
  // when it changed its keys (CommandContext::ChangedKeys), as for WATCH.
  void Settle(bool changed) {
    if (!tentative_.empty()) SettleTentative(changed);
  }
  // FLUSHDB / FLUSHALL ran: every tracking client gets a null invalidation after the command,
  // even when nothing was there to flush (as Redis).
  void Flushed() { flushed_ = true; }

  // INFO.
  size_t clients() const { return clients_.size(); }  // tracking_clients
  size_t total_keys() const { return table_.size(); }    // tracking_total_keys
  size_t total_items() const { return total_items_; }   // tracking_total_items
  size_t total_prefixes() const { return prefixes_.size(); }  // tracking_total_prefixes
  // The client's BCAST prefixes, in order (CLIENT TRACKINGINFO).
  std::vector<std::string_view> PrefixesOf(const ClientState& c) const;

  // Sends the changes collected for BCAST prefixes.
  void Broadcast();

  void KeyChanged(size_t db, std::string_view key, bool tentative) override;
  void DatabaseEmptying(size_t db) override;
  void DatabasesSwapping(size_t a, size_t b) override {}

 private:
  void SettleTentative(bool changed);
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using KeySet = std::set<std::string, std::less<>>;
  struct ClientEntry {
    std::unordered_set<std::string, StringHash, std::equal_to<>> keys;  // remembered
    KeySet prefixes;  // BCAST
  };
  struct Prefix {
    std::set<uint64_t> clients;
    std::map<std::string, uint64_t, std::less<>> changed;  // key -> who changed it last
  };

  void Remember(ClientState& c, std::string_view key);
  void Invalidate(std::string_view key);
  void InvalidateAll();  // a flush: a null invalidation to every tracking client
  // Sends one message whose value is `payload` (RESP: an array of keys, or a null) to c, or
  // to the client it redirects to (Redis's sendTrackingMessage).
  void Send(ClientState& c, std::string_view payload);
  ClientState* Running() const { return running_.empty() ? nullptr : running_.back(); }
  void ScheduleBroadcast();

  ServerState& server_;
  KeyChangeFanout& changes_;
  std::unordered_map<std::string, std::set<uint64_t>, StringHash, std::equal_to<>> table_;
  size_t total_items_ = 0;
  std::unordered_map<uint64_t, ClientEntry> clients_;  // every tracking client, by id
  std::map<std::string, Prefix, std::less<>> prefixes_;
  std::vector<ClientState*> running_;  // the clients whose commands run, innermost last
  std::vector<std::string> tentative_;  // tentative writes to keys someone may cache
  bool flushed_ = false;                // a database emptied during the command
  bool broadcast_scheduled_ = false;
};

}  // namespace kvd
