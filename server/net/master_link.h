#pragma once
// The replica's connection to its master (Redis's replication.c, replica side): connects,
// introduces itself (PING, AUTH, REPLCONF), asks to continue from where this server's
// history stands (PSYNC), receives and loads the master's snapshot when it has to start
// over, then applies the master's stream of writes as they come, passing them on verbatim to
// our own backlog and replicas (Replication::FeedStream). Once a second it acknowledges its
// offset; a master silent for repl-timeout seconds is dropped, and a lost link is made again
// a second later, continuing from the offset reached.
//
// Everything runs on the store strand: the socket's handlers apply the commands directly,
// and loading a snapshot holds the strand as Redis's replica holds its event loop.
#include <memory>
#include <string>

#include "server/net/net_context.h"
#include "server/replication/replication.h"

namespace kvd::net {

// Replication::make_master_link: the link starts connecting at once (or, while the dataset
// loads at startup, once it has loaded). Made and destroyed on the store strand, before the
// io_context goes.
std::unique_ptr<MasterLink> MakeMasterLink(NetContext& net, const std::string& host, int port);

}  // namespace kvd::net
