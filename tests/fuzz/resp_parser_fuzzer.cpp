// libFuzzer target: the RESP request parser (multibulk and inline) on arbitrary bytes.
//
// The first input byte picks the limits (small or default, authenticated or not) and how the
// rest is cut into reads. The bytes are parsed twice, as a connection does it: in one read,
// and in reads of 1-8 bytes through a buffer that moves on every read (so a parser holding
// pointers into an old buffer reads freed memory under ASan). Checked: nothing crashes, a
// result never claims more bytes than it was given, arguments lie inside the input (or the
// parser's own storage), and both ways give the same commands up to the first error (an error
// may come at a different point: Redis's size checks also depend on what has arrived).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "protocol/resp_parser.h"

namespace kvd {
namespace {

using Command = std::vector<std::string>;

struct Outcome {
  std::vector<Command> commands;
  bool failed = false;
  size_t buffered = 0;  // bytes left unparsed at the end (no error)
};

bool Inside(std::string_view part, std::string_view whole) {
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

Outcome Parse(std::string_view wire, size_t piece, const RespLimits& limits) {
  Outcome out;
  RespParser parser(limits);
  std::string buf;
  std::vector<std::string_view> args;
  for (size_t at = 0; at < wire.size() && !out.failed;) {
    const size_t n = piece == 0 ? wire.size() : std::min(piece, wire.size() - at);
    std::string moved;
    moved.reserve(buf.size() + n + 1);
    moved.append(buf).append(wire.substr(at, n));
    buf.swap(moved);  // the old buffer is freed here
    at += n;
    size_t pos = 0;
    for (;;) {
      const std::string_view in = std::string_view(buf).substr(pos);
      const ParseResult r = parser.Parse(in, args);
      FUZZ_CHECK(r.consumed <= in.size());
      if (r.status == ParseStatus::kNeedMore) {
        FUZZ_CHECK(r.consumed == 0);
        if (const size_t wanted = parser.BytesWanted(); wanted > 0) {
          FUZZ_CHECK(wanted > in.size());
          FUZZ_CHECK(wanted - in.size() <= static_cast<uint64_t>(limits.max_bulk_len) + 2);
        }
        break;
      }
      if (r.status == ParseStatus::kError) {
        FUZZ_CHECK(!r.error.empty());
        FUZZ_CHECK(r.error.starts_with("ERR Protocol error: "));
        out.failed = true;
        break;
      }
      FUZZ_CHECK(r.consumed > 0);
      Command command;
      for (std::string_view a : args) {
        // Multibulk arguments and plain inline words view the consumed bytes; unquoted
        // inline words live in the parser.
        if (Inside(a, in)) FUZZ_CHECK(Inside(a, in.substr(0, r.consumed)));
        command.emplace_back(a);
      }
      if (in[0] == '*') FUZZ_CHECK(command.size() <= static_cast<size_t>(limits.max_multibulk_len));
      if (!command.empty()) out.commands.push_back(std::move(command));
      parser.ReleaseInlineStorage();
      pos += r.consumed;
    }
    buf.erase(0, pos);
  }
  out.buffered = buf.size();
  return out;
}

}  // namespace
}  // namespace kvd

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using kvd::Outcome;
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  const std::string_view wire(reinterpret_cast<const char*>(data + 1), size - 1);
  kvd::RespLimits limits;
  if (mode & 1) {
    limits.max_bulk_len = 64;
    limits.max_multibulk_len = 16;
    limits.max_inline_len = 128;
  }
  limits.auth_required = (mode & 2) != 0;
  const size_t piece = 1 + ((mode >> 2) & 7);

  const Outcome whole = kvd::Parse(wire, 0, limits);
  const Outcome pieces = kvd::Parse(wire, piece, limits);
  const size_t common = std::min(whole.commands.size(), pieces.commands.size());
  for (size_t i = 0; i < common; ++i) FUZZ_CHECK(whole.commands[i] == pieces.commands[i]);
  if (!whole.failed && !pieces.failed) {
    FUZZ_CHECK(whole.commands.size() == pieces.commands.size());
    FUZZ_CHECK(whole.buffered == pieces.buffered);
  }
  return 0;
}
