// FAILOVER, the master side (Redis's failoverCommand and updateFailoverStatus): writes pause
// so that the stream stops growing; once a replica (the one named, or the first) has
// acknowledged all of it, this server becomes that replica's replica and asks it to take over
// with PSYNC <replid> <offset> FAILOVER. Its other replicas are disconnected and follow this
// server again as a replica. The pause ends when the target answered the PSYNC; a target
// that refuses, FAILOVER ABORT, or a timeout without FORCE, ends it with this server a
// master again.
#include <spdlog/spdlog.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/text.h"
#include "server/client_pause.h"
#include "server/replication/replica_entry.h"
#include "server/replication/replication.h"
#include "server/server_state.h"

namespace kvd {

Replication::Replica* Replication::FindReplicaAt(std::string_view host, int port) {
  for (auto& [id, r] : replicas_) {
    if (r->state == Replica::State::kAnnounced) continue;
    if (EqualsIgnoreCase(r->Ip(), host) && r->listening_port == port) return r.get();
  }
  return nullptr;
}

std::string Replication::StartFailover(FailoverRequest request) {
  if (failover_.state != FailoverState::kNone) return "ERR FAILOVER already in progress.";
  if (is_replica()) return "ERR FAILOVER is not valid when server is a replica.";
  if (ReplicaCount() == 0) return "ERR FAILOVER requires connected replicas.";
  if (request.force && (request.timeout_ms == 0 || request.host.empty())) {
    return "ERR FAILOVER with force option requires both a timeout and target HOST and IP.";
  }
  if (!request.host.empty()) {
    const Replica* target = FindReplicaAt(request.host, request.port);
    if (target == nullptr) return "ERR FAILOVER target HOST and PORT is not a replica.";
    if (target->state != Replica::State::kOnline) {
      return "ERR FAILOVER target replica is not online.";
    }
    spdlog::info("FAILOVER requested to {}:{}.", request.host, request.port);
  } else {
    spdlog::info("FAILOVER requested to any replica.");
  }
  const int64_t now_ms = server_.clock.NowMs();
  failover_ = Failover{.state = FailoverState::kWaitForSync,
                       .host = std::move(request.host),
                       .port = request.port,
                       .end_ms = request.timeout_ms != 0 ? now_ms + request.timeout_ms : 0,
                       .force = request.force};
  if (client_pause != nullptr) {
    client_pause->Pause(ClientPause::Purpose::kFailover, ClientPause::Mode::kWrite, INT64_MAX);
  }
  // No GETACK: it would grow the stream past what a stopped or slow target holds. Replicas
  // acknowledge each second anyway (Redis does the same).
  return "";
}

void Replication::UpdateFailover() {
  if (failover_.state != FailoverState::kWaitForSync) return;
  if (failover_.end_ms != 0 && server_.clock.NowMs() >= failover_.end_ms) {
    if (!failover_.force) return AbortFailover("Replica never caught up before timeout");
    spdlog::info("FAILOVER to {}:{} time out exceeded, failing over.", failover_.host,
                 failover_.port);
    return HandOver();
  }
  const Replica* target = nullptr;
  if (!failover_.host.empty()) {
    target = FindReplicaAt(failover_.host, failover_.port);
  } else {
    for (const auto& [id, r] : replicas_) {
      if (r->state == Replica::State::kOnline && r->ack_offset == offset_) {
        target = r.get();
        failover_.host = r->Ip();
        failover_.port = r->listening_port;
        break;
      }
    }
  }
  if (target == nullptr || target->ack_offset != offset_) return;
  spdlog::info("Failover target {}:{} is synced, failing over.", failover_.host, failover_.port);
  HandOver();
}

void Replication::HandOver() {
  failover_.state = FailoverState::kInProgress;
  // The link's PSYNC carries FAILOVER while the state says so (server/net/master_link.cpp).
  if (std::string err = ReplicaOf(failover_.host, failover_.port); !err.empty()) {
    AbortFailover(err);
  }
}

void Replication::OnPsyncAnswered(bool accepted) {
  if (failover_.state != FailoverState::kInProgress) return;
  if (accepted) return EndFailover();
  // Not from inside the link's own handler: going back to master destroys the link.
  auto abort = [this] { AbortFailover("Failover target rejected psync request"); };
  if (server_.post) {
    server_.post(abort);
  } else {
    abort();
  }
}

void Replication::AbortFailover(std::string_view why) {
  if (failover_.state == FailoverState::kNone) return;
  if (!failover_.host.empty()) {
    spdlog::info("FAILOVER to {}:{} aborted: {}", failover_.host, failover_.port, why);
  } else {
    spdlog::info("FAILOVER to any replica aborted: {}", why);
  }
  if (failover_.state == FailoverState::kInProgress) BecomeMaster();
  EndFailover();
}

void Replication::EndFailover() {
  failover_ = Failover{};
  // The writes held meanwhile run at the dispatcher's next cron: a replica now refuses them
  // (READONLY), a master that aborted runs them.
  if (client_pause != nullptr) client_pause->Unpause(ClientPause::Purpose::kFailover);
}

std::string_view Replication::FailoverStateName() const {
  switch (failover_.state) {
    case FailoverState::kNone: return "no-failover";
    case FailoverState::kWaitForSync: return "waiting-for-sync";
    case FailoverState::kInProgress: return "failover-in-progress";
  }
  return "unknown";
}

}  // namespace kvd
