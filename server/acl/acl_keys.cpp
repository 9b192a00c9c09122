#include "server/acl/acl_keys.h"

#include <optional>

#include "core/numeric.h"
#include "core/text.h"
#include "server/commands/command_docs_data.h"
#include "server/commands/command_getkeys.h"

namespace kvd {
namespace {

struct SpecFlags {
  uint8_t perms = 0;
  bool not_key = false;
};

SpecFlags ParseSpecFlags(std::string_view flags) {
  SpecFlags f;
  while (!flags.empty()) {
    const size_t space = flags.find(' ');
    std::string_view w = flags.substr(0, space);
    flags = space == std::string_view::npos ? std::string_view() : flags.substr(space + 1);
    // As Redis's ACLSelectorCheckKey: ACCESS needs read, INSERT/DELETE/UPDATE need write.
    if (w == "access")
      f.perms |= kAclRead;
    else if (w == "insert" || w == "delete" || w == "update")
      f.perms |= kAclWrite;
    else if (w == "not_key")
      f.not_key = true;
  }
  return f;
}

// The table's own key positions, when the specs do not tell.
void LegacyKeys(const CommandSpec& s, std::span<const std::string_view> args,
                std::vector<AclArgRef>& out) {
  const auto argc = static_cast<int64_t>(args.size());
  if (s.first_key > 0 && s.first_key < argc) {
    const int64_t last = s.last_key < 0 ? argc + s.last_key : s.last_key;
    const int64_t step = s.key_step > 0 ? s.key_step : 1;
    for (int64_t i = s.first_key; i <= last && i < argc; i += step) {
      out.push_back({static_cast<size_t>(i), kAclReadWrite});
    }
  }
  if (s.numkeys_index > 0 && s.numkeys_index < argc) {
    std::optional<int64_t> n = ParseInt64(args[s.numkeys_index]);
    if (!n || *n < 0) return;
    for (int64_t i = 0; i < *n && s.numkeys_index + 1 + i < argc; ++i) {
      out.push_back({static_cast<size_t>(s.numkeys_index + 1 + i), kAclReadWrite});
    }
  }
}

}  // namespace

bool AclCommandHasKeys(const AclCommandIndex::Entry& e) {
  if (e.spec->first_key > 0 || e.spec->numkeys_index > 0) return true;
  if (e.doc == nullptr) return false;
  for (const KeySpecDoc& ks : KeySpecs(*e.doc)) {
    if (!ParseSpecFlags(ks.flags).not_key) return true;
  }
  return false;
}

void AclCommandKeys(const AclCommandIndex::Entry& e, std::span<const std::string_view> args,
                    std::vector<AclArgRef>& out) {
  if (e.doc != nullptr && !KeySpecs(*e.doc).empty()) {
    if (auto keys = FindCommandKeys(*e.spec, e.doc, args)) {
      for (const FoundKey& k : *keys) out.push_back({k.index, ParseSpecFlags(k.flags).perms});
      return;
    }
  }
  LegacyKeys(*e.spec, args, out);
}

bool AclCommandHasChannels(const CommandSpec& spec) {
  const std::string& n = spec.name;
  return n == "publish" || n == "spublish" || n == "subscribe" || n == "ssubscribe" ||
         n == "psubscribe";
}

void AclCommandChannels(const CommandSpec& spec, std::span<const std::string_view> args,
                        std::vector<AclArgRef>& out) {
  const std::string& n = spec.name;
  if (n == "publish" || n == "spublish") {
    if (args.size() > 1) out.push_back({1, 0});
    return;
  }
  const uint8_t pattern = n == "psubscribe" ? 1 : 0;
  for (size_t i = 1; i < args.size(); ++i) out.push_back({i, pattern});
}

}  // namespace kvd
