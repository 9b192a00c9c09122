#pragma once
// Incremental RESP2 request parser: multibulk (`*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`) and inline
// (`GET k\r\n`, with Redis's quoting rules) commands.
//
// State persists between calls as offsets, never pointers: the caller may move or grow its
// read buffer between calls, as long as the next call's `in` starts at the same first
// unconsumed byte. A frame split across any number of reads costs O(frame) in total.
//
// On kComplete, `args` holds views into `in` (multibulk) or into parser-owned storage
// (inline arguments that needed unquoting). They stay valid until the caller drops the
// consumed bytes from its buffer, or calls ReleaseInlineStorage() respectively.
#include <cstddef>
#include <cstdint>
#include <forward_list>
#include <string>
#include <string_view>
#include <vector>

namespace kvd {

struct RespLimits {
  int64_t max_bulk_len = 512LL * 1024 * 1024;  // proto-max-bulk-len
  int64_t max_multibulk_len = 1024 * 1024;     // elements per request
  size_t max_inline_len = 64 * 1024;           // inline request line, or a header line
  // Set while the client still has to AUTH (requirepass): Redis then refuses more than 10
  // elements or bulks over 16384 bytes ("unauthenticated multibulk/bulk length").
  bool auth_required = false;
};

enum class ParseStatus { kComplete, kNeedMore, kError };

struct ParseResult {
  ParseStatus status = ParseStatus::kNeedMore;
  size_t consumed = 0;          // bytes of `in` the frame took (kComplete)
  std::string_view error = {};  // Redis's reply text without the leading '-' (kError),
                                // e.g. "ERR Protocol error: invalid bulk length"
};

// Arguments that are not views into the input (an inline command's quoted ones). A
// forward_list never moves its strings, so views into them stay valid as more are added,
// and allocates nothing while empty, as every connection's parser is until an inline
// command with quotes arrives.
using ArgStorage = std::forward_list<std::string>;

class RespParser {
 public:
  explicit RespParser(RespLimits limits = {});

  // Parses at most one command from `in`. An empty inline line or `*0`/`*-1` is consumed
  // and yields kComplete with empty args (the caller skips it, as Redis does).
  // On kError the parser is reset; `error` stays valid until the next call.
  ParseResult Parse(std::string_view in, std::vector<std::string_view>& args);

  // How many bytes of `in` the current partial frame needs in total, when known (a bulk
  // whose header has been read); 0 when unknown. Lets the caller size its read buffer for
  // big arguments in one allocation.
  size_t BytesWanted() const;

  // Frees the storage behind unquoted inline arguments of completed commands.
  void ReleaseInlineStorage() { inline_storage_.clear(); }

  void set_limits(const RespLimits& limits) { limits_ = limits; }
  const RespLimits& limits() const { return limits_; }

  // Forgets any partial frame (e.g. when the caller discards its input buffer).
  void Reset();

 private:
  ParseResult ParseMultibulk(std::string_view in, std::vector<std::string_view>& args);
  ParseResult ParseInline(std::string_view in, std::vector<std::string_view>& args);
  ParseResult Fail(std::string_view error);
  size_t FindDelimiter(std::string_view in, size_t from, char delim);

  RespLimits limits_;
  // Progress through a partial multibulk frame, as offsets into `in`.
  int64_t multibulk_len_ = 0;   // elements announced; 0 = not inside a multibulk frame
  int64_t bulk_len_ = -1;       // length of the bulk being read, -1 = header not read
  size_t pos_ = 0;              // offset of the next unread byte of the frame
  size_t scan_ = 0;             // where the search for the current line's end resumes
  std::vector<std::pair<size_t, size_t>> arg_spans_;  // (offset, length) of read elements
  ArgStorage inline_storage_;
  std::string error_;           // formatted error text ("expected '$', got 'x'")
};

// Splits an inline line into arguments with Redis's sdssplitargs rules ("..." with \n \t
// \xHH escapes, '...' with \' only; a closing quote must be followed by a space or the end).
// Returns false on unbalanced quotes. Arguments that needed no unquoting are views into
// `line`; others are stored in `storage`.
bool SplitInlineArgs(std::string_view line, std::vector<std::string_view>& args,
                     ArgStorage& storage);

}  // namespace kvd
