#pragma once
// The command table as the ACL sees it: every command and subcommand gets a dense id (the
// bit in a selector's command bitmap), its categories as a bit mask, and its key specs.
// Built from the CommandTable on first use and again when the table has grown.
#include <array>
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/command.h"

namespace kvd {

struct CommandDoc;

// Redis's ACL categories, in Redis's order (ACL CAT, COMMAND INFO).
inline constexpr std::array<std::string_view, 21> kAclCategories = {
    "keyspace", "read",   "write",       "set",       "sortedset",  "list",        "hash",
    "string",   "bitmap", "hyperloglog", "geo",       "stream",     "pubsub",      "admin",
    "fast",     "slow",   "blocking",    "dangerous", "connection", "transaction", "scripting"};

// The bit of a category name (case-insensitive, without '@'); 0 when unknown.
uint32_t AclCategoryBit(std::string_view name);

class AclCommandIndex {
 public:
  struct Entry {
    const CommandSpec* spec = nullptr;
    uint32_t categories = 0;          // AclCategoryBit bits
    int parent = -1;                  // the container's id, for a subcommand
    std::vector<uint32_t> subs;       // a container's subcommands
    const CommandDoc* doc = nullptr;  // key specs (may be null)
  };

  explicit AclCommandIndex(const CommandTable& table) : table_(table) {}

  // Rebuilds when commands were added to the table since the last build.
  void Refresh();
  size_t size() const { return entries_.size(); }
  const Entry& at(uint32_t id) const { return entries_[id]; }
  const std::vector<Entry>& entries() const { return entries_; }
  // The id of a command of the table; -1 when unknown.
  int Id(const CommandSpec* spec) const;
  // "get" or "client|list" (case-insensitive); -1 when there is no such command.
  int Lookup(std::string_view name) const;

 private:
  const CommandTable& table_;
  size_t built_for_ = static_cast<size_t>(-1);  // the table's size when built
  std::vector<Entry> entries_;
  std::unordered_map<const CommandSpec*, uint32_t> ids_;
};

}  // namespace kvd
