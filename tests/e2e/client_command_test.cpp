// CLIENT and COMMAND subcommands end to end.
#include <set>

#include <doctest/doctest.h>

#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

// The line of CLIENT LIST output that describes client `id` ("" if none).
std::string LineOf(const std::string& list, int64_t id) {
  for (const std::string& line : Lines(list)) {
    if (line.rfind("id=" + std::to_string(id) + " ", 0) == 0) return line;
  }
  return "";
}

TEST_CASE("CLIENT ID, SETNAME, GETNAME") {
  ServerProcess server;
  RawClient a(server.port());
  RawClient b(server.port());
  Reply id_a = a.Exec({"CLIENT", "ID"});
  Reply id_b = b.Exec({"CLIENT", "ID"});
  CHECK(id_a.type == ':');
  CHECK(id_b.integer > id_a.integer);  // ids grow with every connection
  CHECK(a.Call({"CLIENT", "ID"}) == id_a.raw);

  CHECK(a.Call({"CLIENT", "GETNAME"}) == kNil);
  CHECK(a.Call({"CLIENT", "SETNAME", "worker-1"}) == kOk);
  CHECK(a.Call({"CLIENT", "GETNAME"}) == Bulk("worker-1"));
  CHECK(b.Call({"CLIENT", "GETNAME"}) == kNil);
  const std::string bad_name =
      Err("ERR Client names cannot contain spaces, newlines or special characters.");
  CHECK(a.Call({"CLIENT", "SETNAME", "a b"}) == bad_name);
  CHECK(a.Call({"CLIENT", "SETNAME", "a\nb"}) == bad_name);
  CHECK(a.Call({"CLIENT", "GETNAME"}) == Bulk("worker-1"));
  CHECK(a.Call({"CLIENT", "SETNAME", ""}) == kOk);  // clears the name
  CHECK(a.Call({"CLIENT", "GETNAME"}) == kNil);

  CHECK(a.Call({"CLIENT", "SETNAME"}) == ArityErr("client|setname"));
  CHECK(a.Call({"CLIENT", "ID", "x"}) == ArityErr("client|id"));
  CHECK(a.Call({"CLIENT"}) == ArityErr("client"));
  CHECK(a.Call({"CLIENT", "BOGUS"}) == Err("ERR unknown subcommand 'BOGUS'. Try CLIENT HELP."));
}

TEST_CASE("CLIENT INFO and CLIENT LIST describe the connections") {
  ServerProcess server;
  RawClient a(server.port());
  RawClient b(server.port());
  const int64_t id_a = a.Exec({"CLIENT", "ID"}).integer;
  const int64_t id_b = b.Exec({"CLIENT", "ID"}).integer;
  CHECK(a.Call({"CLIENT", "SETNAME", "alpha"}) == kOk);
  CHECK(b.Call({"SELECT", "4"}) == kOk);

  Reply info = a.Exec({"CLIENT", "INFO"});
  REQUIRE(info.type == '$');
  const std::string& line = info.str;
  CHECK(line.rfind("id=" + std::to_string(id_a) + " addr=127.0.0.1:", 0) == 0);
  CHECK(line.back() == '\n');
  CHECK(Contains(line, " laddr=127.0.0.1:" + std::to_string(server.port()) + " "));
  CHECK(Contains(line, " name=alpha "));
  CHECK(Contains(line, " db=0 "));
  CHECK(Contains(line, " flags=N "));
  CHECK(Contains(line, " cmd=client|info "));
  CHECK(Contains(line, " user=default "));
  CHECK(Contains(line, " resp=2"));
  if (Expects72()) {  // Redis 7.2 fields, empty until CLIENT SETINFO
    CHECK(Contains(line, " lib-name= "));
    CHECK(Contains(line, " lib-ver="));
  }
  for (const char* field : {" fd=", " age=", " idle=", " sub=0 ", " psub=0 ", " multi=-1 ",
                            " qbuf=", " obl=", " oll=", " omem=", " tot-mem=", " events="}) {
    CAPTURE(field);
    CHECK(Contains(line, field));
  }

  std::string list = a.Exec({"CLIENT", "LIST"}).str;
  CHECK(Lines(list).size() == 2);  // one line per client
  std::string line_a = LineOf(list, id_a), line_b = LineOf(list, id_b);
  CHECK(Contains(line_a, " name=alpha "));
  CHECK(Contains(line_a, " cmd=client|list "));
  CHECK(Contains(line_b, " name= "));
  CHECK(Contains(line_b, " db=4 "));
  CHECK(Contains(line_b, " cmd=select "));

  std::string only_b = a.Exec({"CLIENT", "LIST", "ID", std::to_string(id_b)}).str;
  CHECK(LineOf(only_b, id_b) != "");
  CHECK(LineOf(only_b, id_a) == "");
  std::string normal = a.Exec({"CLIENT", "LIST", "TYPE", "normal"}).str;
  CHECK(LineOf(normal, id_a) != "");
  CHECK(LineOf(normal, id_b) != "");
  CHECK(a.Call({"CLIENT", "LIST", "BOGUS"}) == kSyntaxErr);
  CHECK(a.Call({"CLIENT", "INFO", "x"}) == ArityErr("client|info"));
}

