#pragma once
// Writes the store as a Redis RDB file (version 9), byte for byte as Redis 7.2 would for
// the same data: AUX fields, SELECTDB and RESIZEDB per non-empty database, expiry in
// milliseconds, strings with Redis's integer encodings and LZF compression, the collections
// in plain encodings (rdb_writer.cpp), EOF and the CRC-64 checksum. Expired keys are left out.
//
// RdbWriter produces the file piece by piece into its own buffer, which the caller may take
// at any point (TakePending) to write it out while encoding goes on: a save can stream the
// file in blocks, and a background save can encode a few keys at a time between commands.
// EncodeRdb is the one-shot form.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/access_clock.h"
#include "core/record.h"
#include "core/store.h"

namespace kvd {

class HashValue;
class ListValue;
class SetValue;
class StreamValue;
class ZSetValue;

// Where the replication stream stood when the snapshot was taken (Redis's rdbSaveInfo): a
// replica restarted from the file asks its master to continue from there instead of
// transferring everything again.
struct RdbReplicationInfo {
  int64_t stream_db = 0;  // the database the stream last selected
  std::string replid;     // the history's id (40 hex digits)
  int64_t offset = 0;     // the stream's offset the data reflects
};

// Which access history a snapshot keeps per key (Redis saves what its maxmemory-policy reads).
enum class RdbAccessInfo {
  kNone,  // nothing: every other policy
  kIdle,  // IDLE: seconds since the last access (an LRU policy)
  kFreq,  // FREQ: the decayed LFU counter (an LFU policy)
};

struct RdbOptions {
  bool compression = true;  // rdbcompression: LZF for strings over 20 bytes when it pays
  bool checksum = true;     // rdbchecksum: the CRC-64 trailer; 0 when off (Redis skips it)
  std::string_view redis_version = "7.2.4";  // AUX redis-ver: the behaviour kvd follows
  // AUX used-mem; the store's allocated bytes when not given.
  std::optional<uint64_t> used_memory;
  // Function libraries' code (FUNCTION LOAD), written after the AUX fields as Redis 7 does
  // (opcode FUNCTION2, then the code as a string).
  std::vector<std::string> functions;
  // AUX repl-stream-db, repl-id and repl-offset, as Redis writes them when it has them.
  std::optional<RdbReplicationInfo> replication;
  // IDLE or FREQ before each key (WriteRecord), read from the access field with the writer's
  // clock.
  RdbAccessInfo access = RdbAccessInfo::kNone;
};

class RdbWriter {
 public:
  // `clock` reads the records' access fields when options.access asks for them.
  explicit RdbWriter(const RdbOptions& options, const AccessClock& clock = AccessClock::Process())
      : options_(options), clock_(clock) {}

  // "REDIS0009", the AUX fields Redis writes (redis-ver, redis-bits, ctime (now_ms in
  // seconds), used-mem, the replication info when given, aof-base) and the options'
  // function libraries.
  void WriteHeader(int64_t now_ms, uint64_t used_memory);
  // SELECTDB db, RESIZEDB keys keys_with_expiry (sizes are hints for the loader).
  void WriteSelectDb(uint64_t db, uint64_t keys, uint64_t keys_with_expiry);
  // SELECTDB alone, for keys of a database written out of its section (a background
  // snapshot encodes a key about to change at once, whatever database it is in; Redis's
  // loader takes SELECTDB anywhere).
  void WriteSelectDb(uint64_t db);
  // One key with its value, expiry and (options.access) access history. Returns "" or an
  // error naming the key when its value type has no encoder.
  std::string WriteRecord(const Record& r);
  // One value alone, as DUMP serializes it: its RDB type byte and encoding, no key or
  // expiry. Returns "" or an error as WriteRecord.
  std::string WriteValue(const Record& r);
  void WriteString(std::string_view key, std::string_view value, int64_t expire_at_ms);
  // EOF and the checksum. Nothing may be written after it.
  void WriteEof();

  // Bytes produced and not taken yet.
  size_t pending() const { return buffer_.size(); }
  // Appends the bytes produced since the last call to `out` (the checksum already covers
  // them) and empties the writer's buffer, keeping its capacity.
  void TakePending(std::string& out);

 private:
  void WriteExpire(int64_t expire_at_ms);
  void WriteAccess(const Record& r);
  // The value's encoding after its type byte (and key). Collections take the plain encodings
  // every reader of version 9 files knows: SET (2), ZSET_2 (5), HASH (4), and lists as a
  // QUICKLIST (14) of ziplists. Streams take STREAM_LISTPACKS_2 (19), which Redis 7.0 and
  // later read: the older STREAM_LISTPACKS would lose their counters.
  void WriteBody(const Record& r);
  void ListBody(const ListValue& list);
  void SetBody(const SetValue& set);
  void ZSetBody(const ZSetValue& zset);
  void HashBody(const HashValue& hash);
  void StreamBody(const StreamValue& stream);  // rdb_stream_writer.cpp
  void Length(uint64_t len);
  void Str(std::string_view s);  // rdbSaveRawString: integer, LZF or verbatim
  void Byte(uint8_t b) { buffer_.push_back(static_cast<char>(b)); }
  void Le(uint64_t v, int n);
  void ChecksumPending();

  RdbOptions options_;
  const AccessClock& clock_;
  std::string buffer_;
  size_t checksummed_ = 0;  // bytes of buffer_ already in crc_
  uint64_t crc_ = 0;
  std::string scratch_;  // LZF output
};

// The whole store as an RDB file. Returns "" and sets *error (when given) if a value type
// cannot be encoded; an RDB file is never empty.
std::string EncodeRdb(const Store& store, int64_t now_ms, const RdbOptions& options,
                      std::string* error = nullptr);

// As EncodeRdb, handing the file to `sink` in pieces of about `block_size` bytes, so the
// whole file never sits in memory. A sink returning false stops the write. Returns "" or
// an error: a value type that cannot be encoded, or "RDB: the write failed" after the
// sink said so (the caller knows why).
std::string WriteRdb(const Store& store, int64_t now_ms, const RdbOptions& options,
                     const std::function<bool(std::string_view)>& sink,
                     size_t block_size = size_t{1} << 20);

}  // namespace kvd
