// MIGRATE (Redis's cluster.c migrateCommand): moves keys to another server as RESTORE
// commands carrying their DUMP payloads, over a connection kept for reuse
// (server/migrate_connections.h). Like Redis, it holds the store while it talks to the
// target, each wait bounded by the command's timeout. The keys the target took are deleted
// here (unless COPY), and logged and replicated as a DEL of them.
#include <algorithm>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "core/dump_payload.h"
#include "protocol/reply_writer.h"
#include "server/commands/key_commands.h"
#include "server/commands/key_lookup.h"
#include "server/commands/migrate_args.h"
#include "server/config.h"
#include "server/keyspace_events.h"
#include "server/migrate_connections.h"

namespace kvd::key_commands {
namespace {

// Redis's texts, "client" included.
constexpr std::string_view kConnectErr = "IOERR error or timeout connecting to the client";
constexpr std::string_view kWriteErr = "IOERR error or timeout writing to target instance";
constexpr std::string_view kReadErr = "IOERR error or timeout reading to target instance";

void AppendCommand(std::string& out, std::initializer_list<std::string_view> args) {
  ReplyWriter w(out);
  w.ArrayHeader(args.size());
  for (std::string_view a : args) w.Bulk(a);
}

// AUTH (when given), SELECT (when the connection may be in another database) and a RESTORE
// of each key with its remaining time to live, all sent in one write.
std::string BuildRequest(CommandContext& ctx, const MigrateArgs& m,
                         std::span<const std::string_view> keys, bool select) {
  std::string out;
  if (m.password && m.username) AppendCommand(out, {"AUTH", *m.username, *m.password});
  if (m.password && !m.username) AppendCommand(out, {"AUTH", *m.password});
  if (select) AppendCommand(out, {"SELECT", std::to_string(m.db)});
  const bool compression = ctx.server.config.values().rdbcompression;
  for (std::string_view key : keys) {
    // Found by the lookup that chose the keys, with the same clock: the store has not
    // changed since.
    const Record& r = *ctx.db().Find(key, ctx.now_ms);
    int64_t ttl = 0;
    if (r.has_expiry()) ttl = std::max<int64_t>(r.expire_at_ms() - ctx.now_ms, 1);
    const std::string ttl_text = std::to_string(ttl);
    const std::string payload = EncodeDumpPayload(r, compression);
    if (m.replace) {
      AppendCommand(out, {"RESTORE", key, ttl_text, payload, "REPLACE"});
    } else {
      AppendCommand(out, {"RESTORE", key, ttl_text, payload});
    }
  }
  return out;
}

bool IsError(std::string_view reply) { return !reply.empty() && reply[0] == '-'; }

// One attempt. Returns true when the connection failed, other than by a timeout, before any
// RESTORE's reply came back: that is how a cached connection the target has closed shows, and
// Redis tries once more on a fresh one.
bool MigrateOnce(CommandContext& ctx, const MigrateArgs& m, std::span<const std::string_view> keys,
                 bool may_retry) {
  MigrateConnections& connections = ctx.server.migrate_connections;
  MigrateConnections::Connection* c = connections.Get(m.host, m.port, ctx.now_ms / 1000);
  if (c == nullptr) {
    ctx.Error(kConnectErr);
    return false;
  }
  auto socket_failed = [&](IoStatus s, std::string_view error) {
    connections.Close(m.host, m.port);
    if (s != IoStatus::kTimeout && may_retry) return true;
    ctx.Error(error);
    return false;
  };
  const bool select = c->last_db != m.db;
  IoStatus s = c->socket->Write(BuildRequest(ctx, m, keys, select), m.timeout_ms);
  if (s != IoStatus::kOk) return socket_failed(s, kWriteErr);
  std::string auth_reply, select_reply, reply;
  if (m.password && (s = c->socket->ReadLine(auth_reply, m.timeout_ms)) != IoStatus::kOk) {
    return socket_failed(s, kReadErr);
  }
  if (select && (s = c->socket->ReadLine(select_reply, m.timeout_ms)) != IoStatus::kOk) {
    return socket_failed(s, kReadErr);
  }

  bool target_failed = false;
  std::vector<std::string> del{"DEL"};  // what is logged: the keys the target took
  size_t read = 0;
  for (; read < keys.size(); ++read) {
    if ((s = c->socket->ReadLine(reply, m.timeout_ms)) != IoStatus::kOk) break;
    // A failed AUTH or SELECT fails every key; the first error is the one reported.
    const std::string_view error = IsError(auth_reply)     ? auth_reply
                                   : IsError(select_reply) ? select_reply
                                   : IsError(reply)        ? reply
                                                           : std::string_view();
    if (!error.empty()) {
      if (!target_failed) {
        target_failed = true;
        c->last_db = -1;
        ctx.Error("ERR Target instance replied with error: " + std::string(error.substr(1)));
      }
    } else if (!m.copy) {
      const std::string_view key = keys[read];
      ctx.db().Delete(key, ctx.now_ms);
      NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", key);
      ctx.AddDirty();
      del.emplace_back(key);
    }
  }
  const bool lost = read < keys.size();
  if (lost && read == 0 && !target_failed) return socket_failed(s, kReadErr);
  if (del.size() > 1) ctx.Propagate(std::move(del));
  if (lost) {
    // Some keys may have been restored there and are kept here: no retry.
    connections.Close(m.host, m.port);
    if (!target_failed) ctx.Error(kReadErr);
    return false;
  }
  if (!target_failed) {
    c->last_db = m.db;
    ctx.reply.Ok();
  }
  return false;
}

}  // namespace

// MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password]
//         [AUTH2 username password] [KEYS key [key ...]]
void Migrate(CommandContext& ctx) {
  const auto parsed = ParseMigrateArgs(ctx.args);
  if (const auto* err = std::get_if<std::string_view>(&parsed)) return ctx.Error(*err);
  const MigrateArgs& m = std::get<MigrateArgs>(parsed);
  // Missing keys are skipped; none at all is not an error (they may just have expired).
  std::vector<std::string_view> keys;
  for (std::string_view key : m.keys) {
    if (LookupRead(ctx, key) != nullptr) keys.push_back(key);
  }
  if (keys.empty()) return ctx.reply.Simple("NOKEY");
  if (MigrateOnce(ctx, m, keys, /*may_retry=*/true)) MigrateOnce(ctx, m, keys, false);
}

}  // namespace kvd::key_commands
