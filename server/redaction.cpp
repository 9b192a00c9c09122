#include "server/redaction.h"

#include "core/text.h"
#include "server/commands/migrate_args.h"

namespace kvd {

bool IsSecretArgument(std::span<const std::string_view> args, size_t i) {
  if (i == 0 || i >= args.size()) return false;
  const std::string_view name = args[0];
  if (EqualsIgnoreCase(name, "auth")) return true;
  if (EqualsIgnoreCase(name, "acl")) {
    return i >= 3 && EqualsIgnoreCase(args[1], "setuser");
  }
  if (EqualsIgnoreCase(name, "config")) {
    // CONFIG SET name value [name value ...]
    return args.size() > 1 && EqualsIgnoreCase(args[1], "set") && i >= 3 && i % 2 == 1 &&
           EqualsIgnoreCase(args[i - 1], "requirepass");
  }
  if (EqualsIgnoreCase(name, "migrate")) return IsMigrateSecret(args, i);
  if (EqualsIgnoreCase(name, "hello")) {
    // HELLO protover [AUTH user pass] [SETNAME name], parsed as Redis's helloCommand does.
    for (size_t j = 2; j < args.size(); ++j) {
      const size_t more = args.size() - j - 1;
      if (EqualsIgnoreCase(args[j], "auth") && more >= 2) {
        if (i == j + 1 || i == j + 2) return true;
        j += 2;
      } else if (EqualsIgnoreCase(args[j], "setname") && more >= 1) {
        j += 1;
      } else {
        break;
      }
    }
  }
  return false;
}

}  // namespace kvd
