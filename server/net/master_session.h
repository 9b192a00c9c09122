#pragma once
// Private to the master_*.cpp files: the replica's session with its master, one class whose
// phases live in separate files:
//   master_link.cpp       lifecycle, the once-a-second tick, socket I/O, losing the link
//   master_handshake.cpp  connecting, PING, AUTH, REPLCONF, PSYNC and its reply
//   master_transfer.cpp   receiving the snapshot into a file and loading it
//   master_stream.cpp     applying the master's stream of writes, acknowledging it
// Everything runs on the store strand (server/net/master_link.h).
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/resp_parser.h"
#include "server/client_state.h"
#include "server/net/net_context.h"
#include "server/replication/replication.h"
#include "server/replication/sync_protocol.h"

namespace kvd::net {

class MasterSession final : public std::enable_shared_from_this<MasterSession>, private ClientLink {
 public:
  MasterSession(NetContext& net, std::string host, int port);

  void Start();
  void Stop();

  bool link_up() const { return state_ == State::kConnected; }
  // The database the master's stream has selected (what a partial sync goes on in).
  size_t stream_db() const {
    return client_ ? client_->db : server_.replication->master_stream_db();
  }

  MasterLinkStatus Status() const;

 private:
  using Tcp = asio::ip::tcp;

  enum class State {
    kConnect,     // waiting for the next attempt (once a second)
    kConnecting,  // resolving and connecting
    kPong,        // PING sent
    kReplconf,    // AUTH and REPLCONFs sent, pipelined
    kPsync,       // PSYNC sent
    kPayloadHeader,
    kTransfer,  // the snapshot comes
    kConnected,
  };

  static std::string Multibulk(std::initializer_list<std::string_view> args);

  Replication& replication() { return *server_.replication; }
  int64_t NowMs() const { return server_.clock.NowMs(); }
  int64_t TimeoutMs() const;
  bool Current(uint64_t generation) const { return !stopped_ && generation == generation_; }

  // ---- Once a second (master_link.cpp) ----
  void ArmTick();
  void Tick();

  // ---- Connecting and the handshake (master_handshake.cpp) ----
  void Connect();
  void OnConnected();
  void SendHandshake();
  void SendPsync();
  bool HandleLine(const std::string& line);
  bool HandlePsyncReply(const std::string& line);

  // ---- The snapshot (master_transfer.cpp) ----
  bool HandlePayloadHeader(const std::string& line);
  bool FinishTransfer();
  std::string Load(const std::string& dir, const std::string& filename);

  // ---- The stream (master_stream.cpp) ----
  void GoOnline(bool full);
  size_t ApplyStream(std::string_view in, bool& failed);
  void Applied(std::string_view frame);
  void SendAck();

  // ---- Socket I/O and losing the link (master_link.cpp) ----
  void ReadMore();
  void Process();
  void Send(std::string bytes);
  void DoWrite();
  void Drop(const std::string& why);
  void Close();

  // ClientLink, for the master client.
  void Kill() override;
  void Resume(std::string) override {}
  void Push(std::string_view) override {}
  size_t PendingOutputBytes() const override { return 0; }

  NetContext& net_;
  ServerState& server_;
  const std::string host_;
  const int port_;
  Tcp::resolver resolver_;
  Tcp::socket socket_;
  asio::steady_timer tick_;
  std::vector<char> read_buf_;
  bool stopped_ = false;
  uint64_t generation_ = 0;  // one per connection: handlers of older ones do nothing
  State state_ = State::kConnect;
  std::string in_;   // read, not consumed yet
  std::string out_;  // to send once the write in flight is done
  bool writing_ = false;
  // The handshake: what the pipelined replies answer.
  std::vector<std::string_view> pending_;
  size_t next_reply_ = 0;
  // A full sync: the master's identity at its snapshot, and the file it arrives in.
  std::string sync_replid_;
  int64_t sync_offset_ = -1;
  int64_t sync_total_ = -1;
  std::unique_ptr<PayloadReader> payload_;
  std::string tmp_path_;
  int tmp_fd_ = -1;
  int tmp_errno_ = 0;  // why writing to tmp_fd_ failed
  // The stream: the master's client (in the client registry while connected), what it
  // replies (dropped), and a transaction's frames until its EXEC.
  RespParser parser_;
  std::vector<std::string_view> args_;
  std::unique_ptr<ClientState> client_;
  std::string reply_;
  std::string unfed_;
  int64_t read_offset_ = 0;
  int64_t last_io_ms_ = 0;
  int64_t link_down_since_ms_ = 0;
};

}  // namespace kvd::net
