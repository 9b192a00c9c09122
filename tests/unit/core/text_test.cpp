#include "core/text.h"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

using kvd::EqualsIgnoreCase;
using kvd::GlobMatch;
using kvd::ToLower;

using namespace std::string_view_literals;

TEST_CASE("EqualsIgnoreCase and ToLower are ASCII-only") {
  CHECK(EqualsIgnoreCase("GET", "get"));
  CHECK(EqualsIgnoreCase("", ""));
  CHECK_FALSE(EqualsIgnoreCase("get", "gets"));
  CHECK_FALSE(EqualsIgnoreCase("get", "gex"));
  CHECK_FALSE(EqualsIgnoreCase("\xc9", "\xe9"));  // Latin-1 letters are not folded
  CHECK(ToLower("SeT-Ex_1") == "set-ex_1");
  CHECK(ToLower("A\0B"sv) == "a\0b"sv);
  CHECK(ToLower("\xC9") == "\xC9");
}

TEST_CASE("GlobMatch: literals, ? and *") {
  CHECK(GlobMatch("", ""));
  CHECK_FALSE(GlobMatch("", "a"));
  // Redis's stringmatchlen does not match "*" against ""; KEYS and SCAN special-case a
  // lone "*" before calling it.
  CHECK_FALSE(GlobMatch("*", ""));
  CHECK(GlobMatch("*", "anything"));
  CHECK_FALSE(GlobMatch("**", ""));
  CHECK(GlobMatch("a*", "a"));
  CHECK(GlobMatch("abc", "abc"));
  CHECK_FALSE(GlobMatch("abc", "abd"));
  CHECK_FALSE(GlobMatch("abc", "ab"));
  CHECK_FALSE(GlobMatch("ab", "abc"));
  CHECK(GlobMatch("a?c", "abc"));
  CHECK_FALSE(GlobMatch("a?c", "ac"));
  CHECK_FALSE(GlobMatch("?", ""));
  CHECK(GlobMatch("h*llo", "hllo"));
  CHECK(GlobMatch("h*llo", "heeeello"));
  CHECK(GlobMatch("foo*", "foo"));
  CHECK(GlobMatch("foo**", "foo"));
  CHECK(GlobMatch("*foo*", "xfooy"));
  CHECK_FALSE(GlobMatch("*foo*", "fo"));
  CHECK(GlobMatch("user:*:name", "user:1000:name"));
  CHECK_FALSE(GlobMatch("user:*:name", "user:1000:names"));
  CHECK(GlobMatch("*a", "aaa"));
  CHECK_FALSE(GlobMatch("*a", "aab"));
  CHECK(GlobMatch("a*b*c", "axxbyyc"));
  CHECK_FALSE(GlobMatch("a*b*c", "axxcyyb"));
}

TEST_CASE("GlobMatch: character classes") {
  CHECK(GlobMatch("h[ae]llo", "hello"));
  CHECK(GlobMatch("h[ae]llo", "hallo"));
  CHECK_FALSE(GlobMatch("h[ae]llo", "hillo"));
  CHECK(GlobMatch("h[^e]llo", "hallo"));
  CHECK_FALSE(GlobMatch("h[^e]llo", "hello"));
  CHECK(GlobMatch("h[a-b]llo", "hbllo"));
  CHECK_FALSE(GlobMatch("h[a-b]llo", "hcllo"));
  CHECK(GlobMatch("[z-a]", "m"));  // reversed ranges are swapped
  CHECK(GlobMatch("[^a-c]", "d"));
  CHECK_FALSE(GlobMatch("[^a-c]", "b"));
  // "a-]" is read as the range ']'..'a' (then the class is unterminated), as in Redis.
  CHECK_FALSE(GlobMatch("[a-]", "-"));
  CHECK(GlobMatch("[a-]", "^"));
  CHECK(GlobMatch("[a-]", "a"));
  CHECK(GlobMatch("[-a]", "-"));
  CHECK(GlobMatch("[\\]]", "]"));  // escaped ']' inside a class
  CHECK(GlobMatch("[\\-]", "-"));
  CHECK_FALSE(GlobMatch("[]", "a"));  // an empty class matches nothing
  CHECK(GlobMatch("[^]", "a"));       // and its negation anything
  CHECK_FALSE(GlobMatch("[]", ""));
  // Unterminated classes end at the pattern's end, as in Redis.
  CHECK(GlobMatch("[abc", "b"));
  CHECK_FALSE(GlobMatch("[abc", "d"));
  CHECK_FALSE(GlobMatch("[", "a"));
  CHECK(GlobMatch("[^", "a"));
  CHECK_FALSE(GlobMatch("a[", "a"));
  CHECK_FALSE(GlobMatch("a[b", "a"));
}

