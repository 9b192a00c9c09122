// Inline command splitting with the rules of Redis's sdssplitargs().
#include <string>

#include "protocol/resp_parser.h"

namespace kvd {
namespace {

// isspace() in the C locale: separates arguments.
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// Ends an unquoted argument. Narrower than IsSpace: "a\vb" is one argument in Redis.
bool EndsToken(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

char Unescape(char c) {
  switch (c) {
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case 'b':
      return '\b';
    case 'a':
      return '\a';
    default:
      return c;
  }
}

// Reads one argument that contains quotes, starting at `p` (on its first byte), into `out`.
// Returns false on unbalanced quotes or a closing quote not followed by a space or the end.
bool ReadQuotedToken(std::string_view line, size_t& p, std::string& out) {
  const size_t n = line.size();
  // Reading past the end yields '\0', as the C string Redis walks would.
  auto at = [&](size_t i) { return i < n ? line[i] : '\0'; };
  bool in_double = false;
  bool in_single = false;
  for (bool done = false; !done;) {
    const char c = at(p);
    if (in_double) {
      if (c == '\\' && at(p + 1) == 'x' && IsHexDigit(at(p + 2)) && IsHexDigit(at(p + 3))) {
        out += static_cast<char>(HexValue(at(p + 2)) * 16 + HexValue(at(p + 3)));
        p += 3;
      } else if (c == '\\' && at(p + 1) != '\0') {
        out += Unescape(line[++p]);
      } else if (c == '"') {
        if (at(p + 1) != '\0' && !IsSpace(at(p + 1))) return false;
        done = true;
      } else if (c == '\0') {
        return false;
      } else {
        out += c;
      }
    } else if (in_single) {
      if (c == '\\' && at(p + 1) == '\'') {
        ++p;
        out += '\'';
      } else if (c == '\'') {
        if (at(p + 1) != '\0' && !IsSpace(at(p + 1))) return false;
        done = true;
      } else if (c == '\0') {
        return false;
      } else {
        out += c;
      }
    } else if (c == '\0' || EndsToken(c)) {
      done = true;
    } else if (c == '"') {
      in_double = true;
    } else if (c == '\'') {
      in_single = true;
    } else {
      out += c;
    }
    if (p < n) ++p;
  }
  return true;
}

}  // namespace

bool SplitInlineArgs(std::string_view line, std::vector<std::string_view>& args,
                     ArgStorage& storage) {
  args.clear();
  // sdssplitargs() reads a C string: a NUL byte ends the line.
  line = line.substr(0, line.find('\0'));
  size_t p = 0;
  size_t stored = 0;
  while (true) {
    while (p < line.size() && IsSpace(line[p])) ++p;
    if (p == line.size()) return true;
    // Most arguments have no quotes: they are views into the line.
    const size_t start = p;
    while (p < line.size() && !EndsToken(line[p]) && line[p] != '"' && line[p] != '\'') ++p;
    if (p == line.size() || EndsToken(line[p])) {
      args.push_back(line.substr(start, p - start));
      continue;
    }
    std::string& token = storage.emplace_front(line.substr(start, p - start));
    ++stored;
    if (!ReadQuotedToken(line, p, token)) {
      args.clear();
      for (; stored > 0; --stored) storage.pop_front();
      return false;
    }
    args.push_back(token);
  }
}

}  // namespace kvd
