#pragma once
// What OBJECT ENCODING and OBJECT REFCOUNT report for a value, as Redis would for the same
// data; DEBUG OBJECT shows the same.
#include <cstdint>
#include <string_view>

#include "core/record.h"

namespace kvd {

struct ConfigValues;

// "int", "embstr", "raw" for strings; the collection's encoding otherwise ("listpack",
// "quicklist", "hashtable", "intset", "skiplist", "stream").
std::string_view ObjectEncodingOf(const Record& r);

// Redis's refcount: INT_MAX for a string holding one of its shared integers (when the
// maxmemory policy lets it share them), 1 otherwise.
int64_t ObjectRefcountOf(const Record& r, const ConfigValues& cfg);

}  // namespace kvd
