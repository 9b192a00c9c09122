#pragma once
// Handlers of the string family, registered by RegisterStringFamily (string_family.cpp).
#include "server/command.h"

namespace kvd::string_commands {

// string_get_set.cpp
void Get(CommandContext& ctx);
void Set(CommandContext& ctx);
void SetNx(CommandContext& ctx);
void SetEx(CommandContext& ctx);
void PSetEx(CommandContext& ctx);
void GetSet(CommandContext& ctx);
void GetDel(CommandContext& ctx);
void GetEx(CommandContext& ctx);
void MGet(CommandContext& ctx);
void MSet(CommandContext& ctx);
void MSetNx(CommandContext& ctx);

// string_edit.cpp
void Incr(CommandContext& ctx);
void Decr(CommandContext& ctx);
void IncrBy(CommandContext& ctx);
void DecrBy(CommandContext& ctx);
void IncrByFloat(CommandContext& ctx);
void Append(CommandContext& ctx);
void StrLen(CommandContext& ctx);
void GetRange(CommandContext& ctx);  // also SUBSTR
void SetRange(CommandContext& ctx);

// string_lcs.cpp
void Lcs(CommandContext& ctx);

}  // namespace kvd::string_commands
