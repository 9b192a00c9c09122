#pragma once
// Walks a command's optional arguments. The first error is latched: later Eat/Take calls
// do nothing, and the handler replies with error() once at the end.
#include <charconv>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/numeric.h"
#include "core/text.h"
#include "server/errors.h"

namespace kvd {

class ArgCursor {
 public:
  explicit ArgCursor(std::span<const std::string_view> args) : args_(args) {}

  bool Done() const { return pos_ >= args_.size() || error_; }
  size_t Remaining() const { return pos_ < args_.size() ? args_.size() - pos_ : 0; }
  std::string_view Peek() const { return args_[pos_]; }

  // Consumes the next argument if it equals `flag` (case-insensitive).
  bool Eat(std::string_view flag) {
    if (Done() || !EqualsIgnoreCase(args_[pos_], flag)) return false;
    ++pos_;
    return true;
  }
  // As Eat, for flags that exclude each other ("NX" and "XX"): a second, different flag of
  // the same group is a syntax error; repeating the same flag is fine.
  bool EatInGroup(std::string_view flag, std::string_view& group) {
    if (!Eat(flag)) return false;
    if (!group.empty() && !EqualsIgnoreCase(group, flag)) Fail(kSyntaxErr);
    group = flag;
    return true;
  }
  std::string_view Take() {
    if (Done()) {
      Fail(kSyntaxErr);
      return {};
    }
    return args_[pos_++];
  }
  int64_t TakeInt(std::string_view error = kNotIntegerErr) {
    std::string_view s = Take();
    if (error_) return 0;
    auto v = ParseInt64(s);
    if (!v) Fail(error);
    return v.value_or(0);
  }
  void Fail(std::string_view error) {
    if (!error_) error_ = error;
  }
  std::optional<std::string_view> error() const { return error_; }

 private:
  std::span<const std::string_view> args_;
  size_t pos_ = 0;
  std::optional<std::string_view> error_;
};

}  // namespace kvd
