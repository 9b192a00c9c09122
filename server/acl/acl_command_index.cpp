#include "server/acl/acl_command_index.h"

#include "core/text.h"
#include "server/commands/command_docs_data.h"

namespace kvd {
namespace {

uint32_t CategoriesOf(const CommandSpec& spec) {
  uint32_t bits = 0;
  std::string_view rest = spec.acl_categories;
  while (!rest.empty()) {
    const size_t space = rest.find(' ');
    std::string_view word = rest.substr(0, space);
    if (word.size() > 1 && word[0] == '@') bits |= AclCategoryBit(word.substr(1));
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
  }
  return bits;
}

}  // namespace

uint32_t AclCategoryBit(std::string_view name) {
  for (size_t i = 0; i < kAclCategories.size(); ++i) {
    if (EqualsIgnoreCase(kAclCategories[i], name)) return 1u << i;
  }
  return 0;
}

void AclCommandIndex::Refresh() {
  // Commands are only ever added (before the table is frozen), so the count tells.
  if (table_.All().size() == built_for_) return;
  built_for_ = table_.All().size();
  entries_.clear();
  ids_.clear();
  auto add = [&](const CommandSpec& s, int parent) {
    const auto id = static_cast<uint32_t>(entries_.size());
    entries_.push_back({&s, CategoriesOf(s), parent, {}, FindCommandDoc(s.name)});
    ids_.emplace(&s, id);
    return id;
  };
  for (const CommandSpec& s : table_.All()) {
    const uint32_t id = add(s, -1);
    for (const CommandSpec& sub : s.subcommands) {
      const uint32_t sub_id = add(sub, static_cast<int>(id));
      entries_[id].subs.push_back(sub_id);
    }
  }
}

int AclCommandIndex::Id(const CommandSpec* spec) const {
  auto it = ids_.find(spec);
  return it == ids_.end() ? -1 : static_cast<int>(it->second);
}

int AclCommandIndex::Lookup(std::string_view name) const {
  // As Redis's lookupCommandBySds: "cmd" or "container|sub", nothing deeper.
  const size_t bar = name.find('|');
  const CommandSpec* spec = table_.Find(name.substr(0, bar));
  if (spec == nullptr) return -1;
  if (bar != std::string_view::npos) {
    std::string_view sub = name.substr(bar + 1);
    if (spec->subcommands.empty() || sub.find('|') != std::string_view::npos) return -1;
    spec = FindSubcommand(*spec, sub);
    if (spec == nullptr) return -1;
  }
  return Id(spec);
}

}  // namespace kvd
