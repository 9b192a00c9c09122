#include "server/new_key_events.h"

#include "server/key_change_fanout.h"
#include "server/keyspace_events.h"
#include "server/server_state.h"

namespace kvd {

NewKeyEvents::NewKeyEvents(ServerState& server, KeyChangeFanout& changes)
    : server_(server), changes_(changes) {
  Configure();
  server_.config.OnChange([this](std::string_view name) {
    if (name == "notify-keyspace-events") Configure();
  });
}

NewKeyEvents::~NewKeyEvents() { changes_.Remove(this); }

void NewKeyEvents::Configure() {
  const int flags = server_.config.values().notify_keyspace_events;
  if ((flags & kNotifyNew) && (flags & (kNotifyKeyspace | kNotifyKeyevent))) {
    changes_.Add(this);
  } else {
    changes_.Remove(this);
  }
}

void NewKeyEvents::KeyChanged(size_t db, std::string_view key, bool tentative) {
  // A tentative write opens an existing collection; a present record (even one expired but
  // not reclaimed yet) is being changed or deleted, not added.
  if (tentative || server_.store.Db(db).Peek(key) != nullptr) return;
  NotifyKeyspaceEvent(server_, kNotifyNew, "new", key, db);
}

}  // namespace kvd
