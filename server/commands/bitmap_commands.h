#pragma once
// Handlers of the bitmap family, registered by RegisterBitmapFamily (bitmap_family.cpp).
#include <cstdint>
#include <optional>
#include <string_view>

#include "server/command.h"

namespace kvd::bitmap_commands {

inline constexpr std::string_view kBitOffsetErr =
    "ERR bit offset is not an integer or out of range";

// Redis's getBitOffsetFromArgument: a bit offset whose byte lies within proto-max-bulk-len (not
// enforced on an append-only log replay, as Redis obeys its master and its log). With field_bits >
// 0 (BITFIELD), "#N" means the N-th field of that width: N * field_bits. Replies the error and
// returns nullopt when the argument is not one.
std::optional<uint64_t> ParseBitOffset(CommandContext& ctx, std::string_view arg,
                                       unsigned field_bits = 0);

// bitmap_commands.cpp
void SetBit(CommandContext& ctx);
void GetBit(CommandContext& ctx);
void BitCount(CommandContext& ctx);
void BitPos(CommandContext& ctx);
void BitOp(CommandContext& ctx);

// bitfield_command.cpp
void BitField(CommandContext& ctx);
void BitFieldRo(CommandContext& ctx);

}  // namespace kvd::bitmap_commands
