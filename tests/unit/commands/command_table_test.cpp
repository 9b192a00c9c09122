// CommandTable::Find: the case-folding hash index after Freeze(), and the linear scan that
// keeps lookups right before it (or after a late Add).
#include <doctest/doctest.h>

#include <string>

#include "server/command.h"

namespace kvd::testing {
namespace {

CommandSpec Named(std::string name) {
  CommandSpec s;
  s.name = std::move(name);
  s.arity = 1;
  return s;
}

}  // namespace

TEST_CASE("command lookup ignores ASCII case and nothing else, frozen or not") {
  CommandTable table;
  for (const char* name : {"GET", "getdel", "getex", "set", "client", "x", "a-b", "a_b", "abcdefgh",
                           "abcdefghi", "a`b{"}) {
    table.Add(Named(name));
  }
  for (bool frozen : {false, true}) {
    CAPTURE(frozen);
    if (frozen) table.Freeze();
    REQUIRE(table.Find("get") != nullptr);
    CHECK(table.Find("get")->name == "get");
    CHECK(table.Find("GeT") == table.Find("get"));
    CHECK(table.Find("GETDEL")->name == "getdel");
    CHECK(table.Find("GetEx")->name == "getex");
    CHECK(table.Find("X")->name == "x");
    CHECK(table.Find("A-B")->name == "a-b");
    CHECK(table.Find("a_b")->name == "a_b");
    // Only A-Z fold: '-' is not '\r', '_' is not DEL, and the lengths must match.
    CHECK(table.Find("a\rb") == nullptr);
    CHECK(table.Find("a\x7f"
                     "b") == nullptr);
    CHECK(table.Find("ge") == nullptr);
    CHECK(table.Find("gets") == nullptr);
    CHECK(table.Find("") == nullptr);
    CHECK(table.Find(std::string("get\0", 4)) == nullptr);
    CHECK(table.Find("g\xc9t") == nullptr);  // a Latin-1 E is not folded
    // Names of 8 bytes and fewer are compared as one word, longer ones byte by byte.
    CHECK(table.Find("ABCDEFGH")->name == "abcdefgh");
    CHECK(table.Find("abcdefgH")->name == "abcdefgh");
    CHECK(table.Find("AbCdEfGhI")->name == "abcdefghi");
    CHECK(table.Find("abcdefg") == nullptr);
    CHECK(table.Find(std::string("abcdefgh\0", 9)) == nullptr);
    CHECK(table.Find(std::string("abcdefg\0", 8)) == nullptr);
    // The bytes next to A-Z and a-z do not fold into each other: '@' '[' '`' '{'.
    CHECK(table.Find("a`b{")->name == "a`b{");
    CHECK(table.Find("A`B{")->name == "a`b{");
    CHECK(table.Find("a@b{") == nullptr);
    CHECK(table.Find("a`b[") == nullptr);
  }
  // Added after Freeze: still found (by the linear scan until the next Freeze).
  table.Add(Named("LATE"));
  CHECK(table.Find("late") != nullptr);
  table.Freeze();
  CHECK(table.Find("Late")->name == "late");
  CHECK(table.Find("set")->name == "set");
}

TEST_CASE("every registered command is found by its name in any case") {
  CommandTable table;
  RegisterAllCommands(table);
  table.Freeze();
  for (const CommandSpec& spec : table.All()) {
    std::string upper = spec.name;
    for (char& c : upper) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    CAPTURE(spec.name);
    CHECK(table.Find(spec.name) == &spec);
    CHECK(table.Find(upper) == &spec);
  }
}

}  // namespace kvd::testing
