#include "server/acl/acl_keys.h"

#include <optional>

#include "core/numeric.h"
#include "core/text.h"
#include "server/commands/command_docs_data.h"

namespace kvd {
namespace {

struct SpecFlags {
  uint8_t perms = 0;
  bool not_key = false;
  bool incomplete = false;
  bool variable = false;
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
    else if (w == "incomplete")
      f.incomplete = true;
    else if (w == "variable_flags")
      f.variable = true;
  }
  return f;
}

// The flags of a key spec marked variable_flags, for these arguments. Only SET has one: it
// reads the old value just with GET (Redis's setGetKeys).
uint8_t VariablePerms(const CommandSpec& spec, std::span<const std::string_view> args,
                      uint8_t declared) {
  if (spec.name != "set") return declared;
  for (size_t i = 3; i < args.size(); ++i) {
    if (EqualsIgnoreCase(args[i], "get")) return declared;
  }
  return kAclWrite;
}

// Redis's getKeysUsingKeySpecs; false when a spec cannot be followed.
bool KeysFromSpecs(const CommandSpec& spec, const CommandDoc& doc,
                   std::span<const std::string_view> args, std::vector<AclArgRef>& out) {
  const int argc = static_cast<int>(args.size());
  for (const KeySpecDoc& ks : KeySpecs(doc)) {
    const SpecFlags flags = ParseSpecFlags(ks.flags);
    if (flags.not_key) continue;
    int first = 0;
    if (ks.begin_type == "index") {
      first = ks.begin;
    } else if (ks.begin_type == "keyword") {
      const int start = ks.begin > 0 ? ks.begin : argc + ks.begin;
      const int end = ks.begin > 0 ? argc - 1 : 0;
      for (int i = start; i != end; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (EqualsIgnoreCase(args[i], ks.keyword)) {
          first = i + 1;
          break;
        }
      }
      if (first == 0) continue;  // keyword absent: no keys from this spec
    } else {
      return false;
    }
    int last = 0, step = 1;
    if (ks.find_type == "range") {
      step = ks.b;
      if (ks.a >= 0) {
        last = first + ks.a;
      } else if (ks.c == 0) {
        last = argc + ks.a;
      } else {
        last = first + ((argc - first) / ks.c + ks.a);
      }
    } else if (ks.find_type == "keynum") {
      step = ks.c;
      if (first + ks.a >= argc) return false;
      std::optional<int64_t> n = ParseInt64(args[first + ks.a]);
      if (!n || *n < 0 || *n > argc) return false;
      first += ks.b;
      last = first + static_cast<int>(*n) - 1;
    } else {
      return false;
    }
    if (last >= argc || last < first || first >= argc) return false;
    if (step <= 0) step = 1;
    const uint8_t perms = flags.variable ? VariablePerms(spec, args, flags.perms) : flags.perms;
    for (int i = first; i <= last; i += step) out.push_back({static_cast<size_t>(i), perms});
    if (flags.incomplete) return false;
  }
  return true;
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
  const size_t before = out.size();
  if (e.doc != nullptr && !KeySpecs(*e.doc).empty() && KeysFromSpecs(*e.spec, *e.doc, args, out)) {
    return;
  }
  out.resize(before);
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