TEST_CASE("CLIENT SETINFO (Redis 7.2) shows in CLIENT INFO and LIST") {
  // Redis 7.2 behaviour: CLIENT SETINFO and the lib-name/lib-ver fields do not exist in 7.0.
  if (!Expects72()) return;
  ServerProcess server;
  RawClient c(server.port());
  CHECK(c.Call({"CLIENT", "SETINFO", "LIB-NAME", "mylib"}) == kOk);
  CHECK(c.Call({"CLIENT", "SETINFO", "lib-ver", "1.2.3"}) == kOk);
  std::string info = c.Exec({"CLIENT", "INFO"}).str;
  CHECK(Contains(info, " lib-name=mylib "));
  CHECK(Contains(info, " lib-ver=1.2.3"));
  CHECK(Contains(c.Exec({"CLIENT", "LIST"}).str, " lib-name=mylib "));
  CHECK(c.Call({"CLIENT", "SETINFO", "BOGUS", "x"}) == Err("ERR Unrecognized option 'BOGUS'"));
  CHECK(c.Call({"CLIENT", "SETINFO", "lib-name", "a b"}) ==
        Err("ERR lib-name cannot contain spaces, newlines or special characters."));
  CHECK(c.Call({"CLIENT", "SETINFO", "lib-name"}) == ArityErr("client|setinfo"));
}

TEST_CASE("CLIENT KILL by ID and by address") {
  ServerProcess server;
  RawClient a(server.port());
  RawClient b(server.port());
  RawClient c(server.port());
  const int64_t id_b = b.Exec({"CLIENT", "ID"}).integer;
  CHECK(a.Call({"CLIENT", "KILL", "ID", std::to_string(id_b)}) == Int(1));
  CHECK(b.ReadUntilClosed() == "");
  CHECK(a.Call({"CLIENT", "KILL", "ID", std::to_string(id_b)}) == Int(0));
  CHECK(a.Call({"CLIENT", "KILL", "ID", "abc"}) ==
        Err("ERR client-id should be greater than 0"));

  // The old form: CLIENT KILL addr:port.
  std::string info_c = c.Exec({"CLIENT", "INFO"}).str;
  size_t at = info_c.find(" addr=") + 6;
  std::string addr_c = info_c.substr(at, info_c.find(' ', at) - at);
  CHECK(a.Call({"CLIENT", "KILL", addr_c}) == kOk);
  CHECK(c.ReadUntilClosed() == "");
  CHECK(a.Call({"CLIENT", "KILL", addr_c}) == Err("ERR No such client"));
  CHECK(a.Call({"CLIENT", "KILL", "ADDR", addr_c}) == Int(0));
  CHECK(a.Call({"CLIENT", "KILL", "BOGUS", "x"}) == kSyntaxErr);

  // SKIPME yes (the default) spares the caller; SKIPME no does not.
  const std::string id_a = std::to_string(a.Exec({"CLIENT", "ID"}).integer);
  CHECK(a.Call({"CLIENT", "KILL", "ID", id_a}) == Int(0));
  CHECK(a.Call({"CLIENT", "KILL", "ID", id_a, "SKIPME", "no"}) == Int(1));
  CHECK(a.ReadUntilClosed() == "");

  RawClient d(server.port());
  CHECK(d.Call({"PING"}) == "+PONG\r\n");
  CHECK(Lines(d.Exec({"CLIENT", "LIST"}).str).size() == 1);  // only d is left
}

