// CLIENT TRACKING (default mode, BCAST, OPTIN/OPTOUT, NOLOOP, REDIRECT), CLIENT CACHING,
// GETREDIR, TRACKINGINFO, the invalidation messages and INFO's tracking fields.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <string_view>

#include "unit/commands/harness.h"
#include "unit/commands/post_queue.h"
#include "unit/commands/pubsub_test_util.h"

namespace kvd::testing {
namespace {

const std::string kOk = "+OK\r\n";

std::string Bulk(std::string_view s) {
  return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}

// A RESP3 invalidation push for these keys.
std::string Invalidate(std::initializer_list<std::string_view> keys) {
  std::string out = ">2\r\n$10\r\ninvalidate\r\n*" + std::to_string(keys.size()) + "\r\n";
  for (std::string_view k : keys) out += Bulk(k);
  return out;
}

// The RESP2 form sent to a subscribed redirect client.
std::string InvalidateMessage(std::initializer_list<std::string_view> keys) {
  std::string out = "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*" +
                    std::to_string(keys.size()) + "\r\n";
  for (std::string_view k : keys) out += Bulk(k);
  return out;
}

// One field of INFO, as text.
std::string InfoField(Harness& h, std::string_view name) {
  const std::string info = h.Run({"INFO", "everything"});
  const std::string needle = "\r\n" + std::string(name) + ":";
  const size_t at = info.find(needle);
  if (at == std::string::npos) return "missing";
  const size_t start = at + needle.size();
  return info.substr(start, info.find("\r\n", start) - start);
}

std::string Id(const PubSubPeer& p) { return std::to_string(p.client.id); }

TEST_CASE("default mode: a key read is invalidated once, on a write by anyone") {
  Harness h;
  PubSubPeer a(h, 3);
  CHECK(a.Run({"CLIENT", "TRACKING", "on"}) == kOk);
  CHECK(InfoField(h, "tracking_clients") == "1");
  h.Run({"SET", "k", "1"});
  CHECK(a.Run({"GET", "k"}) == "$1\r\n1\r\n");
  CHECK(a.Run({"MGET", "x", "y"}) == "*2\r\n_\r\n_\r\n");
  CHECK(InfoField(h, "tracking_total_keys") == "3");
  CHECK(InfoField(h, "tracking_total_items") == "3");
  CHECK(a.Take().empty());

  h.Run({"SET", "k", "2"});
  CHECK(a.Take() == Invalidate({"k"}));
  h.Run({"SET", "k", "3"});  // forgotten until read again
  CHECK(a.Take().empty());
  CHECK(InfoField(h, "tracking_total_keys") == "2");
  h.Run({"DEL", "x", "y"});  // nothing to delete: no change, no message
  CHECK(a.Take().empty());
  h.Run({"MSET", "x", "1", "y", "2"});
  CHECK(a.Take() == Invalidate({"x"}) + Invalidate({"y"}));
  CHECK(InfoField(h, "tracking_total_keys") == "0");
}

TEST_CASE("default mode: keys found by key specs (XREAD's STREAMS) are tracked") {
  Harness h;
  PubSubPeer a(h, 3);
  CHECK(a.Run({"CLIENT", "TRACKING", "on"}) == kOk);
  h.Run({"XADD", "s1", "1-0", "f", "v"});
  a.Run({"XREAD", "COUNT", "1", "STREAMS", "s1", "s2", "0", "0"});
  CHECK(InfoField(h, "tracking_total_keys") == "2");
  h.Run({"XADD", "s2", "1-0", "f", "v"});
  CHECK(a.Take() == Invalidate({"s2"}));
}

TEST_CASE("default mode: writes are not remembered, and every tracking reader is told") {
  Harness h;
  PubSubPeer a(h, 3), b(h, 3);
  a.Run({"CLIENT", "TRACKING", "on"});
  b.Run({"CLIENT", "TRACKING", "on"});
  a.Run({"SET", "w", "1"});  // a write: nothing remembered
  CHECK(InfoField(h, "tracking_total_keys") == "0");
  a.Run({"GET", "w"});
  b.Run({"STRLEN", "w"});
  CHECK(InfoField(h, "tracking_total_items") == "2");
  h.Run({"APPEND", "w", "x"});
  CHECK(a.Take() == Invalidate({"w"}));
  CHECK(b.Take() == Invalidate({"w"}));
}

TEST_CASE("a client's own write invalidates after its reply; NOLOOP skips its own writes") {
  Harness h;
  PubSubPeer a(h, 3), b(h, 3);
  a.Run({"CLIENT", "TRACKING", "on"});
  a.Run({"GET", "k"});
  CHECK(a.Run({"SET", "k", "1"}) == kOk);
  CHECK(a.Take() == Invalidate({"k"}));

  CHECK(b.Run({"CLIENT", "TRACKING", "on", "NOLOOP"}) == kOk);
  b.Run({"GET", "k"});
  b.Run({"SET", "k", "2"});
  CHECK(b.Take().empty());
  // The key was forgotten all the same: another write tells nothing either.
  h.Run({"SET", "k", "3"});
  CHECK(b.Take().empty());
  b.Run({"GET", "k"});
  h.Run({"SET", "k", "4"});
  CHECK(b.Take() == Invalidate({"k"}));
}

TEST_CASE("RESP2 with REDIRECT: the subscribed redirect client gets __redis__:invalidate") {
  Harness h;
  PubSubPeer a(h, 2), r(h, 2);
  r.Run({"SUBSCRIBE", "__redis__:invalidate"});
  r.Take();
  CHECK(a.Run({"CLIENT", "TRACKING", "on", "REDIRECT", Id(r)}) == kOk);
  CHECK(a.Run({"CLIENT", "GETREDIR"}) == ":" + Id(r) + "\r\n");
  a.Run({"GET", "k"});
  h.Run({"SET", "k", "v"});
  CHECK(r.Take() == InvalidateMessage({"k"}));
  CHECK(a.Take().empty());
  // A flush: the value is a null, in the tracking client's protocol.
  a.Run({"GET", "k"});
  h.Run({"FLUSHALL"});
  CHECK(r.Take() == "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n$-1\r\n");
}

TEST_CASE("a RESP3 redirect client gets pushes; a redirect client gone breaks the redirect") {
  Harness h;
  PubSubPeer a(h, 3);
  auto r = std::make_unique<PubSubPeer>(h, 3);
  CHECK(a.Run({"CLIENT", "TRACKING", "on", "REDIRECT", Id(*r)}) == kOk);
  a.Run({"GET", "k"});
  h.Run({"SET", "k", "v"});
  CHECK(r->Take() == Invalidate({"k"}));
  const std::string rid = Id(*r);
  r.reset();  // disconnects
  a.Run({"GET", "k"});
  h.Run({"SET", "k", "w"});
  CHECK(a.Take() == ">2\r\n$21\r\ntracking-redir-broken\r\n:" + rid + "\r\n");
  CHECK(a.Run({"CLIENT", "TRACKINGINFO"}) ==
        "%3\r\n$5\r\nflags\r\n~2\r\n$2\r\non\r\n$15\r\nbroken_redirect\r\n$8\r\nredirect\r\n:" +
            rid + "\r\n$8\r\nprefixes\r\n*0\r\n");
  const std::string list = a.Run({"CLIENT", "INFO"});
  CHECK(list.find(" flags=tR ") != std::string::npos);
  CHECK(list.find(" redir=" + rid + " ") != std::string::npos);
  // Turning tracking on again mends it.
  a.Run({"CLIENT", "TRACKING", "on"});
  CHECK(a.Run({"CLIENT", "GETREDIR"}) == ":0\r\n");
}

TEST_CASE("REDIRECT errors: a missing client, two redirects, not a number") {
  Harness h;
  PubSubPeer a(h, 3);
  CHECK(a.Run({"CLIENT", "TRACKING", "on", "REDIRECT", "999"}) ==
        "-ERR The client ID you want redirect to does not exist\r\n");
  CHECK(a.Run({"CLIENT", "TRACKING", "on", "REDIRECT", "x"}) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(a.Run({"CLIENT", "TRACKING", "on", "REDIRECT", Id(a), "REDIRECT", Id(a)}) ==
        "-ERR A client can only redirect to a single other client\r\n");
  CHECK(a.Run({"CLIENT", "GETREDIR"}) == ":-1\r\n");
}

TEST_CASE("BCAST: every change under a prefix, in one message per prefix, after the command") {
  Harness h;
  PubSubPeer a(h, 3), all(h, 3);
  CHECK(a.Run({"CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "user:", "PREFIX", "obj:"}) ==
        kOk);
  CHECK(all.Run({"CLIENT", "TRACKING", "on", "BCAST"}) == kOk);
  CHECK(InfoField(h, "tracking_total_prefixes") == "3");
  CHECK(a.Run({"CLIENT", "LIST"}).find(" flags=tB ") != std::string::npos);
  h.Run({"MSET", "user:2", "a", "other", "b", "user:1", "c", "obj:1", "d"});
  // Keys in order within each prefix; prefixes in order.
  CHECK(a.Take() == Invalidate({"obj:1"}) + Invalidate({"user:1", "user:2"}));
  CHECK(all.Take() == Invalidate({"obj:1", "other", "user:1", "user:2"}));
  a.Run({"GET", "user:1"});  // nothing remembered in BCAST mode
  CHECK(InfoField(h, "tracking_total_keys") == "0");
  CHECK(a.Run({"CLIENT", "TRACKINGINFO"}) ==
        "%3\r\n$5\r\nflags\r\n~2\r\n$2\r\non\r\n$5\r\nbcast\r\n$8\r\nredirect\r\n:0\r\n"
        "$8\r\nprefixes\r\n*2\r\n$4\r\nobj:\r\n$5\r\nuser:\r\n");
  a.Run({"CLIENT", "TRACKING", "off"});
  CHECK(InfoField(h, "tracking_total_prefixes") == "1");
}

TEST_CASE("BCAST with NOLOOP leaves out the keys the client changed last") {
  Harness h;
  PubSubPeer a(h, 3);
  a.Run({"CLIENT", "TRACKING", "on", "BCAST", "NOLOOP"});
  PostQueue q;
  q.Attach(h.server);
  a.Run({"SET", "mine", "1"});
  h.Run({"SET", "theirs", "1"});
  CHECK(a.Take().empty());  // sent once the loop turns
  CHECK(q.RunOne());
  CHECK(a.Take() == Invalidate({"theirs"}));
  a.Run({"SET", "mine", "2"});
  CHECK(q.RunOne());
  CHECK(a.Take().empty());
  h.server.post = nullptr;
}

TEST_CASE("BCAST errors: PREFIX without BCAST, overlapping prefixes, switching modes") {
  Harness h;
  PubSubPeer a(h, 3);
  CHECK(a.Run({"CLIENT", "TRACKING", "on", "PREFIX", "a"}) ==
        "-ERR PREFIX option requires BCAST mode to be enabled\r\n");
  CHECK(a.Run({"CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "ab", "PREFIX", "a"}) ==
        "-ERR Prefix 'ab' overlaps with another provided prefix 'a'. Prefixes for a single "
        "client must not overlap.\r\n");
  CHECK(a.Run({"CLIENT", "TRACKING", "on", "BCAST", "OPTIN"}) ==
        "-ERR OPTIN and OPTOUT are not compatible with BCAST\r\n");
  CHECK(a.Run({"CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a"}) == kOk);
  CHECK(a.Run({"CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "abc"}) ==
        "-ERR Prefix 'abc' overlaps with an existing prefix 'a'. Prefixes for a single client "
        "must not overlap.\r\n");
  CHECK(a.Run({"CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "b"}) == kOk);
  CHECK(a.Run({"CLIENT", "TRACKING", "on"}) ==
        "-ERR You can't switch BCAST mode on/off before disabling tracking for this client, "
        "and then re-enabling it with a different mode.\r\n");
  CHECK(a.Run({"CLIENT", "TRACKING", "on", "BCAST", "NOSUCH"}) == "-ERR syntax error\r\n");
  CHECK(a.Run({"CLIENT", "TRACKING", "maybe"}) == "-ERR syntax error\r\n");
  CHECK(a.Run({"CLIENT", "TRACKING"}) ==
        "-ERR wrong number of arguments for 'client|tracking' command\r\n");
  CHECK(InfoField(h, "tracking_total_prefixes") == "2");
}

TEST_CASE("OPTIN remembers after CLIENT CACHING YES only, for one command") {
  Harness h;
  PubSubPeer a(h, 3);
  CHECK(a.Run({"CLIENT", "TRACKING", "on", "OPTIN"}) == kOk);
  a.Run({"GET", "a"});
  CHECK(InfoField(h, "tracking_total_keys") == "0");
  CHECK(a.Run({"CLIENT", "CACHING", "yes"}) == kOk);
  CHECK(a.Run({"CLIENT", "TRACKINGINFO"}).find("caching-yes") != std::string::npos);
  a.Run({"GET", "b"});
  a.Run({"GET", "c"});  // CACHING held for one command only
  CHECK(InfoField(h, "tracking_total_keys") == "1");
  h.Run({"MSET", "a", "1", "b", "1", "c", "1"});
  CHECK(a.Take() == Invalidate({"b"}));

  // Inside MULTI it holds for the whole transaction.
  a.Run({"CLIENT", "CACHING", "yes"});
  a.Run({"MULTI"});
  a.Run({"GET", "a"});
  a.Run({"GET", "c"});
  a.Run({"EXEC"});
  a.Run({"GET", "b"});
  CHECK(InfoField(h, "tracking_total_keys") == "2");
}

TEST_CASE("OPTOUT remembers all but after CLIENT CACHING NO") {
  Harness h;
  PubSubPeer a(h, 3);
  CHECK(a.Run({"CLIENT", "TRACKING", "on", "OPTOUT"}) == kOk);
  CHECK(a.Run({"CLIENT", "CACHING", "no"}) == kOk);
  a.Run({"GET", "a"});
  a.Run({"GET", "b"});
  CHECK(InfoField(h, "tracking_total_keys") == "1");
  h.Run({"MSET", "a", "1", "b", "1"});
  CHECK(a.Take() == Invalidate({"b"}));
}

TEST_CASE("OPTIN/OPTOUT and CLIENT CACHING errors") {
  Harness h;
  PubSubPeer a(h, 3);
  const std::string not_tracking =
      "-ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN "
      "or OPTOUT mode enabled\r\n";
  CHECK(a.Run({"CLIENT", "CACHING", "yes"}) == not_tracking);
  CHECK(a.Run({"CLIENT", "TRACKING", "on", "OPTIN", "OPTOUT"}) ==
        "-ERR You can't specify both OPTIN mode and OPTOUT mode\r\n");
  a.Run({"CLIENT", "TRACKING", "on", "OPTIN"});
  CHECK(a.Run({"CLIENT", "TRACKING", "on", "OPTOUT"}) ==
        "-ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, "
        "and then re-enabling it with a different mode.\r\n");
  CHECK(a.Run({"CLIENT", "CACHING", "no"}) ==
        "-ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.\r\n");
  CHECK(a.Run({"CLIENT", "CACHING", "maybe"}) == "-ERR syntax error\r\n");
  a.Run({"CLIENT", "TRACKING", "off"});
  a.Run({"CLIENT", "TRACKING", "on", "OPTOUT"});
  CHECK(a.Run({"CLIENT", "CACHING", "yes"}) ==
        "-ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.\r\n");
}

TEST_CASE("FLUSHDB and FLUSHALL send a null invalidation to every tracking client") {
  Harness h;
  PubSubPeer a(h, 3), b(h, 3), plain(h, 3);
  a.Run({"CLIENT", "TRACKING", "on"});
  b.Run({"CLIENT", "TRACKING", "on", "BCAST"});
  h.Run({"SET", "k", "1"});
  a.Take();
  b.Take();
  a.Run({"GET", "k"});
  h.Run({"SELECT", "3"});
  h.Run({"FLUSHDB"});  // an empty database, and another one: still everything
  CHECK(a.Take() == ">2\r\n$10\r\ninvalidate\r\n_\r\n");
  CHECK(b.Take() == ">2\r\n$10\r\ninvalidate\r\n_\r\n");
  CHECK(InfoField(h, "tracking_total_keys") == "0");
  a.Run({"GET", "k"});
  h.Run({"FLUSHALL", "ASYNC"});
  CHECK(a.Take() == ">2\r\n$10\r\ninvalidate\r\n_\r\n");
  CHECK(plain.Take().empty());
  h.Run({"FLUSHALL", "bogus"});
  CHECK(a.Take().empty());
}

TEST_CASE("an expired key is invalidated, whoever finds it expired") {
  Harness h;
  PubSubPeer a(h, 3);
  a.Run({"CLIENT", "TRACKING", "on"});
  h.Run({"SET", "k", "v", "PX", "100"});
  a.Run({"GET", "k"});
  h.clock.Advance(200);
  CHECK(h.Run({"EXISTS", "k"}) == ":0\r\n");
  CHECK(a.Take() == Invalidate({"k"}));
  CHECK(InfoField(h, "tracking_total_keys") == "0");
}

TEST_CASE("a write that changes nothing sends nothing; one that does, does") {
  Harness h;
  PubSubPeer a(h, 3);
  a.Run({"CLIENT", "TRACKING", "on"});
  h.Run({"SADD", "s", "x"});
  a.Run({"SMEMBERS", "s"});
  h.Run({"SREM", "s", "nope"});
  h.Run({"SADD", "s", "x"});
  CHECK(a.Take().empty());
  h.Run({"SADD", "s", "y"});
  CHECK(a.Take() == Invalidate({"s"}));
}

TEST_CASE("WATCH and tracking both hear a change") {
  Harness h;
  PubSubPeer a(h, 3), w(h, 3);
  a.Run({"CLIENT", "TRACKING", "on"});
  a.Run({"GET", "k"});
  w.Run({"WATCH", "k"});
  h.Run({"SET", "k", "1"});
  CHECK(a.Take() == Invalidate({"k"}));
  w.Run({"MULTI"});
  w.Run({"PING"});
  CHECK(w.Run({"EXEC"}) == "_\r\n");
  // And each keeps working once the other stops listening.
  a.Run({"CLIENT", "TRACKING", "off"});
  w.Run({"WATCH", "k"});
  h.Run({"SET", "k", "2"});
  w.Run({"MULTI"});
  CHECK(w.Run({"EXEC"}) == "_\r\n");
}

TEST_CASE("OFF, RESET and a disconnect leave nothing behind") {
  Harness h;
  auto a = std::make_unique<PubSubPeer>(h, 3);
  PubSubPeer b(h, 3);
  a->Run({"CLIENT", "TRACKING", "on"});
  a->Run({"MGET", "x", "y", "z"});
  b.Run({"CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "p"});
  CHECK(InfoField(h, "tracking_total_items") == "3");
  CHECK(a->Run({"CLIENT", "TRACKING", "off"}) == kOk);
  CHECK(InfoField(h, "tracking_total_keys") == "0");
  CHECK(InfoField(h, "tracking_clients") == "1");
  CHECK(a->Run({"CLIENT", "TRACKINGINFO"}) ==
        "%3\r\n$5\r\nflags\r\n~1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n"
        "*0\r\n");
  a->Run({"CLIENT", "TRACKING", "on"});
  a->Run({"GET", "x"});
  a.reset();
  CHECK(InfoField(h, "tracking_total_items") == "0");
  CHECK(b.Run({"RESET"}) == "+RESET\r\n");
  CHECK(InfoField(h, "tracking_total_prefixes") == "0");
  CHECK(InfoField(h, "tracking_clients") == "0");
  h.Run({"SET", "x", "1"});
  CHECK(b.Take().empty());
}

TEST_CASE("TRACKINGINFO in RESP2 and GETREDIR without tracking") {
  Harness h;
  PubSubPeer a(h, 2);
  a.Run({"CLIENT", "TRACKING", "on", "OPTIN", "NOLOOP"});
  a.Run({"CLIENT", "CACHING", "yes"});
  CHECK(a.Run({"CLIENT", "TRACKINGINFO"}) ==
        "*6\r\n$5\r\nflags\r\n*4\r\n$2\r\non\r\n$5\r\noptin\r\n$11\r\ncaching-yes\r\n"
        "$6\r\nnoloop\r\n$8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n*0\r\n");
  CHECK(a.Run({"CLIENT", "GETREDIR"}) == ":0\r\n");
  a.Run({"CLIENT", "TRACKING", "off"});
  CHECK(a.Run({"CLIENT", "GETREDIR"}) == ":-1\r\n");
  // A RESP2 client without a redirect is tracked, but cannot be told.
  a.Run({"CLIENT", "TRACKING", "on"});
  a.Run({"GET", "k"});
  h.Run({"SET", "k", "1"});
  CHECK(a.Take().empty());
  CHECK(InfoField(h, "tracking_total_keys") == "0");
}

}  // namespace
}  // namespace kvd::testing
