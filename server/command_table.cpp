#include <bit>
#include <cstdint>
#include <cstring>

#include "core/text.h"
#include "server/command.h"

namespace kvd {
namespace {

unsigned char AsciiLower(unsigned char c) {
  return static_cast<unsigned char>(c + ((static_cast<unsigned>(c - 'A') < 26u) << 5));
}

// FNV-1a over the lower-cased bytes: command names are short, so a byte loop is cheapest.
uint32_t FoldedHash(std::string_view name) {
  uint32_t h = 2166136261u;
  for (unsigned char c : name) h = (h ^ AsciiLower(c)) * 16777619u;
  return h;
}

// Up to 8 bytes of a name as one little-endian word, zero-padded, read without touching a
// byte past its end (two overlapping loads put every byte at its own place).
uint64_t PackShortName(std::string_view name) {
  static_assert(std::endian::native == std::endian::little);
  const auto* p = reinterpret_cast<const unsigned char*>(name.data());
  const size_t n = name.size();
  if (n >= 4) {
    uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + n - 4, 4);
    return lo | (uint64_t{hi} << ((n - 4) * 8));
  }
  return p[0] | (uint64_t{p[n / 2]} << (n / 2 * 8)) | (uint64_t{p[n - 1]} << ((n - 1) * 8));
}

// AsciiLower on the 8 bytes of a word at once: a byte gets 0x20 added when it is A-Z.
uint64_t FoldWord(uint64_t v) {
  constexpr uint64_t kOnes = 0x0101010101010101u;
  const uint64_t low7 = v & (0x7F * kOnes);
  const uint64_t at_least_a = low7 + (0x80 - 'A') * kOnes;            // top bit: byte >= 'A'
  const uint64_t past_z = low7 + (0x80 - 'Z' - 1) * kOnes;            // top bit: byte > 'Z'
  const uint64_t upper = at_least_a & ~past_z & ~v & (0x80 * kOnes);  // and below 0x80
  return v | (upper >> 2);
}

uint32_t ShortNameHash(uint64_t key) {
  return static_cast<uint32_t>((key * 0x9E3779B97F4A7C15u) >> 32);
}

constexpr size_t kShortName = 8;
bool IsShort(std::string_view name) { return !name.empty() && name.size() <= kShortName; }

// What the index keeps of a name, as sent or as registered: a short one folded into a word
// (compared whole), a longer one only hashed (compared byte by byte).
struct NameKey {
  uint64_t word = 0;
  uint32_t hash = 0;
};
NameKey KeyOf(std::string_view name) {
  if (!IsShort(name)) return {0, FoldedHash(name)};
  const uint64_t word = FoldWord(PackShortName(name));
  return {word, ShortNameHash(word)};
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
    const std::string_view name = specs_[i].name;
    const NameKey key = KeyOf(name);
    const Slot slot{key.word, key.hash, static_cast<uint32_t>(name.size()),
                    static_cast<uint32_t>(i)};
    size_t at = slot.hash & (size - 1);
    while (index_[at].spec != kEmptySlot) at = (at + 1) & (size - 1);
    index_[at] = slot;
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
  const size_t mask = index_.size() - 1;
  const NameKey key = KeyOf(name);
  const bool short_name = IsShort(name);
  for (size_t at = key.hash & mask;; at = (at + 1) & mask) {
    const Slot& slot = index_[at];
    if (slot.spec == kEmptySlot) return nullptr;
    if (slot.hash != key.hash || slot.length != name.size()) continue;
    // A short name's word is the name ("get" and "get\0" pack alike: the length tells).
    if (short_name ? slot.key == key.word : EqualsSent(specs_[slot.spec].name, name)) {
      return &specs_[slot.spec];
    }
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
  RegisterBitmapFamily(t);
  RegisterHashFamily(t);
  RegisterSetFamily(t);
  RegisterListFamily(t);
  RegisterZSetFamily(t);
  RegisterHllFamily(t);
  RegisterGeoFamily(t);
  RegisterStreamFamily(t);
  RegisterStreamGroupFamily(t);
  RegisterAofCommands(t);
  RegisterPubSubFamily(t);
  RegisterTransactionCommands(t);
  RegisterSlowlogCommands(t);
  RegisterLatencyCommands(t);
  RegisterScriptCommands(t);
  RegisterFunctionCommands(t);
  RegisterReplicaofCommands(t);
  RegisterDebugCommand(t);
  RegisterClusterCommands(t);
  RegisterModuleCommand(t);
  RegisterLolwutCommand(t);
}

}  // namespace kvd
