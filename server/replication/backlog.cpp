#include "server/replication/backlog.h"

#include <algorithm>

namespace kvd {

ReplicationBacklog::ReplicationBacklog(size_t capacity, int64_t end_offset)
    : buf_(std::max<size_t>(capacity, 1), '\0'), end_offset_(end_offset) {}

void ReplicationBacklog::Append(std::string_view bytes) {
  end_offset_ += static_cast<int64_t>(bytes.size());
  const size_t cap = buf_.size();
  if (bytes.size() >= cap) {
    // Only the tail fits: it fills the ring from the start.
    bytes.remove_prefix(bytes.size() - cap);
    std::copy(bytes.begin(), bytes.end(), buf_.begin());
    head_ = 0;
    histlen_ = cap;
    return;
  }
  const size_t first = std::min(bytes.size(), cap - head_);
  std::copy_n(bytes.data(), first, buf_.begin() + static_cast<std::ptrdiff_t>(head_));
  std::copy(bytes.begin() + static_cast<std::ptrdiff_t>(first), bytes.end(), buf_.begin());
  head_ = (head_ + bytes.size()) % cap;
  histlen_ = std::min(cap, histlen_ + bytes.size());
}

std::optional<std::string> ReplicationBacklog::CopyFrom(int64_t from) const {
  if (from < first_offset() || from > end_offset_ + 1) return std::nullopt;
  const size_t n = static_cast<size_t>(end_offset_ + 1 - from);
  const size_t cap = buf_.size();
  const size_t start = (head_ + cap - n) % cap;
  std::string out;
  out.reserve(n);
  const size_t first = std::min(n, cap - start);
  out.append(buf_, start, first);
  out.append(buf_, 0, n - first);
  return out;
}

void ReplicationBacklog::Resize(size_t capacity) {
  capacity = std::max<size_t>(capacity, 1);
  if (capacity == buf_.size()) return;
  std::string held = *CopyFrom(first_offset());
  if (held.size() > capacity) held.erase(0, held.size() - capacity);
  buf_.assign(capacity, '\0');
  std::copy(held.begin(), held.end(), buf_.begin());
  histlen_ = held.size();
  head_ = histlen_ % capacity;
}

}  // namespace kvd
