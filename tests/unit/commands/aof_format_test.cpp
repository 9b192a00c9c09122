#include "server/aof/aof_format.h"

#include <doctest/doctest.h>
#include <stdlib.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace kvd {
namespace {

using Status = AofRecordReader::Status;
using Command = std::vector<std::string>;

std::string Encode(const std::vector<Command>& commands) {
  std::string out;
  for (const Command& c : commands) {
    std::vector<std::string_view> views(c.begin(), c.end());
    AppendAofCommand(out, views);
  }
  return out;
}

// The bytes in an unlinked temporary file, read back through the reader.
struct ReadResult {
  std::vector<Command> commands;
  Status end = Status::kEnd;
  uint64_t record_offset = 0;  // where the partial or damaged record began
  uint64_t valid_offset = 0;
  uint64_t damage_offset = 0;
  std::string error;
};

ReadResult ReadBack(std::string_view bytes) {
  char path[] = "/tmp/kvd-aof-format-XXXXXX";
  const int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  ::unlink(path);
  REQUIRE(::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
  REQUIRE(::lseek(fd, 0, SEEK_SET) == 0);
  AofRecordReader reader(fd);
  ReadResult r;
  std::vector<std::string_view> args;
  for (;;) {
    Status s = reader.Next(args);
    if (s != Status::kRecord) {
      r.end = s;
      break;
    }
    r.commands.emplace_back(args.begin(), args.end());
  }
  r.record_offset = reader.record_offset();
  r.valid_offset = reader.valid_offset();
  r.damage_offset = reader.damage_offset();
  r.error = reader.error();
  ::close(fd);
  return r;
}

TEST_CASE("commands are framed as Redis frames them in the AOF") {
  CHECK(Encode({{"set", "k", "v"}}) == "*3\r\n$3\r\nset\r\n$1\r\nk\r\n$1\r\nv\r\n");
  CHECK(Encode({{"SET", "", "a\r\nb"}}) == "*3\r\n$3\r\nSET\r\n$0\r\n\r\n$4\r\na\r\nb\r\n");
  std::string select;
  AppendAofSelect(select, 12);
  CHECK(select == "*2\r\n$6\r\nSELECT\r\n$2\r\n12\r\n");
  std::string ts;
  AppendAofTimestamp(ts, 1700000000);
  CHECK(ts == "#TS:1700000000\r\n");
}

TEST_CASE("the reader gives back every command, binary-safe, skipping annotations") {
  const std::vector<Command> commands = {
      {"SELECT", "0"}, {"SET", std::string("k\0ey", 4), "a\r\nb"}, {"DEL", ""}};
  std::string bytes = "#TS:1700000000\r\n" + Encode(commands);
  ReadResult r = ReadBack(bytes);
  CHECK(r.end == Status::kEnd);
  CHECK(r.commands == commands);
  CHECK(r.valid_offset == bytes.size());
}

TEST_CASE("a big argument spanning many reads comes back whole") {
  const Command big = {"SET", "k", std::string(300 * 1024, 'x')};
  ReadResult r = ReadBack(Encode({big, {"PING"}}));
  CHECK(r.end == Status::kEnd);
  REQUIRE(r.commands.size() == 2);
  CHECK(r.commands[0] == big);
}

TEST_CASE("a file cut at any byte is truncated after its last whole record") {
  const std::vector<Command> commands = {{"SET", "a", "1"}, {"RPUSH", "list", "x", "yz"}};
  const std::string first = Encode({commands[0]});
  const std::string whole = Encode(commands);
  for (size_t cut = 0; cut <= whole.size(); ++cut) {
    CAPTURE(cut);
    ReadResult r = ReadBack(std::string_view(whole).substr(0, cut));
    if (cut == 0 || cut == first.size() || cut == whole.size()) {
      CHECK(r.end == Status::kEnd);
      CHECK(r.commands.size() == (cut == 0 ? 0u : cut == first.size() ? 1u : 2u));
    } else {
      CHECK(r.end == Status::kTruncated);
      const size_t whole_records = cut < first.size() ? 0 : 1;
      CHECK(r.commands.size() == whole_records);
      CHECK(r.record_offset == (whole_records == 0 ? 0 : first.size()));
    }
  }
}

TEST_CASE("damage where a record must start, or in its framing, is reported with its offset") {
  const std::string a = Encode({{"SET", "a", "1"}});
  const std::string b = Encode({{"SET", "b", "2"}});
  SUBCASE("a record that does not start with '*'") {
    std::string bytes = a + b + a;
    bytes[a.size()] = '+';
    ReadResult r = ReadBack(bytes);
    CHECK(r.end == Status::kDamaged);
    CHECK(r.commands.size() == 1);
    CHECK(r.damage_offset == a.size());
    CHECK(r.error == "expected '*' at the start of a command, got '+'");
  }
  SUBCASE("an argument that does not start with '$'") {
    std::string bytes = a + b + a;
    const size_t at = a.size() + 4;  // "*3\r\n" then "$3"
    bytes[at] = 'x';
    ReadResult r = ReadBack(bytes);
    CHECK(r.end == Status::kDamaged);
    CHECK(r.damage_offset == at);
  }
  SUBCASE("a length that does not match the argument") {
    std::string bytes = a + b + a;
    const size_t at = a.size() + 5;  // the '3' of "$3\r\nSET"
    bytes[at] = '4';
    ReadResult r = ReadBack(bytes);
    CHECK(r.end == Status::kDamaged);
    CHECK(r.damage_offset == a.size() + 8 + 4);  // where the CRLF should have been
  }
  SUBCASE("a count that is not a number") {
    std::string bytes = a + b;
    bytes[a.size() + 1] = 'z';
    ReadResult r = ReadBack(bytes);
    CHECK(r.end == Status::kDamaged);
    CHECK(r.damage_offset == a.size());
  }
  SUBCASE("a header with no end in sight") {
    std::string bytes = a + "*" + std::string(100, '1') + "\r\n";
    ReadResult r = ReadBack(bytes);
    CHECK(r.end == Status::kDamaged);
    CHECK(r.damage_offset == a.size());
  }
  SUBCASE("an empty command") {
    ReadResult r = ReadBack(a + "*0\r\n");
    CHECK(r.end == Status::kDamaged);
  }
}

}  // namespace
}  // namespace kvd
