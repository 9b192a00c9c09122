// ACL end to end: users made with ACL SETUSER used by redis-cli and raw RESP clients, NOPERM
// texts, key patterns, channels, ACL LOG of a failed AUTH, the aclfile across a restart,
// requirepass, DELUSER disconnecting, and redis-py's ACL helpers.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "e2e/free_port.h"
#include "e2e/harness.h"

namespace kvd::e2e {
namespace {

const std::string kWrongPass = Err("WRONGPASS invalid username-password pair or user is disabled.");
const std::string kNoKey = Err("NOPERM No permissions to access a key");
const std::string kNoChannel = Err("NOPERM No permissions to access a channel");

// Redis 7.2's NOPERM texts; an older redis-server words them differently, so against one
// only the error code is checked.
bool NoPerm(const std::string& reply, const std::string& expected) {
  return Expects72() ? reply == expected : reply.rfind("-NOPERM ", 0) == 0;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST_CASE("a user made with ACL SETUSER works from redis-cli and raw RESP") {
  ServerProcess server;
  RawClient admin(server.port());
  REQUIRE(admin.Call({"ACL", "SETUSER", "alice", "on", ">s3cret", "~cache:*", "+@read", "+@write",
                      "-@dangerous", "+acl|whoami"}) == kOk);
  CliResult set = RunCli(server.port(), {"--user", "alice", "--pass", "s3cret", "--no-auth-warning",
                                         "SET", "cache:1", "v"});
  CHECK(set.out == "OK\n");
  CliResult who = RunCli(
      server.port(), {"--user", "alice", "--pass", "s3cret", "--no-auth-warning", "ACL", "WHOAMI"});
  CHECK(who.out == "alice\n");
  CliResult bad =
      RunCli(server.port(), {"--user", "alice", "--pass", "nope", "--no-auth-warning", "PING"});
  CHECK(Contains(bad.out + bad.err, "WRONGPASS"));

  RawClient alice(server.port());
  CHECK(alice.Call({"AUTH", "alice", "s3cret"}) == kOk);
  CHECK(alice.Call({"GET", "cache:1"}) == Bulk("v"));
  CHECK(NoPerm(alice.Call({"GET", "other"}), kNoKey));
  CHECK(NoPerm(alice.Call({"FLUSHALL"}),
               Err("NOPERM User alice has no permissions to run the 'flushall' command")));
  CHECK(NoPerm(alice.Call({"CLIENT", "LIST"}),
               Err("NOPERM User alice has no permissions to run the 'client|list' command")));
  CHECK(Contains(admin.Exec({"CLIENT", "LIST"}).Text(), " user=alice "));
  CHECK(Contains(admin.Exec({"CLIENT", "LIST"}).Text(), " user=default "));
}

TEST_CASE("key patterns: %R~ reads, %W~ writes") {
  ServerProcess server;
  RawClient admin(server.port());
  REQUIRE(admin.Call({"ACL", "SETUSER", "u", "on", ">pw", "+@all", "%R~src:*", "%W~dst:*"}) == kOk);
  REQUIRE(admin.Call({"SET", "src:1", "hello"}) == kOk);
  RawClient u(server.port());
  REQUIRE(u.Call({"AUTH", "u", "pw"}) == kOk);
  CHECK(u.Call({"GET", "src:1"}) == Bulk("hello"));
  CHECK(NoPerm(u.Call({"SET", "src:1", "x"}), kNoKey));
  CHECK(u.Call({"SET", "dst:1", "x"}) == kOk);
  CHECK(NoPerm(u.Call({"GET", "dst:1"}), kNoKey));
  CHECK(u.Call({"COPY", "src:1", "dst:2"}) == Int(1));
  CHECK(admin.Call({"GET", "dst:2"}) == Bulk("hello"));
}

TEST_CASE("channels: PUBLISH and SUBSCRIBE allowed by pattern only") {
  ServerProcess server;
  RawClient admin(server.port());
  REQUIRE(admin.Call({"ACL", "SETUSER", "u", "on", ">pw", "+@all", "~*", "resetchannels",
                      "&news.*"}) == kOk);
  RawClient u(server.port());
  REQUIRE(u.Call({"AUTH", "u", "pw"}) == kOk);
  CHECK(u.Call({"PUBLISH", "news.tech", "m"}) == Int(0));
  CHECK(NoPerm(u.Call({"PUBLISH", "gossip", "m"}), kNoChannel));
  CHECK(NoPerm(u.Call({"PSUBSCRIBE", "news.t*"}), kNoChannel));
  CHECK(u.Call({"SUBSCRIBE", "news.tech"}) == Arr({Bulk("subscribe"), Bulk("news.tech"), Int(1)}));
  CHECK(admin.Call({"PUBLISH", "news.tech", "hi"}) == Int(1));
  CHECK(u.ReadReply().raw == Arr({Bulk("message"), Bulk("news.tech"), Bulk("hi")}));
}

TEST_CASE("a failed AUTH is in ACL LOG") {
  ServerProcess server;
  RawClient c(server.port());
  REQUIRE(c.Call({"ACL", "SETUSER", "alice", "on", ">right"}) == kOk);
  RawClient m(server.port());
  CHECK(m.Call({"AUTH", "alice", "wrong"}) == kWrongPass);
  CHECK(m.Call({"AUTH", "alice", "wrong"}) == kWrongPass);
  Reply log = c.Exec({"ACL", "LOG"});
  REQUIRE(log.elements.size() == 1);
  const Reply& e = log.elements[0];
  CHECK(e.Field("count")->integer == 2);
  CHECK(e.Field("reason")->Text() == "auth");
  CHECK(e.Field("context")->Text() == "toplevel");
  CHECK(e.Field("object")->Text() == "AUTH");
  CHECK(e.Field("username")->Text() == "alice");
  CHECK(Contains(e.Field("client-info")->Text(), "cmd=auth"));
  CHECK(c.Call({"ACL", "LOG", "RESET"}) == kOk);
  CHECK(c.Call({"ACL", "LOG"}) == "*0\r\n");
}

TEST_CASE("aclfile: loaded at start, ACL SAVE survives a restart") {
  TempDir dir;
  const std::string path = dir.Write("users.acl", "user bob on >bobpw ~bob:* +@all\n");
  {
    ServerProcess server({"--aclfile", path});
    RawClient c(server.port());
    CHECK(c.Exec({"ACL", "USERS"}).raw == Arr({Bulk("bob"), Bulk("default")}));
    RawClient bob(server.port());
    CHECK(bob.Call({"AUTH", "bob", "bobpw"}) == kOk);
    CHECK(bob.Call({"SET", "bob:1", "x"}) == kOk);
    CHECK(NoPerm(bob.Call({"SET", "alice:1", "x"}), kNoKey));
    REQUIRE(c.Call({"ACL", "SETUSER", "carol", "on", ">carolpw", "~c*", "+get"}) == kOk);
    CHECK(c.Call({"ACL", "SAVE"}) == kOk);
  }
  CHECK(Contains(ReadAll(path),
                 Expects72() ? "user carol on sanitize-payload #" : "user carol on #"));
  ServerProcess server({"--aclfile", path});
  RawClient carol(server.port());
  CHECK(carol.Call({"AUTH", "carol", "carolpw"}) == kOk);
  CHECK(carol.Call({"GET", "c1"}) == kNil);
  CHECK(NoPerm(carol.Call({"SET", "c1", "v"}),
               Err("NOPERM User carol has no permissions to run the 'set' command")));
  // ACL LOAD picks up an edit of the file.
  std::ofstream(path, std::ios::app) << "user dave on nopass +@all ~*\n";
  RawClient admin(server.port());
  CHECK(admin.Call({"ACL", "LOAD"}) == kOk);
  CHECK(admin.Exec({"ACL", "USERS"}).raw ==
        Arr({Bulk("bob"), Bulk("carol"), Bulk("dave"), Bulk("default")}));
}

TEST_CASE("startup refuses a bad aclfile, and users in both the config and an aclfile") {
  TempDir dir;
  const std::string path = dir.Write("users.acl", "user bob on +nosuchcommand\n");
  // A real port: Redis reads its ACL file once it listens.
  const std::string port = std::to_string(FreePort());
  ExitResult r = RunServerToExit({"--port", port, "--aclfile", path});
  CHECK(r.exited);
  CHECK(r.code != 0);
  CHECK(Contains(r.output, "Aborting Redis startup because of ACL errors"));
  CHECK(Contains(r.output, "nosuchcommand"));

  const std::string good = dir.Write("good.acl", "user bob on nopass\n");
  r = RunServerToExit({"--port", port, "--aclfile", good, "--user", "alice", "on"});
  CHECK(r.exited);
  CHECK(r.code != 0);
  CHECK(Contains(r.output, "please define either an ACL file or declare users"));
}

TEST_CASE("`user` lines in the config file") {
  TempDir dir;
  const std::string conf =
      dir.Write("kvd.conf", "user alice on >pw ~* &* +@all\nuser default off\n");
  ServerProcess server({conf});
  RawClient c(server.port());
  CHECK(c.Call({"PING"}) == Err("NOAUTH Authentication required."));
  CHECK(c.Call({"AUTH", "alice", "pw"}) == kOk);
  CHECK(c.Call({"ACL", "WHOAMI"}) == Bulk("alice"));
}

TEST_CASE("requirepass: NOAUTH until AUTH, for raw clients and redis-cli") {
  ServerProcess server({"--requirepass", "pw"});
  RawClient c(server.port());
  CHECK(c.Call({"SET", "k", "v"}) == Err("NOAUTH Authentication required."));
  CHECK(c.Call({"AUTH", "nope"}) == kWrongPass);
  CHECK(c.Call({"AUTH", "pw"}) == kOk);
  CHECK(c.Call({"SET", "k", "v"}) == kOk);
  CliResult cli = RunCli(server.port(), {"-a", "pw", "--no-auth-warning", "GET", "k"});
  CHECK(cli.out == "v\n");
  // CONFIG SET requirepass changes the default user's password.
  CHECK(c.Call({"CONFIG", "SET", "requirepass", "new"}) == kOk);
  RawClient d(server.port());
  CHECK(d.Call({"AUTH", "pw"}) == kWrongPass);
  CHECK(d.Call({"AUTH", "default", "new"}) == kOk);
}

TEST_CASE("ACL DELUSER disconnects the user's clients") {
  ServerProcess server;
  RawClient admin(server.port());
  REQUIRE(admin.Call({"ACL", "SETUSER", "alice", "on", ">pw", "+@all", "~*"}) == kOk);
  RawClient alice(server.port());
  REQUIRE(alice.Call({"AUTH", "alice", "pw"}) == kOk);
  CHECK(admin.Call({"ACL", "DELUSER", "alice"}) == Int(1));
  CHECK(alice.ReadUntilClosed().empty());
  CHECK(admin.Call({"PING"}) == "+PONG\r\n");
}

TEST_CASE("redis-py's ACL helpers") {
  // Debian's python3-redis, for Debian's python (another python3 may come first in PATH).
  const std::string python = "/usr/bin/python3";
  if (RunToExit({python, "-c", "import redis"}).code != 0) {
    MESSAGE("python3-redis is not installed: skipped");
    return;
  }
  ServerProcess server;
  const std::string script =
      "import redis, sys\n"
      "r = redis.Redis(port=" +
      std::to_string(server.port()) +
      ")\n"
      "r.acl_setuser('py', enabled=True, passwords=['+pw'], keys=['py:*'],\n"
      "              commands=['+get', '+set'])\n"
      "u = r.acl_getuser('py')\n"
      "assert 'on' in u['flags'], u\n"
      "assert u['keys'] == ['~py:*'], u\n"
      "assert sorted(u['commands']) == ['+get', '+set'], u  # sent in set order\n"
      "p = redis.Redis(port=" +
      std::to_string(server.port()) +
      ", username='py', password='pw')\n"
      "p.set('py:1', 'v')\n"
      "assert p.get('py:1') == b'v'\n"
      "try:\n"
      "    p.set('other', 'v')\n"
      "    sys.exit('no error')\n"
      "except redis.exceptions.NoPermissionError:\n"
      "    pass\n"
      "assert 'py' in r.acl_users()\n"
      "assert r.acl_deluser('py') == 1\n"
      "print('ok')\n";
  ExitResult r = RunToExit({python, "-c", script});
  CAPTURE(r.output);
  CHECK(r.code == 0);
  CHECK(Contains(r.output, "ok"));
}

}  // namespace
}  // namespace kvd::e2e
