// The replica's link to its master, once in sync: the master's client goes online and the
// stream of writes is applied as it comes, passed on verbatim to our backlog and replicas
// (a transaction once its EXEC has run), with REPLCONF ACK for GETACK and the tick.
#include <spdlog/spdlog.h>

#include "core/text.h"
#include "server/net/endpoint_format.h"
#include "server/net/master_session.h"

namespace kvd::net {
namespace {

bool IsGetAck(const std::vector<std::string_view>& args) {
  return args.size() >= 2 && EqualsIgnoreCase(args[0], "replconf") &&
         EqualsIgnoreCase(args[1], "getack");
}

}  // namespace

void MasterSession::GoOnline(bool full) {
  client_ = std::make_unique<ClientState>();
  client_->link = this;
  std::error_code ec;
  if (auto remote = socket_.remote_endpoint(ec); !ec) client_->addr = FormatTcpEndpoint(remote);
  if (auto local = socket_.local_endpoint(ec); !ec) client_->laddr = FormatTcpEndpoint(local);
  client_->fd = socket_.native_handle();
  client_->created_ms = client_->last_interaction_ms = NowMs();
  server_.AddClient(*client_);
  client_->master = true;
  client_->authenticated = true;
  // A blocking command from the master answers at once (masters send none: they
  // propagate what their blocked clients did instead).
  client_->deny_blocking = true;
  // A partial sync goes on in the database the stream last selected.
  client_->db = full ? 0 : replication().master_stream_db();
  parser_.Reset();
  unfed_.clear();
  // Bytes that came with +CONTINUE or after the snapshot are the stream's already.
  read_offset_ = replication().offset() + static_cast<int64_t>(in_.size());
  link_down_since_ms_ = 0;
  state_ = State::kConnected;
  if (full) {
    spdlog::info("MASTER <-> REPLICA sync: Finished with success");
    // A diskless master puts us online when we first acknowledge.
    SendAck();
  }
}

// Applies the whole commands at the start of `in`; returns the bytes they took.
size_t MasterSession::ApplyStream(std::string_view in, bool& failed) {
  const uint64_t gen = generation_;
  size_t pos = 0;
  while (pos < in.size()) {
    const ParseResult r = parser_.Parse(in.substr(pos), args_);
    if (r.status == ParseStatus::kNeedMore) break;
    if (r.status == ParseStatus::kError) {
      spdlog::warn("Protocol error from MASTER: {}", r.error);
      failed = true;
      break;
    }
    const std::string_view frame = in.substr(pos, r.consumed);
    pos += r.consumed;
    if (args_.empty()) {
      Applied(frame);
      continue;
    }
    if (IsGetAck(args_)) {
      Applied(frame);  // counted before we answer, as Redis does
      SendAck();
      continue;
    }
    reply_.clear();
    net_.dispatcher.Execute(*client_, args_, reply_);
    parser_.ReleaseInlineStorage();
    if (!Current(gen)) break;
    // A transaction counts, and goes on to our replicas, once its EXEC has run.
    if (client_->InMulti()) {
      unfed_.append(frame);
      continue;
    }
    Applied(frame);
  }
  reply_.clear();
  return pos;
}

void MasterSession::Applied(std::string_view frame) {
  if (unfed_.empty()) return replication().FeedStream(frame);
  unfed_.append(frame);
  replication().FeedStream(unfed_);
  unfed_.clear();
}

void MasterSession::SendAck() {
  if (state_ != State::kConnected) return;
  Send(Multibulk({"REPLCONF", "ACK", std::to_string(replication().offset())}));
}

}  // namespace kvd::net
