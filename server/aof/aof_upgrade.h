#pragma once
// Upgrading the single-file append-only log of Redis 6 and earlier (and of a Redis 7 that
// never wrote its own layout): with appendonly yes, `dir/appendfilename` (appendonly.aof),
// and no manifest in dir/appenddirname that describes a log, the file becomes the base of a
// Redis 7 multi-part log, as Redis 7's aofUpgradePrepare does:
//
// 1. dir/appenddirname is created;
// 2. a manifest naming the old file, under its own name, as the base (seq 1, type b) is
//    written atomically;
// 3. the file is renamed into the directory.
//
// The file itself is not changed. A crash between 2 and 3 leaves a manifest naming a base
// that is not in the directory while the old file is still beside it; the next start sees
// that and finishes the move. The base loads as any other: commands, or an RDB preamble
// followed by commands. The first incr file is created when the log is opened.
#include <string>

#include "server/aof/aof_manifest.h"

namespace kvd {

// `dir`: the configured dir; `aof_dir`: dir/appenddirname; `manifest`: the one read from
// aof_dir (empty when there is none), updated when the upgrade happens. Returns "" (also
// when there is nothing to upgrade) or the error; *upgraded says whether it happened.
std::string UpgradeOldStyleAof(const std::string& dir, const std::string& aof_dir,
                               const std::string& appendfilename, AofManifest& manifest,
                               bool* upgraded);

}  // namespace kvd
