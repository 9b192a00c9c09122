// CLIENT ID|SETNAME|GETNAME|SETINFO|INFO|LIST|KILL|HELP.
#include <doctest/doctest.h>

#include <cctype>
#include <string>
#include <vector>

#include "unit/commands/harness.h"
#include "unit/commands/lambda_link.h"
#include "unit/commands/resp_reader.h"

namespace kvd::testing {
namespace {

// Another connected client with a kill hook that records being killed.
struct Peer {
  Peer(Harness& h, std::string addr) : h(h) {
    state.addr = std::move(addr);
    state.laddr = "127.0.0.1:6379";
    state.fd = 9;
    state.authenticated = true;
    state.created_ms = h.clock.NowMs();
    state.last_interaction_ms = h.clock.NowMs();
    state.link = &link;
    link.kill = [this] { ++kills; };
    h.server.AddClient(state);
  }
  ~Peer() { h.server.RemoveClient(state); }
  Harness& h;
  ClientState state;
  LambdaLink link;
  int kills = 0;
};

void Connect(Harness& h) {
  h.client.addr = "127.0.0.1:50001";
  h.client.laddr = "127.0.0.1:6379";
  h.client.fd = 8;
  h.client.created_ms = h.clock.NowMs();
}

std::vector<std::string> Lines(const std::string& bulk_reply) {
  auto v = RespReader::ParseOne(bulk_reply);
  REQUIRE(v.has_value());
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < v->str.size()) {
    size_t end = v->str.find('\n', pos);
    REQUIRE(end != std::string::npos);  // every line ends with a newline
    lines.push_back(v->str.substr(pos, end - pos));
    pos = end + 1;
  }
  return lines;
}

TEST_CASE("CLIENT ID is the connection's id") {
  Harness h;
  CHECK(h.Run({"CLIENT", "ID"}) == ":" + std::to_string(h.client.id) + "\r\n");
  CHECK(h.Run({"client", "id", "x"}) ==
        "-ERR wrong number of arguments for 'client|id' command\r\n");
}

TEST_CASE("CLIENT SETNAME and GETNAME") {
  Harness h;
  CHECK(h.Run({"CLIENT", "GETNAME"}) == "$-1\r\n");
  CHECK(h.Run({"CLIENT", "SETNAME", "conn-1"}) == "+OK\r\n");
  CHECK(h.Run({"CLIENT", "GETNAME"}) == "$6\r\nconn-1\r\n");
  const std::string_view bad_names[] = {"a b", "a\nb", std::string_view("a\0b", 3), "caf\xc3\xa9"};
  for (std::string_view bad : bad_names) {
    CHECK(h.Run({"CLIENT", "SETNAME", bad}) ==
          "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
  }
  CHECK(h.Run({"CLIENT", "GETNAME"}) == "$6\r\nconn-1\r\n");
  CHECK(h.Run({"CLIENT", "SETNAME", ""}) == "+OK\r\n");  // clears the name
  CHECK(h.Run({"CLIENT", "GETNAME"}) == "$-1\r\n");
  CHECK(h.Run({"CLIENT", "SETNAME"}) ==
        "-ERR wrong number of arguments for 'client|setname' command\r\n");
}

TEST_CASE("CLIENT SETINFO sets the library name and version") {
  Harness h;
  // The names are made by the first of them that succeeds.
  CHECK(h.Run({"CLIENT", "SETINFO", "lib-foo", "x"}) == "-ERR Unrecognized option 'lib-foo'\r\n");
  CHECK(h.Run({"CLIENT", "SETINFO", "lib-name", "a b"}) ==
        "-ERR lib-name cannot contain spaces, newlines or special characters.\r\n");
  CHECK(h.client.names == nullptr);
  const std::string bare = h.Run({"CLIENT", "INFO"});
  CHECK(bare.find(" name= ") != std::string::npos);
  CHECK(bare.find(" lib-name= lib-ver=") != std::string::npos);
  CHECK(h.Run({"CLIENT", "SETINFO", "lib-name", "redis-py"}) == "+OK\r\n");
  CHECK(h.client.names != nullptr);
  CHECK(h.Run({"CLIENT", "SETINFO", "LIB-VER", "5.0.1"}) == "+OK\r\n");
  CHECK(h.client.lib_name() == "redis-py");
  CHECK(h.client.lib_ver() == "5.0.1");
  CHECK(h.Run({"CLIENT", "SETINFO", "lib-foo", "x"}) == "-ERR Unrecognized option 'lib-foo'\r\n");
  CHECK(h.Run({"CLIENT", "SETINFO", "Lib-Name", "a b"}) ==
        "-ERR Lib-Name cannot contain spaces, newlines or special characters.\r\n");
  CHECK(h.client.lib_name() == "redis-py");
  CHECK(h.Run({"CLIENT", "SETINFO", "lib-name"}) ==
        "-ERR wrong number of arguments for 'client|setinfo' command\r\n");
}

TEST_CASE("CLIENT INFO describes the caller in one line") {
  Harness h;
  Connect(h);
  REQUIRE(h.Run({"SELECT", "2"}) == "+OK\r\n");
  REQUIRE(h.Run({"CLIENT", "SETNAME", "me"}) == "+OK\r\n");
  REQUIRE(h.Run({"CLIENT", "SETINFO", "lib-name", "jedis"}) == "+OK\r\n");
  h.clock.Advance(3500);
  std::vector<std::string> lines = Lines(h.Run({"CLIENT", "INFO"}));
  REQUIRE(lines.size() == 1);
  const std::string& line = lines[0];
  const size_t tot = line.find(" tot-mem=");
  const size_t after = line.find(' ', tot + 1);
  REQUIRE(tot != std::string::npos);
  CHECK(line.substr(0, tot) ==
        "id=" + std::to_string(h.client.id) +
            " addr=127.0.0.1:50001 laddr=127.0.0.1:6379 fd=8 name=me age=3 idle=0 flags=N db=2 "
            "sub=0 psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=10 multi-mem=0 rbs=0 "
            "rbp=0 obl=0 oll=0 omem=0");
  CHECK(std::stoll(line.substr(tot + 9, after - tot - 9)) >= 10);
  CHECK(line.substr(after) ==
        " events=r cmd=client|info user=default redir=-1 resp=2 lib-name=jedis lib-ver=");
}

TEST_CASE("CLIENT INFO and LIST are verbatim strings in RESP3") {
  Harness h;
  Connect(h);
  REQUIRE(h.Run({"HELLO", "3"}).rfind("%7", 0) == 0);
  std::string reply = h.Run({"CLIENT", "INFO"});
  CHECK(reply.rfind("=", 0) == 0);
  CHECK(reply.find("\r\ntxt:id=") != std::string::npos);
  CHECK(reply.find(" resp=3 ") != std::string::npos);
  CHECK(h.Run({"CLIENT", "LIST"}).rfind("=", 0) == 0);
}

TEST_CASE("CLIENT LIST lists every client, filtered by TYPE or ID") {
  Harness h;
  Connect(h);
  Peer peer(h, "10.0.0.2:40000");
  peer.state.last_command = h.table.Find("get");
  peer.state.SetNames().name = "other";
  h.clock.Advance(7000);

  std::vector<std::string> all = Lines(h.Run({"CLIENT", "LIST"}));
  REQUIRE(all.size() == 2);
  CHECK(all[0].find("id=" + std::to_string(h.client.id) + " ") == 0);
  CHECK(all[0].find(" cmd=client|list ") != std::string::npos);
  CHECK(all[1].find("addr=10.0.0.2:40000 ") != std::string::npos);
  CHECK(all[1].find(" name=other ") != std::string::npos);
  CHECK(all[1].find(" age=7 idle=7 ") != std::string::npos);
  CHECK(all[1].find(" cmd=get ") != std::string::npos);

  CHECK(Lines(h.Run({"CLIENT", "LIST", "TYPE", "normal"})).size() == 2);
  CHECK(h.Run({"CLIENT", "LIST", "TYPE", "pubsub"}) == "$0\r\n\r\n");
  CHECK(h.Run({"CLIENT", "LIST", "TYPE", "replica"}) == "$0\r\n\r\n");
  CHECK(h.Run({"CLIENT", "LIST", "TYPE", "foo"}) == "-ERR Unknown client type 'foo'\r\n");

  std::vector<std::string> one =
      Lines(h.Run({"CLIENT", "LIST", "ID", std::to_string(peer.state.id), "9999"}));
  REQUIRE(one.size() == 1);
  CHECK(one[0].find("addr=10.0.0.2:40000") != std::string::npos);
  CHECK(h.Run({"CLIENT", "LIST", "ID", "x"}) == "-ERR Invalid client ID\r\n");
  CHECK(h.Run({"CLIENT", "LIST", "ID"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"CLIENT", "LIST", "foo"}) == "-ERR syntax error\r\n");
}

TEST_CASE("CLIENT KILL, old form: by address, +OK or no such client") {
  Harness h;
  Connect(h);
  Peer peer(h, "10.0.0.2:40000");
  CHECK(h.Run({"CLIENT", "KILL", "10.0.0.9:1"}) == "-ERR No such client\r\n");
  CHECK(peer.kills == 0);
  CHECK(h.Run({"CLIENT", "KILL", "10.0.0.2:40000"}) == "+OK\r\n");
  CHECK(peer.kills == 1);
  CHECK_FALSE(h.client.close_after_reply);
  // The old form may kill the caller itself: closed after this reply.
  CHECK(h.Run({"CLIENT", "KILL", "127.0.0.1:50001"}) == "+OK\r\n");
  CHECK(h.client.close_after_reply);
}

TEST_CASE("CLIENT KILL, filters: the count killed, skipping the caller by default") {
  Harness h;
  Connect(h);
  Peer a(h, "10.0.0.2:40000");
  Peer b(h, "10.0.0.3:40000");
  b.state.laddr = "127.0.0.1:7000";

  CHECK(h.Run({"CLIENT", "KILL", "ID", std::to_string(a.state.id)}) == ":1\r\n");
  CHECK(a.kills == 1);
  CHECK(b.kills == 0);
  CHECK(h.Run({"CLIENT", "KILL", "ADDR", "10.0.0.3:40000"}) == ":1\r\n");
  CHECK(b.kills == 1);
  CHECK(h.Run({"CLIENT", "KILL", "LADDR", "127.0.0.1:7000"}) == ":1\r\n");
  CHECK(b.kills == 2);
  CHECK(h.Run({"CLIENT", "KILL", "ADDR", "10.0.0.3:40000", "ID", std::to_string(a.state.id)}) ==
        ":0\r\n");
  CHECK(h.Run({"CLIENT", "KILL", "TYPE", "pubsub"}) == ":0\r\n");

  CHECK(h.Run({"CLIENT", "KILL", "USER", "default"}) == ":2\r\n");  // not the caller
  CHECK(a.kills == 2);
  CHECK(b.kills == 3);
  CHECK_FALSE(h.client.close_after_reply);
  CHECK(h.Run({"CLIENT", "KILL", "ID", std::to_string(h.client.id)}) == ":0\r\n");
  CHECK_FALSE(h.client.close_after_reply);

  CHECK(h.Run({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "no"}) == ":3\r\n");
  CHECK(h.client.close_after_reply);
  CHECK(a.kills == 3);
  CHECK(b.kills == 4);
}

TEST_CASE("CLIENT KILL errors") {
  Harness h;
  CHECK(h.Run({"CLIENT", "KILL", "ID", "0"}) == "-ERR client-id should be greater than 0\r\n");
  CHECK(h.Run({"CLIENT", "KILL", "ID", "x"}) == "-ERR client-id should be greater than 0\r\n");
  CHECK(h.Run({"CLIENT", "KILL", "USER", "alice"}) == "-ERR No such user 'alice'\r\n");
  CHECK(h.Run({"CLIENT", "KILL", "TYPE", "foo"}) == "-ERR Unknown client type 'foo'\r\n");
  CHECK(h.Run({"CLIENT", "KILL", "SKIPME", "maybe"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"CLIENT", "KILL", "foo", "bar"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"CLIENT", "KILL", "ID", "1", "SKIPME"}) == "-ERR syntax error\r\n");
  CHECK(h.Run({"CLIENT", "KILL"}) ==
        "-ERR wrong number of arguments for 'client|kill' command\r\n");
  CHECK_FALSE(h.client.close_after_reply);
}

TEST_CASE("CLIENT HELP and unknown subcommands") {
  Harness h;
  auto help = RespReader::ParseOne(h.Run({"CLIENT", "HELP"}));
  REQUIRE(help.has_value());
  REQUIRE(help->type == '*');
  REQUIRE(help->elems.size() > 10);
  CHECK(help->elems.front().str ==
        "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  CHECK(help->elems.back().str == "    Prints this help.");
  // Every subcommand is explained.
  for (const CommandSpec& sub : h.table.Find("client")->subcommands) {
    std::string name = sub.name.substr(sub.name.find('|') + 1);
    for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    bool listed = false;
    for (const auto& line : help->elems) {
      listed = listed || line.str == name || line.str.rfind(name + " ", 0) == 0;
    }
    CAPTURE(name);
    CHECK(listed);
  }
  CHECK(h.Run({"CLIENT", "foo"}) == "-ERR unknown subcommand 'foo'. Try CLIENT HELP.\r\n");
  CHECK(h.Run({"CLIENT"}) == "-ERR wrong number of arguments for 'client' command\r\n");
}

}  // namespace
}  // namespace kvd::testing
