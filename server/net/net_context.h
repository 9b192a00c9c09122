#pragma once
// What every piece of the network layer shares: the io_context, the single store strand on
// which all commands (and everything else that touches the store or ServerState) run, and
// the command machinery.
#include <asio.hpp>

#include "server/dispatcher.h"
#include "server/server_state.h"

namespace kvd::net {

using StoreStrand = asio::strand<asio::io_context::executor_type>;

struct NetContext {
  asio::io_context& io;
  StoreStrand& store_strand;
  ServerState& server;
  Dispatcher& dispatcher;
};

}  // namespace kvd::net
