// XADD, XTRIM, XDEL and XSETID through the real dispatcher: IDs chosen as Redis chooses them,
// Redis 7.2's errors in Redis's order, trimming (exact, by whole chunks, LIMIT), and what is
// logged: concrete IDs, exact thresholds, no LIMIT, nothing for a write that changed nothing.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "unit/commands/pubsub_test_util.h"
#include "unit/commands/stream_test_util.h"

namespace kvd::testing {
namespace {

constexpr std::string_view kNow = "1700000000000";  // where ManualClock starts

TEST_CASE("streams: XADD generates IDs from the clock, never going back") {
  StreamHarness h;
  ExtraClient c(h);
  const std::string now(kNow);
  CHECK(c.Run("XADD s * f v") == Bulk(now + "-0"));
  CHECK(c.Run("XADD s * f v") == Bulk(now + "-1"));
  h.clock.Advance(5);
  CHECK(c.Run("XADD s * f v") == Bulk("1700000000005-0"));
  // An explicit ID ahead of the clock: "*" continues after it.
  CHECK(c.Run("XADD s 1800000000000-7 f v") == Bulk("1800000000000-7"));
  CHECK(c.Run("XADD s * f v") == Bulk("1800000000000-8"));
  // <ms>-*: the next sequence in that millisecond, or 0 in a later one.
  CHECK(c.Run("XADD s 1800000000000-* f v") == Bulk("1800000000000-9"));
  CHECK(c.Run("XADD s 1800000000001-* f v") == Bulk("1800000000001-0"));
  CHECK(c.Run("XADD t 0-* f v") == Bulk("0-1"));
  CHECK(c.Run("XADD t 5 f v") == Bulk("5-0"));  // a missing sequence is 0
  CHECK(c.Run("XLEN s") == Int(7));
  CHECK(c.Run("XRANGE t - +") == Array({Entry("0-1", {"f", "v"}), Entry("5-0", {"f", "v"})}));
}

TEST_CASE("streams: XADD refuses IDs that are not above the top one, and 0-0") {
  StreamHarness h;
  ExtraClient c(h);
  const std::string too_small =
      Err("ERR The ID specified in XADD is equal or smaller than the target stream top item");
  CHECK(c.Run("XADD s 0-0 f v") == Err("ERR The ID specified in XADD must be greater than 0-0"));
  CHECK(c.Run("EXISTS s") == Int(0));  // refused before the key is made
  CHECK(c.Run("XADD s 0 f v") == Err("ERR The ID specified in XADD must be greater than 0-0"));
  CHECK(c.Run("XADD s 5-5 f v") == Bulk("5-5"));
  CHECK(c.Run("XADD s 5-5 f v") == too_small);
  CHECK(c.Run("XADD s 5-4 f v") == too_small);
  CHECK(c.Run("XADD s 4-* f v") == too_small);
  CHECK(c.Run("XADD s 0-0 f v") == Err("ERR The ID specified in XADD must be greater than 0-0"));
  // The sequence is full in that millisecond.
  CHECK(c.Run("XADD s 5-18446744073709551615 f v") == Bulk("5-18446744073709551615"));
  CHECK(c.Run("XADD s 5-* f v") == too_small);
  CHECK(c.Run("XADD s 6-* f v") == Bulk("6-0"));
  // The largest ID: nothing more can be added, not even with "*".
  CHECK(c.Run("XADD s 18446744073709551615-18446744073709551615 f v") ==
        Bulk("18446744073709551615-18446744073709551615"));
  const std::string exhausted =
      Err("ERR The stream has exhausted the last possible ID, unable to add more items");
  CHECK(c.Run("XADD s * f v") == exhausted);
  CHECK(c.Run("XADD s 1-1 f v") == exhausted);
  CHECK(c.Run("XLEN s") == Int(4));
}

TEST_CASE("streams: XADD's argument errors, in Redis's order") {
  StreamHarness h;
  ExtraClient c(h);
  const std::string bad_id = Err("ERR Invalid stream ID specified as stream command argument");
  const std::string arity = Err("ERR wrong number of arguments for 'xadd' command");
  CHECK(c.Run("XADD s * f") == arity);
  CHECK(c.Run("XADD s * f v g") == arity);
  CHECK(c.Run("XADD s 1-1 f v g") == arity);
  CHECK(c.Run("XADD s MAXLEN 5 f v") == bad_id);  // "f" is taken for the ID
  CHECK(c.Run("XADD s MAXLEN 5 * f") == arity);
  CHECK(c.Run("XADD s NOMKSTREAM") == arity);
  CHECK(c.Run("XADD s - f v") == bad_id);
  CHECK(c.Run("XADD s + f v") == bad_id);
  CHECK(c.Run("XADD s 1-x f v") == bad_id);
  CHECK(c.Run("XADD s -1 f v") == bad_id);
  CHECK(c.Run("XADD s *-1 f v") == bad_id);
  CHECK(c.Run("XADD s 1-** f v") == bad_id);
  CHECK(c.Run("XADD s BOGUS * f v") == bad_id);
  CHECK(c.Run("XADD s MAXLEN x * f v") == kNotInt);
  CHECK(c.Run("XADD s MAXLEN -1 * f v") == Err("ERR The MAXLEN argument must be >= 0."));
  CHECK(c.Run("XADD s MINID x * f v") == bad_id);
  CHECK(c.Run("XADD s MINID - * f v") == bad_id);
  const std::string conflict =
      Err("ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
  CHECK(c.Run("XADD s MAXLEN 1 MINID 1 * f v") == conflict);
  CHECK(c.Run("XADD s MAXLEN 1 MAXLEN 2 * f v") == conflict);
  CHECK(c.Run("XADD s LIMIT x * f v") == kNotInt);
  CHECK(c.Run("XADD s LIMIT -1 * f v") == Err("ERR The LIMIT argument must be >= 0."));
  CHECK(c.Run("XADD s LIMIT 5 * f v") ==
        Err("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy"));
  const std::string no_tilde =
      Err("ERR syntax error, LIMIT cannot be used without the special ~ option");
  CHECK(c.Run("XADD s LIMIT 0 * f v") == no_tilde);
  CHECK(c.Run("XADD s MAXLEN 5 LIMIT 5 * f v") == no_tilde);
  CHECK(c.Run("XADD s MAXLEN = 5 LIMIT 5 * f v") == no_tilde);
  CHECK(c.Run("EXISTS s") == Int(0));
  CHECK(c.Run("SET str x") == kOk);
  CHECK(c.Run("XADD str * f v") == kWrongType);
  CHECK(c.Run("XADD str NOMKSTREAM * f v") == kWrongType);
  CHECK(c.Run("XADD str 0-0 f v") == Err("ERR The ID specified in XADD must be greater than 0-0"));
  CHECK(h.TakeLog().size() == 1);  // the SET only
}

TEST_CASE("streams: XADD NOMKSTREAM: a null reply and no key when the stream is missing") {
  StreamHarness h;
  ExtraClient c(h);
  CHECK(c.Run("XADD s NOMKSTREAM * f v") == kNil);
  c.c.resp = 3;
  CHECK(c.Run("XADD s NOMKSTREAM * f v") == "_\r\n");
  CHECK(c.Run("EXISTS s") == Int(0));
  CHECK(h.TakeLog().empty());
  CHECK(c.Run("XADD s 1-1 f v") == Bulk("1-1"));
  CHECK(c.Run("XADD s nomkstream 2-1 f v") == Bulk("2-1"));
  CHECK(c.Run("XLEN s") == Int(2));
  CHECK(h.TakeLog() == std::vector<Command>{{"XADD", "s", "1-1", "f", "v"},
                                            {"XADD", "s", "nomkstream", "2-1", "f", "v"}});
}

TEST_CASE("streams: XADD keeps fields and values as given, repeated fields included") {
  StreamHarness h;
  ExtraClient c(h);
  CHECK(c.Run("XADD s 1-1 a 1 b 2 a 3") == Bulk("1-1"));
  std::vector<std::string_view> binary = {"XADD", "s", "2-1", std::string_view("\0x", 2), ""};
  std::string out;
  h.dispatcher.Execute(c.c, binary, out);
  CHECK(out == Bulk("2-1"));
  CHECK(c.Run("XRANGE s - +") == Array({Entry("1-1", {"a", "1", "b", "2", "a", "3"}),
                                        Entry("2-1", {std::string("\0x", 2), ""})}));
}

TEST_CASE("streams: XADD is logged with the ID it added, never '*'") {
  StreamHarness h;
  ExtraClient c(h);
  CHECK(c.Run("XADD s * f v") == Bulk("1700000000000-0"));
  CHECK(c.Run("XADD s 1700000000000-* g w") == Bulk("1700000000000-1"));
  CHECK(c.Run("XADD s 1800000000000 f v") == Bulk("1800000000000-0"));
  CHECK(h.TakeLog() == std::vector<Command>{
                           {"XADD", "s", "1700000000000-0", "f", "v"},
                           {"XADD", "s", "1700000000000-1", "g", "w"},
                           {"XADD", "s", "1800000000000", "f", "v"},  // as sent
                       });
}

TEST_CASE("streams: XADD and XTRIM inside MULTI are logged with their rewrites") {
  StreamHarness h;
  ExtraClient c(h);
  CHECK(c.Run("MULTI") == kOk);
  CHECK(c.Run("XADD s * f v") == "+QUEUED\r\n");
  CHECK(c.Run("XADD s MAXLEN ~ 5 LIMIT 5 * f w") == "+QUEUED\r\n");
  CHECK(c.Run("XTRIM s MAXLEN 1") == "+QUEUED\r\n");
  CHECK(c.Run("EXEC") == Array({Bulk("1700000000000-0"), Bulk("1700000000000-1"), Int(1)}));
  CHECK(h.TakeLog() == std::vector<Command>{
                           {"MULTI"},
                           {"XADD", "s", "1700000000000-0", "f", "v"},
                           {"XADD", "s", "MAXLEN", "=", "2", "1700000000000-1", "f", "w"},
                           {"XTRIM", "s", "MAXLEN", "1"},
                           {"EXEC"},
                       });
}

TEST_CASE("streams: XADD MAXLEN and MINID trim exactly, after adding") {
  StreamHarness h;
  ExtraClient c(h);
  FillStream(c, "s", 5);  // 1-1 .. 5-1
  h.TakeLog();
  CHECK(c.Run("XADD s MAXLEN 3 6-1 f 5") == Bulk("6-1"));
  CHECK(c.Run("XRANGE s - + COUNT 1") == Array({Entry("4-1", {"f", "3"})}));
  CHECK(c.Run("XLEN s") == Int(3));
  CHECK(c.Run("XADD s MAXLEN = 2 * f 6") == Bulk("1700000000000-0"));
  CHECK(c.Run("XLEN s") == Int(2));
  CHECK(c.Run("XADD s MINID 1700000000000 7-* f 7") ==
        Err("ERR The ID specified in XADD is equal or smaller than the target stream top item"));
  CHECK(c.Run("XADD s MINID = 1700000000000 1700000000001-* f 7") == Bulk("1700000000001-0"));
  CHECK(c.Run("XRANGE s - +") ==
        Array({Entry("1700000000000-0", {"f", "6"}), Entry("1700000000001-0", {"f", "7"})}));
  // MAXLEN 0 removes even the new entry; the stream stays, empty.
  CHECK(c.Run("XADD s MAXLEN 0 * f 8") == Bulk("1700000000001-1"));
  CHECK(c.Run("XLEN s") == Int(0));
  CHECK(c.Run("EXISTS s") == Int(1));
  // Exact trimming is logged as sent, with the ID made concrete.
  CHECK(h.TakeLog() ==
        std::vector<Command>{
            {"XADD", "s", "MAXLEN", "3", "6-1", "f", "5"},
            {"XADD", "s", "MAXLEN", "=", "2", "1700000000000-0", "f", "6"},
            {"XADD", "s", "MINID", "=", "1700000000000", "1700000000001-0", "f", "7"},
            {"XADD", "s", "MAXLEN", "0", "1700000000001-1", "f", "8"},
        });
}

TEST_CASE("streams: XADD and XTRIM with '~' remove whole chunks only, and log the exact result") {
  StreamHarness h;
  ScopedNodeEntries nodes(10);
  ExtraClient c(h);
  FillStream(c, "s", 35);  // chunks of 10: 1-1..10-1, 11-1..20-1, 21-1..30-1, 31-1..35-1
  h.TakeLog();
  CHECK(c.Run("XADD s MAXLEN ~ 25 36-1 f x") == Bulk("36-1"));
  CHECK(c.Run("XLEN s") == Int(26));  // one chunk of 10 went: 26 left, not 25
  CHECK(c.Run("XTRIM s MAXLEN ~ 25") == Int(0));
  CHECK(c.Run("XTRIM s MAXLEN ~ 16") == Int(10));
  CHECK(c.Run("XLEN s") == Int(16));
  CHECK(c.Run("XTRIM s MINID ~ 35") == Int(10));  // 21-1..30-1; 31-1..36-1 hold 35-1
  CHECK(c.Run("XRANGE s - + COUNT 1") == Array({Entry("31-1", {"f", "30"})}));
  CHECK(h.TakeLog() == std::vector<Command>{
                           {"XADD", "s", "MAXLEN", "=", "26", "36-1", "f", "x"},
                           {"XTRIM", "s", "MAXLEN", "=", "16"},
                           {"XTRIM", "s", "MINID", "=", "31-1"},
                       });
  CHECK(c.Run("XTRIM s MINID ~ 99") == Int(6));  // the last chunk too: the stream is empty
  CHECK(h.TakeLog() == std::vector<Command>{{"XTRIM", "s", "MINID", "=",
                                             "18446744073709551615-18446744073709551615"}});
}

TEST_CASE("streams: LIMIT bounds an approximate trim and is not logged") {
  StreamHarness h;
  ScopedNodeEntries nodes(10);
  ExtraClient c(h);
  FillStream(c, "s", 50);
  h.TakeLog();
  CHECK(c.Run("XTRIM s MAXLEN ~ 0 LIMIT 25") == Int(20));  // two whole chunks fit in 25
  CHECK(c.Run("XTRIM s MAXLEN ~ 0 LIMIT 5") == Int(0));
  CHECK(c.Run("XADD s MAXLEN ~ 0 LIMIT 10 51-1 f x") == Bulk("51-1"));
  CHECK(c.Run("XLEN s") == Int(21));
  CHECK(c.Run("XTRIM s LIMIT 10 MINID ~ 100") == Int(10));
  CHECK(h.TakeLog() == std::vector<Command>{
                           {"XTRIM", "s", "MAXLEN", "=", "30"},
                           {"XADD", "s", "MAXLEN", "=", "21", "51-1", "f", "x"},
                           {"XTRIM", "s", "MINID", "=", "41-1"},
                       });
}

TEST_CASE(
    "streams: an approximate trim without LIMIT removes at most 100 * stream-node-max-entries") {
  StreamHarness h;
  ScopedNodeEntries nodes(2);
  ExtraClient c(h);
  FillStream(c, "s", 250);
  CHECK(c.Run("XTRIM s MAXLEN ~ 0") == Int(200));
  CHECK(c.Run("XTRIM s MAXLEN 0") == Int(50));  // exact trimming has no bound
}

TEST_CASE("streams: without an entry bound on chunks, an approximate trim removes at most 10000") {
  StreamHarness h;
  ScopedNodeEntries nodes(0);
  ExtraClient c(h);
  CHECK(c.Run("CONFIG SET stream-node-max-bytes 1") == kOk);  // one entry a chunk
  FillStream(c, "s", 10005);
  CHECK(c.Run("XTRIM s MAXLEN ~ 0") == Int(10000));
  CHECK(c.Run("CONFIG SET stream-node-max-bytes 4096") == kOk);
}

TEST_CASE("streams: a log replayed as an AOF loader does rebuilds the same stream") {
  StreamHarness h;
  ScopedNodeEntries nodes(4);
  ExtraClient c(h);
  for (int i = 0; i < 30; ++i) {
    h.clock.Advance(i % 3);
    c.Run(i % 4 == 0 ? "XADD s MAXLEN ~ 9 LIMIT 8 * f v" : "XADD s * f v");
    if (i % 7 == 0) c.Run("XTRIM s MINID ~ " + std::to_string(1700000000000 + i / 2));
  }
  c.Run("XDEL s 1700000000010-0");
  const std::string expected = c.Run("XRANGE s - +");
  std::vector<Command> log = h.TakeLog();
  StreamHarness replay;
  ScopedNodeEntries other(3);  // another chunk layout: the log must not depend on it
  ExtraClient r(replay);
  r.c.replaying_aof = true;
  replay.clock.Advance(1'000'000);  // another clock: the log must not depend on it either
  for (const Command& cmd : log) {
    std::vector<std::string_view> args(cmd.begin(), cmd.end());
    std::string out;
    replay.dispatcher.Execute(r.c, args, out);
    CHECK(out.front() != '-');
  }
  CHECK(r.Run("XRANGE s - +") == expected);
}

TEST_CASE("streams: an AOF written by Redis loads: LIMIT next to an exact threshold is ignored") {
  StreamHarness h;
  ExtraClient c(h);
  c.c.replaying_aof = true;  // Redis keeps LIMIT when it logs "MAXLEN ~ n" as "MAXLEN = len"
  FillStream(c, "s", 5);
  CHECK(c.Run("XADD s MAXLEN = 3 LIMIT 100 6-1 f v") == Bulk("6-1"));
  CHECK(c.Run("XTRIM s MINID = 5-1 LIMIT 100") == Int(1));
  CHECK(c.Run("XRANGE s - +") == Array({Entry("5-1", {"f", "4"}), Entry("6-1", {"f", "v"})}));
  c.c.replaying_aof = false;
  CHECK(c.Run("XTRIM s MINID = 5-1 LIMIT 100") ==
        Err("ERR syntax error, LIMIT cannot be used without the special ~ option"));
}

TEST_CASE("streams: XTRIM: errors, a missing key, and nothing logged when nothing goes") {
  StreamHarness h;
  ExtraClient c(h);
  CHECK(c.Run("XTRIM s MAXLEN 0") == Int(0));
  CHECK(c.Run("XTRIM s FOO 1") == kSyntax);
  CHECK(c.Run("XTRIM s LIMIT 1 LIMIT") == kSyntax);
  CHECK(c.Run("XTRIM s MAXLEN") == Err("ERR wrong number of arguments for 'xtrim' command"));
  CHECK(c.Run("XTRIM s LIMIT 0") ==
        Err("ERR syntax error, XTRIM must be called with a trimming strategy"));
  CHECK(c.Run("XTRIM s LIMIT 3") ==
        Err("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy"));
  CHECK(c.Run("XTRIM s MAXLEN 1 LIMIT 3") ==
        Err("ERR syntax error, LIMIT cannot be used without the special ~ option"));
  CHECK(c.Run("XTRIM s MAXLEN -5") == Err("ERR The MAXLEN argument must be >= 0."));
  CHECK(c.Run("XTRIM s MINID +") ==
        Err("ERR Invalid stream ID specified as stream command argument"));
  CHECK(c.Run("XTRIM s MINID 1 MAXLEN 1") ==
        Err("ERR syntax error, MAXLEN and MINID options at the same time are not compatible"));
  CHECK(c.Run("XTRIM s * 1") == kSyntax);
  CHECK(c.Run("SET str x") == kOk);
  CHECK(c.Run("XTRIM str MAXLEN 1") == kWrongType);
  h.TakeLog();
  FillStream(c, "s", 5);
  h.TakeLog();
  CHECK(c.Run("XTRIM s MAXLEN 5") == Int(0));
  CHECK(c.Run("XTRIM s MINID 1-1") == Int(0));
  CHECK(h.TakeLog().empty());
  CHECK(c.Run("XTRIM s MINID 3") == Int(2));
  CHECK(c.Run("XTRIM s maxlen = 1") == Int(2));
  CHECK(c.Run("XRANGE s - +") == Array({Entry("5-1", {"f", "4"})}));
  CHECK(h.TakeLog() ==
        std::vector<Command>{{"XTRIM", "s", "MINID", "3"}, {"XTRIM", "s", "maxlen", "=", "1"}});
}

TEST_CASE("streams: XDEL deletes live entries, checks every ID first, and counts") {
  StreamHarness h;
  ExtraClient c(h);
  CHECK(c.Run("XDEL s 1-1") == Int(0));
  CHECK(c.Run("XDEL s bad") == Int(0));  // a missing key is not read further
  FillStream(c, "s", 4);
  h.TakeLog();
  CHECK(c.Run("XDEL s 2-1 bad") ==
        Err("ERR Invalid stream ID specified as stream command argument"));
  CHECK(c.Run("XDEL s 2-1 -") == Err("ERR Invalid stream ID specified as stream command argument"));
  CHECK(c.Run("XLEN s") == Int(4));
  CHECK(c.Run("XDEL s 2-1 3-1 2-1 9-9 3") == Int(2));
  CHECK(c.Run("XDEL s 2-1") == Int(0));
  CHECK(c.Run("XRANGE s - +") == Array({Entry("1-1", {"f", "0"}), Entry("4-1", {"f", "3"})}));
  CHECK(h.TakeLog() == std::vector<Command>{{"XDEL", "s", "2-1", "3-1", "2-1", "9-9", "3"}});
  CHECK(c.Run("XDEL s 1-1 4-1") == Int(2));
  CHECK(c.Run("EXISTS s") == Int(1));  // an emptied stream stays
  CHECK(c.Run("XADD s 4-1 f v") ==
        Err("ERR The ID specified in XADD is equal or smaller than the target stream top item"));
  CHECK(c.Run("SET str x") == kOk);
  CHECK(c.Run("XDEL str 1-1") == kWrongType);
}

TEST_CASE("streams: XSETID: the last ID and counters, with Redis 7.2's checks") {
  StreamHarness h;
  ExtraClient c(h);
  const std::string bad_id = Err("ERR Invalid stream ID specified as stream command argument");
  CHECK(c.Run("XSETID s 1-1") == Err("ERR no such key"));
  CHECK(c.Run("XSETID s bad") == bad_id);
  CHECK(c.Run("XSETID s +") == bad_id);
  CHECK(c.Run("XSETID s 1-1 FOO 1") == kSyntax);
  CHECK(c.Run("XSETID s 1-1 ENTRIESADDED") == kSyntax);
  CHECK(c.Run("XSETID s 1-1 ENTRIESADDED x") == kNotInt);
  CHECK(c.Run("XSETID s 1-1 ENTRIESADDED -1") == Err("ERR entries_added must be positive"));
  CHECK(c.Run("XSETID s 1-1 MAXDELETEDID 2-1") ==
        Err("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id"));
  CHECK(c.Run("XSETID s 1-1 MAXDELETEDID x") == bad_id);
  FillStream(c, "s", 3);  // 1-1 2-1 3-1
  CHECK(c.Run("XDEL s 3-1") == Int(1));
  h.TakeLog();
  CHECK(c.Run("XSETID s 2-5") ==
        Err("ERR The ID specified in XSETID is smaller than current max_deleted_entry_id"));
  CHECK(c.Run("XSETID s 1-5 MAXDELETEDID 1-0") ==
        Err("ERR The ID specified in XSETID is smaller than current max_deleted_entry_id"));
  CHECK(c.Run("XDEL s 2-1") == Int(1));
  CHECK(c.Run("XSETID s 3-1 ENTRIESADDED 0") ==
        Err("ERR The entries_added specified in XSETID is smaller than the target stream "
            "length"));
  CHECK(c.Run("XSETID s 3-1 ENTRIESADDED 1") == kOk);
  CHECK(c.Run("XSETID s 5-0 ENTRIESADDED 10 MAXDELETEDID 4-0") == kOk);
  CHECK(c.Run("XADD s 5-0 f v") ==
        Err("ERR The ID specified in XADD is equal or smaller than the target stream top item"));
  CHECK(c.Run("XADD s * f v") == Bulk("1700000000000-0"));
  CHECK(h.TakeLog() == std::vector<Command>{
                           {"XDEL", "s", "2-1"},
                           {"XSETID", "s", "3-1", "ENTRIESADDED", "1"},
                           {"XSETID", "s", "5-0", "ENTRIESADDED", "10", "MAXDELETEDID", "4-0"},
                           {"XADD", "s", "1700000000000-0", "f", "v"},
                       });
  // With live entries, the last ID may not go below the top one.
  CHECK(c.Run("XSETID s 1700000000000-0") == kOk);  // equal is fine
  CHECK(c.Run("XSETID s 1699999999999-0") ==
        Err("ERR The ID specified in XSETID is smaller than the target stream top item"));
  // An empty stream takes any ID from its max deleted one on.
  CHECK(c.Run("XADD e MAXLEN 0 1-1 f v") == Bulk("1-1"));
  CHECK(c.Run("XSETID e 0-1") == kOk);
  CHECK(c.Run("XADD e * f v") == Bulk("1700000000000-0"));
  CHECK(c.Run("SET str x") == kOk);
  CHECK(c.Run("XSETID str 1-1") == kWrongType);
}

TEST_CASE("streams: keyspace events: xadd, xtrim, xdel, xsetid as Redis fires them") {
  StreamHarness h;
  ExtraClient c(h);
  CHECK(c.Run("CONFIG SET notify-keyspace-events Et") == kOk);
  PubSubPeer sub(h);
  sub.Run({"PSUBSCRIBE", "__keyevent@0__:*"});
  sub.Take();
  auto events = [&] {
    std::vector<std::string> out;
    for (const auto& f : Frames(sub.Take())) out.push_back(f[2].substr(15) + " " + f[3]);
    return out;
  };
  FillStream(c, "s", 3);
  CHECK(c.Run("XADD s MAXLEN 2 4-1 f v") == Bulk("4-1"));
  CHECK(c.Run("XADD s MAXLEN 5 5-1 f v") == Bulk("5-1"));  // trims nothing: no xtrim
  CHECK(c.Run("XTRIM s MAXLEN 2") == Int(1));
  CHECK(c.Run("XTRIM s MAXLEN 2") == Int(0));
  CHECK(c.Run("XDEL s 4-1 9-9") == Int(1));
  CHECK(c.Run("XDEL s 4-1") == Int(0));
  CHECK(c.Run("XSETID s 9-9") == kOk);
  CHECK(c.Run("XADD s NOMKSTREAM 1-1 f v") ==
        Err("ERR The ID specified in XADD is equal or smaller than the target stream top item"));
  CHECK(events() == std::vector<std::string>{"xadd s", "xadd s", "xadd s", "xadd s", "xtrim s",
                                             "xadd s", "xtrim s", "xdel s", "xsetid s"});
}

}  // namespace
}  // namespace kvd::testing
