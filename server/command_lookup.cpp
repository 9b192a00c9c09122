#include "server/command_lookup.h"

namespace kvd {

const CommandSpec* LookupCommand(const CommandTable& table,
                                 std::span<const std::string_view> argv) {
  const CommandSpec* spec = table.Find(argv[0]);
  if (spec == nullptr || spec->subcommands.empty() || argv.size() < 2) return spec;
  return FindSubcommand(*spec, argv[1]);
}

bool ArityOk(const CommandSpec& spec, size_t argc) {
  const int n = static_cast<int>(argc);
  return spec.arity >= 0 ? n == spec.arity : n >= -spec.arity;
}

}  // namespace kvd
