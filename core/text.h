#pragma once
// Small text helpers shared by every layer above core/.
#include <string>
#include <string_view>

namespace kvd {

bool EqualsIgnoreCase(std::string_view a, std::string_view b);
std::string ToLower(std::string_view s);

// A key or value as error messages show it: printable ASCII as is (with \ and ' escaped),
// other bytes as \xHH, cut to 64 bytes with "..." after.
std::string PrintableKey(std::string_view s);

// Appends s quoted and escaped as Redis's sdscatrepr does ("a\"b\\\x01"): MONITOR lines and
// quoted names in the AOF manifest.
void AppendRepr(std::string& out, std::string_view s);

// Redis's stringmatchlen: glob match with *, ?, [abc], [^a], [a-z] and \ escapes, byte for
// byte as Redis 7 (including its guards against exponential backtracking and deep nesting).
// As in Redis, "*" does not match the empty string: KEYS and SCAN MATCH treat a lone "*" as
// "everything" before calling this.
bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase = false);

}  // namespace kvd
