#pragma once
// The replica's side of the sync protocol, without sockets (the link that uses it:
// server/net/master_link.h): what the master's reply to PSYNC says, the header of the
// snapshot that follows a full resync, and the snapshot's bytes, sized or ended by a mark.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace kvd {

// The master's reply to PSYNC (one line, without its CRLF).
struct PsyncReply {
  enum class Kind {
    kKeepalive,   // an empty line: masters send newlines while they prepare the reply
    kFullResync,  // +FULLRESYNC <replid> <offset>: a snapshot follows
    kContinue,    // +CONTINUE [<replid>]: the stream goes on from our offset
    kTryLater,    // -NOMASTERLINK, -LOADING: the master cannot serve us yet
    kError,       // any other reply: try again later too
  };
  Kind kind = Kind::kError;
  std::string replid;   // kFullResync; kContinue when the master names one
  int64_t offset = -1;  // kFullResync
};
PsyncReply ParsePsyncReply(std::string_view line);

// The line that announces the snapshot: `$<size>` or, from a diskless master, `$EOF:<mark>`
// with a 40-byte mark that also ends the payload.
struct PayloadHeader {
  enum class Kind {
    kKeepalive,  // an empty line (the master pings while its snapshot is made)
    kSized,
    kEofMarked,
    kError,  // "-..." from the master
    kBad,    // anything else: not a master speaking the protocol
  };
  Kind kind = Kind::kBad;
  int64_t size = 0;  // kSized
  std::string mark;  // kEofMarked
};
PayloadHeader ParsePayloadHeader(std::string_view line);
inline constexpr size_t kEofMarkLength = 40;

// Receives the snapshot's bytes as they come and passes them to `write`, holding back what
// may be the start of the end mark. Done once the size is reached or the mark has been read;
// bytes past the end are not consumed (the replication stream starts there).
class PayloadReader {
 public:
  using Write = std::function<bool(std::string_view bytes)>;  // false: stop, failed
  PayloadReader(const PayloadHeader& header, Write write);

  // Takes bytes from `in`; returns how many it consumed (all, unless the payload ended).
  size_t Feed(std::string_view in);
  bool done() const { return done_; }
  bool failed() const { return failed_; }
  int64_t received() const { return received_; }  // payload bytes (the mark not counted)

 private:
  bool Pass(std::string_view bytes);

  Write write_;
  bool eof_marked_;
  int64_t remaining_ = 0;  // sized
  std::string mark_;       // eof-marked
  std::string held_;       // eof-marked: the last bytes, which may start the mark
  int64_t received_ = 0;
  bool done_ = false;
  bool failed_ = false;
};

}  // namespace kvd
