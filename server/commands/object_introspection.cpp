#include "server/commands/object_introspection.h"

#include "core/collection.h"
#include "core/numeric.h"
#include "server/config.h"

namespace kvd {
namespace {

// Redis keeps strings of up to 44 bytes in one allocation with their header.
constexpr size_t kEmbstrMaxLen = 44;
// Redis shares the objects of the integers 0..9999 (OBJ_SHARED_INTEGERS) and reports their
// reference count as INT_MAX (OBJ_SHARED_REFCOUNT).
constexpr int64_t kSharedIntegers = 10000;
constexpr int64_t kSharedRefcount = 2147483647;

// The encoding Redis's tryObjectEncoding gives a string written whole (SET): "int" for the
// canonical text of a 64-bit integer, "embstr" when short, "raw" otherwise. One edited in
// place (APPEND, SETRANGE, SETBIT, PFADD...) Redis holds "raw" whatever it holds; one held
// as text (INCRBYFLOAT's result) is never "int".
std::string_view StringEncoding(const Record& r) {
  if (r.edited()) return "raw";
  const std::string_view value = r.string_value();
  if (!r.text() && value.size() <= 20 && ParseInt64(value)) return "int";
  return value.size() <= kEmbstrMaxLen ? "embstr" : "raw";
}

}  // namespace

std::string_view ObjectEncodingOf(const Record& r) {
  if (r.type() == ValueType::kString) return StringEncoding(r);
  return ObjectEncodingName(r);
}

// kvd shares no values, but answers as Redis would: Redis stops sharing integers when
// maxmemory is set with an LRU or LFU policy, so that each key keeps its own access field.
int64_t ObjectRefcountOf(const Record& r, const ConfigValues& cfg) {
  const std::string_view policy = cfg.maxmemory_policy;
  const bool sharing =
      cfg.maxmemory == 0 || !(policy.ends_with("-lru") || policy.ends_with("-lfu"));
  if (sharing && r.type() == ValueType::kString && !r.unshared()) {
    if (StringEncoding(r) == "int") {
      const int64_t n = *ParseInt64(r.string_value());
      if (n >= 0 && n < kSharedIntegers) return kSharedRefcount;
    }
  }
  return 1;
}

}  // namespace kvd
