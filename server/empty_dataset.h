#pragma once
// Redis's emptyData: every key of every database and every function library goes, as before
// a replica loads its master's snapshot or DEBUG RELOAD loads the file back. Clients blocked
// on keys look again and tracking clients are told everything changed.

namespace kvd {

class ServerState;

void EmptyDataset(ServerState& server);

}  // namespace kvd
