#pragma once
// Decodes the collection values of an RDB file into kvd's values: every encoding Redis 5 to
// 7.2 writes for lists, sets, sorted sets, hashes and streams.
#include <cstdint>
#include <memory>
#include <string_view>
#include <variant>

#include "core/hash_value.h"
#include "core/list_value.h"
#include "core/rdb_input.h"
#include "core/set_value.h"
#include "core/stream_value.h"
#include "core/zset_value.h"

namespace kvd::rdb {

using CollectionPtr = std::variant<std::monostate, std::unique_ptr<ListValue>,
                                   std::unique_ptr<SetValue>, std::unique_ptr<ZSetValue>,
                                   std::unique_ptr<HashValue>, std::unique_ptr<StreamValue>>;

// True for a collection that holds nothing (or none was read): no key can hold one. A
// stream is never empty in this sense: it exists without entries.
bool IsEmptyCollection(const CollectionPtr& c);

// True for the RDB value types ReadCollection decodes.
bool IsCollectionType(uint8_t type);

// Reads the value of `key`, of RDB value type `type`, from `in`. On damage (a bad blob, a
// duplicate member, a NaN score) the error, naming the key and the offset, is latched in
// `in` and the result is empty. An empty collection comes back empty (Redis skips those).
CollectionPtr ReadCollection(Input& in, uint8_t type, std::string_view key);

}  // namespace kvd::rdb
