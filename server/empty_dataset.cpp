#include "server/empty_dataset.h"

#include "server/scripting/function_library.h"
#include "server/scripting/function_persistence.h"
#include "server/scripting/scripting.h"
#include "server/server_state.h"

namespace kvd {

void EmptyDataset(ServerState& server) {
  Store& store = server.store;
  for (size_t db = 0; db < store.DatabaseCount(); ++db) {
    store.Db(db).Clear();
    server.blocked.SignalDatabase(db);
  }
  server.tracking.Flushed();
  if (!LibraryCodes(server).empty()) Scripting::Of(server).functions().Flush();
}

}  // namespace kvd
