#pragma once
// Handlers of the stream entry commands, registered by RegisterStreamFamily
// (stream_family.cpp).
#include "server/command.h"

namespace kvd::stream_commands {

// stream_add_trim.cpp
void XAdd(CommandContext& ctx);
void XTrim(CommandContext& ctx);
void XDel(CommandContext& ctx);
void XSetId(CommandContext& ctx);

// stream_range.cpp
void XRange(CommandContext& ctx);
void XRevRange(CommandContext& ctx);
void XLen(CommandContext& ctx);

// stream_read.cpp
void XRead(CommandContext& ctx);

}  // namespace kvd::stream_commands
