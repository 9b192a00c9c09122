#pragma once
// Redis's documentation of its commands, as COMMAND DOCS and COMMAND INFO give it: summaries,
// history, arguments, tips and key specs. The tables are generated from Redis itself
// (command_docs_data.cpp, scripts/gen_command_docs.py); a command's arity, flags and legacy key
// range stay in the command table, which decides behaviour.
#include <cstdint>
#include <span>
#include <string_view>

namespace kvd {

enum ArgDocFlag : uint8_t {
  kArgOptional = 1u << 0,       // "optional"
  kArgMultiple = 1u << 1,       // "multiple"
  kArgMultipleToken = 1u << 2,  // "multiple_token"
};

// One argument; "" and -1 mean the field is absent. Block and oneof arguments have children:
// kArgs[first_child, first_child + num_children).
struct ArgDoc {
  std::string_view name, type, display_text, token, summary, since, deprecated_since;
  int key_spec_index;
  uint8_t flags;  // ArgDocFlag bits
  uint16_t first_child, num_children;
};

struct HistoryDoc {
  std::string_view version, change;
};

// begin_search: "index" (begin = its index), "keyword" (keyword, begin = startfrom) or
// "unknown". find_keys: "range" (a, b, c = lastkey, keystep, limit), "keynum" (keynumidx,
// firstkey, keystep) or "unknown".
struct KeySpecDoc {
  std::string_view notes;
  std::string_view flags;  // space separated, in Redis's order: "RW access update"
  std::string_view begin_type;
  int begin;
  std::string_view keyword;
  std::string_view find_type;
  int a, b, c;
};

// A command or subcommand ("client|kill"); space-separated lists, "" for an absent field.
struct CommandDoc {
  std::string_view name, summary, since, group, complexity, doc_flags, deprecated_since,
      replaced_by, tips;
  uint16_t first_history, num_history, first_arg, num_args, first_key_spec, num_key_specs;
};

struct CommandDocTables {
  std::span<const CommandDoc> commands;  // sorted by name
  std::span<const ArgDoc> args;
  std::span<const HistoryDoc> history;
  std::span<const KeySpecDoc> key_specs;
};

// The generated tables (command_docs_data.cpp).
CommandDocTables CommandDocData();

// The documentation of `full_name` (lower case, "client|kill"), or null.
const CommandDoc* FindCommandDoc(std::string_view full_name);

inline std::span<const ArgDoc> Arguments(const CommandDoc& d) {
  return CommandDocData().args.subspan(d.first_arg, d.num_args);
}
inline std::span<const ArgDoc> Children(const ArgDoc& a) {
  return CommandDocData().args.subspan(a.first_child, a.num_children);
}
inline std::span<const HistoryDoc> History(const CommandDoc& d) {
  return CommandDocData().history.subspan(d.first_history, d.num_history);
}
inline std::span<const KeySpecDoc> KeySpecs(const CommandDoc& d) {
  return CommandDocData().key_specs.subspan(d.first_key_spec, d.num_key_specs);
}

}  // namespace kvd
