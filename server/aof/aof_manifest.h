#pragma once
// The append-only file's manifest, in Redis 7's multi-part format, so an appendonlydir moves
// between Redis and kvd by copying.
//
// The manifest (`<appendfilename>.manifest` in dir/appenddirname) lists the files that
// together hold the dataset, one per line:
//
//   file appendonly.aof.2.base.rdb seq 2 type b
//   file appendonly.aof.1.incr.aof seq 1 type h
//   file appendonly.aof.3.incr.aof seq 3 type i
//
// b: the base (the dataset at the last rewrite, an RDB file or commands), at most one and
// first; h: history (replaced by a rewrite, to be deleted); i: incremental files, commands
// logged after the base, in ascending seq. The base and incr files count their seq
// separately. Names need quoting (Redis's sdscatrepr) only when they hold spaces or
// unprintable bytes.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kvd {

struct AofFileInfo {
  enum class Type : char { kBase = 'b', kHistory = 'h', kIncr = 'i' };
  std::string name;
  int64_t seq = 0;
  Type type = Type::kIncr;
  bool operator==(const AofFileInfo&) const = default;
};

struct AofManifest {
  std::optional<AofFileInfo> base;
  std::vector<AofFileInfo> history;
  std::vector<AofFileInfo> incr;  // ascending seq; the last one is being written
  int64_t base_seq = 0;  // the highest seq a base has had (the next base is base_seq + 1)
  int64_t incr_seq = 0;  // the same for incr files

  bool empty() const { return !base && incr.empty(); }
  bool operator==(const AofManifest&) const = default;

  // Redis's getNewBaseFileNameAndMarkPreAsHistory: the next base (`<name>.<seq>.base.rdb`,
  // or `.base.aof` when `rdb` is false) becomes the base; the old one goes to history.
  // Returns the new base's name.
  const std::string& NewBase(std::string_view appendfilename, bool rdb);
  // Redis's getNewIncrAofName: appends the next incr file `<name>.<seq>.incr.aof`.
  const std::string& NewIncr(std::string_view appendfilename);
  // Moves every incr file but the last `keep` to history (after a rewrite: the files the
  // new base replaced).
  void MoveIncrToHistory(size_t keep);
};

// The manifest file's name (`appendonly.aof.manifest`) and the temporary one written
// before the rename (`temp-appendonly.aof.manifest`), as Redis names them.
std::string AofManifestName(std::string_view appendfilename);
std::string AofTempManifestName(std::string_view appendfilename);
// Where writes go while an AOF switched on at run time waits for its first base
// (`temp-appendonly.aof.incr`), as Redis names it.
std::string AofTempIncrName(std::string_view appendfilename);

// The manifest as Redis writes it: base, then history, then incr files.
std::string FormatAofManifest(const AofManifest& m);

struct AofManifestParse {
  std::optional<AofManifest> manifest;
  std::string error;  // when there is no manifest: what is wrong and where (line, text)
};

// Parses a manifest as Redis's aofLoadManifestFromFile does: '#' lines are comments, each
// other line holds key/value pairs (at least file, seq and type; unknown keys are skipped
// for forward compatibility), names must be plain file names, at most one base, incr seqs
// strictly ascending. Errors use Redis's wording.
AofManifestParse ParseAofManifest(std::string_view text);

}  // namespace kvd
