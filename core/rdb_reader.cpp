#include "core/rdb_reader.h"

#include <cstdio>
#include <new>

#include "core/crc64.h"
#include "core/lzf.h"
#include "core/numeric.h"
#include "core/rdb_format.h"

namespace kvd {
namespace {

std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

// Redis's moduleTypeNameByID: a module type id holds a 9-character name in its top 54 bits.
std::string ModuleName(uint64_t id) {
  static constexpr char kCharset[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string name(9, ' ');
  id >>= 10;
  for (int j = 8; j >= 0; --j) {
    name[static_cast<size_t>(j)] = kCharset[id & 63];
    id >>= 6;
  }
  return name;
}

// The file being read: every read checks the bounds and the first error is latched, so the
// decoder can read a whole entry and test once. Error texts start "RDB: ".
class Input {
 public:
  explicit Input(std::string_view data) : data_(data) {}

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  size_t offset() const { return pos_; }
  bool AtEnd() const { return pos_ == data_.size(); }

  void Fail(std::string message) {
    if (error_.empty()) error_ = "RDB: " + std::move(message);
  }

  uint8_t U8(std::string_view what) {
    if (!Need(1, what)) return 0;
    return static_cast<uint8_t>(data_[pos_++]);
  }
  uint64_t Le(int n, std::string_view what) {
    if (!Need(static_cast<uint64_t>(n), what)) return 0;
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(data_[pos_ + i]);
    pos_ += static_cast<size_t>(n);
    return v;
  }
  uint64_t Be(int n, std::string_view what) {
    if (!Need(static_cast<uint64_t>(n), what)) return 0;
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 8) | static_cast<uint8_t>(data_[pos_ + i]);
    pos_ += static_cast<size_t>(n);
    return v;
  }
  std::string_view Bytes(uint64_t n, std::string_view what) {
    if (!Need(n, what)) return {};
    std::string_view s = data_.substr(pos_, static_cast<size_t>(n));
    pos_ += static_cast<size_t>(n);
    return s;
  }

  // rdbLoadLenByRef: a length, or (*encoded set) the special string encoding that follows
  // the 11 marker.
  uint64_t LengthOrEncoding(bool* encoded, std::string_view what) {
    *encoded = false;
    const size_t at = pos_;
    const uint8_t b = U8(what);
    if (!ok()) return 0;
    switch (b >> 6) {
      case rdb::kLen6Bit: return b & 0x3f;
      case rdb::kLen14Bit: return (uint64_t{b & 0x3fu} << 8) | U8(what);
      case rdb::kEncoded: *encoded = true; return b & 0x3f;
      default: break;
    }
    if (b == rdb::kLen32Bit) return Be(4, what);
    if (b == rdb::kLen64Bit) return Be(8, what);
    Fail("unknown length encoding " + Hex(b) + " at offset " + std::to_string(at) +
         " reading " + std::string(what));
    return 0;
  }
  uint64_t Length(std::string_view what) {
    const size_t at = pos_;
    bool encoded;
    const uint64_t len = LengthOrEncoding(&encoded, what);
    if (encoded) {
      Fail("a string encoding where a length belongs at offset " + std::to_string(at) +
           " reading " + std::string(what));
    }
    return ok() ? len : 0;
  }

  // rdbGenericLoadStringObject: the string's bytes, pointing into the file or, for the
  // integer and LZF encodings, into `scratch`.
  std::string_view String(std::string& scratch, std::string_view what) {
    const size_t at = pos_;
    bool encoded;
    const uint64_t len = LengthOrEncoding(&encoded, what);
    if (!ok()) return {};
    if (!encoded) return Bytes(len, what);
    scratch.clear();
    switch (len) {
      case rdb::kEncInt8:
        AppendInt64(scratch, static_cast<int8_t>(Le(1, what)));
        break;
      case rdb::kEncInt16:
        AppendInt64(scratch, static_cast<int16_t>(Le(2, what)));
        break;
      case rdb::kEncInt32:
        AppendInt64(scratch, static_cast<int32_t>(Le(4, what)));
        break;
      case rdb::kEncLzf:
        Lzf(scratch, at, what);
        break;
      default:
        Fail("unknown string encoding " + std::to_string(len) + " at offset " +
             std::to_string(at) + " reading " + std::string(what));
    }
    if (!ok()) return {};
    return scratch;
  }

 private:
  bool Need(uint64_t n, std::string_view what) {
    if (!ok()) return false;
    if (n > data_.size() - pos_) {
      Fail("unexpected end of file at offset " + std::to_string(pos_) + " reading " +
           std::string(what) + " (" + std::to_string(n) + " bytes needed, the file has " +
           std::to_string(data_.size()) + ")");
      return false;
    }
    return true;
  }

  void Lzf(std::string& out, size_t at, std::string_view what) {
    const uint64_t compressed_len = Length(what);
    const uint64_t len = Length(what);
    const std::string_view compressed = Bytes(compressed_len, what);
    if (!ok()) return;
    // Checked before allocating: a damaged length must not ask for gigabytes.
    if (compressed_len == 0 || len == 0 || len > LzfMaxExpansion(compressed_len)) {
      Fail("bad LZF string lengths (" + std::to_string(compressed_len) + " compressed, " +
           std::to_string(len) + " uncompressed) at offset " + std::to_string(at) +
           " reading " + std::string(what));
      return;
    }
    out.resize(static_cast<size_t>(len));
    const std::optional<size_t> n = LzfDecompress(compressed, out.data(), out.size());
    if (!n || *n != len) {
      Fail("invalid LZF compressed string at offset " + std::to_string(at) + " reading " +
           std::string(what));
    }
  }

  std::string_view data_;
  size_t pos_ = 0;
  std::string error_;
};

// Reads from after the header up to and including EOF into `fresh`.
void LoadBody(Input& in, int64_t now_ms, Store& fresh, RdbLoadInfo& info) {
  std::string key_scratch, value_scratch;
  size_t db = 0;  // Redis starts in database 0 when a file has no SELECTDB
  int64_t expire_at_ms = kNoExpiry;
  while (in.ok()) {
    const size_t at = in.offset();
    const uint8_t op = in.U8("an opcode or value type");
    if (!in.ok()) return;
    switch (op) {
      case rdb::kOpEof:
        return;
      case rdb::kOpExpireTimeMs:
        expire_at_ms = static_cast<int64_t>(in.Le(8, "an expire time"));
        continue;
      case rdb::kOpExpireTime:  // seconds, written by old versions
        expire_at_ms = int64_t{static_cast<int32_t>(in.Le(4, "an expire time"))} * 1000;
        continue;
      case rdb::kOpFreq:  // LFU counter: kvd does not evict
        in.U8("an LFU frequency");
        continue;
      case rdb::kOpIdle:  // LRU idle time: kvd does not evict
        in.Length("an LRU idle time");
        continue;
      case rdb::kOpSelectDb: {
        const uint64_t index = in.Length("a database index");
        if (in.ok() && index >= fresh.DatabaseCount()) {
          in.Fail("database index " + std::to_string(index) + " at offset " +
                  std::to_string(at) + " is out of range (this server has " +
                  std::to_string(fresh.DatabaseCount()) + " databases)");
        }
        db = static_cast<size_t>(index);
        continue;
      }
      case rdb::kOpResizeDb:  // size hints
        in.Length("a database size");
        in.Length("a database size");
        continue;
      case rdb::kOpAux: {
        const std::string_view name = in.String(key_scratch, "an AUX field name");
        const std::string_view value = in.String(value_scratch, "an AUX field value");
        if (in.ok() && name == "redis-ver") info.redis_version = value;
        continue;
      }
      case rdb::kOpModuleAux: {
        const uint64_t id = in.Length("a module id");
        in.Fail("the file holds data of module '" + (in.ok() ? ModuleName(id) : "?") +
                "' (MODULE_AUX at offset " + std::to_string(at) +
                "): modules are not supported");
        return;
      }
      case rdb::kOpFunction2:
      case rdb::kOpFunctionPreGa:
        in.Fail("the file holds Redis functions (FUNCTION LOAD libraries, at offset " +
                std::to_string(at) + "): functions are not supported");
        return;
      default:
        break;
    }

    const rdb::TypeDescription type = rdb::DescribeType(op);
    if (type.type.empty()) {
      in.Fail("unknown opcode or value type " + std::to_string(op) + " at offset " +
              std::to_string(at));
      return;
    }
    const std::string_view key = in.String(key_scratch, "a key");
    if (!in.ok()) return;
    if (op != rdb::kTypeString) {
      std::string how = "encoding " + std::string(type.encoding);
      if (type.type == "module") {
        const uint64_t id = in.Length("a module id");
        if (in.ok()) how = "module '" + ModuleName(id) + "'";
      }
      in.Fail("value type '" + std::string(type.type) + "' (" + how + ") of key '" +
              rdb::Printable(key) + "' is not supported yet");
      return;
    }
    const std::string_view value = in.String(value_scratch, "a string value");
    if (!in.ok()) return;
    if (expire_at_ms != kNoExpiry && expire_at_ms <= now_ms) {
      ++info.keys_expired;  // expired while the server was down (Redis's master: not loaded)
    } else if (fresh.Db(db).SetString(key, value, expire_at_ms, TtlMode::kClear, now_ms)) {
      ++info.keys_loaded;
    } else {
      in.Fail("duplicate key '" + rdb::Printable(key) + "' in database " + std::to_string(db) +
              " at offset " + std::to_string(at));
    }
    expire_at_ms = kNoExpiry;
  }
}

std::string LoadFile(std::string_view data, int64_t now_ms, Store& fresh, RdbLoadInfo& info) {
  const std::string_view magic = data.substr(0, rdb::kMagic.size());
  if (magic != rdb::kMagic.substr(0, magic.size())) {
    return "RDB: not an RDB file (it does not start with \"REDIS\")";
  }
  if (data.size() < rdb::kHeaderSize) {
    return "RDB: unexpected end of file at offset " + std::to_string(data.size()) +
           " reading the header";
  }
  const std::string_view digits = data.substr(rdb::kMagic.size(), 4);
  int version = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return "RDB: bad version field '" + rdb::Printable(digits) + "'";
    version = version * 10 + (c - '0');
  }
  if (version < rdb::kMinReadVersion || version > rdb::kMaxReadVersion) {
    return "RDB: can't handle RDB format version " + std::to_string(version) +
           " (kvd reads versions " + std::to_string(rdb::kMinReadVersion) + " to " +
           std::to_string(rdb::kMaxReadVersion) + ": Redis 5.0 to 7.2)";
  }
  info.version = version;

