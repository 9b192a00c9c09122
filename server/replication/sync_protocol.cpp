#include "server/replication/sync_protocol.h"

#include <algorithm>

#include "core/numeric.h"
#include "server/config_params.h"

namespace kvd {

PsyncReply ParsePsyncReply(std::string_view line) {
  PsyncReply r;
  if (line.empty()) {
    r.kind = PsyncReply::Kind::kKeepalive;
    return r;
  }
  const std::vector<std::string_view> words = SplitWords(line);
  if (line.starts_with("+FULLRESYNC")) {
    r.kind = PsyncReply::Kind::kFullResync;
    // A malformed reply still means a full sync; the identity stays unknown, as Redis does.
    if (words.size() >= 3 && words[1].size() == 40) {
      r.replid = std::string(words[1]);
      r.offset = ParseInt64(words[2]).value_or(-1);
    }
    return r;
  }
  if (line.starts_with("+CONTINUE")) {
    r.kind = PsyncReply::Kind::kContinue;
    if (words.size() >= 2 && words[1].size() == 40) r.replid = std::string(words[1]);
    return r;
  }
  if (line.starts_with("-NOMASTERLINK") || line.starts_with("-LOADING")) {
    r.kind = PsyncReply::Kind::kTryLater;
  }
  return r;
}

PayloadHeader ParsePayloadHeader(std::string_view line) {
  PayloadHeader h;
  if (line.empty()) {
    h.kind = PayloadHeader::Kind::kKeepalive;
    return h;
  }
  if (line[0] == '-') {
    h.kind = PayloadHeader::Kind::kError;
    return h;
  }
  if (line[0] != '$') return h;
  line.remove_prefix(1);
  if (line.starts_with("EOF:")) {
    line.remove_prefix(4);
    if (line.size() != kEofMarkLength) return h;
    h.kind = PayloadHeader::Kind::kEofMarked;
    h.mark = std::string(line);
    return h;
  }
  const std::optional<int64_t> size = ParseInt64(line);
  if (!size || *size < 0) return h;
  h.kind = PayloadHeader::Kind::kSized;
  h.size = *size;
  return h;
}

PayloadReader::PayloadReader(const PayloadHeader& header, Write write)
    : write_(std::move(write)),
      eof_marked_(header.kind == PayloadHeader::Kind::kEofMarked),
      remaining_(header.size),
      mark_(header.mark) {
  done_ = !eof_marked_ && remaining_ == 0;
}

bool PayloadReader::Pass(std::string_view bytes) {
  if (bytes.empty()) return true;
  received_ += static_cast<int64_t>(bytes.size());
  if (write_(bytes)) return true;
  failed_ = true;
  return false;
}

size_t PayloadReader::Feed(std::string_view in) {
  if (done_ || failed_) return 0;
  if (!eof_marked_) {
    const size_t n = static_cast<size_t>(std::min<int64_t>(remaining_, in.size()));
    if (!Pass(in.substr(0, n))) return n;
    remaining_ -= static_cast<int64_t>(n);
    done_ = remaining_ == 0;
    return n;
  }
  // The mark may straddle reads: look for it in what was held back plus the new bytes.
  const size_t held_before = held_.size();
  held_.append(in);
  const size_t at = held_.find(mark_);
  if (at != std::string::npos) {
    done_ = true;
    if (!Pass(std::string_view(held_).substr(0, at))) return in.size();
    const size_t consumed = at + mark_.size() - held_before;
    held_.clear();
    return consumed;
  }
  // Everything but the last mark-length-minus-one bytes is payload for sure.
  const size_t keep = std::min(held_.size(), mark_.size() - 1);
  const size_t pass = held_.size() - keep;
  if (!Pass(std::string_view(held_).substr(0, pass))) return in.size();
  held_.erase(0, pass);
  return in.size();
}

}  // namespace kvd
