#pragma once
// Decodes a stream value of an RDB file (types STREAM_LISTPACKS, _2, _3) into a StreamValue.
#include <cstdint>
#include <memory>
#include <string_view>

#include "core/rdb_input.h"
#include "core/stream_value.h"

namespace kvd::rdb {

bool IsStreamType(uint8_t type);

// Reads the stream value of `key`; on damage the error, naming the key and the offset, is
// latched in `in` and the result is null.
std::unique_ptr<StreamValue> ReadStreamValue(Input& in, uint8_t type, std::string_view key);

}  // namespace kvd::rdb
