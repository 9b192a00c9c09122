#pragma once
// A compact way to fill a CommandSpec for the key and string families: the values are
// Redis 7.2's (COMMAND INFO and COMMAND DOCS).
#include <string_view>

#include "server/command.h"

namespace kvd {

struct KeyRange {
  int first = 0, last = 0, step = 0;  // {0, 0, 0}: no keys
  int numkeys_index = 0;  // CommandSpec::numkeys_index: keys counted by argv[i]
};

// The key positions most commands have, shared by every family table.
inline constexpr KeyRange kNoKeys{0, 0, 0};
inline constexpr KeyRange kOneKey{1, 1, 1};    // GET k
inline constexpr KeyRange kTwoKeys{1, 2, 1};   // RENAME src dst
inline constexpr KeyRange kAllKeys{1, -1, 1};  // DEL k [k ...]

struct SpecDocs {
  std::string_view acl_categories;
  std::string_view group;
  std::string_view since;
  std::string_view summary;
  std::string_view complexity;
};

inline CommandSpec MakeSpec(std::string_view name, int arity, uint32_t flags, KeyRange keys,
                            CommandHandler handler, const SpecDocs& docs) {
  CommandSpec s;
  s.name = std::string(name);
  s.arity = arity;
  s.flags = flags;
  s.first_key = keys.first;
  s.last_key = keys.last;
  s.key_step = keys.step;
  s.numkeys_index = keys.numkeys_index;
  if (keys.numkeys_index > 0) s.flags |= kMovableKeys;
  s.handler = handler;
  s.acl_categories = docs.acl_categories;
  s.group = docs.group;
  s.since = docs.since;
  s.summary = docs.summary;
  s.complexity = docs.complexity;
  return s;
}

}  // namespace kvd
