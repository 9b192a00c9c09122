#include <algorithm>
#include <cctype>

#include "core/text.h"
#include "server/command.h"

namespace kvd {
namespace {

// Orders a lower-case table name against a name as sent, ignoring the latter's case,
// without building a lower-case copy per lookup.
int CompareIgnoreCase(std::string_view lower, std::string_view sent) {
  size_t n = std::min(lower.size(), sent.size());
  for (size_t i = 0; i < n; ++i) {
    auto a = static_cast<unsigned char>(lower[i]);
    auto b = static_cast<unsigned char>(std::tolower(static_cast<unsigned char>(sent[i])));
    if (a != b) return a < b ? -1 : 1;
  }
  if (lower.size() == sent.size()) return 0;
  return lower.size() < sent.size() ? -1 : 1;
}

}  // namespace

void CommandTable::Add(CommandSpec spec) {
  spec.name = ToLower(spec.name);
  for (CommandSpec& sub : spec.subcommands) sub.name = ToLower(sub.name);
  specs_.push_back(std::move(spec));
  index_.clear();  // stale until the next Freeze()
}

void CommandTable::Freeze() {
  index_.clear();
  index_.reserve(specs_.size());
  for (size_t i = 0; i < specs_.size(); ++i) index_.emplace_back(specs_[i].name, i);
  std::sort(index_.begin(), index_.end());
}

const CommandSpec* CommandTable::Find(std::string_view name) const {
  if (index_.size() != specs_.size()) {  // not frozen: a linear scan keeps Find correct
    for (const CommandSpec& s : specs_) {
      if (CompareIgnoreCase(s.name, name) == 0) return &s;
    }
    return nullptr;
  }
  auto it = std::lower_bound(
      index_.begin(), index_.end(), name,
      [](const auto& entry, std::string_view n) { return CompareIgnoreCase(entry.first, n) < 0; });
  if (it == index_.end() || CompareIgnoreCase(it->first, name) != 0) return nullptr;
  return &specs_[it->second];
}

const CommandSpec* FindSubcommand(const CommandSpec& container, std::string_view sub) {
  for (const CommandSpec& s : container.subcommands) {
    std::string_view name = s.name;
    size_t bar = name.find('|');
    if (bar != std::string_view::npos) name.remove_prefix(bar + 1);
    if (CompareIgnoreCase(name, sub) == 0) return &s;
  }
  return nullptr;
}

void RegisterAllCommands(CommandTable& t) {
  RegisterConnectionFamily(t);
  RegisterServerFamily(t);
  RegisterKeyFamily(t);
  RegisterObjectFamily(t);
  RegisterStringFamily(t);
  RegisterHashFamily(t);
  RegisterSetFamily(t);
  RegisterListFamily(t);
  RegisterZSetFamily(t);
  RegisterAofCommands(t);
  RegisterPubSubFamily(t);
  RegisterTransactionCommands(t);
  RegisterSlowlogCommands(t);
  RegisterLatencyCommands(t);
  RegisterScriptCommands(t);
  RegisterFunctionCommands(t);
}

}  // namespace kvd
