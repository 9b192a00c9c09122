#include "server/key_access.h"

#include <string_view>

#include "core/access_clock.h"
#include "server/config.h"
#include "server/server_state.h"

namespace kvd {
namespace {

void Configure(AccessClock& clock, const ConfigValues& cfg) {
  // volatile-lfu and allkeys-lfu: Redis's MAXMEMORY_FLAG_LFU.
  clock.set_lfu(std::string_view(cfg.maxmemory_policy).ends_with("-lfu"));
  clock.set_lfu_log_factor(cfg.lfu_log_factor);
  clock.set_lfu_decay_time(cfg.lfu_decay_time);
}

}  // namespace

void InstallKeyAccess(ServerState& server) {
  AccessClock& clock = server.store.access_clock();
  Configure(clock, server.config.values());
  clock.Update(server.clock.NowMs());
  clock.set_no_touch(false);  // until a command of a CLIENT NO-TOUCH client runs
  server.config.OnChange([&server](std::string_view name) {
    if (name == "maxmemory-policy" || name == "lfu-log-factor" || name == "lfu-decay-time") {
      Configure(server.store.access_clock(), server.config.values());
    }
  });
}

}  // namespace kvd
