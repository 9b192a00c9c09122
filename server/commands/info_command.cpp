// INFO [section ...]: section selection and the reply. The sections are in info_sections.cpp.
#include <cinttypes>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.h"
#include "server/client_state.h"
#include "server/command.h"
#include "server/commands/info_sections.h"
#include "server/memory_figures.h"
#include "server/server_state.h"

namespace kvd {

std::string BytesToHuman(uint64_t n) {
  constexpr const char* kUnits = "KMGTP";
  if (n < 1024) return std::to_string(n) + "B";
  double d = static_cast<double>(n) / 1024;
  size_t unit = 0;
  while (d >= 1024 && unit + 1 < 5) {
    d /= 1024;
    ++unit;
  }
  if (unit == 4 && d >= 1024) return std::to_string(n) + "B";  // beyond P, as Redis
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f%c", d, kUnits[unit]);
  return buf;
}

// INFO takes any number of section names, plus "default", "all" and "everything";
// unknown names select nothing. Sections print in Redis's fixed order, whatever the
// order asked.
void CmdInfo(CommandContext& ctx) {
  std::span<const InfoSection> sections = InfoSections();
  std::vector<bool> want(sections.size(), false);
  auto select_default = [&] {
    for (size_t i = 0; i < sections.size(); ++i) want[i] = want[i] || sections[i].in_default;
  };
  if (ctx.args.size() == 1) select_default();
  for (size_t a = 1; a < ctx.args.size(); ++a) {
    std::string arg = ToLower(ctx.args[a]);
    if (arg == "default") {
      select_default();
    } else if (arg == "all" || arg == "everything") {
      want.assign(sections.size(), true);
    } else {
      for (size_t i = 0; i < sections.size(); ++i) {
        if (sections[i].name == arg) want[i] = true;
      }
    }
  }
  std::string text;
  bool first = true;
  for (size_t i = 0; i < sections.size(); ++i) {
    if (!want[i]) continue;
    if (!first) text += "\r\n";
    first = false;
    text.append("# ").append(sections[i].header).append("\r\n");
    sections[i].append(ctx, text);
  }
  ctx.reply.Verbatim("txt", text);
}

}  // namespace kvd
