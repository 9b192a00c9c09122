#pragma once
// Decodes one complete RESP2/RESP3 reply into a tree, for tests that check the shape of
// large replies (COMMAND DOCS, INFO) rather than their exact bytes.
#include <doctest/doctest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kvd::testing {

struct RespValue {
  char type = 0;    // the RESP type byte: '+', '-', ':', '$', '*', '%', '~', '_', '=' ...
  std::string str;  // simple/bulk/verbatim/error text (verbatim without "txt:")
  int64_t integer = 0;
  bool null = false;             // $-1, *-1, _
  std::vector<RespValue> elems;  // array/set elements; map keys and values alternate

  // A map (RESP3) or a flat key/value array (RESP2) as key -> value.
  std::map<std::string, RespValue> AsMap() const {
    std::map<std::string, RespValue> m;
    for (size_t i = 0; i + 1 < elems.size(); i += 2) m[elems[i].str] = elems[i + 1];
    return m;
  }
};

class RespReader {
 public:
  explicit RespReader(std::string_view in) : in_(in) {}

  // The reply, or nullopt when the input is not exactly one well-formed reply.
  static std::optional<RespValue> ParseOne(std::string_view in) {
    RespReader r(in);
    std::optional<RespValue> v = r.Value();
    if (!v || r.pos_ != in.size()) return std::nullopt;
    return v;
  }

 private:
  std::optional<std::string_view> Line() {
    size_t end = in_.find("\r\n", pos_);
    if (end == std::string_view::npos) return std::nullopt;
    std::string_view line = in_.substr(pos_, end - pos_);
    pos_ = end + 2;
    return line;
  }

  std::optional<RespValue> Value() {
    if (pos_ >= in_.size()) return std::nullopt;
    RespValue v;
    v.type = in_[pos_++];
    std::optional<std::string_view> line = Line();
    if (!line) return std::nullopt;
    switch (v.type) {
      case '+':
      case '-':
      case ',':
      case '(':
      case '#':
        v.str = *line;
        return v;
      case '_':
        v.null = true;
        return v;
      case ':':
        v.integer = std::stoll(std::string(*line));
        return v;
      case '$':
      case '=': {
        int64_t n = std::stoll(std::string(*line));
        if (n < 0) {
          v.null = true;
          return v;
        }
        if (pos_ + n + 2 > in_.size() || in_.substr(pos_ + n, 2) != "\r\n") return std::nullopt;
        v.str = in_.substr(pos_, n);
        pos_ += n + 2;
        if (v.type == '=') {
          if (v.str.size() < 4 || v.str[3] != ':') return std::nullopt;
          v.str.erase(0, 4);
        }
        return v;
      }
      case '*':
      case '~':
      case '%':
      case '>': {
        int64_t n = std::stoll(std::string(*line));
        if (n < 0) {
          v.null = true;
          return v;
        }
        if (v.type == '%') n *= 2;
        for (int64_t i = 0; i < n; ++i) {
          std::optional<RespValue> e = Value();
          if (!e) return std::nullopt;
          v.elems.push_back(std::move(*e));
        }
        return v;
      }
      default:
        return std::nullopt;
    }
  }

  std::string_view in_;
  size_t pos_ = 0;
};

// INFO's "field:value" lines as a map (section headers and blank lines skipped).
inline std::map<std::string, std::string> InfoFields(std::string_view text) {
  std::map<std::string, std::string> fields;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find("\r\n", pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 2;
    if (line.empty() || line[0] == '#') continue;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    fields[std::string(line.substr(0, colon))] = std::string(line.substr(colon + 1));
  }
  return fields;
}

// The one reply in `reply`, parsed; fails the running test when it is malformed.
inline RespValue ParseReply(const std::string& reply) {
  auto v = RespReader::ParseOne(reply);
  REQUIRE_MESSAGE(v.has_value(), "malformed reply");
  return *v;
}

}  // namespace kvd::testing
