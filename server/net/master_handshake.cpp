// The replica's link to its master, first phase: resolving and connecting, then the
// handshake (PING, AUTH, the REPLCONFs) and PSYNC, whose reply says whether a snapshot
// follows (master_transfer.cpp) or the stream goes on (master_stream.cpp).
#include <spdlog/spdlog.h>

#include "server/config_params.h"
#include "server/net/master_session.h"

namespace kvd::net {

void MasterSession::Connect() {
  state_ = State::kConnecting;
  last_io_ms_ = NowMs();
  spdlog::info("Connecting to MASTER {}:{}", host_, port_);
  spdlog::info("MASTER <-> REPLICA sync started");
  resolver_.async_resolve(
      host_, std::to_string(port_),
      [self = shared_from_this(), gen = generation_](std::error_code ec,
                                                     Tcp::resolver::results_type results) {
        if (!self->Current(gen)) return;
        if (ec) return self->Drop("Unable to connect to MASTER: " + ec.message());
        asio::async_connect(
            self->socket_, results, [self, gen](std::error_code ec, const Tcp::endpoint&) {
              if (!self->Current(gen)) return;
              if (ec) {
                return self->Drop("Error condition on socket for SYNC: " + ec.message());
              }
              self->OnConnected();
            });
      });
}

void MasterSession::OnConnected() {
  spdlog::info("Non blocking connect for SYNC fired the event.");
  std::error_code ec;
  socket_.set_option(Tcp::no_delay(true), ec);
  last_io_ms_ = NowMs();
  state_ = State::kPong;
  Send(Multibulk({"PING"}));
  ReadMore();
}

// After the PING: AUTH when masterauth is set, then the REPLCONFs, sent together; their
// replies are read in order.
void MasterSession::SendHandshake() {
  const ConfigValues& cfg = server_.config.values();
  const std::string auth = RedisOnlyValue(cfg, "masterauth");
  const std::string user = RedisOnlyValue(cfg, "masteruser");
  const std::string ip = RedisOnlyValue(cfg, "replica-announce-ip");
  int64_t port = RedisOnlyNumber(cfg, "replica-announce-port");
  if (port == 0) port = server_.tcp_port;
  std::string out;
  pending_.clear();
  if (!auth.empty()) {
    out += user.empty() ? Multibulk({"AUTH", auth}) : Multibulk({"AUTH", user, auth});
    pending_.push_back("AUTH");
  }
  out += Multibulk({"REPLCONF", "listening-port", std::to_string(port)});
  pending_.push_back("listening-port");
  if (!ip.empty()) {
    out += Multibulk({"REPLCONF", "ip-address", ip});
    pending_.push_back("ip-address");
  }
  out += Multibulk({"REPLCONF", "capa", "eof", "capa", "psync2"});
  pending_.push_back("capa");
  next_reply_ = 0;
  state_ = State::kReplconf;
  Send(std::move(out));
}

void MasterSession::SendPsync() {
  Replication& r = replication();
  if (r.can_continue()) {
    const std::string from = std::to_string(r.offset() + 1);
    spdlog::info("Trying a partial resynchronization (request {}:{}).", r.replid(), from);
    // A master handing over its role asks the target to take it (FAILOVER).
    if (r.failover_state() == Replication::FailoverState::kInProgress) {
      Send(Multibulk({"PSYNC", r.replid(), from, "FAILOVER"}));
    } else {
      Send(Multibulk({"PSYNC", r.replid(), from}));
    }
  } else {
    spdlog::info("Partial resynchronization not possible (no cached master)");
    Send(Multibulk({"PSYNC", "?", "-1"}));
  }
  state_ = State::kPsync;
}

// One line of the handshake; false when the link was dropped.
bool MasterSession::HandleLine(const std::string& line) {
  switch (state_) {
    case State::kPong:
      // A master that wants AUTH first says so; anything else that is an error ends here.
      if (line.starts_with("-") && !line.starts_with("-NOAUTH") && !line.starts_with("-NOPERM") &&
          !line.starts_with("-ERR operation not permitted")) {
        Drop("Error reply to PING from master: '" + line + "'");
        return false;
      }
      spdlog::info("Master replied to PING, replication can continue...");
      SendHandshake();
      return true;
    case State::kReplconf: {
      const std::string_view what = pending_[next_reply_++];
      if (line.starts_with("-")) {
        if (what == "AUTH") {
          Drop("Unable to AUTH to MASTER: " + line);
          return false;
        }
        spdlog::info("(Non critical) Master does not understand REPLCONF {}: {}", what, line);
      }
      if (next_reply_ == pending_.size()) SendPsync();
      return true;
    }
    case State::kPsync:
      return HandlePsyncReply(line);
    case State::kPayloadHeader:
      return HandlePayloadHeader(line);
    default:
      return false;
  }
}

bool MasterSession::HandlePsyncReply(const std::string& line) {
  const PsyncReply reply = ParsePsyncReply(line);
  switch (reply.kind) {
    case PsyncReply::Kind::kKeepalive:
      return true;
    case PsyncReply::Kind::kFullResync:
      if (reply.replid.empty()) spdlog::warn("Master replied with wrong +FULLRESYNC syntax.");
      spdlog::info("Full resync from master: {}:{}", reply.replid, reply.offset);
      sync_replid_ = reply.replid;
      sync_offset_ = reply.offset;
      sync_total_ = -1;
      state_ = State::kPayloadHeader;
      replication().OnPsyncAnswered(/*accepted=*/true);
      return true;
    case PsyncReply::Kind::kContinue:
      spdlog::info("Successful partial resynchronization with master.");
      replication().OnContinue(reply.replid);
      replication().OnPsyncAnswered(/*accepted=*/true);
      spdlog::info("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.");
      GoOnline(/*full=*/false);
      return true;
    case PsyncReply::Kind::kTryLater:
      spdlog::info("Master is currently unable to PSYNC but should be in the future: {}", line);
      replication().OnPsyncAnswered(/*accepted=*/false);
      Drop("");
      return false;
    case PsyncReply::Kind::kError:
      spdlog::warn("Unexpected reply to PSYNC from master: {}", line);
      replication().OnPsyncAnswered(/*accepted=*/false);
      Drop("");
      return false;
  }
  return false;
}

}  // namespace kvd::net
