// COMMAND DOCS arguments and COMMAND INFO tips and key specs as Redis gives them, and the
// documentation tables agreeing with the command table.
#include <doctest/doctest.h>

#include <algorithm>
#include <climits>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "server/commands/command_docs_data.h"
#include "unit/commands/harness.h"
#include "unit/commands/resp_reader.h"

namespace kvd::testing {
namespace {

RespValue ParseReply(const std::string& raw) {
  std::optional<RespValue> v = RespReader::ParseOne(raw);
  REQUIRE(v.has_value());
  return *v;
}

std::vector<std::string> Words(const RespValue& array) {
  std::vector<std::string> out;
  for (const RespValue& e : array.elems) out.push_back(e.str);
  return out;
}

// One command's doc map from COMMAND DOCS <name>.
std::map<std::string, RespValue> Docs(Harness& h, std::string_view name) {
  RespValue v = ParseReply(h.Run({"COMMAND", "DOCS", name}));
  REQUIRE(v.elems.size() == 2);
  CHECK(v.elems[0].str == name);
  return v.elems[1].AsMap();
}

// "name:type[token]" for each argument, children in parentheses, flags after a slash: a
// compact picture of an argument tree to compare with Redis's.
std::string Shape(const RespValue& args) {
  std::string out;
  for (const RespValue& a : args.elems) {
    auto m = a.AsMap();
    if (!out.empty()) out += ' ';
    out += m["name"].str + ':' + m["type"].str;
    if (m.count("token")) out += '[' + m["token"].str + ']';
    if (m.count("flags")) {
      for (const std::string& f : Words(m["flags"])) out += '/' + f;
    }
    if (m.count("arguments")) out += '(' + Shape(m["arguments"]) + ')';
  }
  return out;
}

// The key specs of COMMAND INFO <name>: their flags, one string per spec.
std::vector<std::string> KeySpecFlags(Harness& h, std::string_view name) {
  RespValue v = ParseReply(h.Run({"COMMAND", "INFO", name}));
  REQUIRE(v.elems.size() == 1);
  REQUIRE(v.elems[0].elems.size() == 10);
  std::vector<std::string> out;
  for (const RespValue& spec : v.elems[0].elems[8].elems) {
    std::string flags;
    for (const std::string& f : Words(spec.AsMap()["flags"])) {
      flags += (flags.empty() ? "" : " ") + f;
    }
    out.push_back(flags);
  }
  return out;
}

TEST_CASE("COMMAND DOCS SET: Redis's arguments and history") {
  Harness h;
  auto doc = Docs(h, "set");
  CHECK(doc["summary"].str == h.table.Find("set")->summary);  // the table's 7.2 wording
  CHECK(doc["group"].str == "string");
  CHECK(doc["history"].elems.size() == 4);
  CHECK(doc["history"].elems[0].elems[0].str == "2.6.12");
  CHECK(Shape(doc["arguments"]) ==
        "key:key value:string condition:oneof/optional(nx:pure-token[NX] xx:pure-token[XX]) "
        "get:pure-token[GET]/optional "
        "expiration:oneof/optional(seconds:integer[EX] milliseconds:integer[PX] "
        "unix-time-seconds:unix-time[EXAT] unix-time-milliseconds:unix-time[PXAT] "
        "keepttl:pure-token[KEEPTTL])");
  auto key = doc["arguments"].elems[0].AsMap();
  CHECK(key["key_spec_index"].integer == 0);
  CHECK(doc["arguments"].elems[2].AsMap()["since"].str == "2.6.12");
}

TEST_CASE("COMMAND DOCS GETEX and ZADD: oneof and block arguments") {
  Harness h;
  CHECK(Shape(Docs(h, "getex")["arguments"]) ==
        "key:key expiration:oneof/optional(seconds:integer[EX] milliseconds:integer[PX] "
        "unix-time-seconds:unix-time[EXAT] unix-time-milliseconds:unix-time[PXAT] "
        "persist:pure-token[PERSIST])");
  auto zadd = Docs(h, "zadd");
  CHECK(zadd["group"].str == "sorted-set");
  CHECK(Shape(zadd["arguments"]) ==
        "key:key condition:oneof/optional(nx:pure-token[NX] xx:pure-token[XX]) "
        "comparison:oneof/optional(gt:pure-token[GT] lt:pure-token[LT]) "
        "change:pure-token[CH]/optional increment:pure-token[INCR]/optional "
        "score_member:block/multiple(score:double member:string)");
}

TEST_CASE("COMMAND DOCS MIGRATE: the empty-string token is shown, as Redis does") {
  Harness h;
  const std::string shape = Shape(Docs(h, "migrate")["arguments"]);
  CHECK(shape.starts_with(
      "host:string port:integer key_or_empty_string:oneof(key:key empty_string:pure-token[]) "));
}

TEST_CASE("COMMAND DOCS CLIENT KILL: both filter formats, deprecated_since") {
  Harness h;
  auto doc = Docs(h, "client|kill");
  CHECK(doc["since"].str == "2.4.0");
  CHECK(doc["history"].elems.size() == 5);
  const RespValue& filter = doc["arguments"].elems.at(0);
  auto formats = filter.AsMap()["arguments"];
  REQUIRE(formats.elems.size() == 2);
  auto old_format = formats.elems[0].AsMap();
  CHECK(old_format["name"].str == "ip:port");
  CHECK(old_format["deprecated_since"].str == "2.8.12");
  CHECK(Shape(formats.elems[1].AsMap()["arguments"]) ==
        "client-id:integer[ID]/optional "
        "normal_master_slave_pubsub:oneof[TYPE]/optional(normal:pure-token[NORMAL] "
        "master:pure-token[MASTER] slave:pure-token[SLAVE] replica:pure-token[REPLICA] "
        "pubsub:pure-token[PUBSUB]) username:string[USER]/optional "
        "ip:port:string[ADDR]/optional ip:port:string[LADDR]/optional "
        "yes/no:string[SKIPME]/optional");
  // The container's map holds it under its full name, with the same fields.
  auto client = Docs(h, "client");
  CHECK(client["subcommands"].AsMap()["client|kill"].AsMap().count("arguments") == 1);
}

TEST_CASE("COMMAND DOCS: deprecated commands and doc_flags") {
  Harness h;
  auto doc = Docs(h, "getset");
  CHECK(Words(doc["doc_flags"]) == std::vector<std::string>{"deprecated"});
  CHECK(doc["deprecated_since"].str == "6.2.0");
  CHECK(doc["replaced_by"].str == "`SET` with the `!GET` argument");
}

TEST_CASE("COMMAND INFO key spec flags as Redis") {
  Harness h;
  CHECK(KeySpecFlags(h, "get") == std::vector<std::string>{"RO access"});
  CHECK(KeySpecFlags(h, "set") == std::vector<std::string>{"RW access update variable_flags"});
  CHECK(KeySpecFlags(h, "del") == std::vector<std::string>{"RM delete"});
  CHECK(KeySpecFlags(h, "zunionstore") == std::vector<std::string>{"OW update", "RO access"});
  CHECK(KeySpecFlags(h, "lpush") == std::vector<std::string>{"RW insert"});
  RespValue set = ParseReply(h.Run({"COMMAND", "INFO", "set"})).elems[0];
  auto spec = set.elems[8].elems.at(0).AsMap();
  CHECK(spec["notes"].str == "RW and ACCESS due to the optional `GET` argument");
  // Tips: DEL's request and response policies.
  RespValue del = ParseReply(h.Run({"COMMAND", "INFO", "del"})).elems[0];
  CHECK(Words(del.elems[7]) ==
        std::vector<std::string>{"request_policy:multi_shard", "response_policy:agg_sum"});
}

TEST_CASE("COMMAND INFO: keyword and keynum key specs") {
  Harness h;
  RespValue zu = ParseReply(h.Run({"COMMAND", "INFO", "zunionstore"})).elems[0];
  auto keynum = zu.elems[8].elems.at(1).AsMap();
  CHECK(keynum["begin_search"].AsMap()["spec"].AsMap()["index"].integer == 2);
  auto find = keynum["find_keys"].AsMap();
  CHECK(find["type"].str == "keynum");
  CHECK(find["spec"].AsMap()["keynumidx"].integer == 0);
  CHECK(find["spec"].AsMap()["firstkey"].integer == 1);
}

TEST_CASE("RESP3: COMMAND DOCS and COMMAND INFO use maps and sets") {
  Harness h;
  REQUIRE(h.Run({"HELLO", "3"}).rfind("%", 0) == 0);
  RespValue docs = ParseReply(h.Run({"COMMAND", "DOCS", "set"}));
  CHECK(docs.type == '%');
  auto doc = docs.elems.at(1).AsMap();
  CHECK(docs.elems.at(1).type == '%');
  CHECK(doc["history"].type == '~');
  CHECK(doc["history"].elems.at(0).type == '*');
  CHECK(doc["arguments"].type == '*');
  const RespValue& condition = doc["arguments"].elems.at(2);
  CHECK(condition.type == '%');
  CHECK(condition.AsMap()["flags"].type == '~');
  CHECK(condition.AsMap()["flags"].elems.at(0).type == '+');
  CHECK(condition.AsMap()["arguments"].type == '*');

  RespValue info = ParseReply(h.Run({"COMMAND", "INFO", "del"})).elems.at(0);
  CHECK(info.elems[7].type == '~');
  CHECK(info.elems[7].elems.at(0).type == '$');  // tips are bulk strings
  const RespValue& spec = info.elems[8].elems.at(0);
  CHECK(info.elems[8].type == '~');
  CHECK(spec.type == '%');
  CHECK(spec.AsMap()["flags"].type == '~');
  CHECK(spec.AsMap()["begin_search"].type == '%');
  CHECK(spec.AsMap()["find_keys"].AsMap()["spec"].type == '%');
}

TEST_CASE("every registered command and subcommand is documented") {
  Harness h;
  for (const CommandSpec& s : h.table.All()) {
    CAPTURE(s.name);
    const CommandDoc* d = FindCommandDoc(s.name);
    REQUIRE(d != nullptr);
    CHECK_FALSE(d->summary.empty());
    CHECK_FALSE(d->group.empty());
    for (const CommandSpec& sub : s.subcommands) {
      CAPTURE(sub.name);
      CHECK(FindCommandDoc(sub.name) != nullptr);
    }
  }
}

// Redis's populateCommandLegacyRangeSpec: the (first, last, step) triple COMMAND INFO shows,
// derived from a command's key specs; `movable` when some keys are outside that triple.
struct LegacyRange {
  int first = 0, last = 0, step = 0;
  bool movable = false;
};

LegacyRange Legacy(std::span<const KeySpecDoc> specs) {
  LegacyRange out;
  if (specs.empty()) return out;
  if (specs.size() == 1 && specs[0].begin_type == "index" && specs[0].find_type == "range") {
    const KeySpecDoc& k = specs[0];
    out.first = k.begin;
    out.last = k.a < 0 ? k.a : k.begin + k.a;
    out.step = k.b;
    out.movable = k.flags.find("incomplete") != std::string_view::npos;
    return out;
  }
  int first = INT_MAX;
  int last = 0, prev_last = 0;
  for (const KeySpecDoc& k : specs) {
    if (k.begin_type != "index" || k.find_type != "range" || k.b != 1 ||
        (prev_last != 0 && prev_last != k.begin - 1)) {
      out.movable = true;
      continue;
    }
    if (k.flags.find("incomplete") != std::string_view::npos) out.movable = true;
    first = std::min(first, k.begin);
    const int abs_last = k.a >= 0 ? k.a + k.begin : k.a;
    // Redis compares as unsigned, so a negative (counted from the end) last key wins.
    last = static_cast<unsigned>(last) > static_cast<unsigned>(abs_last) ? last : abs_last;
    prev_last = last;
  }
  if (first == INT_MAX) return out;
  out.first = first;
  out.last = last;
  out.step = 1;
  return out;
}

void CheckKeyRange(const CommandSpec& s) {
  const CommandDoc* d = FindCommandDoc(s.name);
  if (d == nullptr) return;
  CAPTURE(s.name);
  LegacyRange legacy = Legacy(KeySpecs(*d));
  CHECK(s.first_key == legacy.first);
  CHECK(s.last_key == legacy.last);
  CHECK(s.key_step == legacy.step);
  // Keys counted by an argument: Redis's keynum spec begins at that argument.
  int keynum_index = 0;
  for (const KeySpecDoc& k : KeySpecs(*d)) {
    if (k.find_type == "keynum" && k.begin_type == "index") keynum_index = k.begin + k.a;
  }
  if (s.numkeys_index > 0) CHECK(s.numkeys_index == keynum_index);
  if (legacy.movable) CHECK((s.flags & kMovableKeys) != 0);
}

TEST_CASE("the documented key specs agree with the command table's key ranges") {
  Harness h;
  for (const CommandSpec& s : h.table.All()) {
    CheckKeyRange(s);
    for (const CommandSpec& sub : s.subcommands) CheckKeyRange(sub);
  }
}

TEST_CASE("the documentation tables are well formed") {
  CommandDocTables t = CommandDocData();
  for (size_t i = 1; i < t.commands.size(); ++i) {
    CHECK(t.commands[i - 1].name < t.commands[i].name);  // FindCommandDoc's binary search
  }
  for (const CommandDoc& d : t.commands) {
    CAPTURE(d.name);
    CHECK(FindCommandDoc(d.name) == &d);
    CHECK(d.first_arg + d.num_args <= t.args.size());
    CHECK(d.first_history + d.num_history <= t.history.size());
    CHECK(d.first_key_spec + d.num_key_specs <= t.key_specs.size());
    for (const ArgDoc& a : Arguments(d)) {
      CHECK(a.key_spec_index < static_cast<int>(d.num_key_specs));
      CHECK((a.num_children > 0) == (a.type == "oneof" || a.type == "block"));
    }
  }
  CHECK(FindCommandDoc("nosuch") == nullptr);
}

}  // namespace
}  // namespace kvd::testing
