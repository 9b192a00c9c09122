#pragma once
// Wires the keys' access metadata (core/access_clock.h) to the server: maxmemory-policy,
// lfu-log-factor and lfu-decay-time configure the store's access clock, now and after every
// CONFIG SET of them, and the clock starts at the server clock's time (the cron refreshes it
// from then on: ServerState::Cron).
namespace kvd {

class ServerState;

void InstallKeyAccess(ServerState& server);

}  // namespace kvd