  Input in(data);
  in.Bytes(rdb::kHeaderSize, "the header");
  LoadBody(in, now_ms, fresh, info);
  if (!in.ok()) return in.error();
  const size_t body_end = in.offset();  // just past EOF: the checksum covers [0, body_end)
  const uint64_t stored = in.Le(rdb::kChecksumSize, "the checksum");
  if (!in.ok()) return in.error();
  if (!in.AtEnd()) {
    return "RDB: unexpected data at offset " + std::to_string(in.offset()) +
           " after the checksum";
  }
  if (stored != 0) {  // 0: written with rdbchecksum no
    const uint64_t computed = Crc64(0, data.substr(0, body_end));
    if (computed != stored) {
      return "RDB: checksum mismatch: the file says " + Hex(stored) + ", its data gives " +
             Hex(computed);
    }
    info.checksum_verified = true;
  }
  return "";
}

}  // namespace

bool IsRdb(std::string_view data) { return data.starts_with(rdb::kMagic); }

std::string LoadRdb(std::string_view data, int64_t now_ms, Store& into, RdbLoadInfo* info) {
  RdbLoadInfo local;
  try {
    Store fresh(into.DatabaseCount());
    if (std::string err = LoadFile(data, now_ms, fresh, local); !err.empty()) return err;
    into = std::move(fresh);
  } catch (const std::bad_alloc&) {
    return "RDB: out of memory while loading";
  }
  if (info) *info = std::move(local);
  return "";
}

}  // namespace kvd