TEST_CASE("GlobMatch: backslash escapes") {
  CHECK(GlobMatch("\\*", "*"));
  CHECK_FALSE(GlobMatch("\\*", "a"));
  CHECK(GlobMatch("\\?", "?"));
  CHECK_FALSE(GlobMatch("\\?", "a"));
  CHECK(GlobMatch("\\[a]", "[a]"));
  CHECK(GlobMatch("a\\", "a\\"));  // a trailing backslash matches itself
  CHECK(GlobMatch("\\\\", "\\"));
  CHECK(GlobMatch("\\a", "a"));
}

TEST_CASE("GlobMatch: nocase") {
  CHECK(GlobMatch("HeLLo", "hello", true));
  CHECK_FALSE(GlobMatch("HeLLo", "hello", false));
  CHECK(GlobMatch("[A-C]x", "bX", true));
  CHECK_FALSE(GlobMatch("[A-C]x", "bX", false));
  CHECK(GlobMatch("[abc]", "B", true));
  CHECK(GlobMatch("[^abc]", "d", true));
  CHECK_FALSE(GlobMatch("[^abc]", "B", true));
}

TEST_CASE("GlobMatch: binary bytes") {
  CHECK(GlobMatch("a\0*"sv, "a\0bc"sv));
  CHECK_FALSE(GlobMatch("a\0"sv, "a"sv));
  CHECK(GlobMatch("?"sv, "\0"sv));
  CHECK(GlobMatch("\xff*", "\xff\xfe"));
  // Bytes are compared as C's signed char in ranges, as Redis does: 0xff is -1, below 'a'.
  CHECK(GlobMatch("[\xff-a]", "\x01"));
  CHECK(GlobMatch("[\xff-a]", "\xff"));
  CHECK_FALSE(GlobMatch("[\xff-a]", "b"));
  CHECK_FALSE(GlobMatch("[a-z]", "\xe1"));
}

TEST_CASE("GlobMatch: no exponential backtracking") {
  // Redis's keyspace.tcl "Regression for pattern matching long nested loops" and util.c's
  // stringmatchlen test: without the skip-longer-matches rule these take ages.
  const auto start = std::chrono::steady_clock::now();
  CHECK_FALSE(GlobMatch("a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b",
                        std::string(50, 'a')));
  CHECK_FALSE(GlobMatch("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b",
                        std::string(5000, 'a')));
  std::string star_q;
  for (int i = 0; i < 50000; ++i) star_q += "*?";
  CHECK_FALSE(GlobMatch(star_q, "a"));  // deep nesting is refused, not a stack overflow
  CHECK(GlobMatch("a*a*a*a*b", std::string(200, 'a') + "b"));
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(took < std::chrono::seconds(2));
}

TEST_CASE("GlobMatch: nesting limit is Redis's") {
  // 1000 stars each followed by a literal nest 1000 deep: allowed. One more is refused
  // even though the pattern would match.
  std::string pat, str;
  for (int i = 0; i < 1000; ++i) {
    pat += "*x";
    str += "x";
  }
  CHECK(GlobMatch(pat, str));
  CHECK_FALSE(GlobMatch(pat + "*x", str + "x"));
}