TEST_CASE("COMMAND COUNT, LIST, INFO, DOCS") {
  ServerProcess server;
  RawClient c(server.port());
  Reply count = c.Exec({"COMMAND", "COUNT"});
  REQUIRE(count.type == ':');
  Reply list = c.Exec({"COMMAND", "LIST"});
  REQUIRE(list.type == '*');
  std::set<std::string> top_level, subcommands;
  for (const Reply& name : list.elements) {
    (name.str.find('|') == std::string::npos ? top_level : subcommands).insert(name.str);
  }
  CHECK(static_cast<int64_t>(top_level.size()) == count.integer);
  for (const char* name :
       {"get", "set", "setnx", "setex", "psetex", "getset", "getdel", "getex", "mget", "mset",
        "msetnx", "incr", "decr", "incrby", "decrby", "incrbyfloat", "append", "strlen",
        "getrange", "substr", "setrange", "del", "unlink", "exists", "type", "keys", "scan",
        "randomkey", "rename", "renamenx", "copy", "move", "swapdb", "touch", "expire",
        "pexpire", "expireat", "pexpireat", "ttl", "pttl", "expiretime", "pexpiretime",
        "persist", "ping", "echo", "quit", "hello", "select", "reset", "auth", "client",
        "command", "info", "dbsize", "flushdb", "flushall", "time", "config", "memory",
        "shutdown"}) {
    CAPTURE(name);
    CHECK(top_level.count(name) == 1);
  }
  for (const char* name : {"client|id", "client|list", "client|kill", "config|get",
                           "config|set", "command|docs", "memory|usage"}) {
    CAPTURE(name);
    CHECK(subcommands.count(name) == 1);
  }
  // COMMAND with no argument describes every command.
  CHECK(static_cast<int64_t>(c.Exec({"COMMAND"}).elements.size()) == count.integer);

  Reply info = c.Exec({"COMMAND", "INFO", "get", "nosuchcommand", "MSET"});
  REQUIRE(info.elements.size() == 3);
  const Reply& get = info.elements[0];
  REQUIRE(get.elements.size() == 10);
  CHECK(get.elements[0].raw == Bulk("get"));
  CHECK(get.elements[1].raw == Int(2));
  CHECK(get.elements[2].raw == Arr({"+readonly\r\n", "+fast\r\n"}));
  CHECK(get.elements[3].raw == Int(1));  // first key
  CHECK(get.elements[4].raw == Int(1));  // last key
  CHECK(get.elements[5].raw == Int(1));  // step
  CHECK(info.elements[1].raw == kNil);
  const Reply& mset = info.elements[2];
  REQUIRE(mset.elements.size() == 10);
  CHECK(mset.elements[0].raw == Bulk("mset"));
  CHECK(mset.elements[1].raw == Int(-3));
  CHECK(mset.elements[4].raw == Int(-1));
  CHECK(mset.elements[5].raw == Int(2));

  Reply docs = c.Exec({"COMMAND", "DOCS", "set", "nosuchcommand"});
  REQUIRE(docs.type == '*');
  REQUIRE(docs.elements.size() == 2);  // unknown names are left out
  CHECK(docs.elements[0].str == "set");
  const Reply& set_doc = docs.elements[1];
  REQUIRE(set_doc.Field("summary") != nullptr);
  CHECK(!set_doc.Field("summary")->str.empty());
  CHECK(set_doc.Field("since")->str == "1.0.0");
  CHECK(set_doc.Field("group")->str == "string");
  CHECK(c.Call({"COMMAND", "BOGUS"}) ==
        Err("ERR unknown subcommand 'BOGUS'. Try COMMAND HELP."));
}

}  // namespace
}  // namespace kvd::e2e
