// libFuzzer target: the RDB loader on arbitrary bytes. A load may fail (with an "RDB: " error
// that leaves the store untouched) but must never crash, leak or hang. What loads must be
// usable: it is written back as an RDB file, which must load again with the same keys.
// The same bytes also go through LoadRdbPrefix (an AOF base with commands after it).
//
// A mutated file almost never keeps a valid checksum, so the bytes are loaded a second time
// with the last 8 (where the checksum of a whole file is) zeroed: a file without a checksum,
// which loads whenever the rest is valid.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/rdb_reader.h"
#include "core/rdb_writer.h"
#include "core/store.h"
#include "fuzz/fuzz_check.h"

namespace {

constexpr int64_t kNowMs = 1'700'000'000'000;
constexpr size_t kDatabases = 16;

size_t KeysIn(kvd::Store& store) {
  size_t n = 0;
  for (size_t db = 0; db < store.DatabaseCount(); ++db) n += store.Db(db).Count(kNowMs);
  return n;
}

void Load(std::string_view file) {
  const size_t size = file.size();
  kvd::Store store(kDatabases);
  store.Db(0).Put("sentinel", "kept on failure");
  kvd::RdbLoadInfo info;
  const std::string err = kvd::LoadRdb(file, kNowMs, store, &info);
  if (!err.empty()) {
    FUZZ_CHECK(err.starts_with("RDB: "));
    FUZZ_CHECK(store.Db(0).Get("sentinel", kNowMs) == "kept on failure");
  } else {
    const size_t keys = KeysIn(store);
    FUZZ_CHECK(keys == info.keys_loaded);
    std::string encode_err;
    const std::string again = kvd::EncodeRdb(store, kNowMs, {}, &encode_err);
    FUZZ_CHECK(encode_err.empty());
    kvd::Store reloaded(kDatabases);
    kvd::RdbLoadInfo reloaded_info;
    FUZZ_CHECK(kvd::LoadRdb(again, kNowMs, reloaded, &reloaded_info) == "");
    FUZZ_CHECK(KeysIn(reloaded) == keys);
  }

  kvd::Store prefix_store(kDatabases);
  size_t rdb_size = 0;
  const std::string prefix_err =
      kvd::LoadRdbPrefix(file, kNowMs, prefix_store, nullptr, {}, &rdb_size);
  if (prefix_err.empty()) FUZZ_CHECK(rdb_size <= size);
  // A whole file that loads also loads as a prefix (nothing follows it).
  if (err.empty()) FUZZ_CHECK(prefix_err.empty() && rdb_size == size);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view file(reinterpret_cast<const char*>(data), size);
  Load(file);
  if (size > 8 && file.find_first_not_of('\0', size - 8) != std::string_view::npos) {
    std::string unchecked(file);
    unchecked.replace(size - 8, 8, 8, '\0');
    Load(unchecked);
  }
  return 0;
}
