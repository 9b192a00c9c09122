#include "server/read_buffer.h"

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

namespace kvd {
namespace {

// Per thread, so that taking and giving back need no lock; a buffer may move between
// threads with its connection, which is fine for memory that nothing else points to.
thread_local std::vector<std::unique_ptr<char[]>> free_buffers;  // each of kSize

}  // namespace

std::span<char> ReadBuffer::Space(size_t wanted) {
  filled_ = false;
  if (data_ == nullptr) {
    if (!free_buffers.empty() && wanted <= kSize) {
      data_ = std::move(free_buffers.back());  // released last: still warm in the cache
      free_buffers.pop_back();
      capacity_ = kSize;
    } else {
      Replace(std::max(kSize, wanted));
    }
  } else if (used_ == capacity_) {
    Replace(std::max(capacity_ * 2, wanted));  // a frame bigger than the buffer
  }
  return {data_.get() + used_, capacity_ - used_};
}

void ReadBuffer::Commit(size_t n) {
  used_ += n;
  filled_ = used_ == capacity_;
}

void ReadBuffer::Consume(size_t n) {
  if (n == 0) return;
  std::memmove(data_.get(), data_.get() + n, used_ - n);
  used_ -= n;
}

void ReadBuffer::Shrink(size_t wanted) {
  if (capacity_ > 4 * kSize && used_ < kSize && wanted < kSize) Replace(kSize);
}

void ReadBuffer::Release() {
  if (data_ == nullptr || used_ != 0) return;
  if (capacity_ == kSize && free_buffers.size() < kPoolLimit) {
    free_buffers.push_back(std::move(data_));
  }
  data_.reset();
  capacity_ = 0;
}

void ReadBuffer::Replace(size_t capacity) {
  auto bigger = std::make_unique_for_overwrite<char[]>(capacity);
  if (used_ != 0) std::memcpy(bigger.get(), data_.get(), used_);
  data_ = std::move(bigger);
  capacity_ = capacity;
}

}  // namespace kvd
