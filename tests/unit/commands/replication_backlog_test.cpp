// The replication backlog keeps the newest bytes of the stream, numbered as Redis numbers
// them, across wrap-arounds and resizes.
#include <doctest/doctest.h>

#include "server/replication/backlog.h"

namespace kvd {
namespace {

TEST_CASE("the backlog holds the newest bytes and serves any offset it still has") {
  ReplicationBacklog b(8, 100);
  CHECK(b.histlen() == 0);
  CHECK(b.first_offset() == 101);
  CHECK(b.CopyFrom(101) == "");   // nothing missed
  CHECK_FALSE(b.CopyFrom(102));   // beyond the end
  b.Append("abcde");               // bytes 101..105
  CHECK(b.end_offset() == 105);
  CHECK(b.CopyFrom(101) == "abcde");
  CHECK(b.CopyFrom(104) == "de");
  b.Append("fghij");  // wraps: 103..110 held
  CHECK(b.histlen() == 8);
  CHECK(b.first_offset() == 103);
  CHECK_FALSE(b.CopyFrom(102));
  CHECK(b.CopyFrom(103) == "cdefghij");
  CHECK(b.CopyFrom(109) == "ij");
  b.Append("0123456789ABC");  // more than it holds: only the tail
  CHECK(b.end_offset() == 123);
  CHECK(b.CopyFrom(116) == "56789ABC");
  CHECK(b.CopyFrom(117) == "6789ABC");
  CHECK_FALSE(b.CopyFrom(115));
}

TEST_CASE("resizing keeps the newest bytes that fit") {
  ReplicationBacklog b(8, 0);
  b.Append("abcdefghij");  // 3..10 held: "cdefghij"
  b.Resize(4);
  CHECK(b.first_offset() == 7);
  CHECK(b.CopyFrom(7) == "ghij");
  b.Resize(16);
  CHECK(b.CopyFrom(7) == "ghij");
  b.Append("klm");
  CHECK(b.CopyFrom(7) == "ghijklm");
  CHECK(b.capacity() == 16);
}

}  // namespace
}  // namespace kvd
