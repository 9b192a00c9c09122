// Per-client limits enforced and reported: client-query-buffer-limit and
// client-output-buffer-limit (hard, and soft with seconds) close the client with Redis's log
// lines, count in INFO stats, and leave everyone else served. (maxclients, timeout and
// proto-max-bulk-len: robustness_test.cpp; the pubsub class: pubsub_test.cpp; 10,000
// connections: many_connections_test.cpp.)
#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

std::string Stat(RawClient& c, std::string_view field) {
  return InfoField(c.Exec({"INFO", "stats"}).str, field).value_or("<missing>");
}

TEST_CASE("client-query-buffer-limit closes a client whose unparsed input passes it") {
  if (!TestingKvd()) return;
  ServerProcess server({"--client-query-buffer-limit", "1mb"});
  RawClient observer(server.port());
  RawClient greedy(server.port());
  // One bulk of 4 MB (within proto-max-bulk-len), sent well past the 1 MB limit.
  greedy.SendOnly("*2\r\n$4\r\nECHO\r\n$4000000\r\n" + std::string(1536 * 1024, 'x'));
  CHECK(greedy.ReadUntilClosed() == "");
  CHECK(WaitFor([&] { return Stat(observer, "client_query_buffer_limit_disconnections") == "1"; }));
  CHECK(Contains(server.Log(), "Closing client that reached max query buffer length"));
  CHECK(observer.Call({"PING"}) == "+PONG\r\n");
  // Under the limit the same kind of request is served.
  RawClient fine(server.port());
  const std::string half(512 * 1024, 'y');
  CHECK(fine.Call({"ECHO", half}) == Bulk(half));
}

TEST_CASE("client-output-buffer-limit normal: the hard limit closes a client at once") {
  if (!TestingKvd()) return;
  ServerProcess server;
  RawClient observer(server.port());
  REQUIRE(observer.Call({"CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 0 0"}) == kOk);
  REQUIRE(observer.Call({"SET", "big", std::string(200 * 1024, 'b')}) == kOk);
  RawClient hoarder(server.port());
  std::string flood;
  for (int i = 0; i < 40; ++i) flood += Command({"GET", "big"});  // 8 MB of replies in one go
  hoarder.SendOnly(flood);
  CHECK(
      WaitFor([&] { return Stat(observer, "client_output_buffer_limit_disconnections") == "1"; }));
  CHECK(Contains(server.Log(),
                 "scheduled to be closed ASAP for overcoming of output buffer "
                 "limits."));
  const std::string received = hoarder.ReadUntilClosed();
  CHECK(received.size() < 40u * 200 * 1024);  // cut off, not served in full
  CHECK(observer.Call({"PING"}) == "+PONG\r\n");
}

TEST_CASE("client-output-buffer-limit normal: the soft limit closes a client kept over it") {
  if (!TestingKvd()) return;
  ServerProcess server;
  RawClient observer(server.port());
  REQUIRE(observer.Call({"CONFIG", "SET", "client-output-buffer-limit", "normal 0 64kb 1"}) == kOk);
  REQUIRE(observer.Call({"SET", "v", std::string(16 * 1024, 'v')}) == kOk);
  RawClient slow(server.port());
  // 16 MB of replies, never read: more than the kernel's socket buffers take, so the server
  // holds over 64 KB for the client (and stops reading from it). A second later it is cut.
  std::string flood;
  for (int i = 0; i < 1000; ++i) flood += Command({"GET", "v"});
  slow.SendOnly(flood);
  CHECK(
      WaitFor([&] { return Stat(observer, "client_output_buffer_limit_disconnections") == "1"; }));
  CHECK(Contains(server.Log(),
                 "scheduled to be closed ASAP for overcoming of output buffer "
                 "limits."));
  CHECK(observer.Call({"PING"}) == "+PONG\r\n");
}

// The server's soft open-files limit, from /proc/<pid>/limits.
long OpenFilesLimit(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/limits");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Max open files", 0) == 0) return std::stol(line.substr(26));
  }
  return -1;
}

TEST_CASE("CONFIG SET maxclients raises the open-files limit, or is refused as in Redis") {
  if (!TestingKvd()) return;
  ServerProcess server({"--maxclients", "100"});
  RawClient c(server.port());
  CHECK(c.Call({"CONFIG", "SET", "maxclients", "5000"}) == kOk);
  CHECK(OpenFilesLimit(server.pid()) >= 5000 + 32);
  CHECK(c.Exec({"CONFIG", "GET", "maxclients"}).elements.at(1).str == "5000");
  // More than any system allows (and answered at once, however far off it is).
  const std::string refused = c.Call({"CONFIG", "SET", "maxclients", "2000000000"});
  CHECK(refused.rfind("-ERR CONFIG SET failed (possibly related to argument 'maxclients') - "
                      "The operating system is not able to handle the specified number of "
                      "clients, try with ",
                      0) == 0);
  CHECK(c.Exec({"CONFIG", "GET", "maxclients"}).elements.at(1).str == "5000");
  CHECK(c.Call({"PING"}) == "+PONG\r\n");
}

TEST_CASE("INFO clients reports maxclients and the biggest recent buffers") {
  if (!TestingKvd()) return;
  ServerProcess server({"--maxclients", "123"});
  RawClient c(server.port());
  const std::string info = c.Exec({"INFO", "clients"}).str;
  CHECK(InfoField(info, "maxclients") == "123");
  CHECK(InfoField(info, "client_recent_max_input_buffer").has_value());
  CHECK(InfoField(info, "client_recent_max_output_buffer").has_value());
  const std::string list = c.Exec({"CLIENT", "LIST"}).str;
  for (const char* field : {" qbuf=", " qbuf-free=", " obl=", " oll=", " omem=", " tot-mem="}) {
    CAPTURE(field);
    CHECK(Contains(list, field));
  }
}

}  // namespace
}  // namespace kvd::e2e
