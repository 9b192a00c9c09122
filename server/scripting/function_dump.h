#pragma once
// FUNCTION DUMP / RESTORE payloads in Redis's format, so that libraries move between kvd
// and Redis: per library the RDB function opcode (245) and its code as an RDB string, then
// the RDB version (2 bytes, little-endian) and a CRC-64 of all that (8 bytes, little-endian),
// as Redis's DUMP.
#include <string>
#include <string_view>

#include "server/scripting/function_library.h"

namespace kvd {

enum class RestorePolicy { kAppend, kReplace, kFlush };

std::string DumpFunctions(const FunctionLibraries& libraries);

// Loads the payload's libraries; all or none. Returns "" or Redis's error text.
std::string RestoreFunctions(FunctionLibraries& libraries, std::string_view payload,
                             RestorePolicy policy);

}  // namespace kvd
