#pragma once
// INFO (server/commands/info_command.cpp, info_sections.cpp): Redis's sections and field
// names, so client libraries and exporters read kvd as they read Redis.
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "server/command.h"

namespace kvd {

struct InfoSection {
  std::string_view name;    // as INFO takes it: "server", "commandstats"...
  std::string_view header;  // as it prints: "Server", "CPU"...
  bool in_default;          // part of plain INFO / INFO default
  void (*append)(CommandContext& ctx, std::string& out);  // appends "field:value\r\n" lines
};

// Every section, in the order Redis prints them.
std::span<const InfoSection> InfoSections();

// Redis's bytesToHuman: "1023B", "1.00K", "2.50M"...
std::string BytesToHuman(uint64_t n);

void CmdInfo(CommandContext& ctx);

}  // namespace kvd
