#pragma once
// A connection's unparsed input: bytes read from the socket that no complete command has
// consumed yet.
//
// The memory is held only while there is input. A connection that waits with nothing
// buffered gives its buffer back (Release) to a small pool of the calling thread, and takes
// one again (Space) once the socket is readable, so idle clients hold no read buffer: 10,000
// of them would otherwise cost 10,000 x 32 KB of address space and a touched page each.
// The pool hands back the buffer released last, still warm in the cache, so a busy server
// keeps reusing a handful of buffers.
#include <cstddef>
#include <memory>
#include <span>

namespace kvd {

class ReadBuffer {
 public:
  // What a connection reads into: a pipelining client's batch (16 SETs of 1 KB) fits whole.
  // Only a frame bigger than that grows it.
  static constexpr size_t kSize = 32 * 1024;
  // Free buffers each thread keeps (all of kSize): enough for the connections that are
  // between a read and the end of their batch, or hold a partial frame, at one time.
  static constexpr size_t kPoolLimit = 32;

  ReadBuffer() = default;
  ReadBuffer(const ReadBuffer&) = delete;
  ReadBuffer& operator=(const ReadBuffer&) = delete;

  const char* data() const { return data_.get(); }
  size_t size() const { return used_; }
  size_t capacity() const { return capacity_; }
  bool empty() const { return used_ == 0; }
  // The last read took all the space it was given (and no Space() was asked since): the
  // socket may hold more right now.
  bool filled() const { return filled_; }

  // Room to read into, after the buffered bytes: a buffer is taken (from the pool) when
  // none is held, and a full one grows, to `wanted` at least (the size of the bulk being
  // parsed, RespParser::BytesWanted()). Never empty.
  std::span<char> Space(size_t wanted);
  // `n` bytes were read into Space().
  void Commit(size_t n);
  // Drops the first `n` bytes (the input of the commands that ran).
  void Consume(size_t n);
  // A buffer grown for a big argument goes back to kSize once its content fits and the
  // parser wants no more than that: one large value does not pin its memory.
  void Shrink(size_t wanted);
  // With nothing buffered: gives the memory back to the pool. (The destructor frees it:
  // a connection may be destroyed after its thread's pool, at exit.)
  void Release();

 private:
  void Replace(size_t capacity);  // a new buffer of `capacity` holding the same bytes

  std::unique_ptr<char[]> data_;
  size_t capacity_ = 0;
  size_t used_ = 0;
  bool filled_ = false;
};

}  // namespace kvd
