#include "server/aof/aof_writer.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <condition_variable>
#include <future>
#include <mutex>
#include <string>

#include "unit/commands/aof_test_util.h"

namespace kvd {
namespace {

using testing::TempDir;
using testing::ReadFileBytes;

int OpenAppend(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  REQUIRE(fd >= 0);
  return fd;
}

// Waits for a Done callback, which runs on the writer thread.
class Result {
 public:
  AofWriter::Done Callback() {
    return [this](const std::string& error) { promise_.set_value(error); };
  }
  std::string Get() {
    REQUIRE(future_.wait_for(std::chrono::seconds(20)) == std::future_status::ready);
    return future_.get();
  }

 private:
  std::promise<std::string> promise_;
  std::future<std::string> future_ = promise_.get_future();
};

TEST_CASE("blocks reach the file in order, and Close writes out everything queued") {
  TempDir dir;
  const std::string path = dir.File("log");
  AofWriter w(AofFsync::kEverySec);
  w.Start(OpenAppend(path), path, 0);
  std::string expected;
  for (int i = 0; i < 1000; ++i) {
    const std::string block = "block " + std::to_string(i) + "\n";
    w.Append(block);
    expected += block;
  }
  CHECK(w.Close() == "");
  CHECK(ReadFileBytes(path) == expected);
  CHECK(w.buffered_bytes() == 0);
  CHECK(w.unsynced_bytes() == 0);
}

TEST_CASE("SwitchTo continues in a new file after everything queued before it") {
  TempDir dir;
  AofWriter w(AofFsync::kNo);
  w.Start(OpenAppend(dir.File("a")), dir.File("a"), 0);
  w.Append("one ");
  Result switched;
  std::string prepared_after;
  w.SwitchTo(dir.File("b"),
             [&] {
               prepared_after = ReadFileBytes(dir.File("a"));  // what a held by then
               return std::string();
             },
             switched.Callback());
  w.Append("two ");
  CHECK(switched.Get() == "");
  CHECK(w.Sync() == "");
  CHECK(prepared_after == "one ");
  CHECK(ReadFileBytes(dir.File("a")) == "one ");
  CHECK(ReadFileBytes(dir.File("b")) == "two ");
}

TEST_CASE("a switch whose preparation fails leaves the log in the current file") {
  TempDir dir;
  AofWriter w(AofFsync::kEverySec);
  w.Start(OpenAppend(dir.File("a")), dir.File("a"), 0);
  Result switched;
  w.SwitchTo(dir.File("b"), [] { return std::string("no manifest"); }, switched.Callback());
  w.Append("still a");
  CHECK(switched.Get() == "no manifest");
  CHECK(w.Close() == "");
  CHECK(ReadFileBytes(dir.File("a")) == "still a");
  CHECK(ReadFileBytes(dir.File("b")) == "");
}

TEST_CASE("RunInOrder runs between the blocks around it") {
  TempDir dir;
  const std::string path = dir.File("log");
  AofWriter w(AofFsync::kNo);
  w.Start(OpenAppend(path), path, 0);
  w.Append("before");
  Result ran;
  w.RunInOrder([&] { return ReadFileBytes(path); }, ran.Callback());
  w.Append("after");
  CHECK(ran.Get() == "before");
  CHECK(w.Close() == "");
  CHECK(ReadFileBytes(path) == "beforeafter");
}

TEST_CASE("under always, WhenDurable fires once what was queued is fsynced") {
  TempDir dir;
  const std::string path = dir.File("log");
  AofWriter w(AofFsync::kAlways);
  w.Start(OpenAppend(path), path, 0);
  CHECK_FALSE(w.WhenDurable([] {}));
  w.Append("x");
  std::promise<std::string> seen;
  if (w.WhenDurable([&] { seen.set_value(ReadFileBytes(path)); })) {
    auto f = seen.get_future();
    REQUIRE(f.wait_for(std::chrono::seconds(20)) == std::future_status::ready);
    CHECK(f.get() == "x");
  }
  CHECK(w.unsynced_bytes() == 0);
  CHECK_FALSE(w.WhenDurable([] {}));
}

TEST_CASE("a failed write is reported, kept, and does not block Close") {
  AofWriter w(AofFsync::kEverySec);
  const int fd = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  w.Start(fd, "/dev/full", 0);
  w.Append("lost");
  CHECK(w.Sync().find("No space left on device") != std::string::npos);
  CHECK(w.last_errno() == ENOSPC);
  CHECK(w.buffered_bytes() == 4);
  CHECK(w.Close().find("No space left on device") != std::string::npos);
}

}  // namespace
}  // namespace kvd
