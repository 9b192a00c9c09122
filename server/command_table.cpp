#include <cstdint>

#include "core/text.h"
#include "server/command.h"

namespace kvd {
namespace {

unsigned char AsciiLower(unsigned char c) {
  return static_cast<unsigned char>(c + ((c - 'A' < 26u) << 5));
}

// FNV-1a over the lower-cased bytes: command names are short, so a byte loop is cheapest.
uint32_t FoldedHash(std::string_view name) {
  uint32_t h = 2166136261u;
  for (unsigned char c : name) h = (h ^ AsciiLower(c)) * 16777619u;
  return h;
}

// A lower-case table name against a name as sent, ignoring the latter's case.
bool EqualsSent(std::string_view lower, std::string_view sent) {
  if (lower.size() != sent.size()) return false;
  for (size_t i = 0; i < lower.size(); ++i) {
    if (static_cast<unsigned char>(lower[i]) != AsciiLower(static_cast<unsigned char>(sent[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

void CommandTable::Add(CommandSpec spec) {
  spec.name = ToLower(spec.name);
  for (CommandSpec& sub : spec.subcommands) sub.name = ToLower(sub.name);
  specs_.push_back(std::move(spec));
}

void CommandTable::Freeze() {
  size_t size = 16;
  while (size < 2 * specs_.size()) size *= 2;
  index_.assign(size, Slot{});
  for (size_t i = 0; i < specs_.size(); ++i) {
    const uint32_t hash = FoldedHash(specs_[i].name);
    size_t at = hash & (size - 1);
    while (index_[at].spec != kEmptySlot) at = (at + 1) & (size - 1);
    index_[at] = {hash, static_cast<uint32_t>(i)};
  }
  indexed_ = specs_.size();
}

const CommandSpec* CommandTable::Find(std::string_view name) const {
  if (indexed_ != specs_.size()) {  // not frozen: a linear scan keeps Find correct
    for (const CommandSpec& s : specs_) {
      if (EqualsSent(s.name, name)) return &s;
    }
    return nullptr;
  }
  const uint32_t hash = FoldedHash(name);
  const size_t mask = index_.size() - 1;
  for (size_t at = hash & mask;; at = (at + 1) & mask) {
    const Slot& slot = index_[at];
    if (slot.spec == kEmptySlot) return nullptr;
    if (slot.hash == hash && EqualsSent(specs_[slot.spec].name, name)) return &specs_[slot.spec];
  }
}

const CommandSpec* FindSubcommand(const CommandSpec& container, std::string_view sub) {
  for (const CommandSpec& s : container.subcommands) {
    std::string_view name = s.name;
    size_t bar = name.find('|');
    if (bar != std::string_view::npos) name.remove_prefix(bar + 1);
    if (EqualsSent(name, sub)) return &s;
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
