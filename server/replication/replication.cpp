#include "server/replication/replication.h"

#include <random>

#include "core/rdb_writer.h"
#include "server/aof/aof_format.h"
#include "server/config_params.h"
#include "server/server_state.h"

namespace kvd {

std::string RandomReplicationId() {
  std::random_device rd;
  std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(40, '0');
  for (char& ch : id) ch = kHex[gen() & 15];
  return id;
}

void Replication::CreateBacklog() {
  if (backlog_) return;
  const auto size = RedisOnlyNumber(server_.config.values(), "repl-backlog-size");
  backlog_ = std::make_unique<ReplicationBacklog>(static_cast<size_t>(size), offset_);
  server_.UpdatePropagation();
}

void Replication::Feed(size_t db, std::span<const std::string_view> command) {
  if (!wants_feed()) return;
  encode_buf_.clear();
  if (static_cast<int64_t>(db) != selected_db_) {
    AppendAofSelect(encode_buf_, db);
    selected_db_ = static_cast<int64_t>(db);
  }
  AppendAofCommand(encode_buf_, command);
  FeedStream(encode_buf_);
}

void Replication::SetHistory(std::string replid, int64_t offset) {
  replid_ = std::move(replid);
  offset_ = offset;
  replid2_.assign(40, '0');
  second_replid_offset_ = -1;
}

void Replication::ChangeReplicationId() { SetHistory(RandomReplicationId(), offset_); }

void Replication::ShiftReplicationId() {
  replid2_ = replid_;
  // The old history is valid up to the current offset: a replica of the old master that has
  // read exactly that much continues here (Redis's shiftReplicationId).
  second_replid_offset_ = offset_ + 1;
  replid_ = RandomReplicationId();
}

void Replication::SetIdentity(std::string replid, int64_t offset) {
  SetHistory(std::move(replid), offset);
  const auto size = RedisOnlyNumber(server_.config.values(), "repl-backlog-size");
  backlog_ = std::make_unique<ReplicationBacklog>(static_cast<size_t>(size), offset_);
  server_.UpdatePropagation();
}

bool Replication::SaveInfo(RdbReplicationInfo& out) const {
  if (is_replica()) {
    if (!can_continue_) return false;  // nothing synced yet: the data is no master's
    out.stream_db = static_cast<int64_t>(master_link_->stream_db());
  } else {
    // Without a backlog this server is in no replication chain: a replica that comes gets a
    // full sync anyway. A stream that selected nothing yet starts with a SELECT.
    if (!backlog_) return false;
    out.stream_db = selected_db_ == -1 ? 0 : selected_db_;
  }
  out.replid = replid_;
  out.offset = offset_;
  return true;
}

void Replication::OnConfigChange(std::string_view name) {
  if (name == "repl-backlog-size" && backlog_) {
    backlog_->Resize(
        static_cast<size_t>(RedisOnlyNumber(server_.config.values(), "repl-backlog-size")));
  }
}

}  // namespace kvd
