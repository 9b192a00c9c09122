#pragma once
// The stream consumer group commands (Redis's t_stream.c): XGROUP's subcommands, XREADGROUP,
// XACK, XPENDING, XCLAIM, XAUTOCLAIM and XINFO's subcommands. Registered by
// stream_group_family.cpp.
#include "server/command.h"

namespace kvd::stream_group_commands {

// stream_group_admin.cpp
void XGroupCreate(CommandContext& ctx);
void XGroupSetId(CommandContext& ctx);
void XGroupDestroy(CommandContext& ctx);
void XGroupCreateConsumer(CommandContext& ctx);
void XGroupDelConsumer(CommandContext& ctx);
void XGroupHelp(CommandContext& ctx);

// stream_readgroup.cpp
void XReadGroup(CommandContext& ctx);

// stream_ack_pending.cpp
void XAck(CommandContext& ctx);
void XPending(CommandContext& ctx);

// stream_claim.cpp
void XClaim(CommandContext& ctx);
void XAutoClaim(CommandContext& ctx);

// stream_info.cpp
void XInfoStream(CommandContext& ctx);
void XInfoGroups(CommandContext& ctx);
void XInfoConsumers(CommandContext& ctx);
void XInfoHelp(CommandContext& ctx);

}  // namespace kvd::stream_group_commands
