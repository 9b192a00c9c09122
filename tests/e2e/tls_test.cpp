// TLS on tls-port against the real binary, with certificates the test makes with `openssl`:
// redis-cli --tls and openssl s_client as clients; every connection feature (pipelines, big
// values, blocking, pub/sub, MONITOR, CLIENT KILL) over TLS; client certificates checked
// as tls-auth-clients says; tls-protocols; the handshake deadline; unusable settings stop
// startup.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "e2e/free_port.h"
#include "e2e/harness.h"
#include "e2e/tls_support.h"

namespace kvd::e2e {
namespace {

// A tls-port and the options for a plain port beside it: an explicit free one for kvd
// (whose `port 0` means TLS only when a tls-port is set); against redis-server the harness
// already passes a free plain port. The plain port is then ServerProcess::port().
std::pair<int, std::vector<std::string>> TlsBesidePlain() {
  int plain = FreePort(), tls = FreePort();
  while (tls == plain) tls = FreePort();
  std::vector<std::string> extra;
  if (TestingKvd()) extra = {"--port", std::to_string(plain)};
  return {tls, TlsServerArgs(tls, extra)};
}

int64_t InfoInt(RawClient& c, std::string_view section, std::string_view field) {
  std::string info = c.Exec({"INFO", std::string(section)}).str;
  return std::stoll(InfoField(info, field).value_or("-1"));
}

int64_t InfoInt(TlsPipe& c, std::string_view section, std::string_view field) {
  std::string info = c.Call({"INFO", std::string(section)});
  return std::stoll(InfoField(info, field).value_or("-1"));
}

// True when a connection with these s_client options gets +PONG for PING.
bool Pongs(int port, const std::vector<std::string>& client_args) {
  TlsPipe c(port, client_args);
  c.Send("PING\r\nQUIT\r\n");
  return Contains(c.ReadUntilClosed(), "+PONG");
}

TEST_CASE("tls: redis-cli and openssl s_client over TLS, beside the plain port") {
  auto [tls, args] = TlsBesidePlain();
  ServerProcess server(args);
  const int plain = server.port();
  REQUIRE(plain != tls);

  CliResult r = RunCli(tls, CliTls({"PING"}));
  CHECK(r.code == 0);
  CHECK(r.out == "PONG\n");
  CHECK(RunCli(tls, CliTls({"SET", "greeting", "hello over tls"})).out == "OK\n");
  CHECK(RunCli(tls, CliTls({"GET", "greeting"})).out == "hello over tls\n");
  CHECK(RunCli(tls, CliTls({"CONFIG", "GET", "tls-port"})).out ==
        "tls-port\n" + std::to_string(tls) + "\n");
  if (TestingKvd()) {
    // The Lua debugger needs the plain socket (README: Known differences).
    CHECK(RunCli(tls, CliTls({"SCRIPT", "DEBUG", "YES"})).out ==
          "ERR SCRIPT DEBUG is not available on TLS connections\n\n");
  }

  // One dataset behind both ports.
  RawClient raw(plain);
  CHECK(raw.Call({"GET", "greeting"}) == Bulk("hello over tls"));

  TlsPipe s_client(tls, GoodClientCert());
  CHECK(s_client.Call({"PING"}) == "+PONG\r\n");
  CHECK(s_client.Call({"APPEND", "greeting", "!"}) == Int(15));
  CHECK(raw.Call({"GET", "greeting"}) == Bulk("hello over tls!"));
  CHECK(InfoInt(raw, "clients", "connected_clients") == 2);

  // Plain RESP on the TLS port is not a handshake: closed without an answer.
  RawClient wrong(tls);
  wrong.SendOnly("PING\r\n");
  CHECK_FALSE(Contains(wrong.ReadUntilClosed(), "PONG"));
  CHECK(s_client.Call({"PING"}) == "+PONG\r\n");
}

TEST_CASE("tls: port 0 with a tls-port serves TLS only") {
  if (!TestingKvd()) return;  // the harness gives redis-server a plain port
  const int tls = FreePort();
  ServerProcess server(TlsServerArgs(tls));  // the harness passes --port 0
  CHECK(server.port() == tls);               // "Running mode=standalone, port=<tls-port>."
  TlsPipe c(tls, GoodClientCert());
  CHECK(InfoInt(c, "server", "tcp_port") == 0);
  CHECK(c.Call({"CONFIG", "GET", "port"}) == Arr({Bulk("port"), Bulk("0")}));
}

TEST_CASE("tls: deep pipelines, a 1 MB value and output past the socket buffers") {
  const int tls = FreePort();
  ServerProcess server(TlsServerArgs(tls));
  TlsPipe c(tls, GoodClientCert());

  constexpr int kCommands = 20000;
  std::string pipeline;
  for (int i = 0; i < kCommands; ++i) {
    pipeline += Command({"SET", "key:" + std::to_string(i), "value-" + std::to_string(i)});
    pipeline += Command({"INCR", "counter"});
  }
  c.Send(pipeline);
  int ok = 0, last = 0;
  for (int i = 0; i < kCommands; ++i) {
    ok += c.ReadReply().raw == kOk;
    last = static_cast<int>(c.ReadReply().integer);
  }
  CHECK(ok == kCommands);
  CHECK(last == kCommands);
  CHECK(c.Call({"GET", "key:12345"}) == Bulk("value-12345"));

  std::string big(1 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + (i * 7919) % 26);
  CHECK(c.Call({"SET", "big", big}) == kOk);
  // Eight copies in one go: 8 MB of replies, far past the output high-water mark.
  std::string gets;
  for (int i = 0; i < 8; ++i) gets += Command({"GET", "big"});
  c.Send(gets);
  int same = 0;
  for (int i = 0; i < 8; ++i) same += c.ReadReply().str == big;
  CHECK(same == 8);
  CHECK(c.Call({"STRLEN", "big"}) == Int(1 << 20));

  // redis-cli's --pipe mode over TLS, and -x with the value on stdin.
  std::string mass;
  for (int i = 0; i < 5000; ++i) mass += Command({"RPUSH", "list", std::to_string(i)});
  CliResult piped = RunCli(tls, CliTls({"--pipe"}), mass);
  CHECK(piped.code == 0);
  CHECK(Contains(piped.out, "errors: 0, replies: 5000"));
  CHECK(c.Call({"LLEN", "list"}) == Int(5000));
  CHECK(RunCli(tls, CliTls({"-x", "SET", "from-stdin"}), big).out == "OK\n");
  CHECK(c.Call({"STRLEN", "from-stdin"}) == Int(1 << 20));
}

TEST_CASE("tls: BLPOP blocks and is served; input sent while blocked; a dropped waiter") {
  auto [tls, args] = TlsBesidePlain();
  ServerProcess server(args);
  RawClient observer(server.port());
  auto blocked = [&](int64_t n) {
    return WaitFor([&] { return InfoInt(observer, "clients", "blocked_clients") == n; });
  };

  TlsPipe waiter(tls, GoodClientCert());
  waiter.Send(Command({"BLPOP", "queue", "0"}));
  REQUIRE(blocked(1));
  // Sent while blocked: read off the TLS stream meanwhile, run once BLPOP is served.
  waiter.Send(Command({"PING"}));
  waiter.Send(Command({"ECHO", "after"}));
  CHECK(observer.Call({"RPUSH", "queue", "job"}) == Int(1));
  CHECK(waiter.ReadReply().raw == Arr({Bulk("queue"), Bulk("job")}));
  CHECK(waiter.ReadReply().raw == "+PONG\r\n");
  CHECK(waiter.ReadReply().raw == Bulk("after"));

  // A timeout over TLS.
  CHECK(waiter.Call({"BLPOP", "none", "0.05"}) == kNilArray);

  // A blocked TLS client that disappears is noticed and removed.
  waiter.Send(Command({"BRPOP", "queue2", "0"}));
  REQUIRE(blocked(1));
  CHECK(InfoInt(observer, "clients", "connected_clients") == 2);
  waiter.Kill();
  CHECK(blocked(0));
  CHECK(WaitFor([&] { return InfoInt(observer, "clients", "connected_clients") == 1; }));
  CHECK(observer.Call({"RPUSH", "queue2", "x"}) == Int(1));
  CHECK(observer.Call({"LLEN", "queue2"}) == Int(1));  // nobody took it
}

TEST_CASE("tls: pub/sub, MONITOR and CLIENT KILL over TLS") {
  const int tls = FreePort();
  ServerProcess server(TlsServerArgs(tls));
  TlsPipe sub(tls, GoodClientCert());
  CHECK(sub.Call({"SUBSCRIBE", "news"}) == Arr({Bulk("subscribe"), Bulk("news"), Int(1)}));
  CHECK(RunCli(tls, CliTls({"PUBLISH", "news", "hello"})).out == "1\n");
  CHECK(sub.ReadReply().raw == Arr({Bulk("message"), Bulk("news"), Bulk("hello")}));
  std::string burst;
  for (int i = 0; i < 200; ++i) burst += Command({"PUBLISH", "news", "m" + std::to_string(i)});
  CHECK(RunCli(tls, CliTls({"--pipe"}), burst).code == 0);
  int in_order = 0;
  for (int i = 0; i < 200; ++i) {
    in_order +=
        sub.ReadReply().raw == Arr({Bulk("message"), Bulk("news"), Bulk("m" + std::to_string(i))});
  }
  CHECK(in_order == 200);

  TlsPipe monitor(tls, GoodClientCert());
  CHECK(monitor.Call({"MONITOR"}) == kOk);
  CHECK(RunCli(tls, CliTls({"SET", "watched", "v"})).out == "OK\n");
  Reply line = monitor.ReadReply();
  while (!Contains(line.str, "\"SET\"")) line = monitor.ReadReply();
  CHECK(Contains(line.str, "\"SET\" \"watched\" \"v\""));

  TlsPipe victim(tls, GoodClientCert());
  victim.Send(Command({"CLIENT", "ID"}));
  Reply id = victim.ReadReply();
  REQUIRE(id.type == ':');
  CliResult kill = RunCli(tls, CliTls({"CLIENT", "KILL", "ID", std::to_string(id.integer)}));
  CHECK(kill.out == "1\n");
  CHECK(victim.ReadUntilClosed().empty());
}

TEST_CASE("tls: a client certificate from another CA, or none, is refused") {
  const int tls = FreePort();
  ServerProcess server(TlsServerArgs(tls, {"--loglevel", "verbose"}));
  const TlsFiles& f = Certs();
  const std::vector<std::string> rogue = {"-cert",     f.rogue_crt, "-key",
                                          f.rogue_key, "-CAfile",   f.ca};
  CHECK_FALSE(Pongs(tls, rogue));
  CHECK_FALSE(Pongs(tls, {"-CAfile", f.ca}));  // tls-auth-clients defaults to yes

  CliResult r =
      RunCli(tls, {"--tls", "--cert", f.rogue_crt, "--key", f.rogue_key, "--cacert", f.ca, "PING"});
  CHECK(r.code != 0);
  CHECK_FALSE(Contains(r.out, "PONG"));
  r = RunCli(tls, {"--tls", "--cacert", f.ca, "PING"});
  CHECK(r.code != 0);
  CHECK_FALSE(Contains(r.out, "PONG"));

  // The server keeps serving, and never registered the refused clients.
  CHECK(Pongs(tls, GoodClientCert()));
  TlsPipe good(tls, GoodClientCert());
  CHECK(InfoInt(good, "clients", "connected_clients") == 1);
  CHECK(WaitFor([&] { return Contains(server.Log(), "Error accepting a client connection"); }));
}

TEST_CASE("tls: tls-auth-clients no and optional") {
  const TlsFiles& f = Certs();
  const std::vector<std::string> rogue = {"-cert",     f.rogue_crt, "-key",
                                          f.rogue_key, "-CAfile",   f.ca};
  {
    const int tls = FreePort();
    ServerProcess server(TlsServerArgs(tls, {"--tls-auth-clients", "no"}));
    CHECK(RunCli(tls, {"--tls", "--cacert", f.ca, "PING"}).out == "PONG\n");
    CHECK(Pongs(tls, {"-CAfile", f.ca}));
    CHECK(Pongs(tls, GoodClientCert()));
  }
  {
    const int tls = FreePort();
    ServerProcess server(TlsServerArgs(tls, {"--tls-auth-clients", "optional"}));
    CHECK(RunCli(tls, {"--tls", "--cacert", f.ca, "PING"}).out == "PONG\n");
    CHECK(Pongs(tls, GoodClientCert()));
    CHECK_FALSE(Pongs(tls, rogue));  // a certificate that is sent must verify
  }
}

TEST_CASE("tls: tls-protocols limits the versions offered") {
  {
    const int tls = FreePort();
    ServerProcess server(TlsServerArgs(tls, {"--tls-protocols", "TLSv1.3"}));
    std::vector<std::string> v12 = GoodClientCert(), v13 = GoodClientCert();
    v12.push_back("-tls1_2");
    v13.push_back("-tls1_3");
    CHECK_FALSE(Pongs(tls, v12));
    CHECK(Pongs(tls, v13));
  }
  {
    const int tls = FreePort();
    ServerProcess server(TlsServerArgs(tls, {"--tls-protocols", "TLSv1.2"}));
    std::vector<std::string> v12 = GoodClientCert(), v13 = GoodClientCert();
    v12.push_back("-tls1_2");
    v13.push_back("-tls1_3");
    CHECK(Pongs(tls, v12));
    CHECK_FALSE(Pongs(tls, v13));
  }
}

TEST_CASE("tls: a connection that never completes the handshake is dropped at the deadline") {
  const int tls = FreePort();
  // `timeout` shortens the handshake deadline (10 s otherwise).
  ServerProcess server(TlsServerArgs(tls, {"--timeout", "1"}));
  RawClient silent(tls);
  const auto start = Clock::now();
  CHECK(silent.ReadUntilClosed().empty());
  CHECK(Clock::now() - start < 8s);
  CHECK(Pongs(tls, GoodClientCert()));
}

TEST_CASE("tls: an encrypted key with tls-key-file-pass, and a CA directory") {
  const TlsFiles& f = Certs();
  const int tls = FreePort();
  ServerProcess server({"--tls-port", std::to_string(tls), "--tls-cert-file", f.server_crt,
                        "--tls-key-file", f.server_key_encrypted, "--tls-key-file-pass",
                        TlsFiles::kKeyPass, "--tls-ca-cert-dir", f.ca_dir});
  CHECK(Pongs(tls, GoodClientCert()));
  CHECK_FALSE(Pongs(tls, {"-cert", f.rogue_crt, "-key", f.rogue_key, "-CAfile", f.ca}));
}

// How many of `openssl s_client -reconnect`'s five reconnections resumed the session.
int ResumedSessions(int port) {
  std::vector<std::string> argv = {"openssl", "s_client", "-connect",
                                   "127.0.0.1:" + std::to_string(port), "-reconnect", "-tls1_2"};
  for (const std::string& a : GoodClientCert()) argv.push_back(a);
  ExitResult r = RunToExit(argv);
  int reused = 0;
  for (size_t at = r.output.find("Reused, "); at != std::string::npos;
       at = r.output.find("Reused, ", at + 1)) {
    ++reused;
  }
  return reused;
}

TEST_CASE("tls: sessions resume from the cache, unless tls-session-caching is no") {
  {
    const int tls = FreePort();
    ServerProcess server(TlsServerArgs(tls));
    CHECK(ResumedSessions(tls) == 5);
  }
  {
    const int tls = FreePort();
    ServerProcess server(TlsServerArgs(tls, {"--tls-session-caching", "no"}));
    CHECK(ResumedSessions(tls) == 0);
    CHECK(Pongs(tls, GoodClientCert()));
  }
}

TEST_CASE("tls: tls-dh-params-file is loaded; an unreadable one stops startup") {
  TempDir dir;
  const std::string dh = dir.path() + "/dh.pem";
  RunOpenssl({"genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "group:ffdhe2048",
              "-out", dh});
  {
    const int tls = FreePort();
    ServerProcess server(TlsServerArgs(tls, {"--tls-dh-params-file", dh}));
    CHECK(Pongs(tls, GoodClientCert()));
  }
  if (!TestingKvd()) return;
  const std::string bad = dir.Write("bad.pem", "not DH parameters\n");
  ExitResult r = RunServerToExit(
      TlsServerArgs(FreePort(), {"--port", "0", "--save", "", "--tls-dh-params-file", bad}));
  CHECK(r.code == 1);
  CHECK(Contains(r.output, bad + ": failed to read DH params"));
}

TEST_CASE("tls: unusable TLS settings stop startup with exit code 1") {
  const TlsFiles& f = Certs();
  const std::string port = std::to_string(FreePort());
  auto start = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"--port", "0", "--save", "", "--tls-port", port};
    args.insert(args.end(), extra.begin(), extra.end());
    ExitResult r = RunServerToExit(args);
    CHECK(r.exited);
    CHECK(r.code == 1);
    CHECK(Contains(r.output, "Failed to configure TLS. Check logs for more info."));
    CHECK_FALSE(Contains(r.output, "Ready to accept connections"));
    return r.output;
  };
  std::string out = start({"--tls-cert-file", "/nonexistent/server.crt", "--tls-key-file",
                           f.server_key, "--tls-ca-cert-file", f.ca});
  CHECK(Contains(out, "Failed to load certificate: /nonexistent/server.crt: "));
  CHECK(Contains(out, "No such file or directory"));

