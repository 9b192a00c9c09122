#include "server/transaction.h"

#include "server/server_state.h"

namespace kvd {

bool RunsInsideMulti(const CommandSpec& spec) {
  const std::string& n = spec.name;
  return n == "exec" || n == "discard" || n == "multi" || n == "watch" || n == "quit" ||
         n == "reset";
}

bool EndsTransaction(const CommandSpec& spec) {
  const std::string& n = spec.name;
  return n == "exec" || n == "discard" || n == "quit" || n == "reset";
}

uint32_t CheckedFlags(const ClientState& client, const CommandSpec& spec) {
  if (!client.InMulti() || !IsExec(spec)) return spec.flags;
  return (spec.flags | client.txn->flags_any) & ~(client.txn->flags_missing & kLoading);
}

std::string ExecAbortError(std::string_view reason) {
  // Redis gives the reason without the generic "ERR " (its format-built errors have none)
  // but keeps a specific code ("OOM ...", "NOAUTH ...").
  if (reason.starts_with("ERR ")) reason.remove_prefix(4);
  std::string out = "EXECABORT Transaction discarded because of: ";
  out.append(reason);
  return out;
}

void QueueCommand(ClientState& client, const CommandSpec& spec,
                  std::span<const std::string_view> args, ReplyWriter& reply) {
  TransactionState& t = client.Txn();
  QueuedCommand& q = t.queued.emplace_back();
  q.spec = &spec;
  q.args.assign(args.begin(), args.end());
  for (std::string_view a : args) t.queued_bytes += a.size();
  t.flags_any |= spec.flags;
  t.flags_missing |= ~spec.flags;
  reply.Simple("QUEUED");
}

void DiscardTransaction(ServerState& server, ClientState& client) {
  server.watched_keys.UnwatchAll(client);
  client.txn.reset();
}

size_t TransactionMemory(const ClientState& client) {
  // As Redis's multiStateMemOverhead: the arguments, a slot per queued command, and a node
  // per watched key.
  if (!client.txn) return 0;
  const TransactionState& t = *client.txn;
  size_t bytes = t.queued_bytes + t.queued.capacity() * sizeof(QueuedCommand);
  for (const QueuedCommand& q : t.queued) bytes += q.args.capacity() * sizeof(std::string);
  for (const auto& w : t.watched) bytes += sizeof(w) + w.key.capacity();
  return bytes;
}

}  // namespace kvd
