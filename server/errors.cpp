#include "server/errors.h"

#include <algorithm>
#include <cctype>

namespace kvd {
namespace {

// Redis caps names and arguments quoted in error texts at 128 bytes ("%.128s").
constexpr size_t kQuoteMax = 128;

std::string_view Clip(std::string_view s, size_t max = kQuoteMax) {
  return s.substr(0, std::min(s.size(), max));
}

}  // namespace

std::string WrongArityError(std::string_view command_name) {
  std::string out = "ERR wrong number of arguments for '";
  for (char c : command_name) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  out += "' command";
  return out;
}

std::string UnknownCommandError(std::span<const std::string_view> args) {
  std::string out = "ERR unknown command '";
  if (!args.empty()) out.append(Clip(args[0]));
  out += "', with args beginning with: ";
  // As Redis: quote arguments while the list is under 128 bytes, each clipped to what is
  // left of those 128 ("'%.*s' " with precision 128 - len).
  std::string list;
  for (size_t i = 1; i < args.size() && list.size() < kQuoteMax; ++i) {
    size_t room = kQuoteMax - list.size();
    list += '\'';
    list.append(Clip(args[i], room));
    list += "' ";
  }
  out += list;
  return out;
}

std::string InvalidExpireError(std::string_view command_name) {
  std::string out = "ERR invalid expire time in '";
  out.append(command_name);
  out += "' command";
  return out;
}

std::string UnknownSubcommandError(std::string_view command, std::string_view sub) {
  std::string out = "ERR unknown subcommand '";
  out.append(Clip(sub));
  out += "'. Try ";
  for (char c : command) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  out += " HELP.";
  return out;
}

}  // namespace kvd
