#include "server/client_state.h"
#include "server/command.h"
#include "server/server_state.h"

namespace kvd {

Keyspace& CommandContext::db() { return store.Db(client.db); }

void CommandContext::Error(std::string_view message) {
  reply.Error(message);
  server.CountError(client, message);
  failed = true;
}

void CommandContext::PassOnError(std::string_view message) {
  reply.Error(message);
  failed = true;
}

void CommandContext::AddDirty(uint64_t n) {
  server.stats.dirty += n;
  dirty += n;
}

void CommandContext::Propagate(std::vector<std::string> command) {
  propagated.push_back(std::move(command));
}

}  // namespace kvd
