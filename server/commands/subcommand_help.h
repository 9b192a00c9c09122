#pragma once
// Redis's addReplyHelp: the HELP reply of a container command (CLIENT HELP, CONFIG HELP...),
// an array of status lines framed by the usage line and the HELP entry.
#include <initializer_list>
#include <string>
#include <string_view>

#include "protocol/reply_writer.h"

namespace kvd {

inline void ReplySubcommandHelp(ReplyWriter& reply, std::string_view command,
                                std::initializer_list<std::string_view> lines) {
  reply.ArrayHeader(lines.size() + 3);
  std::string head(command);
  head += " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:";
  reply.Simple(head);
  for (std::string_view line : lines) reply.Simple(line);
  reply.Simple("HELP");
  reply.Simple("    Prints this help.");
}

}  // namespace kvd
