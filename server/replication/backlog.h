#pragma once
// The replication backlog: the last repl-backlog-size bytes of the replication stream, so that
// a replica that lost its link for a moment continues from where it was (PSYNC ... +CONTINUE)
// instead of loading a whole snapshot again. A ring buffer, as Redis's before 7.0 (whose
// shared replication buffer saves the copy per replica that kvd's connections make anyway).
//
// Offsets are Redis's: the stream's bytes are numbered from 1; `end_offset` is the number of
// the last byte held (master_repl_offset) and first_offset() that of the oldest.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kvd {

class ReplicationBacklog {
 public:
  // `end_offset`: the stream's offset when the backlog starts (nothing held yet).
  ReplicationBacklog(size_t capacity, int64_t end_offset);

  // Adds bytes at the end, dropping the oldest beyond the capacity.
  void Append(std::string_view bytes);
  // The number of the oldest byte held (end_offset + 1 when empty, as Redis reports it).
  int64_t first_offset() const { return end_offset_ - static_cast<int64_t>(histlen_) + 1; }
  int64_t end_offset() const { return end_offset_; }
  size_t histlen() const { return histlen_; }
  size_t capacity() const { return buf_.size(); }
  // CONFIG SET repl-backlog-size: keeps the newest bytes that still fit.
  void Resize(size_t capacity);
  // The bytes from stream offset `from` (the next byte a replica wants) to the end, or nullopt
  // when they are not all held any more (or `from` is past the end + 1).
  std::optional<std::string> CopyFrom(int64_t from) const;
  // The memory the ring takes (INFO mem_replication_backlog).
  size_t AllocatedBytes() const { return buf_.capacity(); }

 private:
  std::string buf_;     // the ring; its size is the capacity
  size_t head_ = 0;     // where the next byte goes
  size_t histlen_ = 0;  // bytes held
  int64_t end_offset_;
};

}  // namespace kvd
