#pragma once
// Drives a RespParser the way a connection does: each read is appended to a buffer that
// moves on every read (so a parser holding pointers would read freed memory under ASan),
// every complete command is taken, and the consumed bytes are dropped.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "protocol/resp_parser.h"

namespace kvd::test {

using Cmd = std::vector<std::string>;
using Cmds = std::vector<Cmd>;

class ParseDriver {
 public:
  explicit ParseDriver(RespLimits limits = {}) : parser_(limits) {}

  void Feed(std::string_view piece) {
    if (!error_.empty()) return;
    std::string moved;
    moved.reserve(buf_.size() + piece.size() + 1);
    moved.append(buf_).append(piece);
    buf_.swap(moved);  // the old buffer is freed here
    size_t pos = 0;
    while (true) {
      const std::string_view in = std::string_view(buf_).substr(pos);
      const ParseResult r = parser_.Parse(in, args_);
      REQUIRE(r.consumed <= in.size());
      if (r.status == ParseStatus::kNeedMore) {
        REQUIRE(r.consumed == 0);
        break;
      }
      if (r.status == ParseStatus::kError) {
        REQUIRE(!r.error.empty());
        error_ = std::string(r.error);
        break;
      }
      REQUIRE(r.consumed > 0);
      if (!args_.empty()) cmds_.emplace_back(args_.begin(), args_.end());
      ++completed_;
      parser_.ReleaseInlineStorage();
      pos += r.consumed;
    }
    buf_.erase(0, pos);
  }

  const Cmds& cmds() const { return cmds_; }
  const std::string& error() const { return error_; }
  size_t completed() const { return completed_; }  // including empty commands
  size_t buffered() const { return buf_.size(); }
  RespParser& parser() { return parser_; }

 private:
  RespParser parser_;
  std::string buf_;
  std::vector<std::string_view> args_;
  Cmds cmds_;
  std::string error_;
  size_t completed_ = 0;
};

struct Outcome {
  Cmds cmds;
  std::string error;
  size_t buffered = 0;
  bool operator==(const Outcome&) const = default;
};

inline Outcome FeedAll(const std::vector<std::string_view>& pieces, RespLimits limits = {}) {
  ParseDriver d(limits);
  for (std::string_view p : pieces) d.Feed(p);
  return {d.cmds(), d.error(), d.buffered()};
}

inline Outcome FeedWhole(std::string_view wire, RespLimits limits = {}) {
  return FeedAll({wire}, limits);
}

inline Outcome FeedInTwo(std::string_view wire, size_t split, RespLimits limits = {}) {
  return FeedAll({wire.substr(0, split), wire.substr(split)}, limits);
}

inline Outcome FeedByteByByte(std::string_view wire, RespLimits limits = {}) {
  ParseDriver d(limits);
  for (char c : wire) d.Feed(std::string_view(&c, 1));
  return {d.cmds(), d.error(), d.buffered()};
}

inline std::string ToString(const Cmds& cmds) {
  std::string s;
  for (const Cmd& c : cmds) {
    s += '[';
    for (const std::string& a : c) s += "'" + a + "' ";
    s += "] ";
  }
  return s;
}

}  // namespace kvd::test
