#include "server/tracking.h"

#include <algorithm>

#include "server/client_state.h"
#include "server/command.h"
#include "server/commands/command_docs_data.h"
#include "server/commands/command_getkeys.h"
#include "server/server_state.h"

namespace kvd {
namespace {

// The RESP array of one key, the value of a default-mode invalidation.
std::string OneKey(std::string_view key) {
  std::string out = "*1\r\n$";
  out.append(std::to_string(key.size())).append("\r\n").append(key).append("\r\n");
  return out;
}

// The RESP array of the changed keys, leaving out those `skip` changed last (NOLOOP) when
// it is not 0. Empty when no key is left.
std::string KeysArray(const std::map<std::string, uint64_t, std::less<>>& changed,
                      uint64_t skip) {
  std::string body;
  size_t n = 0;
  for (const auto& [key, by] : changed) {
    if (skip != 0 && by == skip) continue;
    ++n;
    body.append("$").append(std::to_string(key.size())).append("\r\n").append(key).append(
        "\r\n");
  }
  if (n == 0) return {};
  std::string array(1, '*');
  array += std::to_string(n);
  array += "\r\n";
  array += body;
  return array;
}

// The keys of a command as its key specs place them (COMMAND GETKEYS's rule). A command whose
// keys move with its arguments and are not counted by one (XREAD's STREAMS, SORT's STORE)
// goes through the key specs themselves.
std::vector<std::string_view> CommandKeys(const CommandSpec& s,
                                          std::span<const std::string_view> args) {
  std::vector<std::string_view> keys;
  if ((s.flags & kMovableKeys) && s.numkeys_index == 0) {
    if (auto found = FindCommandKeys(s, FindCommandDoc(s.name), args)) {
      for (const FoundKey& k : *found) keys.push_back(args[k.index]);
    }
    return keys;
  }
  const auto argc = static_cast<int64_t>(args.size());
  if (s.first_key > 0 && s.first_key < argc) {
    int64_t last = s.last_key < 0 ? argc + s.last_key : s.last_key;
    if (last >= argc) last = argc - 1;
    const int64_t step = s.key_step > 0 ? s.key_step : 1;
    for (int64_t i = s.first_key; i <= last; i += step) keys.push_back(args[i]);
  }
  if (s.numkeys_index > 0 && s.numkeys_index < argc) {
    int64_t n = 0;
    for (char ch : args[s.numkeys_index]) {
      if (ch < '0' || ch > '9' || n > argc) return keys;
      n = n * 10 + (ch - '0');
    }
    for (int64_t i = s.numkeys_index + 1; i <= s.numkeys_index + n && i < argc; ++i) {
      keys.push_back(args[i]);
    }
  }
  return keys;
}

}  // namespace

Tracking::Tracking(ServerState& server, KeyChangeFanout& changes)
    : server_(server), changes_(changes) {}

Tracking::~Tracking() { changes_.Remove(this); }

void Tracking::Enable(ClientState& c, const TrackingOptions& options) {
  if (!c.tracking) {
    clients_.try_emplace(c.id);
    changes_.Add(this);
  }
  c.tracking = true;
  c.tracking_broken_redir = false;
  c.tracking_redirect = options.redirect;
  c.tracking_bcast = options.bcast;
  c.tracking_optin = options.optin;
  c.tracking_optout = options.optout;
  c.tracking_noloop = options.noloop;
  if (!options.bcast) return;
  ClientEntry& entry = clients_[c.id];
  auto add = [&](const std::string& prefix) {
    auto it = prefixes_.find(prefix);
    if (it == prefixes_.end()) it = prefixes_.emplace(prefix, Prefix{}).first;
    it->second.clients.insert(c.id);
    entry.prefixes.insert(prefix);
  };
  if (options.prefixes.empty()) add("");
  for (const std::string& p : options.prefixes) add(p);
}

void Tracking::Disable(ClientState& c) {
  if (!c.tracking) return;
  auto it = clients_.find(c.id);
  if (it != clients_.end()) {
    for (const std::string& key : it->second.keys) {
      auto k = table_.find(key);
      if (k == table_.end()) continue;
      total_items_ -= k->second.erase(c.id);
      if (k->second.empty()) table_.erase(k);
    }
    for (const std::string& prefix : it->second.prefixes) {
      auto p = prefixes_.find(prefix);
      if (p == prefixes_.end()) continue;
      p->second.clients.erase(c.id);
      if (p->second.clients.empty()) prefixes_.erase(p);
    }
    clients_.erase(it);
  }
  if (clients_.empty()) {
    changes_.Remove(this);
    tentative_.clear();
  }
  c.tracking = c.tracking_bcast = c.tracking_optin = c.tracking_optout = false;
  c.tracking_noloop = c.tracking_caching = c.tracking_broken_redir = false;
  c.tracking_redirect = 0;
}

const std::string* Tracking::Overlapping(const ClientState& c, std::string_view prefix) const {
  auto it = clients_.find(c.id);
  if (it == clients_.end()) return nullptr;
  for (const std::string& mine : it->second.prefixes) {
    const size_t n = std::min(mine.size(), prefix.size());
    if (mine.compare(0, n, prefix.substr(0, n)) == 0) return &mine;
  }
  return nullptr;
}

std::vector<std::string_view> Tracking::PrefixesOf(const ClientState& c) const {
  std::vector<std::string_view> out;
  auto it = clients_.find(c.id);
  if (it == clients_.end()) return out;
  out.assign(it->second.prefixes.begin(), it->second.prefixes.end());
  return out;
}

void Tracking::SettleTentative(bool changed) {
  std::vector<std::string> keys = std::move(tentative_);
  tentative_.clear();
  if (!changed) return;
  for (const std::string& key : keys) Invalidate(key);
}

void Tracking::AfterCommand(const CommandContext& ctx) {
  ClientState& c = ctx.client;
  if (flushed_) {
    flushed_ = false;
    InvalidateAll();
  }
  // Pub/sub commands have keys only for cluster routing (SSUBSCRIBE): not cached data.
  if (c.tracking && !c.tracking_bcast && (ctx.spec.flags & kReadOnly) &&
      !(ctx.spec.flags & kPubSub)) {
    // OPTIN remembers only after CLIENT CACHING YES, OPTOUT all but after CACHING NO.
    const bool skip = (c.tracking_optin && !c.tracking_caching) ||
                      (c.tracking_optout && c.tracking_caching);
    if (!skip) {
      for (std::string_view key : CommandKeys(ctx.spec, ctx.args)) Remember(c, key);
    }
  }
  // CLIENT CACHING holds for the next command, or the whole next transaction: what runs
  // inside MULTI, or is another CLIENT subcommand, keeps it, as Redis's resetClient.
  if (c.tracking_caching && !c.InMulti() && !ctx.spec.name.starts_with("client|")) {
    c.tracking_caching = false;
  }
  if (!running_.empty()) running_.pop_back();
  if (running_.empty() && !server_.post) Broadcast();
}

void Tracking::Remember(ClientState& c, std::string_view key) {
  auto it = table_.find(key);
  if (it == table_.end()) it = table_.emplace(std::string(key), std::set<uint64_t>{}).first;
  if (!it->second.insert(c.id).second) return;
  ++total_items_;
  clients_[c.id].keys.emplace(key);
}

void Tracking::KeyChanged(size_t /*db*/, std::string_view key, bool tentative) {
  if (!tentative) return Invalidate(key);
  if (table_.contains(key) || !prefixes_.empty()) tentative_.emplace_back(key);
}

void Tracking::DatabaseEmptying(size_t /*db*/) {
  // Told once per database with keys: the command's end sends one null for all of them.
  flushed_ = true;
}

void Tracking::Invalidate(std::string_view key) {
  ClientState* running = Running();
  if (!prefixes_.empty()) {
    for (auto& [prefix, state] : prefixes_) {
      if (!key.starts_with(prefix)) continue;
      state.changed.insert_or_assign(std::string(key), running ? running->id : 0);
      ScheduleBroadcast();
    }
  }
  auto it = table_.find(key);
  if (it == table_.end()) return;
  const std::set<uint64_t> ids = std::move(it->second);
  table_.erase(it);
  total_items_ -= ids.size();
  const std::string payload = OneKey(key);
  for (uint64_t id : ids) {
    auto entry = clients_.find(id);
    if (entry != clients_.end()) {
      auto k = entry->second.keys.find(key);
      if (k != entry->second.keys.end()) entry->second.keys.erase(k);
    }
    auto target = server_.clients.find(id);
    if (target == server_.clients.end()) continue;
    ClientState& t = *target->second;
    if (!t.tracking || t.tracking_bcast) continue;
    if (t.tracking_noloop && &t == running) continue;  // NOLOOP: not its own writes
    Send(t, payload);
  }
}

void Tracking::InvalidateAll() {
  // Collected first: a message may go to a client that another one redirects to.
  std::vector<ClientState*> targets;
  for (const auto& [id, entry] : clients_) {
    auto it = server_.clients.find(id);
    if (it != server_.clients.end()) targets.push_back(it->second);
  }
  for (ClientState* c : targets) Send(*c, c->resp > 2 ? "_\r\n" : "$-1\r\n");
  table_.clear();
  total_items_ = 0;
  for (auto& [id, entry] : clients_) entry.keys.clear();
}

void Tracking::Send(ClientState& c, std::string_view payload) {
  ClientState* to = &c;
  const bool redirected = c.tracking_redirect != 0;
  if (redirected) {
    auto it = server_.clients.find(c.tracking_redirect);
    if (it == server_.clients.end()) {
      // The redirect client went away: tell the tracking client, when it can hear pushes.
      c.tracking_broken_redir = true;
      if (c.resp > 2 && c.link) {
        c.link->Push(">2\r\n$21\r\ntracking-redir-broken\r\n:" +
                     std::to_string(c.tracking_redirect) + "\r\n");
      }
      return;
    }
    to = it->second;
  }
  std::string frame;
  if (to->resp > 2) {
    frame = ">2\r\n$10\r\ninvalidate\r\n";
  } else if (redirected && to->pubsub) {
    // RESP2 has no pushes: a subscribed redirect client gets a pub/sub message instead.
    frame = "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n";
  } else {
    return;  // a RESP2 client cannot be told on its own connection
  }
  frame.append(payload);
  if (to->link) to->link->Push(frame);
}

void Tracking::ScheduleBroadcast() {
  if (broadcast_scheduled_ || !server_.post) return;
  broadcast_scheduled_ = true;
  server_.post([this] { Broadcast(); });
}

void Tracking::Broadcast() {
  broadcast_scheduled_ = false;
  for (auto& [prefix, state] : prefixes_) {
    if (state.changed.empty()) continue;
    const std::string all = KeysArray(state.changed, 0);
    for (uint64_t id : state.clients) {
      auto it = server_.clients.find(id);
      if (it == server_.clients.end()) continue;
      ClientState& c = *it->second;
      if (!c.tracking_noloop) {
        Send(c, all);
        continue;
      }
      const std::string mine = KeysArray(state.changed, c.id);
      if (!mine.empty()) Send(c, mine);
    }
    state.changed.clear();
  }
}

}  // namespace kvd