  out = start({"--tls-cert-file", f.server_crt, "--tls-key-file", f.client_key,
               "--tls-ca-cert-file", f.ca});
  CHECK(Contains(out, "Failed to load private key: " + f.client_key));

  out = start({"--tls-cert-file", f.server_crt, "--tls-key-file", f.server_key_encrypted,
               "--tls-key-file-pass", "wrong", "--tls-ca-cert-file", f.ca});
  CHECK(Contains(out, "Failed to load private key"));

  out = start({"--tls-cert-file", f.server_crt, "--tls-key-file", f.server_key});
  CHECK(Contains(out, "Either tls-ca-cert-file or tls-ca-cert-dir must be specified"));

  out = start({"--tls-key-file", f.server_key, "--tls-ca-cert-file", f.ca});
  CHECK(Contains(out, "No tls-cert-file configured!"));

  out = start({"--tls-cert-file", f.server_crt, "--tls-key-file", f.server_key,
               "--tls-ca-cert-file", f.ca, "--tls-protocols", "TLSv9"});
  CHECK(Contains(out, "Invalid tls-protocols specified"));

  out = start({"--tls-cert-file", f.server_crt, "--tls-key-file", f.server_key,
               "--tls-ca-cert-file", f.ca, "--tls-ciphers", "NO-SUCH-CIPHER"});
  CHECK(Contains(out, "Failed to configure ciphers"));
}

}  // namespace
}  // namespace kvd::e2e
