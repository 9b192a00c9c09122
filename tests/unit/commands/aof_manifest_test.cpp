#include "server/aof/aof_manifest.h"

#include <doctest/doctest.h>

#include <string>

namespace kvd {
namespace {

using Type = AofFileInfo::Type;

// What redis-server 7.0 wrote after one BGREWRITEAOF (checked by hand against it).
constexpr std::string_view kRedisAfterRewrite =
    "file appendonly.aof.2.base.rdb seq 2 type b\n"
    "file appendonly.aof.2.incr.aof seq 2 type i\n";

std::string ParseError(std::string_view text) {
  AofManifestParse r = ParseAofManifest(text);
  CHECK_FALSE(r.manifest.has_value());
  return r.error;
}

TEST_CASE("a manifest written by Redis parses and formats back byte for byte") {
  AofManifestParse r = ParseAofManifest(kRedisAfterRewrite);
  REQUIRE(r.manifest.has_value());
  const AofManifest& m = *r.manifest;
  REQUIRE(m.base.has_value());
  CHECK(*m.base == AofFileInfo{"appendonly.aof.2.base.rdb", 2, Type::kBase});
  REQUIRE(m.incr.size() == 1);
  CHECK(m.incr[0] == AofFileInfo{"appendonly.aof.2.incr.aof", 2, Type::kIncr});
  CHECK(m.base_seq == 2);
  CHECK(m.incr_seq == 2);
  CHECK(FormatAofManifest(m) == kRedisAfterRewrite);
}

TEST_CASE("the first log gets Redis's names; a rewrite moves the old files to history") {
  AofManifest m;
  CHECK(m.NewBase("appendonly.aof", true) == "appendonly.aof.1.base.rdb");
  CHECK(m.NewIncr("appendonly.aof") == "appendonly.aof.1.incr.aof");
  CHECK(FormatAofManifest(m) ==
        "file appendonly.aof.1.base.rdb seq 1 type b\n"
        "file appendonly.aof.1.incr.aof seq 1 type i\n");

  // A rewrite: a new incr file first, then the new base; the incr files before the new one
  // become history.
  CHECK(m.NewIncr("appendonly.aof") == "appendonly.aof.2.incr.aof");
  CHECK(m.NewBase("appendonly.aof", false) == "appendonly.aof.2.base.aof");
  m.MoveIncrToHistory(1);
  CHECK(FormatAofManifest(m) ==
        "file appendonly.aof.2.base.aof seq 2 type b\n"
        "file appendonly.aof.1.incr.aof seq 1 type h\n"
        "file appendonly.aof.1.base.rdb seq 1 type h\n"
        "file appendonly.aof.2.incr.aof seq 2 type i\n");
  AofManifestParse back = ParseAofManifest(FormatAofManifest(m));
  REQUIRE(back.manifest.has_value());
  CHECK(*back.manifest == m);
}

TEST_CASE("names with spaces, quotes or unprintable bytes are quoted and read back whole") {
  // A single quote too: unquoted, it would open a quoted run when read back.
  struct Case {
    std::string prefix, text, name;
  };
  for (const Case& c : {
           Case{"my log\t\"x\"", "file \"my log\\t\\\"x\\\".1.base.rdb\" seq 1 type b\n",
                "my log\t\"x\".1.base.rdb"},
           Case{"it's", "file \"it's.1.base.rdb\" seq 1 type b\n", "it's.1.base.rdb"},
       }) {
    CAPTURE(c.prefix);
    AofManifest m;
    m.NewBase(c.prefix, true);
    const std::string text = FormatAofManifest(m);
    CHECK(text == c.text);
    AofManifestParse back = ParseAofManifest(text);
    REQUIRE(back.manifest.has_value());
    CHECK(back.manifest->base->name == c.name);
  }
}

TEST_CASE("comments and unknown keys are skipped, as Redis does for forward compatibility") {
  AofManifestParse r = ParseAofManifest(
      "# written by a later version\n"
      "file a.1.base.rdb seq 1 type b size 100\n"
      "FILE a.1.incr.aof SEQ 1 TYPE i\n");
  REQUIRE(r.manifest.has_value());
  CHECK(r.manifest->base->name == "a.1.base.rdb");
  CHECK(r.manifest->incr.at(0).name == "a.1.incr.aof");
}

TEST_CASE("a manifest of comments only describes no files") {
  AofManifestParse r = ParseAofManifest("# nothing yet\n");
  REQUIRE(r.manifest.has_value());
  CHECK(r.manifest->empty());
}

TEST_CASE("bad manifests are refused with Redis's reasons and the line") {
  CHECK(ParseError("") == "Found an empty AOF manifest");
  CHECK(ParseError("file a seq 1 type b\n\n").find("Invalid AOF manifest file format (line 2") !=
        std::string::npos);
  CHECK(ParseError("file a seq 1\n").find("Invalid AOF manifest file format") == 0);
  CHECK(ParseError("file a seq 0 type b\n").find("Invalid AOF manifest file format") == 0);
  CHECK(ParseError("file a seq 1 type\n").find("Invalid AOF manifest file format") == 0);
  CHECK(ParseError("file \"a seq 1 type b\n").find("Invalid AOF manifest file format") == 0);
  CHECK(ParseError("file ../a seq 1 type b\n") ==
        "File can't be a path, just a filename (line 1: 'file ../a seq 1 type b')");
  CHECK(ParseError("file a seq 1 type b\nfile b seq 2 type b\n") ==
        "Found duplicate base file information (line 2: 'file b seq 2 type b')");
  CHECK(ParseError("file a seq 2 type i\nfile b seq 2 type i\n")
            .find("Found a non-monotonic sequence number") == 0);
  CHECK(ParseError("file a seq 1 type x\n").find("Unknown AOF file type") == 0);
  // Redis reads lines with fgets into 1024 bytes: the last line needs its newline too.
  CHECK(ParseError("file a seq 1 type b").find("too long line") != std::string::npos);
  CHECK(ParseError("file " + std::string(1100, 'a') + " seq 1 type b\n").find("too long line") !=
        std::string::npos);
}

TEST_CASE("Redis's helper file names") {
  CHECK(AofManifestName("appendonly.aof") == "appendonly.aof.manifest");
  CHECK(AofTempManifestName("appendonly.aof") == "temp-appendonly.aof.manifest");
  CHECK(AofTempIncrName("appendonly.aof") == "temp-appendonly.aof.incr");
}

}  // namespace
}  // namespace kvd
