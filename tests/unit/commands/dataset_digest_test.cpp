// DEBUG DIGEST's algorithm (server/dataset_digest.h) against digests redis-server 7.0 gave
// for the same data.
#include "server/dataset_digest.h"

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "unit/commands/harness.h"

namespace kvd::testing {
namespace {

std::string ValueDigest(Harness& h, std::string_view key) {
  const Record* r = h.store.Db(0).Peek(key);
  REQUIRE(r != nullptr);
  Digest d{};
  MixValueDigest(d, *r);
  return DigestHex(d);
}

TEST_CASE("an empty dataset digests to zeros") {
  Harness h;
  CHECK(DigestHex(DatasetDigest(h.store)) == std::string(40, '0'));
}

TEST_CASE("dataset and value digests equal Redis's") {
  Harness h;
  h.Run({"SET", "a", "1"});
  CHECK(DigestHex(DatasetDigest(h.store)) == "943d800368fb9c0e951138f1bc0e313ac769d91f");
  h.Run({"SET", "s", "hello"});
  h.Run({"RPUSH", "l", "a", "b"});
  h.Run({"SADD", "st", "x", "y", "7"});
  h.Run({"HSET", "h", "f", "v"});
  h.Run({"ZADD", "z", "1.5", "m", "0.1", "n"});
  h.Run({"XADD", "x", "1-1", "f", "v"});
  h.Run({"SET", "t", "v", "EX", "1000"});
  CHECK(ValueDigest(h, "a") == "b4fc66738120fba0b5aa500ab5c2bf89cea1c5da");
  CHECK(ValueDigest(h, "s") == "36b23a1456b2dce2c3ed252c456761301dba8060");
  CHECK(ValueDigest(h, "l") == "62f55a532623cf6c3d81081db480b6fd8461eb3f");
  CHECK(ValueDigest(h, "st") == "a6afcc473373536adb071da403abcb70a693d104");
  CHECK(ValueDigest(h, "h") == "90c76e9e9f4c62d642a34fc97c7dad503b51f906");
  CHECK(ValueDigest(h, "z") == "56aefd71afb0522fef8daa67986cff8b8561fa6e");
  CHECK(ValueDigest(h, "x") == "2ed9a7a81688084b1f7eae33456ef7727d357031");
  CHECK(ValueDigest(h, "t") == "311b17018163335616e089f6b951c82c477335ac");
  CHECK(DigestHex(DatasetDigest(h.store)) == "dceb2b3503330b6e8ef4b3311e7c15c8108b299c");
  // Another database's keys mix in its number.
  h.Run({"SELECT", "2"});
  h.Run({"SET", "a", "1"});
  CHECK(DigestHex(DatasetDigest(h.store)) == "19c75825f8d3d8024e1bba944a0ffcec03811cf4");
}

TEST_CASE("a digest ignores encodings and insertion order") {
  Harness a;
  Harness b;
  a.Run({"SADD", "s", "1", "2", "3"});  // an intset
  b.Run({"SADD", "s", "3", "x"});       // a listpack, then as the other
  b.Run({"SREM", "s", "x"});
  b.Run({"SADD", "s", "2", "1"});
  a.Run({"HSET", "h", "f1", "v1", "f2", "v2"});  // a listpack
  // A hashtable (past hash-max-listpack-entries) keeps its encoding as it shrinks.
  std::vector<std::string> fields;
  for (int i = 0; i < 600; ++i) fields.push_back("x" + std::to_string(i));
  std::vector<std::string_view> hset = {"HSET", "h"};
  std::vector<std::string_view> hdel = {"HDEL", "h"};
  for (const std::string& f : fields) {
    hset.insert(hset.end(), {f, f});
    hdel.push_back(f);
  }
  b.Run(hset);
  b.Run({"HSET", "h", "f2", "v2", "f1", "v1"});
  b.Run(hdel);
  CHECK(b.Run({"OBJECT", "ENCODING", "h"}) == "$9\r\nhashtable\r\n");
  CHECK(DigestHex(DatasetDigest(a.store)) == DigestHex(DatasetDigest(b.store)));
  // A list's order counts.
  a.Run({"RPUSH", "l", "x", "y"});
  b.Run({"RPUSH", "l", "y", "x"});
  CHECK(DigestHex(DatasetDigest(a.store)) != DigestHex(DatasetDigest(b.store)));
}

}  // namespace
}  // namespace kvd::testing
