// SplitInlineArgs follows Redis's sdssplitargs() (cases from Redis's sds and protocol tests).
#include <doctest/doctest.h>

#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "protocol/resp_parser.h"

namespace kvd {
namespace {

using namespace std::string_literals;
using Args = std::vector<std::string>;

std::optional<Args> Split(std::string_view line) {
  std::vector<std::string_view> views;
  ArgStorage storage;
  if (!SplitInlineArgs(line, views, storage)) {
    CHECK(views.empty());
    CHECK(storage.empty());
    return std::nullopt;
  }
  return Args(views.begin(), views.end());
}

TEST_CASE("plain arguments split on spaces, tabs, CR and LF") {
  CHECK(Split("set a b") == Args{"set", "a", "b"});
  CHECK(Split("  set\t a  \r\n b ") == Args{"set", "a", "b"});
  CHECK(Split("") == Args{});
  CHECK(Split("   ") == Args{});
  // Leading \v and \f are skipped like spaces, but inside an argument they are kept.
  CHECK(Split("\v\fa\vb c\fd") == Args{"a\vb", "c\fd"});
}

TEST_CASE("double quotes group and unescape") {
  CHECK(Split("set a \"b c\"") == Args{"set", "a", "b c"});
  CHECK(Split("\"\"") == Args{""});
  CHECK(Split("\"\\x41\"") == Args{"A"});
  CHECK(Split("\"\\x41\\x4g\"") == Args{"Ax4g"});  // not hex: \x is x
  CHECK(Split("\"\\xff\\x00z\"") == Args{"\xff\0z"s});
  CHECK(Split("\"a\\nb\\rc\\td\\be\\af\"") == Args{"a\nb\rc\td\be\af"});
  CHECK(Split("\"\\\"q\\\\\\z\"") == Args{"\"q\\z"});
  CHECK(Split("\"it's\"") == Args{"it's"});
}

TEST_CASE("single quotes only unescape \\'") {
  CHECK(Split("'\\x41'") == Args{"\\x41"});
  CHECK(Split("'a\\'b'") == Args{"a'b"});
  CHECK(Split("'a\\nb'") == Args{"a\\nb"});
  CHECK(Split("'say \"hi\"'") == Args{"say \"hi\""});
}

TEST_CASE("a quote inside an argument starts a quoted part") {
  CHECK(Split("a\"b c\"") == Args{"ab c"});
  CHECK(Split("key'x y' z") == Args{"keyx y", "z"});
}

TEST_CASE("unbalanced quotes and a closing quote followed by a non-space are errors") {
  CHECK(Split("\"abc") == std::nullopt);
  CHECK(Split("'abc") == std::nullopt);
  CHECK(Split("\"abc\\") == std::nullopt);
  CHECK(Split("\"abc\\\"") == std::nullopt);
  CHECK(Split("set \"\"\"test-key\"\"\" test-value") == std::nullopt);
  CHECK(Split("\"b\"c") == std::nullopt);
  CHECK(Split("'b'c") == std::nullopt);
  CHECK(Split("a \"b\"\"") == std::nullopt);
  // A space, tab or the end after the closing quote is fine.
  CHECK(Split("\"b\" c") == Args{"b", "c"});
  CHECK(Split("\"b\"\tc") == Args{"b", "c"});
  CHECK(Split("\"b\"\vc") == Args{"b", "c"});
  CHECK(Split("'b'") == Args{"b"});
}

TEST_CASE("a NUL byte ends the line, as for the C string Redis splits") {
  CHECK(Split("a b\0c d"s) == Args{"a", "b"});
  CHECK(Split("\"a\0\""s) == std::nullopt);
}

TEST_CASE("unquoted arguments are views into the line; quoted ones are stored") {
  const std::string line = "get key \"q v\" 'w'";
  std::vector<std::string_view> views;
  ArgStorage storage;
  REQUIRE(SplitInlineArgs(line, views, storage));
  REQUIRE(views.size() == 4);
  CHECK(views[0].data() == line.data());
  CHECK(views[1].data() == line.data() + 4);
  REQUIRE(std::distance(storage.begin(), storage.end()) == 2);
  CHECK(views[2].data() == std::next(storage.begin())->data());  // newest first
  CHECK(views[3].data() == storage.front().data());
  CHECK(views[3] == "w");
}

TEST_CASE("a failed split leaves earlier storage in place") {
  ArgStorage storage{"kept"};
  std::vector<std::string_view> views;
  REQUIRE_FALSE(SplitInlineArgs("\"a\" \"b", views, storage));
  REQUIRE(std::distance(storage.begin(), storage.end()) == 1);
  CHECK(storage.front() == "kept");
}

}  // namespace
}  // namespace kvd
