#pragma once
// Helpers for the consumer group command tests: streams seeded straight into the keyspace
// (not through XADD), a harness that records the append-only log, and a compact text form
// of replies: arrays "[a b]", RESP3 maps "{k v}", integers ":5", nulls "nil", errors "-ERR".
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/stream_value.h"
#include "unit/commands/extra_client.h"
#include "unit/commands/harness.h"
#include "unit/commands/resp_reader.h"

namespace kvd::testing {

using Command = std::vector<std::string>;
using Commands = std::vector<Command>;

// The XCLAIM that logs a delivery of `id` on stream "s", group "g" (Redis's propagation).
inline Command Claim(std::string consumer, std::string id, std::string time, std::string count,
                     std::string last) {
  return {"XCLAIM",     "s",
          "g",          std::move(consumer),
          "0",          std::move(id),
          "TIME",       std::move(time),
          "RETRYCOUNT", std::move(count),
          "FORCE",      "JUSTID",
          "LASTID",     std::move(last)};
}

inline void ShowValue(const RespValue& v, std::string& out) {
  switch (v.type) {
    case '*':
    case '~':
    case '%':
    case '>':
      if (v.null) {
        out += "nil";
        return;
      }
      out += v.type == '%' ? '{' : '[';
      for (size_t i = 0; i < v.elems.size(); ++i) {
        if (i != 0) out += ' ';
        ShowValue(v.elems[i], out);
      }
      out += v.type == '%' ? '}' : ']';
      return;
    case ':':
      out += ':' + std::to_string(v.integer);
      return;
    case '-':
      out += '-' + v.str;
      return;
    case '_':
      out += "nil";
      return;
    default:
      out += v.null ? "nil" : v.str;
  }
}

// The reply in compact text; "<bad reply>" when it is not exactly one RESP value.
inline std::string Show(const std::string& reply) {
  std::optional<RespValue> v = RespReader::ParseOne(reply);
  if (!v) return "<bad reply: " + reply + ">";
  std::string out;
  ShowValue(*v, out);
  return out;
}

// A harness recording what each command logs, with a helper to seed streams directly.
struct StreamHarness : Harness {
  static constexpr int64_t kStartMs = 1'700'000'000'000;  // where ManualClock starts

  StreamHarness() {
    server.propagate = [this](size_t, std::span<const std::string_view> command) {
      log.emplace_back(command.begin(), command.end());
    };
  }
  // Runs a command written as one line ("XACK s g 1-1") on the main client, as Show().
  std::string Do(std::string_view line) {
    std::string out;
    dispatcher.Execute(client, SplitWords(line), out);
    return Show(out);
  }
  // Appends entries "<ms>-<seq>" with one field "f" = the ID, creating the stream.
  void Add(std::string_view key, std::initializer_list<StreamId> ids) {
    CollectionWrite<StreamValue> s = store.Db(0).Write<StreamValue>(key, clock.NowMs(), true);
    for (StreamId id : ids) {
      const std::string text = id.ToString();
      const std::string_view fv[] = {"f", text};
      s->Append(id, fv);
    }
  }
  // Add(), then wakes the clients blocked on key as a write command would.
  void AddAndSignal(std::string_view key, std::initializer_list<StreamId> ids) {
    Add(key, ids);
    const std::string_view keys[] = {key};
    server.blocked.SignalKeys(keys);
    Do("PING");  // the dispatcher serves ready keys after a command
  }
  bool Delete(std::string_view key, StreamId id) {
    CollectionWrite<StreamValue> s = store.Db(0).Write<StreamValue>(key, clock.NowMs(), false);
    return s && s->Delete(id);
  }
  Commands TakeLog() { return std::exchange(log, {}); }

  Commands log;
};

// Several commands logged by one are wrapped in MULTI/EXEC, as Redis's alsoPropagate does.
inline Commands Multi(Commands commands) {
  commands.insert(commands.begin(), Command{"MULTI"});
  commands.push_back(Command{"EXEC"});
  return commands;
}

// "[1-1 [f 1-1]]": an entry as Add() makes it.
inline std::string Entry(std::string_view id) {
  return "[" + std::string(id) + " [f " + std::string(id) + "]]";
}

}  // namespace kvd::testing
