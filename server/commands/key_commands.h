#pragma once
// Handlers of the generic (key) family, registered by RegisterKeyFamily (key_family.cpp).
#include "server/command.h"

namespace kvd::key_commands {

// key_basic.cpp
void Del(CommandContext& ctx);     // lazy when lazyfree-lazy-user-del is yes
void Unlink(CommandContext& ctx);  // large values are freed on the lazyfree thread
void Exists(CommandContext& ctx);
void Type(CommandContext& ctx);
void Keys(CommandContext& ctx);
void RandomKey(CommandContext& ctx);
void Touch(CommandContext& ctx);

// key_move.cpp
void Rename(CommandContext& ctx);
void RenameNx(CommandContext& ctx);
void Copy(CommandContext& ctx);
void Move(CommandContext& ctx);
void SwapDb(CommandContext& ctx);

// expire_commands.cpp
void Expire(CommandContext& ctx);
void PExpire(CommandContext& ctx);
void ExpireAt(CommandContext& ctx);
void PExpireAt(CommandContext& ctx);
void Ttl(CommandContext& ctx);
void PTtl(CommandContext& ctx);
void ExpireTime(CommandContext& ctx);
void PExpireTime(CommandContext& ctx);
void Persist(CommandContext& ctx);

// dump_restore.cpp
void Dump(CommandContext& ctx);
void Restore(CommandContext& ctx);

// migrate_command.cpp
void Migrate(CommandContext& ctx);

// sort_command.cpp
void Sort(CommandContext& ctx);
void SortRo(CommandContext& ctx);

// wait_command.cpp
void Wait(CommandContext& ctx);

// scan_command.cpp
void Scan(CommandContext& ctx);

}  // namespace kvd::key_commands
