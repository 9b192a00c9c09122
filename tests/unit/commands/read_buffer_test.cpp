// ReadBuffer: a connection's unparsed input, held only while there is some.
#include "server/read_buffer.h"

#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <string_view>

namespace kvd {
namespace {

void Append(ReadBuffer& buf, std::string_view bytes, size_t wanted = 0) {
  std::span<char> space = buf.Space(wanted);
  REQUIRE(space.size() >= bytes.size());
  std::memcpy(space.data(), bytes.data(), bytes.size());
  buf.Commit(bytes.size());
}

std::string Content(const ReadBuffer& buf) { return {buf.data(), buf.size()}; }

TEST_CASE("a read buffer holds no memory until there is room to read into") {
  ReadBuffer buf;
  CHECK(buf.capacity() == 0);
  CHECK(buf.data() == nullptr);
  std::span<char> space = buf.Space(0);
  CHECK(space.size() == ReadBuffer::kSize);
  CHECK(buf.capacity() == ReadBuffer::kSize);
  CHECK(buf.empty());
}

TEST_CASE("consumed input leaves the rest at the front") {
  ReadBuffer buf;
  Append(buf, "*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPI");
  buf.Consume(14);
  CHECK(Content(buf) == "*1\r\n$4\r\nPI");
  Append(buf, "NG\r\n");
  CHECK(Content(buf) == "*1\r\n$4\r\nPING\r\n");
  buf.Consume(0);
  CHECK(buf.size() == 14);
}

TEST_CASE("a released buffer goes back to the pool and is taken again") {
  ReadBuffer a;
  Append(a, "PING\r\n");
  a.Consume(6);
  const char* memory = a.data();
  a.Release();
  CHECK(a.capacity() == 0);
  CHECK(a.data() == nullptr);
  // Another connection on this thread reads into the same memory.
  ReadBuffer b;
  b.Space(0);
  CHECK(b.data() == memory);
  b.Release();
}

TEST_CASE("a buffer with input in it is not released") {
  ReadBuffer buf;
  Append(buf, "*1\r\n$4\r\nPI");
  buf.Release();
  CHECK(buf.capacity() == ReadBuffer::kSize);
  CHECK(Content(buf) == "*1\r\n$4\r\nPI");
}

TEST_CASE("a read that took all the room says so until more room is asked") {
  ReadBuffer buf;
  Append(buf, std::string(ReadBuffer::kSize - 10, 'x'));
  CHECK_FALSE(buf.filled());
  Append(buf, std::string(10, 'y'));
  CHECK(buf.filled());
  buf.Consume(100);
  CHECK(buf.filled());  // the socket may still hold more
  buf.Space(0);
  CHECK_FALSE(buf.filled());
}

TEST_CASE("a full buffer grows and keeps its content") {
  ReadBuffer buf;
  std::string chunk(ReadBuffer::kSize, 'x');
  chunk.replace(0, 3, "abc");
  Append(buf, chunk);
  std::span<char> space = buf.Space(0);
  CHECK(buf.capacity() == 2 * ReadBuffer::kSize);
  CHECK(space.size() == ReadBuffer::kSize);
  CHECK(Content(buf) == chunk);
}

TEST_CASE("a big argument gets room for all of it, and the buffer shrinks after") {
  ReadBuffer buf;
  constexpr size_t kBulk = 1 << 20;
  Append(buf, std::string(ReadBuffer::kSize, 'v'));  // the start of a big SET
  buf.Space(kBulk);                                  // what the parser wants to see whole
  CHECK(buf.capacity() >= kBulk);
  CHECK(Content(buf) == std::string(ReadBuffer::kSize, 'v'));
  buf.Consume(buf.size());
  buf.Shrink(kBulk);  // still parsing a big bulk: kept
  CHECK(buf.capacity() >= kBulk);
  buf.Shrink(0);
  CHECK(buf.capacity() == ReadBuffer::kSize);
}

TEST_CASE("the pool keeps a bounded number of buffers, and none of the big ones") {
  ReadBuffer big;
  big.Space(4 * ReadBuffer::kSize);
  const char* big_memory = big.data();
  big.Release();
  ReadBuffer other;
  other.Space(0);
  CHECK(other.data() != big_memory);
  other.Release();

  ReadBuffer many[ReadBuffer::kPoolLimit + 4];
  for (ReadBuffer& b : many) b.Space(0);
  for (ReadBuffer& b : many) b.Release();  // the extra ones are freed (LSan would tell)
  for (ReadBuffer& b : many) CHECK(b.capacity() == 0);
}

}  // namespace
}  // namespace kvd
