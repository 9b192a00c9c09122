#pragma once
// MULTI/EXEC as the dispatcher and the transaction commands see it: which commands are
// queued, what refuses a transaction, how one ends. The client's state is ClientState::txn
// (server/transaction_state.h); running a transaction is Dispatcher::Exec.
#include <span>
#include <string>
#include <string_view>

#include "server/client_state.h"
#include "server/command.h"

namespace kvd {

class ServerState;

inline constexpr std::string_view kExecAbortErr =
    "EXECABORT Transaction discarded because of previous errors.";
inline constexpr std::string_view kNoMultiErr = "ERR Command not allowed inside a transaction";

inline bool IsExec(const CommandSpec& spec) { return spec.name == "exec"; }

// Commands that run at once inside MULTI instead of being queued.
bool RunsInsideMulti(const CommandSpec& spec);
// Commands that end a transaction (EXEC, DISCARD, QUIT, RESET): the ones maxmemory does not
// refuse inside MULTI, where queuing anything else takes memory.
bool EndsTransaction(const CommandSpec& spec);

// The flags the dispatcher's checks go by. EXEC stands for its queued commands: it writes
// when one of them does, may grow memory when one may, and runs while loading only when all
// of them may (Redis's mstate.cmd_flags and cmd_inv_flags).
uint32_t CheckedFlags(const ClientState& client, const CommandSpec& spec);

// A command refused inside MULTI: EXEC will reply EXECABORT (Redis's flagTransaction).
inline void FlagTransaction(ClientState& client) {
  if (client.InMulti()) client.txn->aborted = true;
}
// The error of an EXEC the dispatcher refused, which also discards the transaction.
std::string ExecAbortError(std::string_view reason);

// Queues a command given inside MULTI and replies +QUEUED.
void QueueCommand(ClientState& client, const CommandSpec& spec,
                  std::span<const std::string_view> args, ReplyWriter& reply);
// Leaves MULTI, drops what was queued and the flags, and unwatches every key (Redis's
// discardTransaction): DISCARD, EXEC once done, RESET.
void DiscardTransaction(ServerState& server, ClientState& client);

// CLIENT LIST multi-mem: what the queued commands and watched keys take.
size_t TransactionMemory(const ClientState& client);

}  // namespace kvd
