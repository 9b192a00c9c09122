#pragma once
// A base file in command form (aof-use-rdb-preamble no): the commands that rebuild the
// dataset, as Redis's rewriteAppendOnlyFileRio writes them: SELECT per non-empty database,
// SET for strings, RPUSH / SADD / ZADD / HMSET with at most 64 elements per command, XADD,
// XSETID, XGROUP and XCLAIM for a stream, and PEXPIREAT for a key with a TTL; before them, FUNCTION LOAD for each function library.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/store.h"

namespace kvd {

// Hands the commands to `sink` in blocks of about `block_size` bytes; a sink returning
// false stops the write. Returns false when the sink did.
bool WriteStoreAsCommands(const Store& store, const std::vector<std::string>& functions,
                          int64_t now_ms, const std::function<bool(std::string_view)>& sink,
                          size_t block_size = size_t{1} << 20);

// Writes the commands to dir/name atomically (temporary file, fsync, rename, directory
// fsync). Returns "" or the error.
std::string WriteAofBaseCommands(const Store& store, const std::vector<std::string>& functions,
                                 int64_t now_ms, const std::string& dir, const std::string& name);

// The rewrite's route to a command base: the RDB file dir/rdb_name (written by the
// background snapshot) is loaded, libraries and all, into a scratch store with `databases` databases and
// written as commands to dir/aof_name. The RDB file is removed either way. Runs off the
// store strand; returns "" or the error.
std::string ConvertRdbToAofBase(const std::string& dir, const std::string& rdb_name,
                                const std::string& aof_name, int64_t now_ms, size_t databases);

}  // namespace kvd
