#include "core/text.h"

#include <cctype>
#include <utility>

namespace kvd {
namespace {

// ASCII only, as strcasecmp/tolower in the C locale. Works on the int value of a (signed)
// char so that bytes >= 0x80 pass through unchanged, as Redis's tolower() leaves them.
constexpr int LowerAscii(int c) { return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c; }

// Redis reads one byte past a pattern's end (sds strings end in '\0'); a view has no
// terminator, so reads past the end yield '\0' here.
class Pattern {
 public:
  explicit Pattern(std::string_view p) : p_(p) {}
  // Signed like C's `char`: bracket ranges compare signed values, as Redis does.
  int At(size_t i) const { return i < p_.size() ? static_cast<signed char>(p_[i]) : 0; }
  size_t size() const { return p_.size(); }

 private:
  std::string_view p_;
};

// Recursion below nests once per '*'; Redis refuses deeper patterns to bound the stack.
constexpr int kMaxNesting = 1000;

// A line-by-line port of Redis's stringmatchlen_impl (util.c). `skip_longer` is Redis 7's
// guard against exponential backtracking: once the rest of the pattern after a '*' fails
// at every position of the remaining string, no earlier '*' can help by matching more.
bool MatchImpl(const Pattern& pat, size_t p, std::string_view str, size_t s, bool nocase,
               bool* skip_longer, int nesting) {
  if (nesting > kMaxNesting) return false;
  auto plen = [&] { return pat.size() - p; };
  auto slen = [&] { return str.size() - s; };
  auto sc = [&] { return static_cast<int>(static_cast<signed char>(str[s])); };

  while (plen() != 0 && slen() != 0) {
    switch (pat.At(p)) {
      case '*': {
        while (plen() != 0 && pat.At(p + 1) == '*') ++p;
        if (plen() == 1) return true;
        while (slen() != 0) {
          if (MatchImpl(pat, p + 1, str, s, nocase, skip_longer, nesting + 1)) return true;
          if (*skip_longer) return false;
          ++s;
        }
        *skip_longer = true;
        return false;
      }
      case '?':
        ++s;
        break;
      case '[': {
        ++p;
        const bool negate = pat.At(p) == '^';
        if (negate) ++p;
        bool match = false;
        while (true) {
          if (pat.At(p) == '\\' && plen() >= 2) {
            ++p;
            if (pat.At(p) == sc()) match = true;
          } else if (pat.At(p) == ']') {
            break;
          } else if (plen() == 0) {
            --p;  // an unterminated class: the outer step below consumes the last byte
            break;
          } else if (plen() >= 3 && pat.At(p + 1) == '-') {
            int start = pat.At(p);
            int end = pat.At(p + 2);
            int c = sc();
            if (start > end) std::swap(start, end);
            if (nocase) {
              start = LowerAscii(start);
              end = LowerAscii(end);
              c = LowerAscii(c);
            }
            p += 2;
            if (c >= start && c <= end) match = true;
          } else if (nocase ? LowerAscii(pat.At(p)) == LowerAscii(sc()) : pat.At(p) == sc()) {
            match = true;
          }
          ++p;
        }
        if (negate) match = !match;
        if (!match) return false;
        ++s;
        break;
      }
      case '\\':
        if (plen() >= 2) ++p;
        [[fallthrough]];
      default:
        if (nocase ? LowerAscii(pat.At(p)) != LowerAscii(sc()) : pat.At(p) != sc()) {
          return false;
        }
        ++s;
        break;
    }
    ++p;
    if (slen() == 0) {
      while (pat.At(p) == '*' && plen() != 0) ++p;
      break;
    }
  }
  return plen() == 0 && slen() == 0;
}

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(static_cast<unsigned char>(a[i])) !=
        LowerAscii(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(LowerAscii(static_cast<unsigned char>(c)));
  return out;
}

bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase) {
  bool skip_longer = false;
  return MatchImpl(Pattern(pattern), 0, str, 0, nocase, &skip_longer, 0);
}

std::string PrintableKey(std::string_view s) {
  constexpr size_t kMaxShown = 64;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s.substr(0, kMaxShown)) {
    if (c == '\\' || c == '\'') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  if (s.size() > kMaxShown) out += "...";
  return out;
}

void AppendRepr(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\a': out += "\\a"; break;
      case '\b': out += "\\b"; break;
      default:
        if (std::isprint(c)) {
          out += static_cast<char>(c);
        } else {
          out += "\\x";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        }
    }
  }
  out += '"';
}

}  // namespace kvd
